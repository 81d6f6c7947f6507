"""Long user text in short places: a tooltip with the whole text, and a preview under a list
that shows the selected line's text in full.

A table cell or a list line shows the start of a note; the rest is one step away, by mouse
(the tooltip) and by keyboard (the preview follows the cursor; it is the next stop of Tab).
"""

from __future__ import annotations

import html
import textwrap

from PySide6.QtWidgets import QPlainTextEdit, QWidget

MAX_TIP = 1_500  # characters of a tooltip; the preview has no limit
TIP_LINE = 90  # characters of a tooltip's line


def tooltip(text: str) -> str:
    """``text`` for a tooltip: shown as written (never read as markup), its lines kept, long
    ones wrapped at :data:`TIP_LINE` characters; a very long text is cut (the preview or the
    dialog shows all of it)."""
    text = text.strip()
    if not text:
        return ""
    if len(text) > MAX_TIP:
        text = text[: MAX_TIP - 1] + "…"
    lines = [textwrap.fill(line, TIP_LINE) if line else "" for line in text.splitlines()]
    return f"<p style='white-space:pre'>{html.escape(chr(10).join(lines), quote=False)}</p>"


def shortened(text: str, limit: int) -> str:
    """``text`` on one line (runs of white space as one space), at most ``limit`` characters."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


class Preview(QPlainTextEdit):
    """The selected line's text in full, read-only: the arrows scroll it, text can be selected
    and copied, Tab moves on."""

    LINES = 6

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setTabChangesFocus(True)
        self.setAccessibleName(name)
        self.setMinimumHeight(self.fontMetrics().lineSpacing() * self.LINES + 12)

    def show_text(self, text: str) -> None:
        if text != self.toPlainText():
            self.setPlainText(text)
