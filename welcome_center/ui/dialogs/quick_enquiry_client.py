"""The client part of the quick enquiry: find an existing client, or enter a new one inline.

A new person or organisation is only created when the enquiry is saved; if it may exist already,
the candidates are listed here and the user takes one of them or creates the new one anyway. A new
person is asked for a nationality (the statistics count persons by it), a new organisation for
the person who made contact (saved as its contact person, with the organisation).

Mnemonics: a state of the form shows at most 24 fields and buttons, as many as English has letters
in their labels, so each letter is taken once per state; the client's kind cannot change while
the duplicate question is open, which lends its letters to the question's buttons.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from welcome_center.domain.drafts import ContactDraft, OrganisationDraft, PersonDraft
from welcome_center.domain.errors import ValidationError
from welcome_center.domain.rules import plausible_email
from welcome_center.domain.views import ClientRef, DuplicateCandidate
from welcome_center.i18n import _
from welcome_center.ui.client_facts import SEPARATOR, facts_parts
from welcome_center.ui.dialogs.person_editor import country_items
from welcome_center.ui.dialogs.quick_enquiry_facts import PersonFacts
from welcome_center.ui.forms import FieldErrors, error_label, fill_combo
from welcome_center.ui.ops import Ops
from welcome_center.ui.widgets.client_picker import ClientPicker
from welcome_center.ui.widgets.type_ahead import TypeAheadCombo

FIND, NEW_PERSON, NEW_ORGANISATION = 0, 1, 2


def contact_fields(text: str) -> tuple[str, str]:
    """One field "e-mail or phone" as (email, phone): with an @ it is the e-mail address."""
    text = text.strip()
    return (text, "") if "@" in text else ("", text)


def candidate_text(ops: Ops, c: DuplicateCandidate) -> str:
    """``Müller, Anna — same name`` and below it ``b. 12.03.1990 · Syria · Zwickau · 3 records``."""
    return f"{c.display_name} — {c.reason}\n{SEPARATOR.join(facts_parts(ops, c.facts))}"


class ClientSection(QWidget):
    """Client choice of the quick enquiry. ``decided`` is emitted when the user answered the
    duplicate question: with the chosen existing client, or None for "create new anyway"."""

    decided = Signal(object)  # ClientRef | None

    def __init__(self, ops: Ops, errors: FieldErrors, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.errors = errors
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self._build_modes()
        self.picker = ClientPicker(ops)
        self.picker.empty_text = _(
            "No person or organisation found. Choose New person or New organisation to enter it."
        )
        self.picker.change_button.setText(_("Cha&nge"))
        self.form.addRow(self.picker)
        self._build_person()
        self._build_organisation()
        self._build_anonymous()
        self.client_error = error_label()
        self.form.addRow(self.client_error)
        errors.register("client", self.picker, self.client_error)
        self._build_candidates()
        for edit in (self.family_name, self.given_name, self.org_name):
            # The question was about the name as it was: another name withdraws it.
            edit.textEdited.connect(lambda _text: self.hide_candidates())
        self.modes.idToggled.connect(self._mode_changed)
        self.modes.idClicked.connect(self._mode_chosen)
        self._mode_changed(FIND, True)

    # -- building --------------------------------------------------------------------------

    def _build_modes(self) -> None:
        self.modes = QButtonGroup(self)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        for mode, text in (
            (FIND, _("Find e&xisting")),
            (NEW_PERSON, _("New &person")),
            (NEW_ORGANISATION, _("New or&ganisation")),
        ):
            radio = QRadioButton(text)
            self.modes.addButton(radio, mode)
            row.addWidget(radio)
        row.addStretch(1)
        self.modes.button(FIND).setChecked(True)
        self.client_label = QLabel(_("Cl&ient:"))
        self.form.addRow(self.client_label, row)

    def _sub_form(self) -> tuple[QWidget, QFormLayout]:
        box = QWidget()
        form = QFormLayout(box)
        form.setContentsMargins(0, 0, 0, 0)
        self.form.addRow(box)
        return box, form

    def _line(self, form: QFormLayout, text: str, field: str | None = None) -> QLineEdit:
        edit = QLineEdit()
        self.errors.add_row(form, text, edit, field=field)
        return edit

    def _build_person(self) -> None:
        self.person_box, form = self._sub_form()
        self.family_name = self._line(form, _("Fa&mily name:"), "family_name")
        self.given_name = self._line(form, _("G&iven name:"), "given_name")
        self.person_contact = self._line(form, _("E-mail or phone num&ber:"), "person_contact")
        self.nationality = fill_combo(TypeAheadCombo(), country_items())
        self.nationality.setAccessibleName(_("Nationality"))
        self.errors.add_row(form, _("&Nationality:"), self.nationality, field="nationality")
        self.facts = PersonFacts(form, self.errors)  # the facts funders count, folded

    def _build_organisation(self) -> None:
        self.org_box, form = self._sub_form()
        self.org_name = self._line(form, _("Organisation na&me:"), "name")
        self.org_contact = self._line(form, _("E-mail or phone num&ber:"), "org_contact")
        # Who made contact for the organisation: its first contact person (optional).
        self.contact_name = self._line(form, _("Contact &name:"), "contact_name")
        self.contact_line = self._line(form, _("Contact e-ma&il or phone:"), "contact_email")
        for edit in (self.contact_name, self.contact_line):
            edit.setPlaceholderText(_("optional"))

    def _build_anonymous(self) -> None:
        """A caller who gives no name, instead of finding one: an anonymous enquiry, and no
        person is created. (A choice of the "find" state, whose letters leave it one.)"""
        self.no_name = QCheckBox(_("No na&me given (anonymous)"))
        self.no_name.setToolTip(
            _("The caller gives no name: the enquiry is recorded without creating a person.")
        )
        self.no_name.toggled.connect(self._no_name_toggled)
        self.form.addRow(self.no_name)
        self.anonymous_note = QLabel(
            _(
                "Recorded as an anonymous enquiry: no person is created, and it cannot be "
                "referred. Should the caller give a name later, assign the client in the "
                "record window."
            )
        )
        self.anonymous_note.setTextFormat(Qt.TextFormat.PlainText)
        self.anonymous_note.setWordWrap(True)
        self.form.addRow(self.anonymous_note)

    def _build_candidates(self) -> None:
        self.candidates_box = QWidget()
        lay = QVBoxLayout(self.candidates_box)
        lay.setContentsMargins(0, 0, 0, 0)
        self.candidates_note = QLabel()
        self.candidates_note.setTextFormat(Qt.TextFormat.PlainText)
        self.candidates_note.setWordWrap(True)
        self.candidates = QListWidget()
        self.candidates.setAccessibleName(_("Possible duplicates"))
        # Three candidates of two lines each.
        self.candidates.setMaximumHeight(self.fontMetrics().lineSpacing() * 6 + 12)
        self.candidates.installEventFilter(self)
        self.candidates.itemDoubleClicked.connect(lambda _i: self._use_selected())
        self.use_button = QPushButton(_("Use e&xisting and save"))
        self.create_button = QPushButton()  # its words name the kind of client (_show_mode)
        for button in (self.use_button, self.create_button):
            button.setAutoDefault(False)
        self.use_button.clicked.connect(self._use_selected)
        self.create_button.clicked.connect(lambda: self.decided.emit(None))
        buttons = QHBoxLayout()
        buttons.addWidget(self.use_button)
        buttons.addWidget(self.create_button)
        buttons.addStretch(1)
        lay.addWidget(self.candidates_note)
        lay.addWidget(self.candidates)
        lay.addLayout(buttons)
        self.form.addRow(self.candidates_box)
        self.candidates_box.hide()

    def tab_chain(self) -> list[QWidget]:
        """The section's controls in reading order."""
        radios: list[QWidget] = list(self.modes.buttons())
        return [
            *radios,
            self.picker.edit,
            self.picker.change_button,
            self.picker.hits,
            self.no_name,
            self.family_name,
            self.given_name,
            self.person_contact,
            self.nationality,
            *self.facts.tab_chain(),
            self.org_name,
            self.org_contact,
            self.contact_name,
            self.contact_line,
            self.candidates,
            self.use_button,
            self.create_button,
        ]

    # -- state -----------------------------------------------------------------------------

    def mode(self) -> int:
        return self.modes.checkedId()

    def _mode_changed(self, mode: int, checked: bool) -> None:
        if not checked:
            return
        self.hide_candidates()
        self.picker.setVisible(mode == FIND)
        self.person_box.setVisible(mode == NEW_PERSON)
        self.org_box.setVisible(mode == NEW_ORGANISATION)
        self.no_name.setVisible(mode == FIND)
        self._no_name_toggled(self.no_name.isChecked())
        # "Client:" leads to the search field; a new client's fields have mnemonics of their
        # own, whose letters the label must not take.
        self.client_label.setText(_("Cl&ient:") if mode == FIND else _("Client:"))
        self.client_label.setBuddy(self.picker)
        self.create_button.setText(
            _("Save as new or&ganisation") if mode == NEW_ORGANISATION else _("Save as new &person")
        )
        if mode != FIND:
            self._take_search_text(mode)

    def _mode_chosen(self, mode: int) -> None:
        """Chosen by a click, Space or its mnemonic: the cursor goes where the typing starts.
        (Arrow keys among the choices keep the focus there: Qt puts it back after the click.)"""
        first = {FIND: self.picker, NEW_PERSON: self.family_name, NEW_ORGANISATION: self.org_name}
        if not self.anonymous():
            first[mode].setFocus(Qt.FocusReason.OtherFocusReason)

    def _take_search_text(self, mode: int) -> None:
        """What was searched for becomes the new client's name, so nothing is typed twice."""
        text = self.picker.search_text()
        if not text:
            return
        if mode == NEW_PERSON and not self.family_name.text().strip():
            family, _sep, given = text.partition(",")
            self.family_name.setText(family.strip())
            if not self.given_name.text().strip():
                self.given_name.setText(given.strip())
        elif mode == NEW_ORGANISATION and not self.org_name.text().strip():
            self.org_name.setText(text)

    def anonymous(self) -> bool:
        """Whether the caller gives no name (an anonymous enquiry: no client at all)."""
        return self.mode() == FIND and self.no_name.isChecked()

    def _no_name_toggled(self, checked: bool) -> None:
        """No name: nobody is searched for (what was typed stays, greyed)."""
        self.picker.setEnabled(not checked)
        self.anonymous_note.setVisible(checked and self.mode() == FIND)

    def chosen(self) -> ClientRef | None:
        """The existing client chosen (only in the "find existing" mode, with a name)."""
        return self.picker.client() if self.mode() == FIND and not self.anonymous() else None

    def new_draft(self, municipality: str | None) -> PersonDraft | OrganisationDraft | None:
        """The new client as typed (None in the "find existing" mode)."""
        if self.mode() == NEW_PERSON:
            email, phone = contact_fields(self.person_contact.text())
            return PersonDraft(
                family_name=self.family_name.text(),
                given_name=self.given_name.text(),
                nationality=self.nationality.currentData(),
                municipality=municipality,
                email=email,
                phone=phone,
                **self.facts.draft_fields(),
            )
        if self.mode() == NEW_ORGANISATION:
            email, phone = contact_fields(self.org_contact.text())
            return OrganisationDraft(
                name=self.org_name.text(), municipality=municipality, email=email, phone=phone
            )
        return None

    def new_contacts(self) -> tuple[ContactDraft, ...]:
        """The new organisation's contact person as typed (none when both lines are empty; a
        line without a name is refused by the service under the name)."""
        if self.mode() != NEW_ORGANISATION:
            return ()
        name, line = self.contact_name.text().strip(), self.contact_line.text()
        if not name and not line.strip():
            return ()
        email, phone = contact_fields(line)
        return (ContactDraft(name=name, email=email, phone=phone),)

    def contact_problem(self) -> ValidationError | None:
        """What is wrong with the new organisation's contact person, before anything is saved
        (the services check the same)."""
        contact = self.new_contacts()
        if not contact:
            return None
        if not contact[0].name:
            return ValidationError(_("Enter the contact person's name."), field="contact_name")
        if contact[0].email and not plausible_email(contact[0].email):
            return ValidationError(
                _("%(value)s is not an e-mail address (name@example.org).")
                % {"value": contact[0].email},
                field="contact_email",
            )
        return None

    def field_names(self) -> dict[str, str]:
        """The form's names of the fields the services name "email" and "phone" (both are
        typed in one line, the person's or the organisation's)."""
        line = "person_contact" if self.mode() == NEW_PERSON else "org_contact"
        return {"email": line, "phone": line}

    def missing_client(self) -> ValidationError | None:
        if self.mode() == FIND and not self.anonymous() and self.picker.client() is None:
            return ValidationError(
                _(
                    "Choose a client: type a name and pick a hit (Down, Enter), "
                    "or enter a new person or organisation."
                ),
                field="client",
            )
        return None

    def use_client(self, ref: ClientRef) -> None:
        """Make ``ref`` the client (a saved new one, or a chosen candidate)."""
        self.modes.button(FIND).setChecked(True)
        self.no_name.setChecked(False)
        self.picker.set_client(ref)
        self.hide_candidates()

    def values(self) -> tuple[object, ...]:
        """Everything typed here, to tell whether the user entered anything."""
        edits = (
            self.family_name,
            self.given_name,
            self.person_contact,
            self.org_name,
            self.org_contact,
            self.contact_name,
            self.contact_line,
        )
        return (
            self.mode(),
            self.no_name.isChecked(),
            self.picker.client(),
            self.picker.edit.text(),
            self.nationality.currentData(),
            *(e.text() for e in edits),
            *self.facts.values(),
        )

    # -- duplicate candidates --------------------------------------------------------------

    def show_candidates(self, found: list[DuplicateCandidate]) -> None:
        self.candidates.clear()
        for c in found:
            item = QListWidgetItem(candidate_text(self.ops, c))
            item.setData(Qt.ItemDataRole.UserRole, ClientRef(c.kind, c.id, c.display_name))
            self.candidates.addItem(item)
        self.candidates_note.setText(
            _(
                "This client may already be recorded. Take the right one from the list "
                "(Enter), or create a new one if none of them is meant."
            )
        )
        self.candidates_box.show()
        self._lock_mode(True)
        self.candidates.setCurrentRow(0)
        self.candidates.setFocus()

    def hide_candidates(self) -> None:
        self.candidates_box.hide()
        self._lock_mode(False)

    def _lock_mode(self, locked: bool) -> None:
        """While the duplicate question is open the kind of client stays (answer it, or change
        the name, which withdraws it); its buttons take the mode buttons' letters."""
        for button in self.modes.buttons():
            button.setEnabled(not locked)

    def _use_selected(self) -> None:
        item = self.candidates.currentItem()
        if item is not None:
            self.decided.emit(item.data(Qt.ItemDataRole.UserRole))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.candidates
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self._use_selected()
            return True
        return super().eventFilter(watched, event)
