"""The editor of a person: new or existing, duplicate candidates before a new one is saved.

:class:`ClientEditor` is the frame shared with the organisation editor: errors next to the
fields, a question before typed input is dropped, a colleague's version saved meanwhile shown
beside the input (both from :class:`welcome_center.ui.dialogs.base.BaseDialog`), and the
candidates a new entry may duplicate are shown in the dialog with a choice to open one of them
or to save anyway.
"""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from welcome_center.domain.drafts import PersonDraft
from welcome_center.domain.enums import (
    ClientKind,
    EducationLevel,
    EmploymentStatus,
    Gender,
    GermanLevel,
    Vocabulary,
)
from welcome_center.domain.text import strip_accents
from welcome_center.domain.views import DuplicateCandidate, PersonView
from welcome_center.i18n import _, country_name
from welcome_center.services import countries, people
from welcome_center.services.people import DuplicateCandidatesError
from welcome_center.ui import forms
from welcome_center.ui.client_facts import SEPARATOR, facts_parts
from welcome_center.ui.dialogs.base import BaseDialog
from welcome_center.ui.dialogs.conflict import Field, form_fields
from welcome_center.ui.funder_facts import YearField, enum_combo, enum_value, set_enum
from welcome_center.ui.ops import Ops
from welcome_center.ui.widgets.consent_panel import ConsentPanel
from welcome_center.ui.widgets.date_field import dates_ok

W = TypeVar("W", bound=QWidget)


def country_items() -> list[tuple[str, str]]:
    """(name in the UI language, code) of every country, sorted by name."""
    items = [(country_name(code), code) for code in countries.codes()]
    return sorted(items, key=lambda item: (strip_accents(item[0]), item[0]))


def notes_edit() -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setTabChangesFocus(True)  # Tab moves on, as in every other field
    edit.setMinimumHeight(edit.fontMetrics().lineSpacing() * 4)
    return edit


class CandidatesPanel(QGroupBox):
    """Existing persons or organisations a new entry may duplicate, with what to do about it."""

    open_existing = Signal(int)
    save_anyway = Signal()

    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(_("Possibly recorded already"), parent)
        self.ops = ops
        self.candidates: list[DuplicateCandidate] = []
        hint = QLabel(
            _(
                "These entries have a similar name. Open the existing one if it is the same, "
                "or save anyway if it is someone else."
            )
        )
        hint.setWordWrap(True)
        self.list = QListWidget()
        self.list.setAccessibleName(_("Possible duplicates"))
        self.list.setMaximumHeight(self.fontMetrics().lineSpacing() * 6)
        self.list.itemActivated.connect(lambda _item: self._open())
        self.open_button = QPushButton(_("Open e&xisting"))
        self.open_button.setAutoDefault(False)  # Enter in the form saves
        self.open_button.clicked.connect(self._open)
        self.anyway_button = QPushButton(_("Save &anyway"))
        self.anyway_button.setAutoDefault(False)
        self.anyway_button.clicked.connect(self.save_anyway.emit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.anyway_button)
        buttons.addStretch(1)
        lay = QVBoxLayout(self)
        lay.addWidget(hint)
        lay.addWidget(self.list)
        lay.addLayout(buttons)
        self.hide()

    def show_candidates(self, candidates: list[DuplicateCandidate]) -> None:
        self.candidates = list(candidates)
        self.list.clear()
        for c in self.candidates:
            self.list.addItem(QListWidgetItem(describe(self.ops, c)))
        self.list.setCurrentRow(0)
        self.show()
        self.list.setFocus()

    def clear(self) -> None:
        self.candidates = []
        self.list.clear()
        self.hide()

    def _open(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.candidates):
            self.open_existing.emit(self.candidates[row].id)


def describe(ops: Ops, candidate: DuplicateCandidate) -> str:
    """``Müller, Jürgen – same name`` and below it ``b. 03.04.1990 · Syria · Zwickau · 2 records``
    as the list shows a candidate."""
    facts = SEPARATOR.join(facts_parts(ops, candidate.facts))
    return f"{candidate.display_name} – {candidate.reason}\n{facts}"


