"""A client's consents (DOMAIN.md, data protection) on the desk.

- :class:`ConsentPanel`: the list in the person and organisation windows (purpose, partner,
  given on, form, withdrawn on) with "Add consent…", "Withdraw…" and "Print for signature…".
- :class:`ConsentDialog`, :class:`WithdrawDialog`: record and withdraw a consent.
- :func:`print_consent_form`: the office's consent form for the client as a PDF, in German or
  English, saved where the user chooses.
- :func:`refer_asking_for_consent`: a referral that is refused for want of consent says what
  is missing and offers to record it (then tries again) or, where the office allows it, to
  refer without consent with a reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from welcome_center.domain.consent import ConsentDraft, ConsentView
from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import ReferralDraft
from welcome_center.domain.enums import ClientKind, ConsentForm, ConsentPurpose
from welcome_center.domain.errors import (
    ConsentMissingError,
    PermissionDeniedError,
    ValidationError,
)
from welcome_center.domain.views import ReferralView
from welcome_center.i18n import _, language
from welcome_center.i18n.labels import label
from welcome_center.services import people, referrals
from welcome_center.services.context import Actor, Changes, Saved, UnitOfWork
from welcome_center.services.privacy import consent
from welcome_center.ui import plain
from welcome_center.ui.dialogs import base
from welcome_center.ui.forms import date_edit, date_of, fill_combo, set_combo_value
from welcome_center.ui.qt_i18n import short_date
from welcome_center.ui.record.dialogs import EditDialog, notes_edit, run

if TYPE_CHECKING:
    from welcome_center.ui.ops import Ops

PURPOSES = (
    ConsentPurpose.REFERRAL,
    ConsentPurpose.COUNSELLING,
    ConsentPurpose.EMPLOYER,
    ConsentPurpose.EVENTS,
)
FORMS = (ConsentForm.WRITTEN, ConsentForm.ORAL, ConsentForm.ELECTRONIC)
LANGUAGE_NAMES = (("de", "Deutsch"), ("en", "English"))  # each in its own language


def partner_text(c: ConsentView) -> str:
    """Who a consent names: the partner, "all partners" for a referral consent without one."""
    if c.purpose is not ConsentPurpose.REFERRAL:
        return ""
    return c.partner or _("All partners")


# --- record, withdraw --------------------------------------------------------------------------


class ConsentDialog(EditDialog):
    """Record a consent of the client: purpose, for a referral the partner (or all partners),
    the day it was given, how, and the version of the text shown."""

    def __init__(
        self,
        ops: Ops,
        client: tuple[ClientKind, int],
        parent: QWidget | None = None,
        *,
        purpose: ConsentPurpose = ConsentPurpose.REFERRAL,
        partner_id: int | None = None,
        given_on: date | None = None,
    ) -> None:
        super().__init__(ops, _("Record consent"), parent)
        self.client = client
        self.saved: ConsentView | None = None
        self.purpose = self.row(_("P&urpose"), QComboBox(), field="purpose")
        fill_combo(self.purpose, [(label(p), p.value) for p in PURPOSES], optional=False)
        self.purpose.setAccessibleName(_("Purpose"))
        self.partner = self.row(_("&Partner"), QComboBox(), field="partner")
        items = [(p.display_name, p.id) for p in people.list_partners(ops.uow)]
        fill_combo(self.partner, items, optional=True, empty_text=_("All partners"))
        self.partner.setAccessibleName(_("Partner"))
        self.given_on = self.row(_("&Given on"), date_edit(given_on or office_today()), "given_on")
        self.form_choice = self.row(_("&Form"), QComboBox(), field="form")
        fill_combo(self.form_choice, [(label(f), f.value) for f in FORMS], optional=False)
        self.form_choice.setAccessibleName(_("Form"))
        self.version = self.row(_("Text &version"), QLineEdit(), field="text_version")
        self.version.setText(ops.settings.consent_text_version)
        self.version.setMaxLength(32)
        set_combo_value(self.purpose, purpose.value)
        if partner_id is not None:
            set_combo_value(self.partner, partner_id)
        self.purpose.currentIndexChanged.connect(self._purpose_changed)
        self._purpose_changed()
        self.ready()

    def _purpose_changed(self) -> None:
        referral = self.purpose.currentData() == ConsentPurpose.REFERRAL.value
        self.partner.setEnabled(referral)

    def value(self) -> tuple[object, ...]:
        return (
            self.purpose.currentData(),
            self.partner.currentData(),
            date_of(self.given_on),
            self.form_choice.currentData(),
            self.version.text(),
        )

    def write(self) -> bool:
        on = date_of(self.given_on)
        assert on is not None  # a required date field always holds one
        purpose = ConsentPurpose(self.purpose.currentData())
        partner = self.partner.currentData() if purpose is ConsentPurpose.REFERRAL else None
        draft = ConsentDraft(
            purpose=purpose,
            given_on=on,
            form=ConsentForm(self.form_choice.currentData()),
            partner_id=int(partner) if partner is not None else None,
            text_version=self.version.text(),
        )
        kind, client_id = self.client
        saved = self.ops.write(
            self,
            lambda uow, actor: consent.record_consent(uow, actor, kind, client_id, draft),
            errors=self.errors,
            done=_("Consent recorded."),
        )
        if saved is not None:
            self.saved = saved.value
        return saved is not None


class WithdrawDialog(EditDialog):
    """The client withdraws a consent: from which day (today unless said otherwise)."""

    def __init__(self, ops: Ops, item: ConsentView, parent: QWidget | None = None) -> None:
        super().__init__(ops, _("Withdraw consent"), parent)
        self.item = item
        what = ", ".join(
            t for t in (label(item.purpose), partner_text(item), short_date(item.given_on)) if t
        )
        self.form.addRow(_("Consent:"), plain.label(what))
        self.withdrawn_on = self.row(_("&Withdrawn on"), date_edit(), field="withdrawn_on")
        self.ready()

    def value(self) -> tuple[object, ...]:
        return (date_of(self.withdrawn_on),)

    def has_unsaved(self) -> bool:
        return False  # one date: nothing worth asking about

    def write(self) -> bool:
        on = date_of(self.withdrawn_on)
        item = self.item
        saved = self.ops.write(
            self,
            lambda uow, actor: consent.withdraw_consent(
                uow, actor, item.id, on, expected_version=item.version
            ),
            errors=self.errors,
            done=_("Consent withdrawn."),
        )
        return saved is not None


# --- the printable form ----------------------------------------------------------------------


class PrintFormDialog(QDialog):
    """In which language the client reads the form."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Print consent form"))
        form = QFormLayout()
        self.language = QComboBox()
        fill_combo(self.language, [(name, code) for code, name in LANGUAGE_NAMES], False)
        set_combo_value(self.language, language())
        self.language.setAccessibleName(_("Language of the form"))
        form.addRow(_("&Language of the form"), self.language)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        ok = buttons.addButton(_("Save as &PDF…"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(buttons)
        ok.setDefault(True)  # in the dialog now, so that Enter saves
        self.language.setFocus()


def _file_name(name: str, lang: str) -> str:
    stem = "Einwilligung" if lang == "de" else "Consent"
    safe = re.sub(r"[^\w-]+", "_", name, flags=re.UNICODE).strip("_")[:60]
    return f"{stem}_{safe or 'client'}.pdf"


def print_consent_form(
    parent: QWidget | None,
    ops: Ops,
    client: tuple[ClientKind, int],
    client_name: str,
    partner_id: int | None = None,
) -> Path | None:
    """Ask for the language and the file, then write the form there; the file or None."""
    chooser = PrintFormDialog(parent)
    try:
        if chooser.exec() != QDialog.DialogCode.Accepted:
            return None
        lang = str(chooser.language.currentData())
    finally:
        chooser.deleteLater()
    start = Path.home() / _file_name(client_name, lang)
    chosen, _filter = QFileDialog.getSaveFileName(
        parent, _("Save consent form"), str(start), _("PDF document (*.pdf)")
    )
    if not chosen:
        return None
    target = Path(chosen)
    if target.suffix.lower() != ".pdf":
        target = target.with_name(target.name + ".pdf")
    kind, client_id = client
    written = ops.read(
        parent,
        lambda uow, actor: consent.consent_form(
            uow, actor, kind, client_id, lang, target, partner_id
        ),
    )
    if written is not None:
        ops.status.emit(_("Consent form saved: %(file)s") % {"file": written.name})
    return written


# --- the panel ---------------------------------------------------------------------------------


def _consents_if_allowed(
    uow: UnitOfWork, actor: Actor, kind: ClientKind, client_id: int
) -> list[ConsentView] | None:
    """The client's consents; None (nothing said) for a role that may not see them."""
    try:
        return consent.consents_of(uow, actor, kind, client_id)
    except PermissionDeniedError:
        return None


class ConsentPanel(QGroupBox):
    """The client's consents, newest first, withdrawn ones marked; add, withdraw, print."""

    COLUMNS = 5

    def __init__(self, ops: Ops, kind: ClientKind, parent: QWidget | None = None) -> None:
        super().__init__(_("Consents"), parent)
        self.ops = ops
        self.kind = kind
        self.client_id: int | None = None
        self.client_name = ""
        self.items: list[ConsentView] = []
        self.table = QTableWidget(0, self.COLUMNS)
        self.table.setHorizontalHeaderLabels(
            [_("Purpose"), _("Partner"), _("Given on"), _("Form"), _("Withdrawn on")]
        )
        self.table.setAccessibleName(_("Consents"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        # Three lines, then it scrolls: the person window must fit a 1366x768 screen.
        rows = 3
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setFixedHeight(
            header.sizeHint().height() + self.table.verticalHeader().defaultSectionSize() * rows + 4
        )
        self.hint = plain.label()
        self.hint.setWordWrap(True)
        self.add_button = self._button(_("&Add consent…"), self.add)
        self.withdraw_button = self._button(_("W&ithdraw…"), self.withdraw)
        self.print_button = self._button(_("Print for signat&ure…"), self.print_form)
        buttons = QHBoxLayout()
        for b in (self.add_button, self.withdraw_button, self.print_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        lay = QVBoxLayout(self)
        lay.addWidget(self.table)
        lay.addWidget(self.hint)
        lay.addLayout(buttons)
        self.table.itemSelectionChanged.connect(self._enable)
        ops.changed.connect(self._changed)
        self._enable()
        self.hide()  # until a saved client is shown (a new entry has no consents yet)

    def _button(self, text: str, slot: object) -> QPushButton:
        b = QPushButton(text)
        b.setAutoDefault(False)  # Enter in the window still saves the window
        b.clicked.connect(slot)
        return b

    # -- what it shows -------------------------------------------------------------------------

    def show_client(self, client_id: int, name: str = "") -> None:
        """Show the consents of the saved client ``client_id`` (read: audited); nothing for a
        role that does not work with clients (a manager, an administrator)."""
        kind = self.kind
        found = self.ops.read(
            self, lambda uow, actor: _consents_if_allowed(uow, actor, kind, client_id)
        )
        if found is None:
            return
        self.client_id, self.client_name = client_id, name
        self._fill(found)
        self.show()

    def refresh(self) -> None:
        client_id, kind = self.client_id, self.kind
        if client_id is None:
            self._fill([])
            return
        found = self.ops.read(
            self, lambda uow, actor: consent.consents_of(uow, actor, kind, client_id)
        )
        self._fill(found or [])

    def _changed(self, changes: Changes, _initiator: object = None) -> None:
        if self.client_id is None or not self.isVisible():
            return
        ids = changes.persons if self.kind is ClientKind.PERSON else changes.organisations
        if self.client_id in ids:
            self.refresh()

    def _fill(self, items: list[ConsentView]) -> None:
        self.items = items
        self.table.setRowCount(len(items))
        for r, c in enumerate(items):
            texts = (
                label(c.purpose),
                partner_text(c),
                short_date(c.given_on),
                label(c.form),
                short_date(c.withdrawn_on) if c.withdrawn_on else "",
            )
            for col, text in enumerate(texts):
                cell = QTableWidgetItem(text)
                if c.withdrawn_on is not None:
                    cell.setForeground(self.palette().placeholderText())
                self.table.setItem(r, col, cell)
        if self.client_id is None:
            self.hint.setText(_("Save first; then the client's consents can be recorded here."))
        elif not items:
            self.hint.setText(
                _("No consent recorded. A referral needs the client's consent to referrals.")
            )
        else:
            self.hint.setText("")
        self.hint.setVisible(bool(self.hint.text()))
        self._enable()

    def current(self) -> ConsentView | None:
        row = self.table.currentRow()
        selected = self.table.selectionModel().hasSelection()
        return self.items[row] if selected and 0 <= row < len(self.items) else None

    def _enable(self) -> None:
        saved = self.client_id is not None
        self.add_button.setEnabled(saved)
        self.print_button.setEnabled(saved)
        item = self.current()
        self.withdraw_button.setEnabled(item is not None and item.withdrawn_on is None)

    # -- actions -------------------------------------------------------------------------------

    def add(self) -> None:
        if self.client_id is None:
            return
        if run(ConsentDialog(self.ops, (self.kind, self.client_id), self.window())):
            self.refresh()

    def withdraw(self) -> None:
        item = self.current()
        if item is None or item.withdrawn_on is not None:
            return
        if run(WithdrawDialog(self.ops, item, self.window())):
            self.refresh()

    def print_form(self) -> None:
        if self.client_id is not None:
            print_consent_form(
                self.window(), self.ops, (self.kind, self.client_id), self.client_name
            )


# --- at a referral -----------------------------------------------------------------------------


class _Missing(Exception):
    """Carries a ConsentMissingError past Ops.write, which would show it as a plain notice."""

    def __init__(self, error: ConsentMissingError) -> None:
        super().__init__(error.message)
        self.error = error


class OverrideDialog(EditDialog):
    """Why the referral is made without the client's consent (stored with it, audited)."""

    def __init__(self, ops: Ops, error: ConsentMissingError, parent: QWidget | None = None):
        super().__init__(ops, _("Refer without consent"), parent)
        self.reason_text = ""
        note = plain.label(
            _(
                "%(client)s has not consented to this referral to %(partner)s. This office "
                "allows it with a reason; the reason is kept with the referral and the "
                "referral is logged."
            )
            % {"client": error.client_name, "partner": error.partner_name}
        )
        note.setWordWrap(True)
        self.form.addRow(note)
        self.reason = self.row(_("&Reason"), notes_edit(_("Reason")), field="consent_override")
        self.ready()

    def value(self) -> tuple[object, ...]:
        return (self.reason.toPlainText(),)

    def write(self) -> bool:
        text = self.reason.toPlainText().strip()
        if not text:
            self.errors.clear()
            self.errors.show(
                ValidationError(_("Say why the referral cannot wait for consent."),
                                field="consent_override")
            )  # fmt: skip
            return False
        self.reason_text = text
        return True


def ask_missing_consent(parent: QWidget | None, error: ConsentMissingError) -> str:
    """Say what is missing; the answer: "record", "override" or "" (cancel)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(_("Consent missing"))
    box.setTextFormat(Qt.TextFormat.PlainText)  # names in the text are data
    box.setText(error.message)
    box.setInformativeText(
        _("Record the client's consent now, and the referral is saved right after.")
    )
    record = box.addButton(_("&Record consent…"), QMessageBox.ButtonRole.AcceptRole)
    override = None
    if error.override_allowed:
        override = box.addButton(_("Refer &without consent…"), QMessageBox.ButtonRole.ActionRole)
    cancel = box.addButton(_("&Cancel"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(record)
    box.setEscapeButton(cancel)
    base.run_question(box)
    clicked = box.clickedButton()
    if clicked is record:
        return "record"
    if override is not None and clicked is override:
        return "override"
    return ""


def _refer(
    record_id: int, draft: ReferralDraft, override: str
) -> Callable[[UnitOfWork, Actor], Saved[ReferralView]]:
    def call(uow: UnitOfWork, actor: Actor) -> Saved[ReferralView]:
        try:
            return referrals.refer(uow, actor, record_id, draft, consent_override=override)
        except ConsentMissingError as exc:
            raise _Missing(exc) from exc

    return call


def refer_asking_for_consent(
    parent: QWidget,
    ops: Ops,
    record_id: int,
    draft: ReferralDraft,
    *,
    errors: object = None,
    done: str = "",
) -> Saved[ReferralView] | None:
    """``referrals.refer`` through ``ops.write``; refused for want of consent, it says what is
    missing and offers to record the consent (prefilled with the partner and today; then the
    referral is tried again) or, where the office allows it, to refer without consent with a
    reason. The Saved referral, or None (not saved: the reason was shown or the user stopped).
    """
    override = ""
    while True:
        try:
            return ops.write(parent, _refer(record_id, draft, override), errors=errors, done=done)
        except _Missing as missing:
            error = missing.error
        answer = ask_missing_consent(parent, error)
        if answer == "record":
            client = (ClientKind(error.client_kind), error.client_id)
            dialog = ConsentDialog(ops, client, parent, partner_id=error.partner_id)
            if not run(dialog):
                return None
        elif answer == "override":
            dialog_o = OverrideDialog(ops, error, parent)
            try:
                if dialog_o.exec() != QDialog.DialogCode.Accepted:
                    return None
                override = dialog_o.reason_text
            finally:
                dialog_o.deleteLater()
        else:
            return None
