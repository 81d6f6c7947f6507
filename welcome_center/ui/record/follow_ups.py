"""The record's follow-ups (Wiedervorlagen): add one, move it to another day, mark it done."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QLineEdit, QWidget

from welcome_center.domain.dates import office_today
from welcome_center.domain.views import FollowUpView
from welcome_center.i18n import _
from welcome_center.i18n.labels import label
from welcome_center.services import follow_ups
from welcome_center.ui.forms import date_edit, date_of, set_date
from welcome_center.ui.qt_i18n import short_date
from welcome_center.ui.record.dialogs import (
    EditDialog,
    counsellor_combo,
    find,
    run,
    set_counsellor,
)
from welcome_center.ui.record.tables import RowsModel, TableTab, first_line

if TYPE_CHECKING:
    from welcome_center.ui.record.host import RecordHost

DEFAULT_DAYS = 7


def state_text(f: FollowUpView) -> str:
    """Open, overdue or done: a word, never only a colour."""
    if f.done_on is not None:
        return _("Done on %(date)s") % {"date": short_date(f.done_on)}
    return _("Overdue") if f.overdue else _("Open")


class FollowUpModel(RowsModel):
    STATE_COLUMN = 1

    def __init__(self, ops: Any, parent: Any = None) -> None:
        self.ops = ops
        super().__init__(parent)

    def columns(self) -> list[str]:
        return [_("Due on"), _("State"), _("For"), _("Kind"), _("Note")]

    def row(self, f: FollowUpView) -> tuple[str, ...]:
        return (
            short_date(f.due_on),
            state_text(f),
            self.ops.user_name(f.assigned_to_id),
            label(f.source),
            first_line(f.note),
        )


class FollowUpDialog(EditDialog):
    """A new follow-up, or (``existing``) an open one moved to another day."""

    def __init__(
        self,
        host: RecordHost,
        existing: FollowUpView | None = None,
        parent: QWidget | None = None,
    ) -> None:
        new = existing is None
        super().__init__(
            host.ops,
            _("New follow-up") if new else _("Move the follow-up"),
            parent or host.widget(),
        )
        self.host, self.existing = host, existing
        due = office_today() + timedelta(days=DEFAULT_DAYS)
        self.due_on = self.row(_("&Due on"), date_edit(due), field="due_on")
        self.assigned_to = self.row(
            _("&For"), counsellor_combo(self.ops, optional=False), field="assigned_to"
        )
        set_counsellor(self.assigned_to, self.ops, self.ops.actor.user_id)
        self.note = self.row(_("&Note"), QLineEdit(), field="note")
        if existing is not None:
            self._fill(existing)
        # Moving changes the day only; who and what stay as they were.
        self.assigned_to.setEnabled(new)
        self.note.setReadOnly(not new)
        self.ready()

    def _fill(self, f: FollowUpView) -> None:
        set_date(self.due_on, f.due_on)
        set_counsellor(self.assigned_to, self.ops, f.assigned_to_id)
        self.note.setText(f.note)

    def value(self) -> tuple[object, ...]:
        return (date_of(self.due_on), self.assigned_to.currentData(), self.note.text())

    def write(self) -> bool:
        due_on = date_of(self.due_on)
        if due_on is None:  # the required field said why under itself
            return False
        existing = self.existing
        if existing is not None:
            saved = self.ops.write(
                self,
                lambda uow, actor: follow_ups.reschedule(
                    uow, actor, existing.id, due_on, existing.version
                ),
                errors=self.errors,
                on_conflict=self.reload,
                done=_("Follow-up moved."),
            )
            return saved is not None
        saved = self.ops.write(
            self,
            lambda uow, actor: follow_ups.add_follow_up(
                uow,
                actor,
                self.host.record_id,
                due_on,
                self.note.text().strip(),
                self.assigned_to.currentData(),
            ),
            errors=self.errors,
            done=_("Follow-up added."),
        )
        return saved is not None

    def saved_item(self) -> FollowUpView | None:
        d = self.host.read_again()
        return find(d.follow_ups, self.existing.id) if d and self.existing else None

    def show_item(self, item: FollowUpView) -> None:
        self.existing = item
        self._fill(item)


class FollowUpsTab(TableTab):
    """The record's follow-ups by due date; Enter moves an open one."""

    def __init__(self, host: RecordHost) -> None:
        super().__init__(
            FollowUpModel(host.ops),
            _("Follow-ups"),
            _("No follow-ups on this record. Add one to be reminded on a day."),
        )
        self.host = host
        self.add_button(_("&New follow-up…"), self.add)
        self.add_button(_("&Mark done"), self.complete_current, needs_item=True)
        self.add_button(_("Resche&dule…"), self.edit_current, needs_item=True)
        self.finish_buttons()

    def show_details(self, details: Any) -> None:
        self.show_items(details.follow_ups)

    def add(self) -> bool:
        return run(FollowUpDialog(self.host))

    def complete_current(self) -> None:
        item = self.current_item()
        if item is None:
            return
        if item.done_on is not None:
            self.host.ops.status.emit(_("This follow-up is done already."))
            return
        self.host.ops.write(
            self,
            lambda uow, actor: follow_ups.complete(
                uow, actor, item.id, expected_version=item.version
            ),
            on_conflict=self._show_saved,
            done=_("Follow-up done."),
        )

    def _show_saved(self) -> None:
        self.host.read_again()

    def edit_item(self, item: FollowUpView) -> None:
        if item.done_on is not None:
            self.host.ops.status.emit(_("This follow-up is done already."))
            return
        run(FollowUpDialog(self.host, item))
