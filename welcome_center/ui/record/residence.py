"""Residence titles (Aufenthaltstitel) of the record's client: they belong to the person, so the
tab shows the person's whole history, whichever record it was entered on."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QCheckBox, QWidget

from welcome_center.domain.drafts import ResidenceTitleDraft
from welcome_center.domain.enums import Vocabulary
from welcome_center.domain.errors import ValidationError
from welcome_center.domain.views import ResidenceTitleView
from welcome_center.i18n import _
from welcome_center.services import residence
from welcome_center.ui.forms import date_edit, date_of, set_combo_value, set_date, vocab_combo
from welcome_center.ui.qt_i18n import short_date
from welcome_center.ui.record.dialogs import EditDialog, find, notes_edit, run
from welcome_center.ui.record.tables import RowsModel, TableTab, first_line, yes_no

if TYPE_CHECKING:
    from welcome_center.ui.record.host import RecordHost


class ResidenceModel(RowsModel):
    def __init__(self, ops: Any, parent: Any = None) -> None:
        self.ops = ops
        super().__init__(parent)

    def columns(self) -> list[str]:
        return [
            _("Title"),
            _("Valid from"),
            _("Expires on"),
            _("Accelerated procedure"),
            _("Notes"),
        ]

    def row(self, t: ResidenceTitleView) -> tuple[str, ...]:
        return (
            self.ops.label(Vocabulary.RESIDENCE_TITLE, t.title),
            short_date(t.valid_from),
            short_date(t.expires_on),
            yes_no(t.accelerated_procedure),
            first_line(t.notes),
        )


class ResidenceDialog(EditDialog):
    """A residence title of the client person, new or (``existing``) corrected."""

    def __init__(
        self,
        host: RecordHost,
        existing: ResidenceTitleView | None = None,
        parent: QWidget | None = None,
    ) -> None:
        title = _("New residence title") if existing is None else _("Residence title")
        super().__init__(host.ops, title, parent or host.widget())
        self.host, self.existing = host, existing
        kind = vocab_combo(self.ops, Vocabulary.RESIDENCE_TITLE)
        self.title = self.row(_("&Title"), kind, field="title")
        self.valid_from = self.row(_("&Valid from"), date_edit(optional=True), field="valid_from")
        self.expires_on = self.row(_("&Expires on"), date_edit(optional=True), field="expires_on")
        self.accelerated = self.row(_("&Accelerated procedure (§ 81a)"), QCheckBox())
        self.accelerated.setAccessibleName(_("Accelerated procedure (§ 81a)"))
        self.notes = self.row(_("&Notes"), notes_edit(_("Notes")), field="notes")
        if existing is not None:
            self._fill(existing)
        self.ready()

    def _fill(self, t: ResidenceTitleView) -> None:
        label = self.ops.label(Vocabulary.RESIDENCE_TITLE, t.title)
        set_combo_value(self.title, t.title, label)
        set_date(self.valid_from, t.valid_from, optional=True)
        set_date(self.expires_on, t.expires_on, optional=True)
        self.accelerated.setChecked(t.accelerated_procedure)
        self.notes.setPlainText(t.notes)

    def value(self) -> tuple[object, ...]:
        return (
            self.title.currentData(),
            date_of(self.valid_from),
            date_of(self.expires_on),
            self.accelerated.isChecked(),
            self.notes.toPlainText(),
        )

    def write(self) -> bool:
        code = self.title.currentData()
        if code is None:
            self.errors.clear()
            self.errors.show(ValidationError(_("Choose the residence title."), field="title"))
            return False
        draft = ResidenceTitleDraft(
            title=str(code),
            valid_from=date_of(self.valid_from),
            expires_on=date_of(self.expires_on),
            accelerated_procedure=self.accelerated.isChecked(),
            notes=self.notes.toPlainText(),
        )
        if self.existing is None:
            person_id = self.host.details.client.id  # type: ignore[union-attr]
            saved = self.ops.write(
                self,
                lambda uow, actor: residence.add_title(uow, actor, person_id, draft),
                errors=self.errors,
                done=_("Residence title added."),
            )
        else:
            existing = self.existing
            saved = self.ops.write(
                self,
                lambda uow, actor: residence.update_title(
                    uow, actor, existing.id, draft, existing.version
                ),
                errors=self.errors,
                on_conflict=self.reload,
                done=_("Residence title saved."),
            )
        return saved is not None

    def saved_item(self) -> ResidenceTitleView | None:
        d = self.host.read_again()
        return find(d.residence_titles, self.existing.id) if d and self.existing else None

    def show_item(self, item: ResidenceTitleView) -> None:
        self.existing = item
        self._fill(item)


class ResidenceTab(TableTab):
    """The client person's residence titles, newest first; Enter corrects one."""

    def __init__(self, host: RecordHost) -> None:
        super().__init__(
            ResidenceModel(host.ops),
            _("Residence titles"),
            _("No residence titles recorded for this person. Add the current one."),
        )
        self.host = host
        self.add_button(_("&New title…"), self.add)
        self.add_button(_("E&dit…"), self.edit_current, needs_item=True)
        self.finish_buttons()

    def show_details(self, details: Any) -> None:
        self.show_items(details.residence_titles)

    def add(self) -> bool:
        return run(ResidenceDialog(self.host))

    def edit_item(self, item: ResidenceTitleView) -> None:
        run(ResidenceDialog(self.host, item))
