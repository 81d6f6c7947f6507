"""Administration, tab Vocabularies: the entries of each list (topics, channels, ...): add,
relabel, reorder, retire and reactivate. Retired entries stay listed, marked as such."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from welcome_center.domain.enums import Vocabulary
from welcome_center.domain.views import VocabularyItem
from welcome_center.i18n import N_, _, language
from welcome_center.services import vocabularies
from welcome_center.ui import forms
from welcome_center.ui.dialogs.base import confirm
from welcome_center.ui.lists import (
    RowTableModel,
    fit_columns,
    list_table,
    select_row,
    selected_row,
)
from welcome_center.ui.ops import Ops
from welcome_center.ui.pages.admin_users import AdminDialog
from welcome_center.ui.renamed_fields import RenamedFields

VOCABULARY_NAMES: dict[Vocabulary, str] = {
    Vocabulary.TOPIC: N_("Topics"),
    Vocabulary.REQUESTER_TYPE: N_("Requester types"),
    Vocabulary.SERVICE: N_("Services"),
    Vocabulary.CHANNEL: N_("Channels"),
    Vocabulary.CLOSING_REASON: N_("Closing reasons"),
    Vocabulary.RESIDENCE_TITLE: N_("Residence titles"),
    Vocabulary.MUNICIPALITY: N_("Municipalities"),
}


def vocabulary_name(v: Vocabulary) -> str:
    text = VOCABULARY_NAMES.get(v)
    return _(text) if text else v.value


class EntryDialog(AdminDialog):
    """A new entry (code and labels), or new labels for an existing one (its code stays)."""

    def __init__(
        self,
        ops: Ops,
        vocabulary: Vocabulary,
        entry: VocabularyItem | None = None,
        parent: QWidget | None = None,
    ) -> None:
        title = _("Relabel entry") if entry else _("Add entry to %(list)s") % {
            "list": vocabulary_name(vocabulary)}  # fmt: skip
        super().__init__(ops, title, parent)
        self.vocabulary = vocabulary
        self.entry = entry
        self.code = QLineEdit(entry.code if entry else "")
        self.code.setReadOnly(entry is not None)
        self.code.setPlaceholderText(_("small letters, digits, _"))
        self.label_de = QLineEdit(entry.label_de if entry else "")
        self.label_en = QLineEdit(entry.label_en if entry else "")
        self.errors.add_row(self.form, _("&Code:"), self.code, field="code")
        self.errors.add_row(self.form, _("&German label:"), self.label_de, field="label_de")
        self.errors.add_row(self.form, _("&English label:"), self.label_en, field="label_en")
        if entry is None:
            note = QLabel(
                _(
                    "The code identifies the entry in statistics, imports and exports; "
                    "it cannot be changed later."
                )
            )
            note.setWordWrap(True)
            self.form.addRow(note)
        else:
            self.label_de.setFocus()
        # The service names both labels "label" when one is missing.
        self.field_errors = RenamedFields(self.errors, {"label": "label_de"})
        self.ready()

    def value(self) -> Any:
        return (self.code.text(), self.label_de.text(), self.label_en.text())

    def write(self) -> bool:
        de, en = self.label_de.text(), self.label_en.text()
        if self.entry is None:
            code = self.code.text().strip()
            done = _("Entry %(code)s added.") % {"code": code}
            saved = self.ops.write(
                self,
                lambda uow, actor: vocabularies.add_entry(
                    uow, actor, self.vocabulary, code, de, en
                ),
                errors=self.field_errors,
                done=done,
            )
        else:
            entry = self.entry
            done = _("Entry %(code)s relabelled.") % {"code": entry.code}
            saved = self.ops.write(
                self,
                lambda uow, actor: vocabularies.relabel(
                    uow, actor, self.vocabulary, entry.code, de, en
                ),
                errors=self.field_errors,
                done=done,
            )
        return saved is not None


class VocabulariesTab(QWidget):
    """One vocabulary at a time: its entries in their order, retired ones marked."""

    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.entries: list[VocabularyItem] = []
        names = [(vocabulary_name(v), v.value) for v in Vocabulary]
        self.choice = forms.fill_combo(QComboBox(), names, optional=False)
        self.choice.setAccessibleName(_("List"))
        self.choice.currentIndexChanged.connect(lambda _i: self.refresh())
        choice_label = QLabel(_("&List:"))
        choice_label.setBuddy(self.choice)
        top = QHBoxLayout()
        top.addWidget(choice_label)
        top.addWidget(self.choice)
        top.addStretch(1)
        self.model = RowTableModel([_("Code"), _("German label"), _("English label"),
                                    _("State")], parent=self)  # fmt: skip
        self.table = list_table(self.model, _("Entries"))
        self.table.activated.connect(lambda _i: self.relabel())
        self.buttons = self._buttons()
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._enable())
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.table, 1)
        lay.addLayout(self.buttons)
        self._enable()

    def _buttons(self) -> QHBoxLayout:
        self.add_button = QPushButton(_("Add en&try…"))
        self.add_button.clicked.connect(self.add)
        self.relabel_button = QPushButton(_("Rela&bel…"))
        self.relabel_button.clicked.connect(self.relabel)
        self.up_button = QPushButton(_("Mov&e up"))
        self.up_button.clicked.connect(lambda: self.move_entry(-1))
        self.down_button = QPushButton(_("Move do&wn"))
        self.down_button.clicked.connect(lambda: self.move_entry(1))
        self.active_button = QPushButton(_("&Retire"))
        self.active_button.clicked.connect(self.toggle_active)
        row = QHBoxLayout()
        for b in (self.add_button, self.relabel_button, self.up_button, self.down_button,
                  self.active_button):  # fmt: skip
            row.addWidget(b)
        row.addStretch(1)
        return row

    def vocabulary(self) -> Vocabulary:
        return Vocabulary(self.choice.currentData())

    def refresh(self) -> None:
        keep = self.current()
        self.entries = self.ops.vocabulary(self.vocabulary(), active_only=False)
        self.model.set_rows([
            (e.code, (e.code, e.label_de, e.label_en, _("Active") if e.active else _("Retired")))
            for e in self.entries
        ])  # fmt: skip
        fit_columns(self.table)
        self.select(keep.code if keep else None)
        self._enable()

    def select(self, code: str | None) -> None:
        row = self.model.row_of(code) if code is not None else 0
        select_row(self.table, row if row >= 0 else 0)

    def current(self) -> VocabularyItem | None:
        row = selected_row(self.table)
        return self.entries[row] if 0 <= row < len(self.entries) else None

    def _enable(self) -> None:
        e = self.current()
        row = selected_row(self.table)
        self.relabel_button.setEnabled(e is not None)
        self.active_button.setEnabled(e is not None)
        self.active_button.setText(_("&Reactivate") if e and not e.active else _("&Retire"))
        self.up_button.setEnabled(e is not None and row > 0)
        self.down_button.setEnabled(e is not None and row < len(self.entries) - 1)

    # -- actions -----------------------------------------------------------------------------

    def add(self) -> None:
        dialog = EntryDialog(self.ops, self.vocabulary(), None, self)
        if dialog.run():
            self.refresh()
            self.select(dialog.code.text().strip())

    def relabel(self) -> None:
        e = self.current()
        if e is not None:
            EntryDialog(self.ops, self.vocabulary(), e, self).run()

    def move_entry(self, step: int) -> None:
        row = selected_row(self.table)
        other = row + step
        if row < 0 or not 0 <= other < len(self.entries):
            return
        codes = [e.code for e in self.entries]
        codes[row], codes[other] = codes[other], codes[row]
        moved = codes[other]
        if self.ops.write(
            self,
            lambda uow, actor: vocabularies.reorder(uow, actor, self.vocabulary(), codes),
            done=_("Order saved."),
        ):
            self.refresh()
            self.select(moved)
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def toggle_active(self) -> None:
        e = self.current()
        if e is None:
            return
        if e.active:
            question = _(
                "Retire “%(entry)s”? It is no longer offered for new input; records and "
                "statistics that use it keep it, and you can reactivate it later."
            ) % {"entry": e.label(language())}
            if not confirm(self, _("Retire entry"), question, yes=_("&Retire")):
                return
            done = _("Entry %(code)s retired.") % {"code": e.code}
        else:
            done = _("Entry %(code)s reactivated.") % {"code": e.code}
        self.ops.write(
            self,
            lambda uow, actor: vocabularies.set_active(
                uow, actor, self.vocabulary(), e.code, not e.active
            ),
            done=done,
        )
