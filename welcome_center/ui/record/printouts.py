"""The summary for the client to take home, from the record window (Ctrl+P, or the button on
the Consultations tab): saved as PDF or opened to print (:mod:`.print_files`).

The dialog shows the sheet as it will be printed while the counsellor chooses the language,
the topics, the next steps (the record's open follow-ups: their notes are internal, shown here
as a reminder and never printed; the client reads only the text written for them) and the
partners.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from welcome_center.domain.dates import office_today
from welcome_center.domain.printouts import (
    LANGUAGE_NAMES,
    PRINT_LANGUAGES,
    STEP_CHARS,
    NextStep,
    SummaryChoices,
    SummaryError,
    SummaryRequest,
    build_summary,
    template_for,
)
from welcome_center.domain.views import FollowUpView
from welcome_center.i18n import _, language
from welcome_center.reports.client_summary import summary_text
from welcome_center.services import printouts
from welcome_center.ui import plain
from welcome_center.ui.forms import CodeChecklist, date_edit, date_of, error_label
from welcome_center.ui.qt_i18n import short_date
from welcome_center.ui.record.print_files import Make, file_name, open_pdf, save_pdf

if TYPE_CHECKING:
    from welcome_center.ui.record.host import RecordHost


def _muted(text: str) -> QLabel:
    label = plain.label(text)
    label.setWordWrap(True)
    label.setEnabled(False)  # greyed: a reminder, not part of the sheet
    return label


class StepRow:
    """One next step: print it or not, its day, what the client reads."""

    def __init__(self, due_on: date, note: str = "") -> None:
        self.use = QCheckBox()
        self.use.setChecked(True)
        self.day = date_edit(due_on)
        self.text = QLineEdit()
        self.text.setMaxLength(STEP_CHARS)
        self.text.setPlaceholderText(_("What the client does or can expect then"))
        self.note = (
            _muted(_("Follow-up (not printed): %(note)s") % {"note": note}) if note else None
        )
        self._name()
        self.day.dateChanged.connect(lambda _d: self._name())

    def _name(self) -> None:
        day = date_of(self.day)
        when = short_date(day) if day else ""
        self.use.setAccessibleName(_("Print the step of %(date)s") % {"date": when})
        self.text.setAccessibleName(_("Step of %(date)s for the client") % {"date": when})

    def step(self) -> NextStep | None:
        day = date_of(self.day)
        if not self.use.isChecked() or day is None:
            return None
        return NextStep(day, self.text.text())


class StepsEditor(QWidget):
    """The next steps: a line per open follow-up, more with "Add a step"."""

    def __init__(self, follow_ups: list[FollowUpView], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[StepRow] = []
        self.grid = QGridLayout()
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setColumnStretch(2, 1)
        for col, text in enumerate((_("Print"), _("Day"), _("For the client"))):
            self.grid.addWidget(plain.label(text), 0, col)
        self.empty = _muted(_("The record has no open follow-ups. Add a step if there is one."))
        self.add_button = QPushButton(_("&Add a step"))
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(self.add_step)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(self.grid)
        lay.addWidget(self.empty)
        lay.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)
        for f in follow_ups:
            self._add(StepRow(f.due_on, f.note))
        self.empty.setVisible(not follow_ups)
        # Its label leads to the first step's text, or to "Add a step" (a label's buddy must
        # take focus itself: a focus proxy is not followed).
        self.setFocusProxy(self.rows[0].text if self.rows else self.add_button)
        self.changed: Callable[[], None] = lambda: None

    def _add(self, row: StepRow) -> None:
        r = self.grid.rowCount()
        self.grid.addWidget(row.use, r, 0, Qt.AlignmentFlag.AlignTop)
        self.grid.addWidget(row.day, r, 1, Qt.AlignmentFlag.AlignTop)
        self.grid.addWidget(row.text, r, 2)
        if row.note is not None:
            self.grid.addWidget(row.note, r + 1, 2)
        self.rows.append(row)
        row.use.toggled.connect(lambda _on: self.changed())
        row.day.dateChanged.connect(lambda _d: self.changed())
        row.text.textChanged.connect(lambda _t: self.changed())

    def add_step(self) -> None:
        row = StepRow(office_today() + timedelta(days=7))
        self._add(row)
        self.empty.hide()
        self.changed()
        QTimer.singleShot(0, row.text.setFocus)  # once the new line is shown

    def steps(self) -> tuple[NextStep, ...]:
        return tuple(s for s in (row.step() for row in self.rows) if s is not None)


def language_items(choices: SummaryChoices) -> list[tuple[str, str]]:
    """(text, code) of the print languages; one without a text of its own says so."""
    items = []
    for code, name in PRINT_LANGUAGES:
        used, _text = template_for(choices.texts, code)
        note = "" if used == code else " – " + _("no text yet: printed in English")
        items.append((name + note, code))
    return items


class ClientSummaryDialog(QDialog):
    """Choose what the client's summary shows, see it, save it as PDF or open it to print."""

    def __init__(self, host: RecordHost, choices: SummaryChoices) -> None:
        super().__init__(host.widget())
        self.host, self.ops, self.choices = host, host.ops, choices
        self.made: Path | None = None
        self.setWindowTitle(_("Summary for the client"))
        self.language = QComboBox()
        for text, code in language_items(choices):
            self.language.addItem(text, code)
        self.language.setCurrentIndex(max(self.language.findData(language()), 0))
        self.language.setAccessibleName(_("Language of the summary"))
        self.fallback = error_label()
        self.day = date_edit(min(office_today(), max(choices.opened_on, office_today())))
        self.day.setAccessibleName(_("Day of the counselling"))
        self.topics = CodeChecklist([(t.label(language()), t.code) for t in choices.topics])
        self.topics.set_codes(t.code for t in choices.topics)
        self.topics.setAccessibleName(_("Topics"))
        open_ups = [f for f in (host.details.follow_ups if host.details else ()) if not f.done_on]
        self.steps = StepsEditor(open_ups)
        steps_area = QScrollArea()
        steps_area.setWidget(self.steps)
        steps_area.setWidgetResizable(True)
        steps_area.setFrameShape(QScrollArea.Shape.NoFrame)
        self.partners = CodeChecklist([(p.name, str(p.id)) for p in choices.partners])
        self.partners.set_codes(str(p.id) for p in choices.partners)
        for checklist in (self.topics, self.partners):  # as high as its lines, no more
            checklist.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
            checklist.setMaximumHeight(checklist.minimumHeight())
        self.partners.setAccessibleName(_("Partners"))
        self.preview = QPlainTextEdit()
        self.preview.setReadOnly(True)
        self.preview.setAccessibleName(_("Preview of the summary"))
        self.errors = error_label()
        self._layout(steps_area)
        self.language.currentIndexChanged.connect(self.update_preview)
        self.day.dateChanged.connect(lambda _d: self.update_preview())
        self.topics.itemChanged.connect(lambda _i: self.update_preview())
        self.partners.itemChanged.connect(lambda _i: self.update_preview())
        self.steps.changed = self.update_preview
        self.update_preview()
        self.language.setFocus()

    def _layout(self, steps_area: QScrollArea) -> None:
        form = QFormLayout()

        def row(text: str, widget: QWidget, buddy: QWidget | None = None) -> None:
            label = QLabel(text)
            label.setBuddy(buddy or widget)
            form.addRow(label, widget)

        row(_("Lan&guage"), self.language)
        form.addRow("", self.fallback)
        row(_("&Date"), self.day)
        row(_("&Topics"), self.topics)
        row(_("Next &steps"), steps_area, self.steps.focusProxy())
        row(_("&Partners"), self.partners)
        if not self.choices.partners:
            self.partners.hide()
            form.labelForField(self.partners).hide()
        if not self.choices.topics:
            self.topics.hide()
            form.labelForField(self.topics).hide()
        preview_label = QLabel(_("Pre&view"))
        preview_label.setBuddy(self.preview)
        right = QVBoxLayout()
        right.addWidget(preview_label)
        right.addWidget(self.preview, 1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.save_button = self.buttons.addButton(
            _("Save as PD&F…"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.print_button = self.buttons.addButton(
            _("&Open to print"), QDialogButtonBox.ButtonRole.ActionRole
        )
        for b in (self.save_button, self.print_button):
            b.setAutoDefault(False)
        self.save_button.clicked.connect(self.save)
        self.print_button.clicked.connect(self.open_to_print)
        self.buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence("Ctrl+S"), self, self.save)
        columns = QHBoxLayout()
        left = QVBoxLayout()
        left.addLayout(form)
        left.addStretch(1)
        columns.addLayout(left, 3)
        columns.addLayout(right, 2)
        lay = QVBoxLayout(self)
        lay.addLayout(columns, 1)
        lay.addWidget(self.errors)
        lay.addWidget(self.buttons)
        self.resize(1100, 640)

    def request(self) -> SummaryRequest:
        return SummaryRequest(
            language=str(self.language.currentData()),
            day=date_of(self.day) or office_today(),
            topics=self.topics.codes(),
            steps=self.steps.steps(),
            partner_ids=tuple(int(c) for c in self.partners.codes()),
        )

    def update_preview(self) -> None:
        request = self.request()
        code = request.language
        used, _text = template_for(self.choices.texts, code)
        self.fallback.setText(
            _(
                "There is no text in %(language)s yet: the summary is printed in English and "
                "says so. An administrator can write one (Administration, Print-outs)."
            )
            % {"language": LANGUAGE_NAMES.get(code, code)}
        )
        self.fallback.setVisible(used != code)
        # A step without its text yet shows where the text goes.
        steps = tuple(NextStep(s.due_on, s.text.strip() or "…") for s in request.steps)
        shown = SummaryRequest(code, request.day, request.topics, steps, request.partner_ids)
        try:
            content = build_summary(self.choices, shown, office_today())
        except SummaryError:
            self.preview.setPlainText(_("(The preview shows the sheet once the date is right.)"))
            return
        self.preview.setPlainText(summary_text(content))

    def _make(self) -> Make:
        record_id, request = self.choices.record_id, self.request()
        return lambda uow, actor: printouts.client_summary(uow, actor, record_id, request)

    def _name(self) -> str:
        number = self.host.details.number if self.host.details else ""
        stem = "Zusammenfassung" if language() == "de" else "Summary"
        return file_name(stem, number, str(self.language.currentData()))

    def _ready(self) -> bool:
        """Whether the choices can be printed; if not, the dialog says why."""
        problem = printouts.summary_problem(self.choices, self.request())
        self.errors.setVisible(problem is not None)
        if problem is not None:
            self.errors.setText(problem.message)
        return problem is None

    def save(self) -> None:
        if not self._ready():
            return
        made = save_pdf(
            self, self.ops, _("Save the summary"), self._name(), self._make(), self.errors
        )
        if made is not None:
            self.made = made
            self.accept()

    def open_to_print(self) -> None:
        if not self._ready():
            return
        made = open_pdf(self, self.ops, self._name(), self._make(), self.errors)
        if made is not None:
            self.made = made


def print_client_summary(host: RecordHost) -> Path | None:
    """Ctrl+P in the record window: the summary dialog for the open record."""
    if host.details is None:
        return None
    record_id = host.record_id
    choices = host.ops.read(
        host.widget(), lambda uow, actor: printouts.summary_choices(uow, actor, record_id)
    )
    if choices is None:
        return None
    dialog = ClientSummaryDialog(host, choices)
    try:
        dialog.exec()
        return dialog.made
    finally:
        dialog.deleteLater()
