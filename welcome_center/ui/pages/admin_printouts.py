"""Administration, tab Print-outs: how to reach the office (printed on the client summary and
the referral note) and the client summary's wording per language, as the consent form's text
is edited. German, simple German and English start from the program's texts; another language
has none until the administrator writes one (until then the sheet is printed in English and
says so)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from welcome_center.domain.printout_texts import DEFAULT_SUMMARY_TEXTS
from welcome_center.domain.printouts import PRINT_LANGUAGES
from welcome_center.domain.views import OfficeSettingsView
from welcome_center.i18n import _, pgettext
from welcome_center.ui import forms
from welcome_center.ui.ops import Ops
from welcome_center.ui.pages.admin_settings import save_bar, show_saved_settings, write_settings

Values = tuple[str, str, str, str, tuple[tuple[str, str], ...]]


def _texts_of(s: OfficeSettingsView) -> dict[str, str]:
    """Every print language's text as the editor shows it: the office's own, else the built-in
    one, else empty."""
    own = dict(s.summary_texts)
    return {
        code: own.get(code, DEFAULT_SUMMARY_TEXTS.get(code, "")) for code, _n in PRINT_LANGUAGES
    }


def _own(texts: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """What differs from the program's texts (what is saved), for comparing."""
    return tuple(
        sorted(
            (code, text.strip())
            for code, text in texts.items()
            if text.strip() and text.strip() != DEFAULT_SUMMARY_TEXTS.get(code, "").strip()
        )
    )


class PrintoutsTab(QWidget):
    """The office's contact and the summary's texts; saving checks that no one changed the
    settings meanwhile, and each text's placeholders."""

    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.loaded: OfficeSettingsView | None = None
        self.texts: dict[str, str] = {}
        self.errors = forms.FieldErrors()
        self.address = QPlainTextEdit()
        self.address.setTabChangesFocus(True)
        self.address.setAccessibleName(_("Address"))
        self.address.setFixedHeight(self.address.fontMetrics().lineSpacing() * 4 + 12)
        self.phone, self.email, self.website = QLineEdit(), QLineEdit(), QLineEdit()
        for edit, length in ((self.phone, 100), (self.email, 200), (self.website, 300)):
            edit.setMaxLength(length)
        contact = QFormLayout()
        add = self.errors.add_row
        add(contact, _("Add&ress"), self.address, field="office_address")
        add(contact, _("Phon&e"), self.phone, field="office_phone")
        add(contact, pgettext("office contact", "E-mai&l"), self.email, field="office_email")
        add(contact, pgettext("office contact", "&Website"), self.website, field="office_website")
        office = QGroupBox(_("How to reach the office (printed on every print-out)"))
        office.setLayout(contact)
        self.language = QComboBox()
        for code, name in PRINT_LANGUAGES:
            self.language.addItem(name, code)
        self.language.setAccessibleName(_("Language of the text"))
        self.text = QPlainTextEdit()
        self.text.setTabChangesFocus(True)
        self.text.setAccessibleName(_("Text of the summary"))
        self.text.setMinimumHeight(self.text.fontMetrics().lineSpacing() * 12 + 12)
        self.reset_button = QPushButton(_("Reset to the program's te&xt"))
        self.reset_button.setAutoDefault(False)
        self.reset_button.clicked.connect(self.reset_text)
        self._showing = ""
        self.language.currentIndexChanged.connect(self._language_changed)
        self.text.textChanged.connect(self._keep_text)
        wording = QFormLayout()
        pick = QHBoxLayout()
        pick.addWidget(self.language, 1)
        pick.addWidget(self.reset_button)
        label = QLabel(_("Lan&guage"))
        label.setBuddy(self.language)
        wording.addRow(label, pick)
        add(wording, _("&Text"), self.text, field="summary_texts")
        self.state = QLabel()
        self.state.setWordWrap(True)
        wording.addRow("", self.state)
        hint = QLabel(
            _(
                "A line starting with # is the title, ## a heading; a blank line starts a new "
                "paragraph. {office}, {counsellor} and {date} are filled in; {topics}, {steps}, "
                "{partners} and {contact} each stand alone on a line and become the lists the "
                "counsellor chose (a part whose list is empty is left out). The client's name "
                "and the office's internal notes are never printed."
            )
        )
        hint.setWordWrap(True)
        wording.addRow("", hint)
        summary = QGroupBox(_("Summary for the client"))
        summary.setLayout(wording)
        # Its own word: the German "verwer&fen" of the other tabs is the tab "Lösch&fristen".
        buttons = save_bar(self, pgettext("print-outs", "Discard &changes"))
        lay = QVBoxLayout(self)
        lay.addWidget(office)
        lay.addWidget(summary, 1)
        lay.addWidget(self.errors.general)
        lay.addLayout(buttons)

    # -- the texts per language ------------------------------------------------------------------

    def _language_changed(self, _index: int = 0) -> None:
        code = str(self.language.currentData())
        self._showing = ""  # the editor's change below is not typing
        self.text.setPlainText(self.texts.get(code, ""))
        self._showing = code
        self._show_state()

    def _keep_text(self) -> None:
        if self._showing:
            self.texts[self._showing] = self.text.toPlainText()
            self._show_state()

    def _show_state(self) -> None:
        code = str(self.language.currentData())
        text = self.texts.get(code, "").strip()
        built_in = DEFAULT_SUMMARY_TEXTS.get(code, "").strip()
        if not text:
            state = (
                _("Empty: the program's text is printed.")
                if built_in
                else _("No text: the summary is printed in English and says so.")
            )
        elif text == built_in:
            state = _("The program's text.")
        else:
            state = _("The office's own text.")
        self.state.setText(state)
        self.reset_button.setEnabled(text != built_in)

    def reset_text(self) -> None:
        """Back to the program's text (for a language without one: empty)."""
        code = str(self.language.currentData())
        self.text.setPlainText(DEFAULT_SUMMARY_TEXTS.get(code, ""))

    # -- loading and saving ---------------------------------------------------------------------

    def value(self) -> Values:
        return (
            self.address.toPlainText().strip(),
            self.phone.text().strip(),
            self.email.text().strip(),
            self.website.text().strip(),
            _own(self.texts),
        )

    def has_unsaved(self) -> bool:
        return self.loaded is not None and self.value() != _values(self.loaded)

    def load(self) -> None:
        """Show the saved settings (typed input is dropped)."""
        self.errors.clear()
        self._show(self.ops.settings)

    def _show(self, s: OfficeSettingsView) -> None:
        self.loaded = s
        self.address.setPlainText(s.office_address)
        self.phone.setText(s.office_phone)
        self.email.setText(s.office_email)
        self.website.setText(s.office_website)
        self.texts = _texts_of(s)
        self._language_changed()

    def reload_saved(self) -> None:
        show_saved_settings(self)

    def refresh(self) -> None:
        """Reload unless the administrator is typing (a conflict is caught on saving)."""
        if not self.has_unsaved():
            self.load()

    def save(self) -> None:
        loaded = self.loaded
        if loaded is None:
            return
        address, phone, email, website, _texts = self.value()
        saved = write_settings(
            self,
            loaded,
            _("Print-outs saved."),
            office_address=address,
            office_phone=phone,
            office_email=email,
            office_website=website,
            summary_texts=dict(self.texts),
        )
        if saved is not None:
            self._show(saved)


def _values(s: OfficeSettingsView) -> Values:
    return (
        s.office_address.strip(),
        s.office_phone.strip(),
        s.office_email.strip(),
        s.office_website.strip(),
        _own(_texts_of(s)),
    )
