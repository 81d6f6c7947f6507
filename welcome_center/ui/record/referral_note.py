"""The referral note for a partner, from a line of the record's Referrals tab: in German or
English, with the client's details the counsellor ticks and a message (the referral's reason
to begin with); saved as PDF, opened to print, or its text copied for an e-mail.

A note passes the client's data on: without a consent of the client to referrals to that
partner in force today, the desk says what is missing and offers to record the consent.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from welcome_center.domain.dates import office_today
from welcome_center.domain.enums import ClientKind
from welcome_center.domain.errors import ConsentMissingError
from welcome_center.domain.printouts import (
    DEFAULT_DETAILS,
    MESSAGE_CHARS,
    ClientDetail,
    NoteChoices,
    NoteRequest,
    build_note,
)
from welcome_center.domain.views import ReferralView
from welcome_center.i18n import _, country_name, language
from welcome_center.reports.referral_note import note_subject, note_text
from welcome_center.services import printouts
from welcome_center.services.context import Actor, UnitOfWork
from welcome_center.ui import plain
from welcome_center.ui.dialogs import base
from welcome_center.ui.forms import error_label
from welcome_center.ui.qt_i18n import short_date
from welcome_center.ui.record.dialogs import run
from welcome_center.ui.record.print_files import Make, file_name, open_pdf, save_pdf
from welcome_center.ui.widgets.consent_panel import LANGUAGE_NAMES, ConsentDialog

if TYPE_CHECKING:
    from welcome_center.ui.record.host import RecordHost


def _detail_text(d: ClientDetail, value: str) -> str:
    """A checkbox's words: what and the client's value (so the counsellor sees what goes)."""
    if d is ClientDetail.BIRTH_DATE:
        from datetime import date

        return _("Birth date: %(value)s") % {"value": short_date(date.fromisoformat(value))}
    if d is ClientDetail.NATIONALITY:
        names = ", ".join(country_name(c) for c in value.split(",") if c)
        return _("Nationality: %(value)s") % {"value": names}
    words = {
        ClientDetail.LANGUAGES: _("Languages: %(value)s"),
        ClientDetail.PHONE: _("Phone: %(value)s"),
        ClientDetail.EMAIL: _("E-mail: %(value)s"),
        ClientDetail.WEBSITE: _("Website: %(value)s"),
    }
    return words[d] % {"value": value}


class ReferralNoteDialog(QDialog):
    """What goes to the partner, seen as the e-mail text; PDF, print, or copy."""

    def __init__(self, host: RecordHost, choices: NoteChoices) -> None:
        super().__init__(host.widget())
        self.host, self.ops, self.choices = host, host.ops, choices
        self.made: Path | None = None
        self.copied = False
        self.setWindowTitle(_("Referral note for %(partner)s") % {"partner": choices.partner.name})
        who = choices.consent_partner or _("all partners")
        self.consent = plain.label(
            _(
                "The client consented on %(date)s to referrals to %(who)s. The note carries "
                "the name and what you tick below; tick only what the partner needs."
            )
            % {"date": short_date(choices.consent_given_on), "who": who}
        )
        self.consent.setWordWrap(True)
        self.language = QComboBox()
        for code, name in LANGUAGE_NAMES:
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(self.language.findData(language()), 0))
        self.language.setAccessibleName(_("Language of the note"))
        self.details: dict[ClientDetail, QCheckBox] = {}
        boxes = QVBoxLayout()
        boxes.setContentsMargins(0, 0, 0, 0)
        for d in ClientDetail:
            value = choices.details.get(d, "")
            if not value:
                continue
            box = QCheckBox(plain.for_button(_detail_text(d, value)))
            box.setChecked(d in DEFAULT_DETAILS)
            box.toggled.connect(lambda _on: self.update_preview())
            boxes.addWidget(box)
            self.details[d] = box
        details = QWidget()
        details.setLayout(boxes)
        self.message = QPlainTextEdit(choices.reason)
        self.message.setTabChangesFocus(True)
        self.message.setAccessibleName(_("Message to the partner"))
        self.message.setMinimumHeight(self.message.fontMetrics().lineSpacing() * 5 + 12)
        self.subject = QLineEdit()
        self.subject.setReadOnly(True)
        self.subject.setAccessibleName(_("Subject of the e-mail"))
        self.preview = QPlainTextEdit()
        self.preview.setReadOnly(True)
        self.preview.setAccessibleName(_("Text of the e-mail"))
        self.errors = error_label()
        self._layout(details)
        self.language.currentIndexChanged.connect(self.update_preview)
        self.message.textChanged.connect(self.update_preview)
        self.update_preview()
        self.language.setFocus()

    def _layout(self, details: QWidget) -> None:
        form = QFormLayout()

        def row(text: str, widget: QWidget, buddy: QWidget | None = None) -> None:
            label = QLabel(text)
            label.setBuddy(buddy or widget)
            form.addRow(label, widget)

        form.addRow(self.consent)
        row(_("Lan&guage"), self.language)
        if self.details:
            row(_("&Client's details"), details, next(iter(self.details.values())))
        else:
            form.addRow(_("Client's details"), plain.label(_("Only the name is recorded.")))
        row(_("&Message"), self.message)
        right = QVBoxLayout()
        for text, widget in ((_("S&ubject"), self.subject), (_("E-mail te&xt"), self.preview)):
            label = QLabel(text)
            label.setBuddy(widget)
            right.addWidget(label)
            right.addWidget(widget)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        role = QDialogButtonBox.ButtonRole.ActionRole
        self.copy_button = self.buttons.addButton(_("Cop&y e-mail text"), role)
        self.save_button = self.buttons.addButton(_("Save as PD&F…"), role)
        self.print_button = self.buttons.addButton(_("&Open to print"), role)
        for b in (self.copy_button, self.save_button, self.print_button):
            b.setAutoDefault(False)
        self.copy_button.clicked.connect(self.copy_text)
        self.save_button.clicked.connect(self.save)
        self.print_button.clicked.connect(self.open_to_print)
        self.buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence("Ctrl+S"), self, self.save)
        hint = plain.label(
            _(
                "Copying makes the text for your e-mail program: send personal data only the "
                "way your office agreed with the partner."
            )
        )
        hint.setWordWrap(True)
        columns = QHBoxLayout()
        left = QVBoxLayout()
        left.addLayout(form)
        left.addStretch(1)
        right_box = QVBoxLayout()
        right_box.addLayout(right, 1)
        right_box.addWidget(hint)
        columns.addLayout(left, 1)
        columns.addLayout(right_box, 1)
        lay = QVBoxLayout(self)
        lay.addLayout(columns, 1)
        lay.addWidget(self.errors)
        lay.addWidget(self.buttons)
        self.resize(1000, 600)

    def request(self) -> NoteRequest:
        ticked = frozenset(d for d, box in self.details.items() if box.isChecked())
        message = self.message.toPlainText()[:MESSAGE_CHARS]
        return NoteRequest(str(self.language.currentData()), ticked, message)

    def update_preview(self) -> None:
        content = build_note(self.choices, self.request(), office_today())
        self.subject.setText(note_subject(content))
        self.subject.setCursorPosition(0)  # its beginning shown, not its end
        self.preview.setPlainText(note_text(content))

    def _make(self) -> Make:
        referral_id, request = self.choices.referral_id, self.request()
        return lambda uow, actor: printouts.referral_note_pdf(uow, actor, referral_id, request)

    def _name(self) -> str:
        stem = "Weitervermittlung" if self.language.currentData() == "de" else "Referral"
        return file_name(stem, self.choices.record_number, self.choices.partner.name[:30])

    def save(self) -> None:
        made = save_pdf(
            self, self.ops, _("Save the referral note"), self._name(), self._make(), self.errors
        )
        if made is not None:
            self.made = made
            self.accept()

    def open_to_print(self) -> None:
        made = open_pdf(self, self.ops, self._name(), self._make(), self.errors)
        if made is not None:
            self.made = made

    def copy_text(self) -> None:
        """The e-mail's subject and text to the clipboard (audited: it leaves the desk)."""
        referral_id, request = self.choices.referral_id, self.request()
        made = self.ops.read(
            self, lambda uow, actor: printouts.referral_note_email(uow, actor, referral_id, request)
        )
        if made is None:
            return
        subject, body = made
        QGuiApplication.clipboard().setText(f"{subject}\n\n{body}")
        self.copied = True
        self.ops.status.emit(_("The e-mail text is on the clipboard: paste it into your e-mail."))


