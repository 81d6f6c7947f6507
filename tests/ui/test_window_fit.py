"""The main window fits the screen it opens on (issue 11, item 4)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QRect, QSettings
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from welcome_center.ui.main_window import MainWindow
from welcome_center.ui.ops import Ops


def _open(qtbot: QtBot, ops: Ops, state: QSettings) -> MainWindow:
    window = MainWindow(ops, state)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.wait(20)  # the fit after the window manager's frame is known
    return window


def _inside(window: MainWindow) -> bool:
    area = (window.screen() or QApplication.primaryScreen()).availableGeometry()
    return area.contains(window.frameGeometry())


def test_the_first_window_fits_the_screen(qtbot: QtBot, ops: Ops, tmp_path: Path) -> None:
    state = QSettings(str(tmp_path / "desk.ini"), QSettings.Format.IniFormat)
    window = _open(qtbot, ops, state)
    assert _inside(window), (window.frameGeometry(), window.screen().availableGeometry())
    assert window.statusBar().isVisible()


def test_a_window_remembered_from_a_larger_screen_is_clamped(
    qtbot: QtBot, ops: Ops, tmp_path: Path
) -> None:
    """Saved on a 2560x1440 monitor, far to the right; opened on this screen."""
    state = QSettings(str(tmp_path / "desk.ini"), QSettings.Format.IniFormat)
    big = MainWindow(ops, state)
    qtbot.addWidget(big)
    big.setGeometry(QRect(2000, 900, 2400, 1300))
    saved: QByteArray = big.saveGeometry()
    big.close()
    state.setValue(f"users/{ops.actor.name}/geometry", saved)
    window = _open(qtbot, ops, state)
    assert _inside(window), (window.frameGeometry(), window.screen().availableGeometry())
