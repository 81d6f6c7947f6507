"""An anonymous enquiry gets its client: the caller came back and gave a name (DOMAIN.md,
anonymous enquiries). The client is found with the client picker, or entered as a new person or
organisation first; saving makes the record the client's and ends its anonymity (audited)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton

from welcome_center.domain.drafts import ClientChoice
from welcome_center.domain.enums import ClientKind
from welcome_center.domain.errors import ValidationError
from welcome_center.domain.views import ClientRef
from welcome_center.i18n import _
from welcome_center.services import anonymous, people
from welcome_center.ui.record.dialogs import EditDialog, run
from welcome_center.ui.widgets.client_picker import ClientPicker

if TYPE_CHECKING:
    from welcome_center.ui.record.host import RecordHost


def assign_text() -> str:
    """The words of the action, wherever the record window offers it. A key, not a letter:
    every letter of the words is taken on some tab (the tabs' "New …" have the n)."""
    return _("Assign a client… (Ctrl+L)")


class AssignClientDialog(EditDialog):
    """Choose the person or organisation the anonymous caller turned out to be."""

    def __init__(self, host: RecordHost) -> None:
        super().__init__(host.ops, _("Assign a client"), host.widget())
        self.host = host
        note = QLabel(
            _(
                "The caller gave no name when the enquiry was recorded. Choose who it was: the "
                "enquiry becomes theirs and is anonymous no more."
            )
        )
        note.setTextFormat(Qt.TextFormat.PlainText)
        note.setWordWrap(True)
        self.form.addRow(note)
        self.picker = ClientPicker(self.ops)
        self.picker.empty_text = _(
            "No person or organisation found. Enter the caller with New person or New organisation."
        )
        self.picker.change_button.setText(_("C&hange"))
        self.row(_("Clie&nt"), self.picker, field="client")
        self.new_person = QPushButton(_("New &person…"))
        self.new_organisation = QPushButton(_("New or&ganisation…"))
        buttons = QHBoxLayout()
        for button in (self.new_person, self.new_organisation):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.form.addRow(buttons)
        self.new_person.clicked.connect(lambda: self._create(ClientKind.PERSON))
        self.new_organisation.clicked.connect(lambda: self._create(ClientKind.ORGANISATION))
        # Room for a hit's name and the facts that tell same names apart, on their two lines.
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 80)
        self.ready()

    def value(self) -> ClientRef | None:
        return self.picker.client()

    def _create(self, kind: ClientKind) -> None:
        """A caller not recorded yet: their editor first (which offers a recorded one of the
        same name instead), then they are the chosen client."""
        from welcome_center.ui.dialogs.organisation_editor import OrganisationEditor
        from welcome_center.ui.dialogs.person_editor import PersonEditor

        editor = PersonEditor if kind is ClientKind.PERSON else OrganisationEditor
        saved_id = editor.edit(self.ops, self)
        if saved_id is None:
            return
        if kind is ClientKind.PERSON:
            person = self.ops.read(self, lambda uow, actor: people.get_person(uow, actor, saved_id))
            name = person.display_name if person else ""
        else:
            org = self.ops.read(
                self, lambda uow, actor: people.get_organisation(uow, actor, saved_id)
            )
            name = org.name if org else ""
        self.picker.set_client(ClientRef(kind, saved_id, name))
        self.picker.setFocus()

    def write(self) -> bool:
        client = self.picker.client()
        d = self.host.details
        if client is None:
            self.errors.clear()
            self.errors.show(ValidationError(_("Choose a person or organisation."), field="client"))
            return False
        if d is None:
            return False
        choice, record_id, version = ClientChoice(client.kind, client.id), d.id, d.version
        saved = self.host.write_record(
            lambda uow, actor: anonymous.assign_client(uow, actor, record_id, choice, version),
            errors=self.errors,
            done=_("Client assigned: %(name)s.") % {"name": client.display_name},
        )
        return saved is not None


def assign_client(host: RecordHost) -> bool:
    """Run the dialog for the open record, if it is anonymous; True when a client was saved."""
    d = host.details
    if d is None or d.client is not None:
        return False
    return run(AssignClientDialog(host))