def ask_missing_consent(parent: QWidget, error: ConsentMissingError) -> bool:
    """Say what is missing; True when the user wants to record the consent now."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(_("No referral note without consent"))
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(error.message)
    box.setInformativeText(
        _(
            "A referral note passes the client's data to the partner; it needs the client's "
            "consent to referrals to that partner (or to all partners), in force today."
        )
    )
    record = box.addButton(_("&Record consent…"), QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(_("&Cancel"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    base.run_question(box)  # tests answer it there
    return box.clickedButton() is record


def _choices(host: RecordHost, referral_id: int) -> NoteChoices | ConsentMissingError | None:
    """The note's choices, or what consent is missing; None when another error was shown."""

    def call(uow: UnitOfWork, actor: Actor) -> NoteChoices | ConsentMissingError:
        try:
            return printouts.note_choices(uow, actor, referral_id)
        except ConsentMissingError as exc:
            return exc

    return host.ops.read(host.widget(), call)


def make_referral_note(host: RecordHost, referral: ReferralView) -> Path | bool | None:
    """The note dialog for ``referral``; refused for want of consent, it says what is missing
    and offers to record the consent, then opens. The PDF made, True when only the e-mail text
    was copied, or None."""
    while True:
        found = _choices(host, referral.id)
        if found is None:
            return None
        if isinstance(found, NoteChoices):
            break
        if not ask_missing_consent(host.widget(), found):
            return None
        client = (ClientKind(found.client_kind), found.client_id)
        dialog = ConsentDialog(
            host.ops, client, host.widget(), partner_id=found.partner_id, given_on=office_today()
        )
        if not run(dialog):
            return None
    note = ReferralNoteDialog(host, found)
    try:
        note.exec()
        return note.made or note.copied or None
    finally:
        note.deleteLater()
