"""Words the desk says (issue 11, item 10): the language menu and its message."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from tests.ui.conftest import MessageBoxes
from welcome_center.ui.main_window import MainWindow
from welcome_center.ui.ops import Ops


def test_the_language_menu_ticks_one_language_and_says_a_whole_sentence(
    qtbot: QtBot, ops: Ops, tmp_path: Path, message_boxes: MessageBoxes
) -> None:
    window = MainWindow(ops, QSettings(str(tmp_path / "desk.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    actions = {a.data(): a for a in window.language_group.actions()}
    assert actions["en"].isChecked() and not actions["de"].isChecked()  # the tests run in English
    actions["de"].trigger()
    assert message_boxes.texts == ["From its next start, the desk is in German."]
    assert actions["de"].isChecked() and not actions["en"].isChecked()
    again = MainWindow(ops, window.state)
    qtbot.addWidget(again)
    assert {a.data() for a in again.language_group.actions() if a.isChecked()} == {"de"}
