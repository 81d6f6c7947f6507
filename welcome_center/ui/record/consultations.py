"""The record's consultations (Beratungskontakte): a table, and a dialog to record or correct
one."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QLineEdit, QPushButton, QSpinBox, QWidget

from welcome_center.domain.drafts import ConsultationDraft
from welcome_center.domain.enums import Vocabulary
from welcome_center.domain.views import ConsultationView
from welcome_center.i18n import _
from welcome_center.services import consultations
from welcome_center.ui.forms import (
    CodeChecklist,
    date_edit,
    date_of,
    set_combo_value,
    set_date,
    vocab_combo,
)
from welcome_center.ui.qt_i18n import short_date
from welcome_center.ui.record.dialogs import (
    EditDialog,
    counsellor_combo,
    find,
    notes_edit,
    run,
    set_counsellor,
)
from welcome_center.ui.record.printouts import print_client_summary
from welcome_center.ui.record.tables import RowsModel, TableTab, first_line, yes_no

if TYPE_CHECKING:
    from welcome_center.ui.record.host import RecordHost

MAX_MINUTES = 24 * 60


class ConsultationModel(RowsModel):
    RIGHT = frozenset({1})
    TOPICS, NOTES = 5, 6
    STRETCH = frozenset({TOPICS, NOTES})
    WRAP = True

    def __init__(self, ops: Any, parent: Any = None) -> None:
        self.ops = ops
        super().__init__(parent)

    def columns(self) -> list[str]:
        return [
            _("Date"),
            _("Minutes"),
            _("Channel"),
            _("Counsellor"),
            _("First contact"),
            _("Topics"),
            _("Notes"),
        ]

    def row(self, c: ConsultationView) -> tuple[str, ...]:
        topics = ", ".join(self.ops.label(Vocabulary.TOPIC, t) for t in c.topics)
        return (
            short_date(c.held_on),
            str(c.duration_minutes),
            self.ops.label(Vocabulary.CHANNEL, c.channel),
            c.counsellor or "",
            yes_no(c.is_first),
            topics,
            first_line(c.notes),
        )

    def full(self, c: ConsultationView, shown: tuple[str, ...]) -> tuple[str, ...]:
        return (*shown[: self.NOTES], c.notes)

    def preview(self, c: ConsultationView) -> str:
        """Topics, language and the whole notes of ``c`` (the table shows their first line)."""
        topics = ", ".join(self.ops.label(Vocabulary.TOPIC, t) for t in c.topics)
        lines = [_("Topics: %(topics)s") % {"topics": topics or "—"}]
        if c.language or c.interpreter:
            language = c.language or "—"
            if c.interpreter:
                language = _("%(language)s, with an interpreter") % {"language": language}
            lines.append(_("Language: %(language)s") % {"language": language})
        notes = c.notes.strip() or _("No notes.")
        return "\n".join(lines) + "\n\n" + notes


class ConsultationDialog(EditDialog):
    """Record a consultation on a record, or correct one (``existing``)."""

    def __init__(
        self,
        host: RecordHost,
        existing: ConsultationView | None = None,
        parent: QWidget | None = None,
    ) -> None:
        title = _("Record a consultation") if existing is None else _("Correct the consultation")
        super().__init__(host.ops, title, parent or host.widget())
        self.host, self.existing = host, existing
        self._build()
        self._fill(existing)
        self.ready()

    def _build(self) -> None:
        self.held_on = self.row(_("&Date"), date_edit(), field="held_on")
        self.duration = QSpinBox()
        self.duration.setRange(0, MAX_MINUTES)
        self.duration.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.row(_("D&uration in minutes"), self.duration, field="duration_minutes")
        channel = vocab_combo(self.ops, Vocabulary.CHANNEL)
        self.channel = self.row(_("C&hannel"), channel, field="channel")
        counsellor = counsellor_combo(self.ops)
        self.counsellor = self.row(_("C&ounsellor"), counsellor, field="counsellor")
        self.is_first = self.row(_("&First contact"), QCheckBox())
        topics = CodeChecklist.of(self.ops, Vocabulary.TOPIC)
        self.topics = self.row(_("&Topics"), topics, field="topics")
        self.language = self.row(_("&Language"), QLineEdit(), field="language")
        self.interpreter = self.row(_("&Interpreter present"), QCheckBox())
        self.notes = self.row(_("&Notes"), notes_edit(_("Notes")), field="notes")
        self.is_first.setAccessibleName(_("First contact"))
        self.interpreter.setAccessibleName(_("Interpreter present"))

    def _fill(self, c: ConsultationView | None) -> None:
        d = self.host.details
        if c is None:
            set_counsellor(self.counsellor, self.ops, self.ops.actor.user_id)
            self.is_first.setChecked(d is not None and not d.consultations)
            if d is not None:
                set_combo_value(self.channel, d.channel)
                self.topics.set_codes(d.topics)
            return
        set_date(self.held_on, c.held_on)
        self.duration.setValue(c.duration_minutes)
        set_combo_value(self.channel, c.channel, self.ops.label(Vocabulary.CHANNEL, c.channel))
        set_counsellor(self.counsellor, self.ops, c.counsellor_id)
        self.is_first.setChecked(c.is_first)
        labels = {t: self.ops.label(Vocabulary.TOPIC, t) for t in c.topics}
        self.topics.set_codes(c.topics, labels)
        self.language.setText(c.language)
        self.interpreter.setChecked(c.interpreter)
        self.notes.setPlainText(c.notes)

    def value(self) -> ConsultationDraft:
        # date.min only while the typed day is no date: try_save refuses it before write().
        held_on = date_of(self.held_on) or date.min
        return ConsultationDraft(
            held_on=held_on,
            duration_minutes=self.duration.value(),
            channel=self.channel.currentData(),
            counsellor_id=self.counsellor.currentData(),
            is_first=self.is_first.isChecked(),
            topics=self.topics.codes(),
            language=self.language.text().strip(),
            interpreter=self.interpreter.isChecked(),
            notes=self.notes.toPlainText(),
        )

    def write(self) -> bool:
        if self.existing is None:
            saved = self.ops.write(
                self,
                lambda uow, actor: consultations.record_consultation(
                    uow, actor, self.host.record_id, self.value()
                ),
                errors=self.errors,
                done=_("Consultation recorded."),
            )
        else:
            existing = self.existing
            saved = self.ops.write(
                self,
                lambda uow, actor: consultations.update_consultation(
                    uow, actor, existing.id, self.value(), existing.version
                ),
                errors=self.errors,
                on_conflict=self.reload,
                done=_("Consultation corrected."),
            )
        return saved is not None

    def saved_item(self) -> ConsultationView | None:
        d = self.host.read_again()
        return find(d.consultations, self.existing.id) if d and self.existing else None

    def show_item(self, item: ConsultationView) -> None:
        self.existing = item
        self._fill(item)


class ConsultationsTab(TableTab):
    """The record's consultations, newest first; Enter corrects one."""

    def __init__(self, host: RecordHost) -> None:
        super().__init__(
            ConsultationModel(host.ops),
            _("Consultations"),
            _("No consultations yet. Record one with Ctrl+K."),
            _("Notes of the se&lected consultation"),
        )
        self.host = host
        self.add_button(_("&New consultation… (Ctrl+K)"), self.add)
        self.add_button(_("E&dit…"), self.edit_current, needs_item=True)
        self.finish_buttons()
        # After a consultation the client takes a summary home (the whole window: Ctrl+P).
        self.summary_button = QPushButton(_("Summary for the cl&ient… (Ctrl+P)"))
        self.summary_button.clicked.connect(lambda: print_client_summary(self.host))
        self.buttons.addWidget(self.summary_button)

    def show_details(self, details: Any) -> None:
        self.show_items(details.consultations)

    def add(self) -> bool:
        return run(ConsultationDialog(self.host))

    def edit_item(self, item: ConsultationView) -> None:
        run(ConsultationDialog(self.host, item))
