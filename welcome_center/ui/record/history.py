"""The record's history from the audit log: when, who, what, which fields (read-only).

The log holds ids and field names only, never the personal data itself (see services.audit);
so the history says *that* the summary was changed, not what it said before. The field names
are an entry's own column (``AuditLine.fields``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QCheckBox

from welcome_center.domain.audit import AuditAction, action_of
from welcome_center.domain.dates import OFFICE_TZ
from welcome_center.domain.enums import RecordStatus, Vocabulary
from welcome_center.i18n import N_, _
from welcome_center.i18n.fields import RECORD_FIELDS
from welcome_center.i18n.labels import label
from welcome_center.services import cases
from welcome_center.services.audit import AuditLine
from welcome_center.ui.qt_i18n import short_date
from welcome_center.ui.record.header import status_word
from welcome_center.ui.record.tables import RowsModel, TableTab

if TYPE_CHECKING:
    from welcome_center.ui.record.host import RecordHost

# Where a record's history words an action more closely than the audit log's label does.
ACTIONS = {
    AuditAction.CREATE: N_("Recorded"),
    AuditAction.UPDATE: N_("Overview changed"),
}


class HistoryModel(RowsModel):
    def __init__(self, ops: Any, parent: Any = None) -> None:
        self.ops = ops
        super().__init__(parent)

    def columns(self) -> list[str]:
        return [_("When"), _("Who"), _("What"), _("Fields")]

    def row(self, line: AuditLine) -> tuple[str, ...]:
        at = line.at.astimezone(OFFICE_TZ)
        fields = list(
            dict.fromkeys(_(RECORD_FIELDS[n]) if n in RECORD_FIELDS else n for n in line.fields)
        )
        return (
            f"{short_date(at.date())} {at:%H:%M}",
            self._who(line.actor),
            self._what(line.action, line.detail),
            ", ".join(fields),
        )

    def _who(self, username: str) -> str:
        for user in self.ops.users():
            if user.username == username:
                return str(user.display_name or user.username)
        return username

    def _what(self, code: str, head: str) -> str:
        action = action_of(code)
        if not isinstance(action, AuditAction):
            text = action  # a code this program does not know
        else:
            text = _(ACTIONS[action]) if action in ACTIONS else label(action)
        if action is AuditAction.STATUS and head in {s.value for s in RecordStatus}:
            return f"{text}: {status_word(RecordStatus(head))}"
        if action is AuditAction.CLOSE and head:
            return f"{text}: {self.ops.label(Vocabulary.CLOSING_REASON, head)}"
        if action is AuditAction.READ_DOCUMENT:  # detail "document=7 open" or "... save"
            return _("Document saved as a copy") if head.endswith(" save") else _("Document opened")
        return text


class HistoryTab(TableTab):
    """Who did what on the record, newest first; loaded when the tab is shown."""

    def __init__(self, host: RecordHost) -> None:
        super().__init__(HistoryModel(host.ops), _("History"), _("Nothing recorded yet."))
        self.host = host
        self.views = QCheckBox(_("Include &views of the record"))
        self.views.toggled.connect(self.refresh)
        self.buttons.addWidget(self.views)
        self.finish_buttons()
        self.lines: list[AuditLine] = []

    def refresh(self) -> None:
        """Read the history again (the read is itself audited, so only when shown)."""
        found = self.host.ops.read(
            self, lambda uow, actor: cases.history(uow, actor, self.host.record_id)
        )
        self.lines = found or []
        views = self.views.isChecked()
        shown = [line for line in self.lines if views or line.action != AuditAction.READ]
        self.show_items(shown)
