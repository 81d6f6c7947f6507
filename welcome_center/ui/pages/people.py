"""People & organisations: find a client by name, see their details and their records.

The search runs in SQL as the user types (debounced); a client's details are read only when
the client is selected, because each such read is audited.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QTimer
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSplitter,
    QWidget,
)

from welcome_center.domain.drafts import ClientChoice
from welcome_center.domain.enums import ClientKind, Vocabulary
from welcome_center.domain.permissions import Permission, allowed
from welcome_center.domain.views import ClientFacts, ClientHit, ClientRef, PersonView, RecordSummary
from welcome_center.i18n import _, format_number, ngettext
from welcome_center.i18n.labels import client_name, label
from welcome_center.services import cases, people
from welcome_center.services.context import Changes
from welcome_center.services.privacy import access
from welcome_center.ui.client_facts import nationality_text
from welcome_center.ui.dialogs.merge import merge_with
from welcome_center.ui.dialogs.organisation_editor import (
    OrganisationEditor,
    organisation_lines,
)
from welcome_center.ui.dialogs.person_editor import PersonEditor
from welcome_center.ui.funder_facts import born_text, nationalities_text, person_fact_lines
from welcome_center.ui.layout import (
    DetailsView,
    KeyTableView,
    buddy_label,
    buttons_row,
    column,
    side_by_side,
    text_label,
)
from welcome_center.ui.lists import RowTableModel, down_into
from welcome_center.ui.ops import Ops
from welcome_center.ui.pages.base import Page
from welcome_center.ui.qt_i18n import short_date

SEARCH_DELAY_MS = 250
SEARCH_LIMIT = 200


# -- what the page shows ----------------------------------------------------------------------


def person_lines(ops: Ops, p: PersonView) -> list[tuple[str, str]]:
    return [
        (_("Name:"), p.display_name),
        (_("Born:"), born_text(p)),
        (_("Nationality:"), nationalities_text(p)),
        (_("Municipality:"), ops.label(Vocabulary.MUNICIPALITY, p.municipality)),
        *person_fact_lines(p),
        (_("E-mail:"), p.email),
        (_("Phone:"), p.phone),
        (_("Languages:"), p.languages),
        (_("Notes:"), p.notes),
    ]


# -- the page's tables ------------------------------------------------------------------------


class ClientResultsModel(RowTableModel):
    """Persons and organisations found by name, with what tells the same names apart."""

    def __init__(self, ops: Ops, parent: Any = None) -> None:
        super().__init__(
            (_("Name"), _("Kind"), _("Born"), _("Nationality"), _("Municipality"),
             _("Last contact"), _("Records")), right_aligned=(6,), parent=parent,
        )  # fmt: skip
        self.ops = ops

    def set_clients(self, found: Sequence[ClientHit | ClientRef]) -> None:
        """Show hits with their facts; a bare ref (a client just saved) with its name only."""
        self.set_rows([self._row(c) for c in found])

    def _row(self, c: ClientHit | ClientRef) -> tuple[ClientRef, tuple[str, ...]]:
        ref = c.ref if isinstance(c, ClientHit) else c
        name = (ref.display_name, label(ref.kind))
        if not isinstance(c, ClientHit):
            return ref, (*name, "", "", "", "", "")
        f: ClientFacts = c.facts
        town = self.ops.label(Vocabulary.MUNICIPALITY, f.municipality)
        return ref, (
            *name, born_text(f), nationality_text(f), town,
            short_date(f.last_contact), format_number(f.records),
        )  # fmt: skip


class ClientRecordsModel(RowTableModel):
    """The records of one client (as client or further party), newest first."""

    def __init__(self, ops: Ops, parent: Any = None) -> None:
        super().__init__(
            (_("Number"), _("Kind"), _("Status"), _("Opened"), _("Client"), _("Counsellor"),
             _("Topics")), parent=parent,
        )  # fmt: skip
        self.ops = ops

    def set_records(self, records: Sequence[RecordSummary]) -> None:
        topic = self.ops.label
        rows = [
            (r.number, label(r.kind), label(r.status), short_date(r.opened_on),
             client_name(r.client), r.counsellor or "",
             ", ".join(topic(Vocabulary.TOPIC, t) for t in r.topics))
            for r in records
        ]  # fmt: skip
        self.set_rows(list(zip([r.id for r in records], rows, strict=True)))


# -- the page ---------------------------------------------------------------------------------


class PeoplePage(Page):
    """Search persons and organisations; the selected one's details and records beside."""

    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(ops, parent)
        self.current: ClientRef | None = None
        self.export_folder = Path.home()
        self._stale = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.run_search)
        self.results = ClientResultsModel(ops, self)
        self.records = ClientRecordsModel(ops, self)
        self._build()

    def title(self) -> str:
        return _("People & organisations")

    def _build(self) -> None:
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Family name, given name or organisation"))
        self.search.setAccessibleName(_("Search people and organisations"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.search.returnPressed.connect(self._search_entered)
        self.result_table = KeyTableView(
            _("People and organisations found"), self._client_entered, self.search,
            on_double_click=self.edit_current,
        )  # fmt: skip
        self.result_table.setModel(self.results)
        down_into(self.search, self.result_table)
        self.result_table.selectionModel().currentRowChanged.connect(self._result_changed)
        self.hint = text_label()
        new_person = QPushButton(_("New &person…"))
        new_person.clicked.connect(self.new_person)
        new_org = QPushButton(_("New &organisation…"))
        new_org.clicked.connect(self.new_organisation)
        self.edit_button = QPushButton(_("&Edit…"))
        self.edit_button.clicked.connect(self.edit_current)
        self.merge_button = QPushButton(_("&Merge with…"))
        self.merge_button.setToolTip(_("The same person or organisation recorded twice: merge"))
        self.merge_button.clicked.connect(self.merge_current)
        top = QHBoxLayout()
        top.addWidget(buddy_label(_("&Search:"), self.search))
        top.addWidget(self.search, 1)
        left = column(
            top, (self.result_table, 1), self.hint,
            buttons_row(new_person, new_org, self.edit_button, self.merge_button),
        )  # fmt: skip
        side_by_side(left, self._details_side(), self)
        # The list gets the larger part: a name and what tells same names apart, unclipped.
        splitter = self.findChild(QSplitter)
        if splitter is not None:
            splitter.setSizes([2000, 1000])
        self._show_details(None)
        self._show_hint()

    def _details_side(self) -> QWidget:
        self.heading = text_label(bold=True)
        self.details = DetailsView()
        self.record_table = KeyTableView(_("Records of the client"), self.open_current_record)
        self.record_table.setModel(self.records)
        self.records_hint = text_label()
        self.access_button = QPushButton(_("Access e&xport…"))
        self.access_button.setToolTip(
            _("Everything held about this person, for an access request (Art. 15 GDPR): "
              "a PDF or JSON file, with nobody else's name in it")
        )  # fmt: skip
        self.access_button.clicked.connect(self.export_access)
        self.access_button.setVisible(allowed(self.ops.actor.roles, Permission.ACCESS_EXPORT))
        return column(
            self.heading, self.details, buttons_row(self.access_button),
            buddy_label(_("&Records:"), self.record_table), (self.record_table, 1),
            self.records_hint,
        )  # fmt: skip

    # -- search ------------------------------------------------------------------------------

    def run_search(self) -> None:
        """Find the clients whose name contains every typed word (in SQL)."""
        self._timer.stop()
        text = self.search.text().strip()
        found = (
            self.ops.read(
                self, lambda uow, actor: people.search_clients(uow, actor, text, SEARCH_LIMIT)
            )
            if text
            else []
        )
        self.results.set_clients(found or [])
        self._show_hint()
        row = self._row_of(self.current)
        if row >= 0:
            self.result_table.select_row(row)  # the same client: no new read
        elif self.current is not None and text:
            self._show_details(None)

    def _show_hint(self) -> None:
        n = self.results.rowCount()
        if not self.search.text().strip():
            text = _("Type a name to find a person or organisation, or create a new one.")
        elif n == 0:
            text = _(
                "Nobody found. Check the spelling, type less of the name, or create a new entry."
            )
        elif n >= SEARCH_LIMIT:
            text = _(
                "Showing the first %(count)s matches. Type more of the name to narrow the search."
            ) % {"count": format_number(n)}
        else:
            text = ngettext("%(count)s match", "%(count)s matches", n) % {"count": format_number(n)}
        if n:
            text += "\n" + _("Records: those of the client, not those of a further party.")
        self.hint.setText(text)

    def _search_entered(self) -> None:
        self.run_search()
        if self.results.rowCount():
            self.result_table.setFocus()
            self.result_table.select_row(0)

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    # -- the selected client -------------------------------------------------------------------

    def _row_of(self, ref: ClientRef | None) -> int:
        if ref is None:
            return -1
        for row, key in enumerate(self.results.keys):
            if (key.kind, key.id) == (ref.kind, ref.id):
                return row
        return -1

    def _is_current(self, ref: ClientRef) -> bool:
        cur = self.current
        return cur is not None and (cur.kind, cur.id) == (ref.kind, ref.id)

    def _result_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        ref = self.results.key(current.row()) if current.isValid() else None
        if ref is not None and not self._is_current(ref):
            self._show_details(ref)

    def _show_details(self, ref: ClientRef | None) -> None:
        """Read and show a client (audited), or the empty state for None."""
        self.current = ref
        self.edit_button.setEnabled(ref is not None)
        self.merge_button.setEnabled(ref is not None)
        self.access_button.setEnabled(ref is not None and ref.kind is ClientKind.PERSON)
        if ref is None:
            self.heading.setText(_("No one selected"))
            self.details.show_lines([])
            self.records.set_records([])
            self.records_hint.setText(_("Choose a person or organisation on the left."))
            return
        lines: list[tuple[str, str]] = []
        if ref.kind is ClientKind.PERSON:
            person = self.ops.read(self, lambda uow, actor: people.get_person(uow, actor, ref.id))
            if person is not None:
                lines = person_lines(self.ops, person)
                self.current = ClientRef(ref.kind, ref.id, person.display_name)
        else:
            org = self.ops.read(
                self, lambda uow, actor: people.get_organisation(uow, actor, ref.id)
            )
            if org is not None:
                lines = organisation_lines(self.ops, org)
                self.current = ClientRef(ref.kind, ref.id, org.name)
        shown = self.current
        if not lines or shown is None:  # it could not be read (the message said why)
            self._show_details(None)
            return
        self.heading.setText(f"{shown.display_name} ({label(ref.kind)})")
        self.details.show_lines(lines)
        self._load_records()

    def _load_records(self) -> None:
        ref = self.current
        if ref is None:
            return
        found = self.ops.read(
            self,
            lambda uow, actor: cases.records_of_client(uow, actor, ClientChoice(ref.kind, ref.id)),
        )
        self.records.set_records(found or [])
        self.records_hint.setText(
            _("Enter or double-click opens a record.")
            if found
            else _("No records yet. Record an enquiry for this client with Ctrl+N.")
        )

    def show_client(self, ref: ClientRef) -> None:
        """Select and show ``ref`` (a client link elsewhere was followed, or one was saved);
        its details are read again."""
        self.loaded = True
        self._show_details(ref)
        shown = self.current
        assert shown is not None
        if self._row_of(shown) < 0 and shown.display_name:
            self._timer.stop()
            self.search.blockSignals(True)
            text = " ".join(shown.display_name.replace(",", " ").split())
            self.search.setText(text)
            self.search.blockSignals(False)
            found = (
                self.ops.read(
                    self, lambda uow, actor: people.search_clients(uow, actor, text, SEARCH_LIMIT)
                )
                or []
            )
            hit = next((h for h in found if (h.kind, h.id) == (shown.kind, shown.id)), None)
            self.results.set_clients([hit or shown])
            self._show_hint()
        self.result_table.select_row(self._row_of(shown))  # the same client: no new read
        self.result_table.setFocus()

    def _client_entered(self) -> None:
        """Enter on a client: on to its records, so that Enter again opens one."""
        if self.records.rowCount():
            self.record_table.setFocus()
            self.record_table.select_row(max(self.record_table.currentIndex().row(), 0))

    def open_current_record(self) -> None:
        index = self.record_table.currentIndex()
        record_id = self.records.key(index.row()) if index.isValid() else None
        if record_id is not None:
            self.ops.open_record(record_id)

    # -- access request ----------------------------------------------------------------------

    def export_access(self) -> None:
        """Ask where to, then write everything held about the selected person (Art. 15 GDPR)
        as PDF or JSON, by the file's ending, off the UI thread."""
        ref = self.current
        if ref is None or ref.kind is not ClientKind.PERSON:
            return
        pdf, json = _("PDF document (*.pdf)"), _("JSON file (*.json)")
        suggested = self.export_folder / access.suggested_file_name(ref.display_name)
        name, chosen = QFileDialog.getSaveFileName(
            self, _("Access export"), str(suggested), f"{pdf};;{json}"
        )
        if not name:
            return
        path = Path(name)
        if path.suffix.lower() not in (".pdf", ".json"):
            path = path.with_name(f"{path.name}{'.json' if chosen == json else '.pdf'}")
        self.export_folder = path.parent
        person_id = ref.id

        def done(written: Path) -> None:
            self.ops.status.emit(_("Access export saved to %(file)s.") % {"file": str(written)})

        self.ops.background(
            self,
            _("Exporting the person's data…"),
            lambda uow, actor: access.write_access_export(uow, actor, person_id, path),
            on_done=done,
        )

    # -- new and edit --------------------------------------------------------------------------

    def new_person(self) -> None:
        self._edited(ClientKind.PERSON, PersonEditor.edit(self.ops, self))

    def new_organisation(self) -> None:
        self._edited(ClientKind.ORGANISATION, OrganisationEditor.edit(self.ops, self))

    def edit_current(self) -> None:
        ref = self.current
        if ref is None:
            return
        editor = PersonEditor if ref.kind is ClientKind.PERSON else OrganisationEditor
        self._edited(ref.kind, editor.edit(self.ops, self, ref.id))

    def merge_current(self) -> None:
        """Merge the one shown with another (dialogs/merge.py), then show the one that stays.
        Nothing is shown meanwhile: the one shown may be the one merged away."""
        ref = self.current
        if ref is None:
            return
        self.current = None
        kept = merge_with(self.ops, ref, self)
        self.show_client(ClientRef(ref.kind, kept if kept is not None else ref.id, ""))

    def _edited(self, kind: ClientKind, item_id: int | None) -> None:
        """Show the saved (or chosen existing) client."""
        if item_id is not None:
            self.show_client(ClientRef(kind, item_id, ""))

    # -- keeping up --------------------------------------------------------------------------

    def refresh(self) -> None:
        self._stale = False
        if self.search.text().strip():
            self.run_search()
        if self.current is not None:
            self._show_details(self.current)

    def activated(self) -> None:
        super().activated()
        if self._stale:
            self.refresh()

    def on_changes(self, changes: Changes) -> None:
        ref = self.current
        names = changes.persons or changes.organisations
        if not (names or (ref is not None and changes.records)):
            return
        if not self.isVisible():
            self._stale = True  # read again when the page is shown
            return
        if names and self.search.text().strip():
            self.run_search()  # a new or renamed client may match now
        ref = self.current
        if ref is None:
            return
        mine = ref.id in (
            changes.persons if ref.kind is ClientKind.PERSON else changes.organisations
        )
        if mine:
            self._show_details(ref)
        elif changes.records:
            self._load_records()
