"""The manager's workload view on the Reports page: per counsellor the open enquiries and
cases, the overdue follow-ups and the referrals without feedback, with the totals. Counts and
staff names only, never a client's name; read again whenever the page's figures are."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHeaderView, QLabel, QVBoxLayout, QWidget

from welcome_center.domain.permissions import Permission
from welcome_center.i18n import _, format_number
from welcome_center.services import workload
from welcome_center.ui.lists import RowTableModel, fit_columns, list_table
from welcome_center.ui.ops import Ops
from welcome_center.ui.qt_i18n import short_date

TOTAL = "total"  # the key of the totals line


def shown_to(ops: Ops) -> bool:
    """Whether the page shows the workload: to a manager (DOMAIN.md: watches workload)."""
    return ops.actor.may(Permission.VIEW_WORKLOAD)


class WorkloadModel(RowTableModel):
    """A line per counsellor, the line of work without a counsellor, then the totals."""

    def __init__(self, parent: Any = None) -> None:
        headers = [_("Counsellor"), _("Open enquiries and cases"), _("Overdue follow-ups"),
                   _("Referrals without feedback")]  # fmt: skip
        super().__init__(headers, right_aligned=(1, 2, 3), parent=parent)

    def show(self, found: workload.Workload) -> None:
        rows: list[tuple[object, tuple[str, ...]]] = [
            (x.user_id, _line(_name(x), x)) for x in found.lines
        ]
        rows.append((TOTAL, _line(_("Total"), found.total)))
        self.set_rows(rows)

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.FontRole and self.key(index.row()) == TOTAL:
            font = QFont()
            font.setBold(True)
            return font
        return super().data(index, role)


def _name(x: workload.CounsellorLoad) -> str:
    if x.user_id is None:
        return _("No counsellor")
    return x.name if x.active else _("%(name)s (deactivated)") % {"name": x.name}


def _line(name: str, x: workload.CounsellorLoad) -> tuple[str, ...]:
    counts = (x.open_records, x.overdue_follow_ups, x.referrals_without_feedback)
    return (name, *(format_number(n) for n in counts))


class WorkloadPanel(QWidget):
    """The heading, what is counted, and the table."""

    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.model = WorkloadModel(self)
        self.table = list_table(self.model, _("Workload per counsellor"))
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.heading = QLabel(_("Wor&kload"))
        font = QFont(self.heading.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.heading.setFont(font)
        self.heading.setBuddy(self.table)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.heading)
        lay.addWidget(self.note)
        lay.addWidget(self.table)

    def refresh(self) -> None:
        """Count again (three grouped queries: quick even for a large office)."""
        found = self.ops.read(self, workload.workload)
        if found is None:
            return
        self.model.show(found)
        fit_columns(self.table)
        lines = self.table.verticalHeader().defaultSectionSize() * self.model.rowCount()
        head = self.table.horizontalHeader().sizeHint().height()
        self.table.setFixedHeight(lines + head + 2 * self.table.frameWidth())  # no scrolling
        self.note.setText(
            _("Open work on %(date)s, counted as on the Today page: open enquiries and cases "
              "by their counsellor; follow-ups due before today by whom they are assigned to; "
              "referrals of open records still without an answer %(days)s days after they "
              "were sent. Internal: for the office's management, not for publication.")
            % {"date": short_date(found.today), "days": format_number(found.feedback_days)}
        )  # fmt: skip

    def texts(self) -> list[tuple[str, ...]]:
        """The lines as shown (what a user reads)."""
        return list(self.model.rows)
