"""Recognition procedures (Anerkennungsverfahren): one per foreign qualification on the record."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QCheckBox, QLineEdit, QWidget

from welcome_center.domain.drafts import RecognitionDraft
from welcome_center.domain.enums import RecognitionDecision, RecognitionState
from welcome_center.domain.views import RecognitionView
from welcome_center.i18n import _, country_name
from welcome_center.i18n.labels import label
from welcome_center.services import recognition
from welcome_center.ui.dialogs.person_editor import country_items
from welcome_center.ui.forms import date_edit, date_of, fill_combo, set_combo_value, set_date
from welcome_center.ui.qt_i18n import short_date
from welcome_center.ui.record.dialogs import (
    EditDialog,
    enum_combo,
    enum_value,
    find,
    notes_edit,
    run,
)
from welcome_center.ui.record.tables import RowsModel, TableTab, yes_no
from welcome_center.ui.widgets.type_ahead import TypeAheadCombo

if TYPE_CHECKING:
    from welcome_center.ui.record.host import RecordHost


class RecognitionModel(RowsModel):
    def columns(self) -> list[str]:
        return [
            _("Qualification"),
            _("Country of training"),
            _("Reference occupation"),
            _("Regulated"),
            _("Competent body"),
            _("State"),
            _("Decision"),
            _("Submitted"),
            _("Decided"),
        ]

    def row(self, p: RecognitionView) -> tuple[str, ...]:
        return (
            p.qualification,
            country_name(p.training_country) if p.training_country else "",
            p.reference_occupation,
            yes_no(p.regulated),
            p.competent_body,
            label(p.state),
            label(p.decision) if p.decision else "",
            short_date(p.submitted_on),
            short_date(p.decided_on),
        )


class RecognitionDialog(EditDialog):
    """A new recognition procedure, or (``existing``) its state, decision and details."""

    def __init__(
        self,
        host: RecordHost,
        existing: RecognitionView | None = None,
        parent: QWidget | None = None,
    ) -> None:
        title = _("New recognition procedure") if existing is None else _("Recognition procedure")
        super().__init__(host.ops, title, parent or host.widget())
        self.host, self.existing = host, existing
        self.qualification = self.row(_("&Qualification"), QLineEdit(), field="qualification")
        countries = fill_combo(TypeAheadCombo(), country_items())
        countries.setAccessibleName(_("Country of training"))
        self.training_country = self.row(
            _("Country of &training"), countries, field="training_country"
        )
        self.occupation = self.row(
            _("&Reference occupation"), QLineEdit(), field="reference_occupation"
        )
        self.regulated = self.row(_("Re&gulated occupation"), QCheckBox())
        self.regulated.setAccessibleName(_("Regulated occupation"))
        self.body = self.row(_("&Competent body"), QLineEdit(), field="competent_body")
        self.state = self.row(_("&State"), enum_combo(RecognitionState), field="state")
        self.decision = self.row(
            _("D&ecision"), enum_combo(RecognitionDecision, optional=True), field="decision"
        )
        self.submitted_on = self.row(
            _("Su&bmitted on"), date_edit(optional=True), field="submitted_on"
        )
        self.decided_on = self.row(_("Dec&ided on"), date_edit(optional=True), field="decided_on")
        self.notes = self.row(_("&Notes"), notes_edit(_("Notes")), field="notes")
        if existing is not None:
            self._fill(existing)
        self.ready()

    def _fill(self, p: RecognitionView) -> None:
        self.qualification.setText(p.qualification)
        set_combo_value(self.training_country, p.training_country)
        self.occupation.setText(p.reference_occupation)
        self.regulated.setChecked(p.regulated)
        self.body.setText(p.competent_body)
        set_combo_value(self.state, p.state.value)
        set_combo_value(self.decision, p.decision.value if p.decision else None)
        set_date(self.submitted_on, p.submitted_on, optional=True)
        set_date(self.decided_on, p.decided_on, optional=True)
        self.notes.setPlainText(p.notes)

    def value(self) -> RecognitionDraft:
        return RecognitionDraft(
            qualification=self.qualification.text().strip(),
            training_country=self.training_country.currentData(),
            reference_occupation=self.occupation.text().strip(),
            regulated=self.regulated.isChecked(),
            competent_body=self.body.text().strip(),
            state=enum_value(self.state, RecognitionState) or RecognitionState.INFORMED,
            decision=enum_value(self.decision, RecognitionDecision),
            submitted_on=date_of(self.submitted_on),
            decided_on=date_of(self.decided_on),
            notes=self.notes.toPlainText(),
        )

    def write(self) -> bool:
        if self.existing is None:
            saved = self.ops.write(
                self,
                lambda uow, actor: recognition.add_procedure(
                    uow, actor, self.host.record_id, self.value()
                ),
                errors=self.errors,
                done=_("Recognition procedure added."),
            )
        else:
            existing = self.existing
            saved = self.ops.write(
                self,
                lambda uow, actor: recognition.update_procedure(
                    uow, actor, existing.id, self.value(), existing.version
                ),
                errors=self.errors,
                on_conflict=self.reload,
                done=_("Recognition procedure saved."),
            )
        return saved is not None

    def saved_item(self) -> RecognitionView | None:
        d = self.host.read_again()
        return find(d.recognitions, self.existing.id) if d and self.existing else None

    def show_item(self, item: RecognitionView) -> None:
        self.existing = item
        self._fill(item)


def _no_procedure() -> str:
    return _(
        "A recognition procedure is followed for a client over time: assign a client to the "
        "anonymous enquiry first."
    )


class RecognitionTab(TableTab):
    """The record's recognition procedures; Enter edits one."""

    def __init__(self, host: RecordHost) -> None:
        super().__init__(
            RecognitionModel(),
            _("Recognition procedures"),
            _("No recognition procedures. Add one for each foreign qualification."),
        )
        self.host = host
        self.new_button = self.add_button(_("&New procedure…"), self.add)
        self.add_button(_("E&dit…"), self.edit_current, needs_item=True)
        self.finish_buttons()

    def show_details(self, details: Any) -> None:
        self.needs_client(self.new_button, details.client is None, _no_procedure())
        self.show_items(details.recognitions)

    def add(self) -> bool:
        d = self.host.details
        if self.refused(self.host.widget(), d is not None and d.client is None, _no_procedure()):
            return False
        return run(RecognitionDialog(self.host))

    def edit_item(self, item: RecognitionView) -> None:
        run(RecognitionDialog(self.host, item))