class ClientEditor(BaseDialog):
    """The frame of the person and organisation editors (subclasses build the form)."""

    done_text = ""

    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.item: Any = None  # the saved view being edited (None: a new entry)
        self.saved_id: int | None = None
        self.errors = forms.FieldErrors()
        self.candidates = CandidatesPanel(ops)
        self.candidates.open_existing.connect(self.open_existing)
        self.candidates.save_anyway.connect(lambda: self.save(accept_duplicates=True))
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.save_button = QPushButton(_("&Save"))
        self.save_button.clicked.connect(lambda: self.save())
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.rejected.connect(self.reject)
        for keys in ("Ctrl+S", "Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self).activated.connect(lambda: self.save())
        self._initial: object = None
        # Room for long German labels and names; the layout still grows with the text.
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 96)

    def add(self, text: str, widget: W, field: str | None = None) -> W:
        """``text: widget`` as a row of the form, with an error line for ``field``."""
        self.errors.add_row(self.form, text, widget, field)
        return widget

    def _layout(self, *extra: QWidget, beside: QWidget | None = None) -> None:
        """The form, ``beside`` it a column of more fields (Tab reaches it after the form),
        then ``extra`` below."""
        lay = QVBoxLayout(self)
        lay.addWidget(self.errors.general)
        if beside is None:
            lay.addLayout(self.form)
        else:
            columns = QHBoxLayout()
            columns.addLayout(self.form, 1)
            side = QVBoxLayout()  # the column keeps its width; its rows stay at the top
            side.addWidget(beside)
            side.addStretch(1)
            columns.addLayout(side, 1)
            lay.addLayout(columns)
            # Room for both columns' German labels and the fields beside them.
            self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 160)
        for w in extra:
            lay.addWidget(w)
        lay.addWidget(self.candidates)
        lay.addWidget(self.buttons)
        self.save_button.setDefault(True)  # in the dialog now, so Enter saves
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        QWidget.setTabOrder(self.save_button, cancel)  # Tab as they stand: Save, then Cancel

    # -- what subclasses provide -------------------------------------------------------------

    def snapshot(self) -> object:
        """The input as a comparable value (to know whether something was typed)."""
        raise NotImplementedError

    def fill(self, item: Any) -> None:
        raise NotImplementedError

    def read(self, item_id: int) -> Any:
        raise NotImplementedError

    def write(self, accept_duplicates: bool) -> Any:
        """Save the input through ops.write; the Saved value or None."""
        raise NotImplementedError

    # -- behaviour ---------------------------------------------------------------------------

    def mark_clean(self) -> None:
        self._initial = self.snapshot()
        self.remember_base()

    def is_dirty(self) -> bool:
        return self.snapshot() != self._initial

    def load(self, item_id: int) -> bool:
        """Show the saved item (read for the user, so audited); False if it cannot be read."""
        item = self.read(item_id)
        if item is None:
            return False
        self.show_saved(item)
        return True

    def reload(self) -> None:
        if self.item is not None:
            self.load(self.item.id)

    def has_unsaved(self) -> bool:
        return self.is_dirty()

    def save_and_close(self) -> None:
        self.save()

    def saved_version(self) -> Any:
        if self.item is None:
            raise NotImplementedError  # a new entry conflicts with nothing
        return self.read(self.item.id)

    def show_saved(self, item: Any) -> None:
        self.item = item
        self.errors.clear()
        self.candidates.clear()
        self.fill(item)
        self.mark_clean()

    def conflict_fields(self) -> list[Field]:
        return form_fields(self.form)

    def save(self, accept_duplicates: bool = False) -> bool:
        if not dates_ok(self):
            return False
        self.candidates.clear()
        saved = self.saving(lambda: self.write(accept_duplicates))
        if saved is None:
            return False
        self.saved_id = saved.value.id
        self.mark_clean()
        self.accept()
        return True

    def create_checked(self, fn: Any, *args: Any) -> Any:
        """For ops.write: ``fn(uow, actor, *args)``; duplicate candidates are shown in the
        dialog (the error's message goes to the general error line)."""

        def call(uow: Any, actor: Any) -> Any:
            try:
                return fn(uow, actor, *args)
            except DuplicateCandidatesError as exc:
                self.candidates.show_candidates(exc.candidates)
                raise

        return call

    def open_existing(self, item_id: int) -> None:
        """The entry is recorded already: close, handing back the existing one's id."""
        self.saved_id = item_id
        self.accept()

    @classmethod
    def edit(
        cls, ops: Ops, parent: QWidget | None, item_id: int | None = None, **kw: Any
    ) -> int | None:
        """Edit an item (None: a new one); returns the id saved or chosen, or None."""
        dialog = cls(ops, parent, **kw)
        try:
            if item_id is not None and not dialog.load(item_id):
                return None
            return dialog.saved_id if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()


