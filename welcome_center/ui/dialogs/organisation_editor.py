"""The editor of an organisation: a company, an authority, or a partner with contact persons.

Also here: how an organisation reads in a details pane, and the contacts table.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from welcome_center.domain.drafts import ContactDraft, OrganisationDraft
from welcome_center.domain.enums import ClientKind, OrganisationKind, OrganisationSize, Vocabulary
from welcome_center.domain.permissions import Permission, allowed
from welcome_center.domain.views import ContactPersonView, OrganisationView
from welcome_center.i18n import _, pgettext
from welcome_center.services import people
from welcome_center.ui import forms
from welcome_center.ui.dialogs.conflict import Field
from welcome_center.ui.dialogs.person_editor import ClientEditor, notes_edit
from welcome_center.ui.funder_facts import enum_combo, enum_value, organisation_fact_lines, set_enum
from welcome_center.ui.lists import RowTableModel
from welcome_center.ui.ops import Ops
from welcome_center.ui.renamed_fields import RenamedFields
from welcome_center.ui.widgets.consent_panel import ConsentPanel

_Index = QModelIndex | QPersistentModelIndex


def yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def organisation_lines(
    ops: Ops, o: OrganisationView, with_contacts: bool = True
) -> list[tuple[str, str]]:
    """What the details show of an organisation (empty values are left out)."""
    contacts = "\n".join(
        " – ".join(part for part in (c.name, c.function, c.email, c.phone) if part)
        for c in o.contacts
    )
    return [
        (_("Name:"), o.name),
        (_("Short name:"), o.short_name),
        *organisation_fact_lines(o),
        (_("Partner directory:"), _partner_line(o)),
        (_("Active:"), "" if o.active else yes_no(False)),
        (_("Location:"), ops.label(Vocabulary.MUNICIPALITY, o.municipality)),
        (_("E-mail:"), o.email),
        (_("Phone:"), o.phone),
        (_("Website:"), o.website),
        (_("Contact persons:"), contacts if with_contacts else ""),
        (_("Notes:"), o.notes),
    ]


def _partner_line(o: OrganisationView) -> str:
    """Whether referrals go to the organisation, and the code that lists use for it, in words
    (it read "Code: aa_zwickau / Partner: ja")."""
    if not o.is_partner:
        return _("not a partner; its code in lists: %(code)s") % {"code": o.code} if o.code else ""
    if not o.code:
        return _("a partner: cases can be referred to it")
    return _("a partner: cases can be referred to it; its code in lists: %(code)s") % {
        "code": o.code
    }


class ContactsModel(RowTableModel):
    """Contact persons of an organisation, one line each; editable in the editor."""

    def __init__(self, editable: bool = False, parent: Any = None) -> None:
        super().__init__((_("Name"), _("Function"), _("E-mail"), _("Phone")), parent=parent)
        self.editable = editable
        self.loaded_versions: dict[int, int] = {}

    def set_contacts(self, contacts: tuple[ContactPersonView, ...]) -> None:
        self.set_rows([(c.id, (c.name, c.function, c.email, c.phone)) for c in contacts])
        # What a save is based on: a contact person changed by someone else since is a conflict.
        self.loaded_versions = {c.id: c.version for c in contacts}

    def drafts(self) -> tuple[ContactDraft, ...]:
        """The contacts as typed (each with the id of the one it changes, None for a new one);
        lines left wholly empty are dropped."""
        return tuple(
            ContactDraft(name=name, function=function, email=email, phone=phone, id=key)
            for key, (name, function, email, phone) in zip(self.keys, self.rows, strict=True)
            if any(v.strip() for v in (name, function, email, phone))
        )

    def add(self) -> int:
        row = len(self.rows)
        self.beginInsertRows(QModelIndex(), row, row)
        self.keys.append(None)
        self.rows.append(("", "", "", ""))
        self.endInsertRows()
        return row

    def remove(self, row: int) -> None:
        if 0 <= row < len(self.rows):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self.rows[row], self.keys[row]
            self.endRemoveRows()

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.EditRole:
            role = Qt.ItemDataRole.DisplayRole
        return super().data(index, role)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if self.editable and index.isValid():
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not self.editable or not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        row = list(self.rows[index.row()])
        row[index.column()] = str(value)
        self.rows[index.row()] = tuple(row)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole])
        return True


class ContactsView(QTableView):
    """The contact persons as a table; a cell being typed in can be committed on saving."""

    def commit_open_editor(self) -> None:
        editor = self.indexWidget(self.currentIndex())
        if editor is not None and self.state() == QAbstractItemView.State.EditingState:
            self.commitData(editor)


def contacts_table(model: ContactsModel, name: str) -> ContactsView:
    table = ContactsView()
    table.setModel(model)
    table.setAccessibleName(name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setTabKeyNavigation(False)  # Tab leaves the table, as in the rest of the form
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    table.horizontalHeader().setStretchLastSection(True)
    return table


class OrganisationEditor(ClientEditor):
    """An organisation's details; a partner also has a code and contact persons."""

    def __init__(self, ops: Ops, parent: QWidget | None = None, partner: bool = False) -> None:
        super().__init__(ops, parent)
        self.setWindowTitle(_("New partner") if partner else _("New organisation"))
        add = self.add
        self.name = add(_("&Name"), QLineEdit(), "name")
        self.short_name = add(_("S&hort name"), QLineEdit(), "short_name")
        # What funders count (SMEs advised); "not recorded" saves as well.
        self.kind = add(
            pgettext("organisation", "&Kind"), enum_combo(OrganisationKind, _("Kind")), "kind"
        )
        size = enum_combo(OrganisationSize, _("Size (employees)"))
        self.org_size = add(_("Si&ze (employees)"), size, "size")
        self.is_partner = QCheckBox(_("&Partner: a target of referrals"))
        self.is_partner.setChecked(partner)
        may_manage = allowed(ops.actor.roles, Permission.MANAGE_PARTNERS)
        self.is_partner.setEnabled(may_manage)
        if not may_manage:
            self.is_partner.setToolTip(_("Only an administrator keeps the partner directory."))
        self.form.addRow("", self.is_partner)
        self.code = add(_("Co&de"), QLineEdit(), "code")
        self.code.setPlaceholderText(_("for imports, e.g. fizuz"))
        self.municipality = forms.vocab_combo(ops, Vocabulary.MUNICIPALITY)
        self.municipality.setAccessibleName(_("Location"))
        add(_("&Location"), self.municipality, "municipality")
        self.email = add(_("&E-mail"), QLineEdit(), "email")
        self.phone = add(_("Ph&one"), QLineEdit(), "phone")
        self.website = add(_("&Website"), QLineEdit(), "website")
        self.notes = add(_("No&tes"), notes_edit(), "notes")
        self.contacts = ContactsModel(editable=True, parent=self)
        self.contacts_box = self._contacts_box()
        self.is_partner.toggled.connect(self._partner_toggled)
        self._partner_toggled(partner)
        self.consents = ConsentPanel(ops, ClientKind.ORGANISATION)  # shown once it is saved
        self._layout(self.contacts_box, self.consents)
        self.mark_clean()

    def _contacts_box(self) -> QGroupBox:
        box = QGroupBox(_("Contact persons"))
        title = QLabel(_("Contact pe&rsons (double-click or F2 to edit a cell):"))
        self.contacts_table = contacts_table(self.contacts, _("Contact persons"))
        title.setBuddy(self.contacts_table)
        self.contacts_error = forms.error_label()
        self.errors.register("contact_name", self.contacts_table, self.contacts_error)
        self.errors.register("contact_email", self.contacts_table, self.contacts_error)
        add = QPushButton(_("Add &contact"))
        add.setAutoDefault(False)
        add.clicked.connect(self.add_contact)
        remove = QPushButton(_("Remo&ve contact"))
        remove.setAutoDefault(False)
        remove.clicked.connect(self.remove_contact)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        lay = QVBoxLayout(box)
        lay.addWidget(title)
        lay.addWidget(self.contacts_table)
        lay.addWidget(self.contacts_error)
        lay.addLayout(buttons)
        return box

    def _partner_toggled(self, on: bool) -> None:
        self.code.setEnabled(on)
        self.contacts_box.setVisible(on or bool(self.contacts.rows))
        if self.item is None:
            new = _("New partner") if on else _("New organisation")
            self.setWindowTitle(new)

    def add_contact(self) -> None:
        row = self.contacts.add()
        index = self.contacts.index(row, 0)
        self.contacts_table.setCurrentIndex(index)
        self.contacts_table.setFocus()
        self.contacts_table.edit(index)

    def remove_contact(self) -> None:
        index = self.contacts_table.currentIndex()
        if index.isValid():
            self.contacts.remove(index.row())

    # -- the form's content -------------------------------------------------------------------

    def draft(self) -> OrganisationDraft:
        return OrganisationDraft(
            name=self.name.text(),
            short_name=self.short_name.text(),
            is_partner=self.is_partner.isChecked(),
            code=self.code.text() or None,
            municipality=self.municipality.currentData(),
            email=self.email.text(),
            phone=self.phone.text(),
            website=self.website.text(),
            notes=self.notes.toPlainText(),
            kind=enum_value(self.kind, OrganisationKind),
            size=enum_value(self.org_size, OrganisationSize),
        )

    def snapshot(self) -> object:
        return (self.draft(), self.contacts.drafts())

    def conflict_fields(self) -> list[Field]:
        """The form's fields and the contact persons (a line each), compared on a conflict."""
        contacts = Field(_("Contact persons"), self._contacts_text, self._keep_contacts)
        return [*super().conflict_fields(), contacts]

    def _contacts_text(self) -> str:
        return "\n".join(" – ".join(part for part in row if part) for row in self.contacts.rows)

    def _keep_contacts(self) -> Callable[[], None]:
        rows = list(zip(self.contacts.keys, self.contacts.rows, strict=True))

        def put_back() -> None:  # the versions loaded stay those of the version shown
            self.contacts.set_rows(rows)
            self._partner_toggled(self.is_partner.isChecked())

        return put_back

    def read(self, item_id: int) -> OrganisationView | None:
        return self.ops.read(self, lambda uow, actor: people.get_organisation(uow, actor, item_id))

    def fill(self, item: OrganisationView) -> None:
        self.setWindowTitle(_("Organisation: %(name)s") % {"name": item.name})
        self.consents.show_client(item.id, item.name)
        self.name.setText(item.name)
        self.short_name.setText(item.short_name)
        set_enum(self.kind, item.kind)
        set_enum(self.org_size, item.size)
        self.is_partner.setChecked(item.is_partner)
        self.code.setText(item.code or "")
        label = self.ops.label(Vocabulary.MUNICIPALITY, item.municipality)
        forms.set_combo_value(self.municipality, item.municipality, label)
        self.email.setText(item.email)
        self.phone.setText(item.phone)
        self.website.setText(item.website)
        self.notes.setPlainText(item.notes)
        self.contacts.set_contacts(item.contacts)
        self._partner_toggled(item.is_partner)

    def _check_contacts(self) -> tuple[ContactDraft, ...] | None:
        """The contacts to save, or None (with the error shown) if one has no name."""
        self.contacts_table.commit_open_editor()  # Ctrl+S while a cell is being typed in
        for row, c in enumerate(self.contacts.drafts()):
            if not c.name.strip():
                self.errors.clear()
                self.contacts_error.setText(_("Enter the contact person's name."))
                self.contacts_error.show()
                self.contacts_table.setFocus()
                self.contacts_table.setCurrentIndex(self.contacts.index(row, 0))
                return None
        return self.contacts.drafts()

    def write(self, accept_duplicates: bool) -> Any:
        contacts = self._check_contacts()
        if contacts is None:
            return None
        draft = self.draft()
        done = _("Organisation saved.")
        if self.item is None:
            create = self.create_checked(people.create_organisation, draft, accept_duplicates)
            saved = self.ops.write(self, create, errors=self.errors, done=done)
        else:
            saved = self.ops.write(
                self,
                lambda uow, actor: people.update_organisation(
                    uow, actor, self.item.id, draft, self.item.version
                ),
                errors=self.errors,
                on_conflict=self.reload,
                done=done,
            )
        if saved is None:
            return None
        self.item = saved.value  # a failed step below is retried as a change, not a new entry
        if contacts == tuple(
            ContactDraft(name=c.name, function=c.function, email=c.email, phone=c.phone, id=c.id)
            for c in saved.value.contacts
        ):
            return saved
        # A contact person's fields have the organisation's names: their errors go under the table.
        names = dict.fromkeys(("name", "function", "email", "phone"), "contact_name")
        return self.ops.write(
            self,
            lambda uow, actor: people.set_contacts(
                uow, actor, saved.value.id, contacts, self.contacts.loaded_versions
            ),
            errors=RenamedFields(self.errors, names),
            on_conflict=self.reload,
            done=done,
        )
