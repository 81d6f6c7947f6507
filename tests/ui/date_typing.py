"""Typing into the desk's date field as a user does: select what it holds, type over it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from welcome_center.ui.widgets.date_field import DateField


def type_date(qtbot: QtBot, field: DateField, text: str, finish: bool = False) -> None:
    """Ctrl+A in ``field`` and type ``text`` (ASCII) over it; ``finish`` presses Enter, which
    ends the typing (in a dialog Enter would also press its default button)."""
    field.setFocus()
    qtbot.keyClick(field.edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    if text:
        qtbot.keyClicks(field.edit, text)
    else:
        qtbot.keyClick(field.edit, Qt.Key.Key_Backspace)
    if finish:
        qtbot.keyClick(field.edit, Qt.Key.Key_Return)