class PersonEditor(ClientEditor):
    """A person's details: name, birth date, nationality, where they live, how to reach them;
    beside them the facts funders count (all optional: "not recorded" saves as well)."""

    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(ops, parent)
        self.setWindowTitle(_("New person"))
        add = self.add
        self.family_name = add(_("&Family name"), QLineEdit(), "family_name")
        self.given_name = add(_("&Given name"), QLineEdit(), "given_name")
        self.birth_date = add(_("&Birth date"), forms.date_edit(optional=True), "birth_date")
        # Only the year when the date is not known; a date typed above fills it in.
        year = YearField(_("Birth year"))
        self.birth_year = add(_("Birt&h year (if the date is unknown)"), year, "birth_year")
        self.birth_date.dateChanged.connect(self._date_changed)
        countries_combo = forms.fill_combo(QComboBox(), country_items())
        self.nationality = add(_("&Nationality"), countries_combo, "nationality")
        second = forms.fill_combo(QComboBox(), country_items())
        self.nationality_2 = add(_("Second nationalit&y"), second, "nationality_2")
        self.nationality_2.setAccessibleName(_("Second nationality"))
        municipality = forms.vocab_combo(ops, Vocabulary.MUNICIPALITY)
        self.municipality = add(_("&Municipality"), municipality, "municipality")
        self.email = add(_("&E-mail"), QLineEdit(), "email")
        self.phone = add(_("Ph&one"), QLineEdit(), "phone")
        self.languages = add(_("&Languages"), QLineEdit(), "languages")
        self.languages.setPlaceholderText(_("e.g. Vietnamese, English (B1)"))
        self.notes = add(_("No&tes"), notes_edit(), "notes")
        for w, name in (
            (self.nationality, _("Nationality")),
            (self.municipality, _("Municipality")),
            (self.birth_date, _("Birth date")),
        ):
            w.setAccessibleName(name)
        facts = self._facts_box()  # before the consents: Tab reaches it first
        self.consents = ConsentPanel(ops, ClientKind.PERSON)  # shown once the person is saved
        self._layout(self.consents, beside=facts)
        self.mark_clean()

    def _facts_box(self) -> QGroupBox:
        box = QGroupBox(_("For the statistics (optional)"))
        self.facts_form = QFormLayout(box)
        add = self.facts_add
        self.gender = add(_("Gen&der"), enum_combo(Gender, _("Gender")), "gender")
        employment = enum_combo(EmploymentStatus, _("Employment status at first contact"))
        self.employment_status = add(
            _("Em&ployment status at first contact"), employment, "employment_status"
        )
        education = enum_combo(EducationLevel, _("Education level"))
        self.education = add(_("Education le&vel"), education, "education")
        german = enum_combo(GermanLevel, _("Knowledge of German"))
        self.german_level = add(_("&Knowledge of German"), german, "german_level")
        arrival = YearField(_("Arrival year in Germany"))
        self.arrival_year = add(_("A&rrival year in Germany"), arrival, "arrival_year")
        self.arrival_year.setToolTip(_("Empty while the person lives abroad"))
        return box

    def facts_add(self, text: str, widget: W, field: str) -> W:
        self.errors.add_row(self.facts_form, text, widget, field)
        return widget

    def conflict_fields(self) -> list[Field]:
        return form_fields(self.form, self.facts_form)

    def _date_changed(self, value: object) -> None:
        """A full date gives the year: shown, and not typed separately."""
        if isinstance(value, date):
            self.birth_year.set_year(value.year)
        self.birth_year.setEnabled(not isinstance(value, date))

    def draft(self) -> PersonDraft:
        return PersonDraft(
            family_name=self.family_name.text(),
            given_name=self.given_name.text(),
            birth_date=forms.date_of(self.birth_date),
            birth_year=self.birth_year.year(),
            nationality=self.nationality.currentData(),
            nationality_2=self.nationality_2.currentData(),
            municipality=self.municipality.currentData(),
            email=self.email.text(),
            phone=self.phone.text(),
            languages=self.languages.text(),
            notes=self.notes.toPlainText(),
            gender=enum_value(self.gender, Gender),
            employment_status=enum_value(self.employment_status, EmploymentStatus),
            education=enum_value(self.education, EducationLevel),
            german_level=enum_value(self.german_level, GermanLevel),
            arrival_year=self.arrival_year.year(),
        )

    def snapshot(self) -> object:
        return self.draft()

    def read(self, item_id: int) -> PersonView | None:
        return self.ops.read(self, lambda uow, actor: people.get_person(uow, actor, item_id))

    def fill(self, item: PersonView) -> None:
        self.setWindowTitle(_("Person: %(name)s") % {"name": item.display_name})
        self.consents.show_client(item.id, item.display_name)
        self.family_name.setText(item.family_name)
        self.given_name.setText(item.given_name)
        forms.set_date(self.birth_date, item.birth_date, optional=True)
        self.birth_year.set_year(item.birth_year)
        self.birth_year.setEnabled(item.birth_date is None)
        forms.set_combo_value(self.nationality, item.nationality)
        forms.set_combo_value(self.nationality_2, item.nationality_2)
        set_enum(self.gender, item.gender)
        set_enum(self.employment_status, item.employment_status)
        set_enum(self.education, item.education)
        set_enum(self.german_level, item.german_level)
        self.arrival_year.set_year(item.arrival_year)
        label = self.ops.label(Vocabulary.MUNICIPALITY, item.municipality)
        forms.set_combo_value(self.municipality, item.municipality, label)
        self.email.setText(item.email)
        self.phone.setText(item.phone)
        self.languages.setText(item.languages)
        self.notes.setPlainText(item.notes)

    def write(self, accept_duplicates: bool) -> Any:
        draft = self.draft()
        if self.item is None:
            create = self.create_checked(people.create_person, draft, accept_duplicates)
            return self.ops.write(self, create, errors=self.errors, done=_("Person saved."))
        return self.ops.write(
            self,
            lambda uow, actor: people.update_person(
                uow, actor, self.item.id, draft, self.item.version
            ),
            errors=self.errors,
            on_conflict=self.reload,
            done=_("Person saved."),
        )
