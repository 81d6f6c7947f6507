"""Events (Veranstaltungen): the office's information events, workshops, trainings and job fairs,
newest first, with a search and a year; recorded and corrected in a dialog, or imported from a
list (CSV or XLSX), checked first and written all or nothing.

Counsellors and administrators record events; a manager sees the list (the buttons are off).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from welcome_center.domain.enums import EventKind
from welcome_center.domain.permissions import Permission, allowed
from welcome_center.domain.text import fold
from welcome_center.domain.views import EventView, OrganisationView
from welcome_center.i18n import _, format_number, ngettext
from welcome_center.i18n.labels import label
from welcome_center.services import event_import, events, people
from welcome_center.services.context import Changes
from welcome_center.services.event_import import EventImportReport
from welcome_center.ui.dialogs.base import confirm
from welcome_center.ui.dialogs.event_editor import edit_event
from welcome_center.ui.layout import KeyTableView, buddy_label, buttons_row, text_label
from welcome_center.ui.lists import RowTableModel, down_into
from welcome_center.ui.ops import Ops
from welcome_center.ui.pages.base import Page
from welcome_center.ui.qt_i18n import short_date

# Columns of long texts, at most this many average characters wide (the whole text is the
# cell's tooltip), so that the partners keep room at 1366 pixels; the partners take the rest.
_WIDEST = {1: 36, 3: 28}


def _count(value: int | None) -> str:
    return "" if value is None else format_number(value)


class EventTableModel(RowTableModel):
    """The events, one a line; the key of a line is the event's id."""

    def __init__(self, parent: Any = None) -> None:
        headers = (
            _("Date"), _("Title"), _("Kind"), _("Target group"), _("Participants"),
            _("Persons"), _("Organisations"), _("Partners"),
        )  # fmt: skip
        super().__init__(headers, right_aligned=(4, 5, 6), parent=parent)
        self.events: dict[int, EventView] = {}

    def set_events(self, found: Sequence[EventView], partner_names: dict[int, str]) -> None:
        self.events = {e.id: e for e in found}
        rows = []
        for e in found:
            names = ", ".join(sorted(partner_names.get(p, "?") for p in e.partner_ids))
            rows.append(
                (e.id, (short_date(e.held_on), e.title, label(EventKind(e.kind)), e.target_group,
                        format_number(e.participants), _count(e.participants_persons),
                        _count(e.participants_organisations), names))
            )  # fmt: skip
        self.set_rows(rows)


