"""Windows fit the screen they open on: a 1366x768 laptop shows the whole window, status bar
included, whatever size was remembered from a larger screen."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from shiboken6 import isValid

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


class _GrowDialogs(QObject):
    """Grows a dialog whenever its layout asks for more room than it has: a message that
    appears under a field, or a long hint, is read whole instead of clipped."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() in (QEvent.Type.LayoutRequest, QEvent.Type.Show)
            and isinstance(watched, QDialog)
            and watched.isWindow()
        ):
            QTimer.singleShot(0, lambda: isValid(watched) and grow_to_fit(watched))
        return False


def grow_to_fit(window: QWidget) -> bool:
    """Make ``window`` as large as its content needs (never smaller, never beyond the screen).
    Returns True (a value, for use in expressions)."""
    layout = window.layout()
    if layout is None or not window.isVisible():
        return True
    layout.activate()
    hint = window.sizeHint().expandedTo(window.minimumSizeHint())
    width = max(window.width(), hint.width())
    height = hint.height()
    if layout.hasHeightForWidth():
        # The hint's height is for the hint's width, which may be narrower than the window
        # (a minimum width): wrapped text is taller there. What the window needs is the height
        # for its own width.
        for_width = window.heightForWidth(width)
        height = max(for_width, window.minimumSizeHint().height()) if for_width > 0 else height
    screen = window.screen() or QApplication.primaryScreen()
    if screen is not None:
        area = screen.availableGeometry()
        width = min(width, area.width() - _FRAME_GUESS[0])
        height = min(height, area.height() - _FRAME_GUESS[1])
    if width > window.width() or height > window.height():
        window.resize(max(width, window.width()), max(height, window.height()))
        fit_to_screen(window)
    return True


def install_dialog_growth(app: QApplication) -> None:
    """Every dialog of ``app`` grows to its content (idempotent)."""
    if app.property("welcome_center_grows_dialogs"):
        return
    grower = _GrowDialogs(app)
    app.installEventFilter(grower)
    app.setProperty("welcome_center_grows_dialogs", True)
