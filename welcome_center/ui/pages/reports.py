"""Reports: the manager's figures and exports (filled by the statistics and reports work)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from welcome_center.i18n import _
from welcome_center.ui.ops import Ops
from welcome_center.ui.pages.base import Page


class ReportsPage(Page):
    """Until the statistics are built, the page says what it will hold and where to get it now."""

    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(ops, parent)
        note = QLabel(
            _(
                "Monthly and yearly reports (PDF, Excel, CSV) will be produced here. "
                "This part of the desk is not built yet."
            )
        )
        note.setWordWrap(True)
        note.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        lay = QVBoxLayout(self)
        lay.addWidget(note)
        lay.addStretch(1)

    def title(self) -> str:
        return _("Reports")
