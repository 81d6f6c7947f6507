"""The dialog that records or corrects an event: date, title, kind, target group, participants
in total and, where known, split into persons and organisations, the partners, notes.

The split is checked as it is typed: persons and organisations together may not exceed the
total, and the message stands under the split (the service refuses such a save as well).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import QLineEdit, QWidget

from welcome_center.domain.drafts import EventDraft
from welcome_center.domain.enums import EventKind
from welcome_center.domain.views import EventView, OrganisationView
from welcome_center.i18n import _
from welcome_center.services import events
from welcome_center.ui.forms import (
    CodeChecklist,
    date_edit,
    date_of,
    error_label,
    set_combo_value,
    set_date,
)
from welcome_center.ui.ops import Ops
from welcome_center.ui.record.dialogs import EditDialog, enum_combo, notes_edit, run

MAX_PARTICIPANTS = 1_000_000


class PartnerChecklist(CodeChecklist):
    """The partners of the directory, ticked with the space bar; a few lines high (it scrolls),
    so that the dialog fits a small screen."""

    ROWS = 6

    def sizeHint(self) -> QSize:
        """As high as its six lines (Qt's default hint of a list is taller than the screen
        has room for in this dialog)."""
        return QSize(super().sizeHint().width(), self.minimumHeight())


def count_edit(name: str) -> QLineEdit:
    """A whole number of participants (empty: not recorded), typed right-aligned."""
    edit = QLineEdit()
    edit.setValidator(QIntValidator(0, MAX_PARTICIPANTS, edit))
    edit.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    edit.setAccessibleName(name)
    edit.setMaximumWidth(edit.fontMetrics().horizontalAdvance("0") * 12 + 16)
    return edit


def _number(edit: QLineEdit) -> int | None:
    text = edit.text().strip()
    return int(text) if text.isdigit() else None


class EventDialog(EditDialog):
    """A new event, or (``existing``) one to correct."""

    def __init__(
        self,
        ops: Ops,
        partners: Sequence[OrganisationView],
        existing: EventView | None = None,
        parent: QWidget | None = None,
    ) -> None:
        title = (
            _("New event")
            if existing is None
            else _("Event: %(title)s") % {"title": existing.title}
        )
        super().__init__(ops, title, parent)
        self.existing = existing
        self.saved: EventView | None = None
        self._names = {str(p.id): p.display_name for p in partners}
        row = self.row
        self.held_on = row(_("&Date"), date_edit(), field="held_on")
        self.held_on.setAccessibleName(_("Date"))
        self.title_edit = row(_("&Title"), QLineEdit(), field="title")
        self.title_edit.setAccessibleName(_("Title"))
        self.kind = row(_("&Kind"), enum_combo(EventKind), field="kind")
        self.kind.setAccessibleName(_("Kind"))
        self.target_group = row(_("Target &group"), QLineEdit(), field="target_group")
        self.target_group.setAccessibleName(_("Target group"))
        self.target_group.setPlaceholderText(_("e.g. companies of the region"))
        self.participants = row(
            _("&Participants in total"), count_edit(_("Participants in total")), "participants"
        )
        self.participants.setPlaceholderText("0")
        self.persons = row(_("of which p&ersons"), count_edit(_("of which persons")))
        self.organisations = row(
            _("of which &organisations"), count_edit(_("of which organisations"))
        )
        # One message under both parts of the split: a part below zero, or more than the total.
        self.split_error = error_label()
        self.form.addRow("", self.split_error)
        for name, edit in (
            ("participants_persons", self.persons),
            ("participants_organisations", self.organisations),
            ("participants_split", self.organisations),
        ):
            self.errors.register(name, edit, self.split_error)
        for edit in (self.persons, self.organisations):
            edit.setPlaceholderText(_("not recorded"))
        for edit in (self.participants, self.persons, self.organisations):
            edit.textChanged.connect(self.check_split)
        active = [(p.display_name, str(p.id)) for p in partners if p.active]
        self.partners = row(_("Pa&rtners"), PartnerChecklist(active), field="partners")
        self.partners.setAccessibleName(_("Partners"))
        self.notes = row(_("&Notes"), notes_edit(_("Notes")), field="notes")
        # Six lines, then it scrolls: the dialog fits a screen of 768 pixels with a message
        # under the split; wide enough for that message on two lines.
        self.notes.setMaximumHeight(self.notes.fontMetrics().lineSpacing() * 6 + 12)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 80)
        if existing is not None:
            self._fill(existing)
        self.ready()

    # -- the split -----------------------------------------------------------------------------

    def split_message(self) -> str:
        """Why the split cannot be saved ("" when it can)."""
        total = _number(self.participants) or 0
        persons, orgs = _number(self.persons), _number(self.organisations)
        if (persons or 0) + (orgs or 0) <= total:
            return ""
        return events.split_message(total, persons, orgs)

    def check_split(self) -> bool:
        """Show or hide the message under the split; True when it can be saved."""
        message = self.split_message()
        self.split_error.setText(message)
        self.split_error.setVisible(bool(message))
        self.organisations.setAccessibleDescription(message)
        return not message

    # -- the form's content --------------------------------------------------------------------

    def _fill(self, e: EventView) -> None:
        set_date(self.held_on, e.held_on)
        self.title_edit.setText(e.title)
        set_combo_value(self.kind, e.kind)
        self.target_group.setText(e.target_group)
        self.participants.setText(str(e.participants))
        for edit, value in (
            (self.persons, e.participants_persons),
            (self.organisations, e.participants_organisations),
        ):
            edit.setText("" if value is None else str(value))
        self.partners.set_codes([str(p) for p in e.partner_ids], self._names)
        self.notes.setPlainText(e.notes)

    def value(self) -> EventDraft:
        held_on = date_of(self.held_on)
        return EventDraft(
            title=self.title_edit.text().strip(),
            kind=str(self.kind.currentData() or EventKind.INFORMATION_EVENT.value),
            held_on=held_on or date.min,
            target_group=self.target_group.text().strip(),
            participants=_number(self.participants) or 0,
            participants_persons=_number(self.persons),
            participants_organisations=_number(self.organisations),
            partner_ids=tuple(int(code) for code in self.partners.codes()),
            notes=self.notes.toPlainText(),
        )

    def write(self) -> bool:
        if not self.check_split():
            self.organisations.setFocus()
            return False
        draft = self.value()
        existing = self.existing
        if existing is None:
            saved = self.ops.write(
                self,
                lambda uow, actor: events.add_event(uow, actor, draft),
                errors=self.errors,
                done=_("Event saved."),
            )
        else:
            saved = self.ops.write(
                self,
                lambda uow, actor: events.update_event(
                    uow, actor, existing.id, draft, existing.version
                ),
                errors=self.errors,
                on_conflict=self.reload,
                done=_("Event saved."),
            )
        if saved is None:
            return False
        self.saved = saved.value
        return True

    # -- a colleague's change meanwhile -----------------------------------------------------------

    def saved_item(self) -> EventView | None:
        if self.existing is None:
            raise NotImplementedError  # a new event conflicts with nothing
        existing = self.existing
        return self.ops.read(self, lambda uow, actor: events.get_event(uow, actor, existing.id))

    def show_item(self, item: EventView) -> None:
        self.existing = item
        self._fill(item)


def edit_event(
    ops: Ops,
    parent: QWidget | None,
    partners: Sequence[OrganisationView],
    existing: EventView | None = None,
) -> EventView | None:
    """Record a new event or correct ``existing``; the event as saved, or None."""
    dialog = EventDialog(ops, partners, existing, parent)
    return dialog.saved if run(dialog) else None
