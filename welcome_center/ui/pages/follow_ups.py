"""Follow-ups: every open follow-up of a counsellor, of everyone or of no one; done, reschedule,
open the record."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from welcome_center.domain.dates import office_today
from welcome_center.domain.views import FollowUpView
from welcome_center.i18n import _, format_number, ngettext
from welcome_center.i18n.labels import label
from welcome_center.services import desk_lists, follow_ups
from welcome_center.services.context import Changes
from welcome_center.services.desk_lists import FollowUpFilter
from welcome_center.ui import forms
from welcome_center.ui.lists import RowTableModel, fit_columns, list_table, select_row, selected_row
from welcome_center.ui.ops import Ops
from welcome_center.ui.pages.base import Page
from welcome_center.ui.qt_i18n import short_date
from welcome_center.ui.widgets.date_field import dates_ok

_Index = QModelIndex | QPersistentModelIndex
MINE, EVERYONE, UNASSIGNED = "mine", "everyone", "unassigned"
TODAY, THIS_WEEK, ALL = "today", "week", "all"
NOTE_COLUMN = 3


def state_word(f: FollowUpView, today: date) -> str:
    if f.overdue:
        return _("Overdue")
    return _("Due today") if f.due_on == today else _("Upcoming")


class FollowUpTableModel(RowTableModel):
    """Open follow-ups, one line each: due date, record, client, note, assignee, source, state."""

    def __init__(self, ops: Ops, parent: Any = None) -> None:
        headers = [_("Due"), _("Record"), _("Client"), _("Note"), _("Assigned to"),
                   _("Source"), _("State")]  # fmt: skip
        super().__init__(headers, parent=parent)
        self.ops = ops
        self.items: list[FollowUpView] = []

    def set_items(self, items: Sequence[FollowUpView]) -> None:
        today = office_today()
        names = {u.id: self._name(u.display_name or u.username, u.active) for u in self.ops.users()}
        self.items = list(items)
        self.set_rows([(f.id, self._line(f, today, names)) for f in items])

    @staticmethod
    def _name(name: str, active: bool) -> str:
        return name if active else _("%(name)s (deactivated)") % {"name": name}

    def _line(self, f: FollowUpView, today: date, names: dict[int, str]) -> tuple[str, ...]:
        assignee = names.get(f.assigned_to_id, "") if f.assigned_to_id else ""
        note = " ".join(f.note.split())  # one line in the table
        return (short_date(f.due_on), f.record_number, f.client, note,
                assignee or _("Unassigned"), label(f.source), state_word(f, today))  # fmt: skip

    def item(self, row: int) -> FollowUpView | None:
        return self.items[row] if 0 <= row < len(self.items) else None


class RescheduleDialog(QDialog):
    """Asks for the new due day of a follow-up."""

    def __init__(self, current: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Reschedule follow-up"))
        self.date = forms.date_edit(max(current, office_today()))
        self.date.set_range(minimum=office_today())
        form = QFormLayout()
        new_label = QLabel(_("New &due date:"))
        new_label.setBuddy(self.date)
        form.addRow(new_label, self.date)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(buttons)

    def accept(self) -> None:
        if dates_ok(self):  # a day that is none or before today stays to be corrected
            super().accept()

    @classmethod
    def ask(cls, current: date, parent: QWidget | None = None) -> date | None:
        dialog = cls(current, parent)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            return forms.date_of(dialog.date)
        finally:
            dialog.deleteLater()


class FollowUpsPage(Page):
    """Open follow-ups with filters by assignee and due day; Enter opens the record."""

    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(ops, parent)
        self.model = FollowUpTableModel(ops, self)
        self._build()

    def title(self) -> str:
        return _("Follow-ups")

    def _build(self) -> None:
        self.who = QComboBox()
        self.who.setAccessibleName(_("Assigned to"))
        self._fill_who()
        self.until = forms.fill_combo(QComboBox(), [(_("Today"), TODAY),
            (_("This week"), THIS_WEEK), (_("All"), ALL)], optional=False)  # fmt: skip
        self.until.setAccessibleName(_("Due until"))
        for combo in (self.who, self.until):
            combo.currentIndexChanged.connect(self.refresh)
        who_label = QLabel(_("Assigned &to:"))
        who_label.setBuddy(self.who)
        until_label = QLabel(_("Due &until:"))
        until_label.setBuddy(self.until)
        self.count = QLabel()
        top = QHBoxLayout()
        for w in (who_label, self.who, until_label, self.until):
            top.addWidget(w)
        top.addStretch(1)
        top.addWidget(self.count)

        self.table = list_table(self.model, _("Open follow-ups"))
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(NOTE_COLUMN, QHeaderView.ResizeMode.Stretch)
        self.table.activated.connect(lambda _i: self.open_current())
        self.empty = QLabel()
        self.empty.setWordWrap(True)
        self.done_button = QPushButton(_("Mark d&one"))
        self.done_button.clicked.connect(self.complete_current)
        self.reschedule_button = QPushButton(_("&Reschedule…"))
        self.reschedule_button.clicked.connect(self.reschedule_current)
        self.open_button = QPushButton(_("O&pen record"))
        self.open_button.clicked.connect(self.open_current)
        buttons = QHBoxLayout()
        buttons.addWidget(self.empty, 1)
        for b in (self.done_button, self.reschedule_button, self.open_button):
            buttons.addWidget(b)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._enable())

        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.table, 1)
        lay.addLayout(buttons)
        self._enable()

    def _fill_who(self) -> None:
        me = self.ops.actor.user_id
        choices: list[tuple[str, object]] = [(_("Me"), MINE), (_("Everyone"), EVERYONE),
                                             (_("Unassigned"), UNASSIGNED)]  # fmt: skip
        choices += [(u.display_name or u.username, u.id) for u in self.ops.counsellors()
                    if u.id != me]  # fmt: skip
        self.who.blockSignals(True)
        forms.fill_combo(self.who, choices, optional=False)
        self.who.blockSignals(False)

    # -- loading -----------------------------------------------------------------------------

    def current_filter(self) -> FollowUpFilter:
        who = self.who.currentData()
        today = office_today()
        until = {TODAY: today, THIS_WEEK: today + timedelta(days=6 - today.weekday())}
        return FollowUpFilter(
            counsellor_id=self.ops.actor.user_id if who == MINE else (
                who if isinstance(who, int) else None),
            unassigned=who == UNASSIGNED,
            until=until.get(self.until.currentData()),
        )  # fmt: skip

    def refresh(self) -> None:
        if not self.loaded:
            return
        keep = selected_row(self.table)
        found = self.ops.read(
            self, lambda uow, actor: desk_lists.open_follow_ups(uow, actor, self.current_filter())
        )
        self.model.set_items(found.items if found else ())
        fit_columns(self.table)
        self._show_count(found)
        select_row(self.table, keep)
        self._enable()

    def on_changes(self, changes: Changes) -> None:
        if changes.users:
            self._fill_who()
        if changes.follow_ups or changes.records or changes.users:
            self.refresh()

    def _show_count(self, found: desk_lists.FollowUpList | None) -> None:
        total = found.total if found else 0
        text = ngettext("%(count)s open follow-up", "%(count)s open follow-ups", total) % {
            "count": format_number(total)
        }
        if found and len(found.items) < total:
            text += " " + _("(the first %(shown)s are shown)") % {
                "shown": format_number(len(found.items))
            }
        self.count.setText(text)
        if total:
            self.empty.clear()
        elif self.until.currentData() != ALL:
            self.empty.setText(
                _(
                    "No follow-ups due in this choice. Choose “All” under “Due until” "
                    "to see later ones."
                )
            )
        else:
            self.empty.setText(
                _(
                    "No open follow-ups here. Follow-ups are set on a record; record an "
                    "enquiry with Ctrl+N."
                )
            )

    # -- actions -----------------------------------------------------------------------------

    def _enable(self) -> None:
        chosen = self.current_item() is not None
        for b in (self.done_button, self.reschedule_button, self.open_button):
            b.setEnabled(chosen)

    def current_item(self) -> FollowUpView | None:
        return self.model.item(selected_row(self.table))

    def open_current(self) -> None:
        f = self.current_item()
        if f is not None:
            self.ops.open_record(f.record_id)

    def complete_current(self) -> None:
        f = self.current_item()
        if f is None:
            return
        done = _("Follow-up on %(number)s done.") % {"number": f.record_number}
        saved = self.ops.write(
            self,
            lambda uow, actor: follow_ups.complete(uow, actor, f.id, expected_version=f.version),
            on_conflict=self.refresh,
            done=done,
        )
        if saved:
            self.table.setFocus()

    def reschedule_current(self) -> None:
        f = self.current_item()
        if f is None:
            return
        new = RescheduleDialog.ask(f.due_on, self)
        if new is None or new == f.due_on:
            return
        done = _("Follow-up on %(number)s moved to %(date)s.") % {
            "number": f.record_number, "date": short_date(new)}  # fmt: skip
        saved = self.ops.write(
            self,
            lambda uow, actor: follow_ups.reschedule(uow, actor, f.id, new, f.version),
            on_conflict=self.refresh,
            done=done,
        )
        if saved:
            row = self.model.row_of(f.id)
            if row >= 0:
                select_row(self.table, row)
            self.table.setFocus()
