"""User text shown as written: never a keyboard shortcut, never markup.

Qt reads "&" in a button's, a check box's or a menu's text as the mark of a shortcut, and a
label guesses whether its text is HTML. Whatever a user typed (names, summaries, labels of
vocabularies) goes through these helpers on its way into such a widget.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget


def for_button(text: str) -> str:
    """``text`` for a button, a menu entry or a group title: "&" shown as "&"."""
    return text.replace("&", "&&")


def label(text: str = "", parent: QWidget | None = None) -> QLabel:
    """A label that shows ``text`` as plain text, whatever it looks like."""
    widget = QLabel(parent)
    widget.setTextFormat(Qt.TextFormat.PlainText)
    widget.setText(text)
    return widget
