"""Administration, tab Consent form: the office's consent text in German and English (printed on
the consent form), its version, and whether a referral may be made without consent when a
reason is given (DOMAIN.md, data protection)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from welcome_center.domain.views import OfficeSettingsView
from welcome_center.i18n import _
from welcome_center.ui import forms
from welcome_center.ui.ops import Ops
from welcome_center.ui.pages.admin_settings import save_bar, show_saved_settings, write_settings


def _text_edit(name: str) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setTabChangesFocus(True)
    edit.setAccessibleName(name)
    edit.setMinimumHeight(edit.fontMetrics().lineSpacing() * 6 + 12)
    return edit


class ConsentTab(QWidget):
    """The consent form's wording and the override setting; saving checks that no one changed
    the settings meanwhile."""

    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.loaded: OfficeSettingsView | None = None
        self.errors = forms.FieldErrors()
        self.override = QCheckBox(_("Allow referrals &without consent when a reason is given"))
        self.version = QLineEdit()
        self.version.setMaxLength(32)
        self.version.setMaximumWidth(self.version.fontMetrics().averageCharWidth() * 16)
        self.text_de = _text_edit(_("German text"))
        self.text_en = _text_edit(_("English text"))
        form = QFormLayout()
        add = self.errors.add_row
        form.addRow("", self.override)
        add(form, _("Text ve&rsion:"), self.version, field="consent_text_version")
        add(form, _("&German text:"), self.text_de, field="consent_text_de")
        add(form, _("&English text:"), self.text_en, field="consent_text_en")
        hint = QLabel(
            _(
                "The consent form prints the text in the client's language, then the purposes "
                "to tick, the partners and lines for the date and the signatures. Raise the "
                "version when you change the wording: each consent keeps the version the "
                "client was shown. A referral without consent is refused unless referrals "
                "without consent are allowed; then the reason is kept with the referral and "
                "logged."
            )
        )
        hint.setWordWrap(True)
        buttons = save_bar(self)
        lay = QVBoxLayout(self)
        lay.addLayout(form, 1)
        lay.addWidget(hint)
        lay.addWidget(self.errors.general)
        lay.addLayout(buttons)

    def value(self) -> tuple[bool, str, str, str]:
        return (
            self.override.isChecked(),
            self.version.text().strip(),
            self.text_de.toPlainText().strip(),
            self.text_en.toPlainText().strip(),
        )

    def has_unsaved(self) -> bool:
        return self.loaded is not None and self.value() != _values(self.loaded)

    def load(self) -> None:
        """Show the saved settings (typed input is dropped)."""
        self.errors.clear()
        self._show(self.ops.settings)

    def _show(self, s: OfficeSettingsView) -> None:
        self.loaded = s
        self.override.setChecked(s.consent_override_allowed)
        self.version.setText(s.consent_text_version)
        self.text_de.setPlainText(s.consent_text_de)
        self.text_en.setPlainText(s.consent_text_en)

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
        allowed, version, text_de, text_en = self.value()
        saved = write_settings(
            self,
            loaded,
            _("Consent form saved."),
            consent_override_allowed=allowed,
            consent_text_version=version,
            consent_text_de=text_de,
            consent_text_en=text_en,
        )
        if saved is not None:
            self._show(saved)


def _values(s: OfficeSettingsView) -> tuple[bool, str, str, str]:
    return (
        s.consent_override_allowed,
        s.consent_text_version.strip(),
        s.consent_text_de.strip(),
        s.consent_text_en.strip(),
    )
