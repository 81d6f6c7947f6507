"""Typing in a choice box finds a label by what people say (issue 11, item 7)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from welcome_center.domain.enums import Vocabulary
from welcome_center.ui.forms import vocab_combo
from welcome_center.ui.ops import Ops


def test_the_residence_title_box_finds_16d_without_the_paragraph_sign(
    qtbot: QtBot, ops: Ops
) -> None:
    box = vocab_combo(ops, Vocabulary.RESIDENCE_TITLE)
    qtbot.addWidget(box)
    box.show()
    box.setFocus()
    qtbot.keyClicks(box, "16d")
    assert box.currentData() == "s16d"
    assert box.currentText() == "§ 16d recognition measures"
    qtbot.wait(1100)  # a pause starts a new search
    qtbot.keyClicks(box, "18 a")
    assert box.currentData() == "s18a"
    qtbot.keyClick(box, Qt.Key.Key_Down)  # arrows still step through the list
    assert box.currentIndex() == box.findData("s18a") + 1
