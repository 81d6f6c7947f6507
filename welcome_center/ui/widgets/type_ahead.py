"""A choice box whose type-ahead reads labels as people say them: "16d" finds "§ 16d …".

Qt's own type-ahead matches the start of a label to the letter, so labels that begin with a
sign ("§ 18a", "(none)") could not be reached by typing. Here the typed letters and the labels
are both compared without signs, spaces and case.
"""

from __future__ import annotations

import time

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QComboBox

RESET_S = 1.0  # a pause this long starts a new search, as in Qt's own type-ahead


def search_key(text: str) -> str:
    """``text`` without signs, spaces and case: what typing is compared with."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


class TypeAheadCombo(QComboBox):
    def __init__(self) -> None:
        super().__init__()
        self._typed = ""
        self._last = 0.0

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        plain = event.modifiers() in (
            Qt.KeyboardModifier.NoModifier,
            Qt.KeyboardModifier.ShiftModifier,
        )
        if not plain or not text or not text.isprintable() or self.isEditable():
            super().keyPressEvent(event)
            return
        now = time.monotonic()
        self._typed = (self._typed if now - self._last < RESET_S else "") + text
        self._last = now
        wanted = search_key(self._typed)
        if wanted:
            for row in range(self.count()):
                if search_key(self.itemText(row)).startswith(wanted):
                    self.setCurrentIndex(row)
                    break
        event.accept()
