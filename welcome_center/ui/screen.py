"""Windows fit the screen they open on: a 1366x768 laptop shows the whole window, status bar
included, whatever size was remembered from a larger screen."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QWidget

# Room for a title bar and borders before the window manager has said how large they are.
_FRAME_GUESS = (16, 40)


def fit_to_screen(window: QWidget) -> None:
    """Shrink ``window`` to the available area of its screen (frame included) and move it
    onto that area; a window that fits stays as it is."""
    screen = window.screen() or QApplication.primaryScreen()
    if screen is None:
        return
    area = screen.availableGeometry()
    frame, inner = window.frameGeometry(), window.geometry()
    extra_w = frame.width() - inner.width() if window.isVisible() else _FRAME_GUESS[0]
    extra_h = frame.height() - inner.height() if window.isVisible() else _FRAME_GUESS[1]
    width = min(inner.width(), area.width() - extra_w)
    height = min(inner.height(), area.height() - extra_h)
    if (width, height) != (inner.width(), inner.height()):
        window.resize(max(width, 200), max(height, 200))
    total_w, total_h = window.width() + extra_w, window.height() + extra_h
    x = min(max(frame.x(), area.x()), area.x() + area.width() - total_w)
    y = min(max(frame.y(), area.y()), area.y() + area.height() - total_h)
    if (x, y) != (frame.x(), frame.y()):
        window.move(max(x, area.x()), max(y, area.y()))
