"""Administration, tab Audit log: who did or saw what, when; for the data protection officer.

Filters by user, person or organisation (by name, or a person's number), record number, action
and period; newest first, a page at a time (the log grows to millions of entries); the filtered
entries exported as CSV for Excel (the export is itself logged with its row count). The log
holds ids and field names, never personal data, and so does this page.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from welcome_center.domain.audit import (
    AuditAction,
    AuditEntity,
    AuditEntryView,
    AuditFilter,
)
from welcome_center.domain.enums import (
    ClientKind,
    FollowUpSource,
    RecordKind,
    RecordStatus,
    Vocabulary,
)
from welcome_center.domain.errors import PermissionDeniedError, ValidationError
from welcome_center.domain.permissions import Permission
from welcome_center.i18n import N_, _, format_number, ngettext
from welcome_center.i18n.fields import OTHER_FIELDS, RECORD_FIELDS
from welcome_center.i18n.labels import label
from welcome_center.services import audit
from welcome_center.services.context import Saved
from welcome_center.ui import forms
from welcome_center.ui.audit_check import check_chain
from welcome_center.ui.lists import RowTableModel, fit_columns, list_table
from welcome_center.ui.ops import Ops
from welcome_center.ui.widgets.client_picker import ClientPicker

SEARCH_DELAY_MS = 300
WIDEST_COLUMN = 220  # pixels: a long name or list of fields leaves room for the detail


LOGIN_FAILURES = {
    "unknown_user": N_("No user of this name"),
    "inactive": N_("User deactivated"),
    "no_password": N_("User without a password"),
    "wrong_password": N_("Wrong password"),
    "no_key_slot": N_("No key to open the encrypted database"),
    "too_soon": N_("Tried again too soon after failures"),
    "locked": N_("Locked after failed logins"),
}


def may_search_clients(ops: Ops) -> bool:
    """Whether the user may look persons up by name (an administrator without case work may
    not: the person filter then takes a person's number only)."""
    try:
        ops.actor.require(Permission.WORK_RECORDS)
    except PermissionDeniedError:
        return False
    return True


class AuditTab(QWidget):
    """The audit log, filtered, newest first; "Load more" fetches the next page."""

    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.entries: list[AuditEntryView] = []
        self.more = False  # whether the last page was full (more entries may match)
        self.stale = True  # to be (re)loaded when next shown
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        self._build()

    # -- layout ------------------------------------------------------------------------------

    def _build(self) -> None:
        self.user = QComboBox()
        self.action = forms.fill_combo(
            QComboBox(),
            sorted(((label(a), a.value) for a in AuditAction), key=lambda t: t[0].casefold()),
            empty_text=_("Any action"),
        )
        self.since = forms.date_edit(optional=True)
        self.until = forms.date_edit(optional=True)
        self.record = QLineEdit()
        self.record.setPlaceholderText(_("such as WC-2026-0042"))
        self.record.setClearButtonEnabled(True)
        # By name where the user may look persons up, else by a person's number only.
        self.client = ClientPicker(self.ops) if may_search_clients(self.ops) else None
        self.client_edit = self.client.edit if self.client is not None else QLineEdit()
        self.client_edit.setPlaceholderText(
            _("A name, or a person's number") if self.client else _("A person's number")
        )
        self._default_empty = self.client.empty_text if self.client else ""
        reset = QPushButton(_("&Reset filters"))
        reset.clicked.connect(self.reset_filters)
        named = (
            (self.user, _("User")),
            (self.action, _("Action")),
            (self.since, _("From")),
            (self.until, _("Until")),
            (self.record, _("Record number")),
            (self.client_edit, _("Person or organisation")),
        )
        for w, name in named:
            w.setAccessibleName(name)
        for combo in (self.user, self.action):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(16)
            combo.currentIndexChanged.connect(self.refresh)
        for edit in (self.since, self.until):
            edit.dateChanged.connect(self.refresh)
        self.record.textChanged.connect(lambda _t: self._timer.start())
        if self.client is not None:
            self.client.client_chosen.connect(lambda _c: self.refresh())
        self.client_edit.textEdited.connect(self._client_typed)

        grid = QGridLayout()

        def add(row: int, column: int, text: str, widget: QWidget) -> None:
            caption = QLabel(text)
            caption.setBuddy(widget)
            grid.addWidget(caption, row, column)
            grid.addWidget(widget, row, column + 1)

        add(0, 0, _("U&ser:"), self.user)
        add(0, 2, _("Ac&tion:"), self.action)
        period = QHBoxLayout()
        period.addWidget(self.since)
        until = QLabel(_("unti&l"))
        until.setBuddy(self.until)
        period.addWidget(until)
        period.addWidget(self.until)
        period.addStretch(1)
        since = QLabel(_("&From:"))
        since.setBuddy(self.since)
        grid.addWidget(since, 0, 4)
        grid.addLayout(period, 0, 5)
        add(1, 0, _("Person or or&ganisation:"), self.client or self.client_edit)
        add(1, 2, _("Re&cord number:"), self.record)
        grid.addWidget(reset, 1, 5)
        grid.setColumnStretch(1, 2)
        grid.setColumnStretch(3, 1)
        grid.setColumnStretch(5, 1)

        headers = [_("When"), _("Who"), _("Action"), _("About"), _("Fields"), _("Detail")]
        self.model = RowTableModel(headers)
        self.table = list_table(self.model, _("Audit log"))
        self.table.horizontalHeader().setSectionResizeMode(
            len(headers) - 1, QHeaderView.ResizeMode.Stretch
        )
        self.count = QLabel()
        self.count.setWordWrap(True)
        self.more_button = QPushButton(_("Load mor&e"))
        self.more_button.clicked.connect(self.load_more)
        export = QPushButton(_("E&xport…"))
        export.clicked.connect(self.export)
        self.check_button = QPushButton(_("Chec&k for changes"))
        self.check_button.setToolTip(
            _("Checks the log's hash chain: whether an entry was changed, removed or inserted.")
        )
        self.check_button.clicked.connect(lambda: check_chain(self.ops, self))
        bottom = QHBoxLayout()
        bottom.addWidget(self.count, 1)
        bottom.addWidget(self.more_button)
        bottom.addWidget(self.check_button)
        bottom.addWidget(export)

        lay = QVBoxLayout(self)
        lay.addLayout(grid)
        lay.addWidget(self.table, 1)
        lay.addLayout(bottom)
        self._fill_users()

    def _fill_users(self) -> None:
        chosen = self.user.currentData()
        users = sorted(self.ops.users(), key=lambda u: (u.display_name or u.username).casefold())
        items = [(f"{u.display_name} ({u.username})", u.id) for u in users]
        self.user.blockSignals(True)
        forms.fill_combo(self.user, items, empty_text=_("Any user"))
        forms.set_combo_value(self.user, chosen)
        self.user.blockSignals(False)

    # -- filter ------------------------------------------------------------------------------

    def _client_typed(self, text: str) -> None:
        """A number typed in the person field is a person's number: say so under the field
        (instead of "nobody of this name") and filter by it."""
        number = text.strip()
        if self.client is not None:
            self.client.empty_text = (
                _("Entries about person no. %(number)s.") % {"number": number}
                if number.isdigit()
                else self._default_empty
            )
        self._timer.start()

    def current_filter(self) -> AuditFilter:
        client = self.client.client() if self.client is not None else None
        typed = self.client_edit.text().strip()
        chosen: tuple[ClientKind, int] | None = None
        if client is not None:
            chosen = (client.kind, client.id)
        elif typed.isdigit():
            chosen = (ClientKind.PERSON, int(typed))
        action = self.action.currentData()
        return AuditFilter(
            user_id=self.user.currentData(),
            client=chosen,
            record_number=self.record.text().strip(),
            action=AuditAction(action) if action else None,
            since=self.since.date(),
            until=self.until.date(),
        )

    def reset_filters(self) -> None:
        widgets = (self.user, self.action, self.since, self.until, self.record)
        for w in widgets:
            w.blockSignals(True)
        self.user.setCurrentIndex(0)
        self.action.setCurrentIndex(0)
        self.since.set_date(None)
        self.until.set_date(None)
        self.record.clear()
        for w in widgets:
            w.blockSignals(False)
        if self.client is not None:
            self.client.blockSignals(True)
            self.client.clear()
            self.client.blockSignals(False)
        self.client_edit.clear()
        self.refresh()

    # -- loading -----------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.stale:
            self.refresh()

    def refresh(self) -> None:
        """Search again from the newest entry (only while shown; else when next shown)."""
        self._timer.stop()
        if not self.isVisible():
            self.stale = True
            return
        self.stale = False
        self._fill_users()
        self.entries, self.more = [], False
        self._load(self.current_filter())

    def load_more(self) -> None:
        if self.entries and self.more:
            last = self.entries[-1]
            self._load(replace(self.current_filter(), before=(last.at, last.id)))

    def _load(self, f: AuditFilter) -> None:
        if f.record_number:
            try:
                audit.record_number(f.record_number)
            except ValidationError as exc:  # said where the count goes, not in a message box
                self.model.set_rows([])
                self.count.setText(exc.message)
                self.more_button.setEnabled(False)
                return
        found = self.ops.read(self, lambda uow, actor: audit.search_audit(uow, actor, f))
        if found is None:
            return
        self.entries += found
        self.more = len(found) >= f.limit
        self.model.set_rows([(e.id, self._texts(e)) for e in self.entries])
        fit_columns(self.table)  # but the detail, which takes the rest of the width
        for column in range(self.model.columnCount() - 1):
            if self.table.columnWidth(column) > WIDEST_COLUMN:
                self.table.setColumnWidth(column, WIDEST_COLUMN)  # the whole text as tooltip
        self._say_count()

    def _say_count(self) -> None:
        n = len(self.entries)
        if not n:
            text = _("No entries match the filter.")
        elif self.more:
            text = ngettext(
                "The newest %(count)s entry; more match: load more or narrow the filter.",
                "The newest %(count)s entries; more match: load more or narrow the filter.",
                n,
            ) % {"count": format_number(n)}
        else:
            text = ngettext("%(count)s entry.", "%(count)s entries.", n) % {
                "count": format_number(n)
            }
        self.count.setText(text)
        self.more_button.setEnabled(self.more)

    # -- rows --------------------------------------------------------------------------------

    def _texts(self, e: AuditEntryView) -> tuple[str, ...]:
        words = RECORD_FIELDS if e.entity == AuditEntity.RECORD else OTHER_FIELDS
        names = [_(words[f]) if f in words else f for f in e.fields]
        return (
            audit.moment_text(e.at),
            self._who(e),
            audit.action_label(e.action),
            self._about(e),
            ", ".join(dict.fromkeys(names)),
            self._detail(e),
        )

    def _about(self, e: AuditEntryView) -> str:
        """What the entry is about, with its number: "Record WC-2026-0042", "Person 17",
        "User anna" (the office's one settings need no number)."""
        kind = audit.entity_label(e.entity)
        if e.record_number:
            return f"{kind} {e.record_number}"
        if e.entity_id is None or e.entity == AuditEntity.SETTINGS:
            return kind
        if e.entity == AuditEntity.USER:
            return f"{kind} {self._username(e.entity_id) or e.entity_id}"
        return f"{kind} {e.entity_id}"

    def _username(self, user_id: int) -> str:
        return next((u.username for u in self.ops.users() if u.id == user_id), "")

    def _who(self, e: AuditEntryView) -> str:
        """The user's name as the desk shows it (the export has the user name too)."""
        if e.actor.startswith(audit.FAILED_LOGIN_PREFIX):
            tried = e.actor.removeprefix(audit.FAILED_LOGIN_PREFIX)
            return _("%(name)s (not logged in)") % {"name": tried}
        name = self.ops.user_name(e.user_id) if e.user_id is not None else ""
        return name or e.actor

    def _detail(self, e: AuditEntryView) -> str:
        if e.action is AuditAction.LOGIN_FAILED and e.detail in LOGIN_FAILURES:
            return _(LOGIN_FAILURES[e.detail])
        # Codes as the History tab words them: a status, a closing reason, a follow-up's source.
        if e.action is AuditAction.STATUS and e.detail in set(RecordStatus):
            return label(RecordStatus(e.detail))
        if e.action is AuditAction.CREATE and e.detail in set(RecordKind):
            return label(RecordKind(e.detail))
        if e.action is AuditAction.CLOSE and e.detail:
            return self.ops.label(Vocabulary.CLOSING_REASON, e.detail)
        if e.action is AuditAction.ADD_FOLLOW_UP and e.detail in set(FollowUpSource):
            return label(FollowUpSource(e.detail))
        if e.entity == AuditEntity.SETTINGS and e.detail:
            # "name: old → new; ..." (services.settings) with the settings' names in words
            parts = []
            for part in e.detail.split("; "):
                name, sep, values = part.partition(": ")
                parts.append(
                    f"{_(OTHER_FIELDS[name])}{sep}{values}" if name in OTHER_FIELDS else part
                )
            return "; ".join(parts)
        return e.detail

    # -- export ------------------------------------------------------------------------------

    def export(self) -> None:
        """Save every entry matching the filter (not just the pages shown) as CSV for Excel."""
        f = self.current_filter()
        name, _chosen = QFileDialog.getSaveFileName(
            self,
            _("Export the audit log"),
            str(Path.home() / _("audit-log.csv")),
            _("CSV for Excel (*.csv)"),
        )
        if not name:
            return
        path = Path(name)
        if path.suffix.lower() != ".csv":
            path = path.with_suffix(".csv")

        def done(saved: Saved[int]) -> None:
            self.ops.status.emit(
                ngettext("%(count)s entry exported to %(file)s.",
                         "%(count)s entries exported to %(file)s.", saved.value)
                % {"count": format_number(saved.value), "file": path.name}
            )  # fmt: skip
            self.refresh()  # the export is itself an entry

        self.ops.background(
            self,
            _("Exporting the audit log…"),
            lambda uow, actor: audit.export_audit(uow, actor, f, path),
            on_done=done,
        )