class EventsPage(Page):
    """The events, newest first; Enter or a double-click corrects one."""

    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(ops, parent)
        self.may_edit = allowed(ops.actor.roles, Permission.MANAGE_EVENTS)
        self.found: list[EventView] = []
        self.partners: list[OrganisationView] = []
        self.model = EventTableModel(self)
        self._build()

    def title(self) -> str:
        return _("Events")

    def _build(self) -> None:
        self.search = QLineEdit()
        self.search.setAccessibleName(_("Search"))
        self.search.setPlaceholderText(_("Title, target group, kind or partner"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _t: self._show())
        self.year = QComboBox()
        self.year.setAccessibleName(_("Year"))
        self.year.addItem(_("All years"), None)
        self.year.currentIndexChanged.connect(lambda _i: self.refresh())
        top = QHBoxLayout()
        top.addWidget(buddy_label(_("&Search:"), self.search))
        top.addWidget(self.search, 1)
        top.addWidget(buddy_label(_("&Year:"), self.year))
        top.addWidget(self.year)
        self.table = KeyTableView(_("Events"), self.edit_current, search=self.search)
        self.table.setModel(self.model)  # columns as wide as their texts, then capped:
        self.model.modelReset.connect(self._cap_columns)
        down_into(self.search, self.table)
        self.summary = text_label()
        self.new_button = QPushButton(_("&New event…"))
        self.new_button.clicked.connect(self.new_event)
        self.edit_button = QPushButton(_("&Edit…"))
        self.edit_button.clicked.connect(self.edit_current)
        self.import_button = QPushButton(_("&Import list…"))
        self.import_button.clicked.connect(self.choose_import)
        self.import_button.setToolTip(
            _(
                "A CSV or XLSX file, one event a line, with the columns: %(columns)s. Partners "
                "are separated by a semicolon."
            )
            % {"columns": ", ".join(de for de, _en in event_import.COLUMNS.values())}
        )
        if not self.may_edit:
            for b in (self.new_button, self.edit_button, self.import_button):
                b.setEnabled(False)
                b.setToolTip(_("Counsellors and administrators record events."))
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.summary)
        lay.addLayout(buttons_row(self.new_button, self.edit_button, self.import_button))

    def _cap_columns(self) -> None:
        chars = self.table.fontMetrics().averageCharWidth()
        for column, most in _WIDEST.items():
            if self.table.columnWidth(column) > most * chars:
                self.table.setColumnWidth(column, most * chars)

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    # -- loading -------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the events (of the year chosen) and the partner directory again."""
        year = self.year.currentData()
        self.partners = people.list_partners(self.ops.uow, active_only=False)
        found = self.ops.read(self, lambda uow, actor: events.list_events(uow, actor, year))
        years = self.ops.read(self, lambda uow, actor: events.event_years(uow, actor)) or []
        self._years(years)
        self.found = found or []
        self._show()

    def _years(self, years: list[int]) -> None:
        """The years in the filter (keeping the one chosen, even without events now)."""
        chosen = self.year.currentData()
        wanted = sorted(set(years) | ({chosen} if chosen else set()), reverse=True)
        shown = [self.year.itemData(i) for i in range(1, self.year.count())]
        if shown == wanted:
            return
        self.year.blockSignals(True)
        while self.year.count() > 1:
            self.year.removeItem(1)
        for y in wanted:
            self.year.addItem(str(y), y)
        self.year.setCurrentIndex(max(self.year.findData(chosen), 0) if chosen else 0)
        self.year.blockSignals(False)

    def _show(self) -> None:
        keep = self.current()
        names = {p.id: p.display_name for p in self.partners}
        words = fold(self.search.text()).split()
        shown = [e for e in self.found if all(w in self._haystack(e, names) for w in words)]
        self.model.set_events(shown, names)
        people_count = sum(e.participants for e in shown)
        if shown:
            self.summary.setText(
                ngettext(
                    "%(n)s event, %(p)s participants",
                    "%(n)s events, %(p)s participants",
                    len(shown),
                )
                % {"n": format_number(len(shown)), "p": format_number(people_count)}
            )
        elif self.found:
            self.summary.setText(_("No event matches the search."))
        elif self.may_edit:
            self.summary.setText(
                _("No events yet. Record one with New event, or import a list of events.")
            )
        else:
            self.summary.setText(_("No events recorded yet."))
        row = self.model.row_of(keep) if keep is not None else -1
        self.table.select_row(row if row >= 0 else 0)
        self.edit_button.setEnabled(self.may_edit and bool(shown))

    @staticmethod
    def _haystack(e: EventView, names: dict[int, str]) -> str:
        partners = " ".join(names.get(p, "") for p in e.partner_ids)
        return fold(f"{e.title} {e.target_group} {label(EventKind(e.kind))} {partners}")

    def on_changes(self, changes: Changes) -> None:
        if changes.events or changes.organisations:
            self.refresh()

    def current(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.key(index.row()) if index.isValid() else None

    # -- new, edit, import -----------------------------------------------------------------------

    def new_event(self) -> None:
        if self.may_edit:
            saved = edit_event(self.ops, self, self.partners)
            if saved is not None:
                self.select(saved.id)

    def edit_current(self) -> None:
        key = self.current()
        if self.may_edit and key is not None:
            edit_event(self.ops, self, self.partners, self.model.events[key])

    def select(self, event_id: int) -> None:
        row = self.model.row_of(event_id)
        if row < 0 and (self.search.text() or self.year.currentData() is not None):
            self.search.clear()  # the event saved is outside the search or the year
            self.year.setCurrentIndex(0)
            row = self.model.row_of(event_id)
        self.table.select_row(row)

    def choose_import(self) -> None:
        """Choose a list, check it, and import it when the user agrees."""
        chosen, _filter = QFileDialog.getOpenFileName(
            self, _("Import a list of events"), str(Path.home()), _("Lists (*.csv *.xlsx)")
        )
        if chosen:
            self.check_import(Path(chosen))

    def check_import(self, path: Path) -> None:
        """Check ``path`` (a dry run off the UI thread); then show its problems or ask."""
        self.ops.background(
            self,
            _("Checking %(file)s…") % {"file": path.name},
            lambda uow, actor: event_import.import_events(uow, actor, path, dry_run=True),
            on_done=lambda report: self._checked(path, report),
        )

    def _checked(self, path: Path, report: EventImportReport) -> None:
        if not report.ok:
            ProblemsDialog(path.name, report, self).exec()
            return
        if not report.created:
            self.ops.status.emit(
                _("%(file)s: every event of the list is recorded already.") % {"file": path.name}
            )
            return
        question = ngettext(
            "%(file)s is in order: %(n)d event to import (%(old)d recorded already). Import it?",
            "%(file)s is in order: %(n)d events to import (%(old)d recorded already). Import them?",
            report.created,
        ) % {"file": path.name, "n": report.created, "old": report.existing}
        if confirm(self, _("Import a list of events"), question, yes=_("&Import")):
            self.ops.background(
                self,
                _("Importing %(file)s…") % {"file": path.name},
                lambda uow, actor: event_import.import_events(uow, actor, path),
                on_done=lambda done: self._imported(path, done),
            )

    def _imported(self, path: Path, report: EventImportReport) -> None:
        if not report.ok:  # the file changed since it was checked
            ProblemsDialog(path.name, report, self).exec()
            return
        self.ops.broadcast(report.changes, self)
        self.ops.status.emit(
            ngettext("%(n)d event imported.", "%(n)d events imported.", report.created)
            % {"n": report.created}
        )


class ProblemsDialog(QDialog):
    """The problems of a list that was not imported: each with its line and column."""

    def __init__(self, name: str, report: EventImportReport, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(_("Import a list of events"))
        head = QLabel(
            ngettext(
                "%(file)s: %(n)d problem; nothing was imported.",
                "%(file)s: %(n)d problems; nothing was imported.",
                report.problem_count,
            )
            % {"file": name, "n": report.problem_count}
            + " "
            + _("Correct the list and import it again.")
        )
        head.setWordWrap(True)
        self.list = QListWidget()
        self.list.setAccessibleName(_("Problems"))
        head.setBuddy(self.list)
        for p in report.problems:
            self.list.addItem(
                _("line %(line)d, column %(column)s: %(reason)s")
                % {"line": p.line, "column": p.column or "-", "reason": p.reason}
            )
        if report.more_problems:
            more = ngettext(
                "... and %(n)s more problem", "... and %(n)s more problems", report.more_problems
            )
            self.list.addItem(more % {"n": format_number(report.more_problems)})
        self.list.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(head)
        lay.addWidget(self.list, 1)
        lay.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 90)

    def lines(self) -> list[str]:
        """The problems as the user reads them."""
        return [self.list.item(i).text() for i in range(self.list.count())]
