"""Consent on the desk, typed and clicked as a counsellor does: a referral without consent says
what is missing and offers to record it, then the referral is saved; the override with a reason
where the office allows it; the consent panel of the person and organisation windows (record,
withdraw, print the form); the administrator's consent text."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QPushButton, QWidget
from sqlalchemy import select

from tests.ui.conftest import MessageBoxes, type_text
from tests.ui.date_typing import type_date
from welcome_center import i18n
from welcome_center.db.models import AuditEntry, Referral
from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import ClientChoice, OrganisationDraft, PersonDraft, RecordDraft
from welcome_center.domain.enums import ClientKind, ConsentPurpose
from welcome_center.services import cases, people, settings
from welcome_center.services.privacy import consent
from welcome_center.ui.dialogs.organisation_editor import OrganisationEditor
from welcome_center.ui.dialogs.person_editor import PersonEditor
from welcome_center.ui.dialogs.quick_enquiry import QuickEnquiryDialog
from welcome_center.ui.ops import Ops
from welcome_center.ui.pages.admin_consent import ConsentTab
from welcome_center.ui.qt_i18n import short_date
from welcome_center.ui.record.referrals import ReferralDialog
from welcome_center.ui.record.window import RecordWindow
from welcome_center.ui.widgets.consent_panel import (
    ConsentDialog,
    OverrideDialog,
    PrintFormDialog,
    WithdrawDialog,
)

CTRL = Qt.KeyboardModifier.ControlModifier
TODAY = office_today()


@pytest.fixture(autouse=True)
def _boxes(message_boxes: MessageBoxes) -> MessageBoxes:
    return message_boxes


@pytest.fixture
def person_id(ops: Ops) -> int:
    return people.create_person(
        ops.uow, ops.actor, PersonDraft(family_name="Öztürk", given_name="Ayşe")
    ).value.id


@pytest.fixture
def record_id(ops: Ops, person_id: int) -> int:
    client = ClientChoice(ClientKind.PERSON, person_id)
    return cases.open_record(
        ops.uow, ops.actor, RecordDraft(client=client, opened_on=TODAY)
    ).value.id


def when_dialog(kind: type, action: Callable[[QDialog], None], timeout_ms: int = 5000) -> None:
    """Run ``action`` on the next modal dialog of ``kind`` (a dialog opened from a dialog:
    the first one is modal meanwhile); a dialog it leaves open is closed, so that a failing
    test fails instead of hanging."""
    waited = 0

    def poll() -> None:
        nonlocal waited
        modal = QApplication.activeModalWidget()
        if isinstance(modal, kind):
            try:
                action(modal)
            finally:
                if modal.isVisible():
                    modal.done(QDialog.DialogCode.Rejected)
            return
        waited += 20
        if waited < timeout_ms:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(0, poll)


def save(qtbot, dialog: QDialog) -> None:  # type: ignore[no-untyped-def]
    """Ctrl+S in ``dialog`` (offscreen, a new dialog is not activated by a window manager)."""
    if not dialog.isActiveWindow():
        dialog.activateWindow()
        qtbot.waitUntil(dialog.isActiveWindow, timeout=2000)
    qtbot.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_S, CTRL)


def open_record(qtbot, ops: Ops, record_id: int) -> RecordWindow:  # type: ignore[no-untyped-def]
    window = RecordWindow(ops, record_id)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    return window


def fizuz(ops: Ops) -> int:
    return next(p.id for p in people.list_partners(ops.uow) if p.code == "fizuz")


# --- at a referral ---------------------------------------------------------------------------


def test_a_referral_without_consent_says_what_is_missing_records_it_and_is_saved(
    qtbot, ops: Ops, record_id: int, person_id: int, message_boxes: MessageBoxes
) -> None:
    window = open_record(qtbot, ops, record_id)
    message_boxes.answer = "Record consent…"
    seen: dict[str, object] = {}

    def give(dialog: QDialog) -> None:
        assert isinstance(dialog, ConsentDialog)
        seen["purpose"] = dialog.purpose.currentText()
        seen["partner"] = dialog.partner.currentText()
        seen["given_on"] = dialog.given_on.edit.text()
        seen["focus"] = dialog.focusWidget() is dialog.purpose
        qtbot.keyClicks(dialog.form_choice, "O")  # "Oral"
        save(qtbot, dialog)

    def refer(dialog: QDialog) -> None:
        assert isinstance(dialog, ReferralDialog)
        qtbot.keyClicks(dialog.partner, "FIZ")
        type_text(dialog.reason, "Anerkennung prüfen")
        when_dialog(ConsentDialog, give)
        save(qtbot, dialog)

    when_dialog(ReferralDialog, refer)
    qtbot.keyClick(window.overview.summary, Qt.Key.Key_R, CTRL)

    assert message_boxes.shown[0] == (
        "Consent missing",
        "Öztürk, Ayşe has not consented to referrals to FIZUZ. Missing: a consent to referrals "
        "to FIZUZ (or to all partners).",
    )
    assert message_boxes.buttons[0] == ["Record consent…", "Cancel"]  # no override by default
    assert seen == {
        "purpose": "Referral to partners",
        "partner": "FIZUZ",
        "given_on": short_date(TODAY),
        "focus": True,
    }
    model = window.referrals.model
    assert model.rowCount() == 1 and model.text(0, 1) == "FIZUZ"
    (c,) = consent.consents_of(ops.uow, ops.actor, ClientKind.PERSON, person_id)
    assert (c.purpose, c.partner, c.given_on, c.form) == ("referral", "FIZUZ", TODAY, "oral")


def test_cancelling_the_question_saves_nothing_and_keeps_the_dialog(
    qtbot, ops: Ops, record_id: int, message_boxes: MessageBoxes
) -> None:
    window = open_record(qtbot, ops, record_id)
    message_boxes.answer = "Cancel"
    still_open: list[bool] = []

    def refer(dialog: QDialog) -> None:
        qtbot.keyClicks(dialog.partner, "FIZ")  # type: ignore[attr-defined]
        save(qtbot, dialog)
        still_open.append(dialog.isVisible())

    when_dialog(ReferralDialog, refer)
    qtbot.keyClick(window.overview.summary, Qt.Key.Key_R, CTRL)
    assert still_open == [True]  # the typed referral is still there to try again
    assert window.referrals.model.rowCount() == 0


def test_the_override_needs_the_office_setting_and_a_reason_and_is_logged(
    qtbot, ops: Ops, admin_ops: Ops, record_id: int, message_boxes: MessageBoxes
) -> None:
    settings.update_settings(admin_ops.uow, admin_ops.actor, consent_override_allowed=True)
    window = open_record(qtbot, ops, record_id)
    message_boxes.answer = "Refer without consent…"
    said: list[str] = []

    def reason(dialog: QDialog) -> None:
        assert isinstance(dialog, OverrideDialog)
        save(qtbot, dialog)  # no reason yet: said under the field, the dialog stays
        said.append(dialog.errors.message("consent_override"))
        type_text(dialog.reason, "Frist der Anerkennungsstelle endet morgen")
        save(qtbot, dialog)

    def refer(dialog: QDialog) -> None:
        qtbot.keyClicks(dialog.partner, "FIZ")  # type: ignore[attr-defined]
        when_dialog(OverrideDialog, reason)
        save(qtbot, dialog)

    when_dialog(ReferralDialog, refer)
    qtbot.keyClick(window.overview.summary, Qt.Key.Key_R, CTRL)

    assert sorted(message_boxes.buttons[0]) == [
        "Cancel",
        "Record consent…",
        "Refer without consent…",
    ]
    assert said == ["Say why the referral cannot wait for consent."]
    assert window.referrals.model.rowCount() == 1
    with ops.uow.read() as s:
        reasons = s.scalars(select(Referral.consent_override_reason)).all()
        actions = s.scalars(select(AuditEntry.action).order_by(AuditEntry.id.desc())).all()
    assert reasons == ["Frist der Anerkennungsstelle endet morgen"]
    # Logged right after the referral (the window's reading the record again comes later).
    assert actions[actions.index("consent_override") + 1] == "refer"


def test_the_quick_enquiry_asks_for_consent_and_saves_the_referral(
    qtbot, ops: Ops, message_boxes: MessageBoxes
) -> None:
    dialog = QuickEnquiryDialog(ops)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    ada = people.create_person(
        ops.uow, ops.actor, PersonDraft(family_name="Okonkwo", given_name="Ada")
    ).value
    picker = dialog.client.picker
    qtbot.keyClicks(picker.edit, "okon")
    qtbot.waitUntil(picker.hits.isVisible, timeout=2000)
    qtbot.keyClick(picker.edit, Qt.Key.Key_Down)
    qtbot.keyClick(picker.hits, Qt.Key.Key_Return)
    dialog.partner.setFocus()
    qtbot.keyClicks(dialog.partner, "FIZ")
    message_boxes.answer = "Record consent…"
    when_dialog(ConsentDialog, lambda d: save(qtbot, d))
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return, CTRL)
    assert message_boxes.texts[0].startswith("Okonkwo, Ada has not consented to referrals to")
    assert not dialog.isVisible()
    [referral] = cases.get_record(ops.uow, ops.actor, dialog.saved_record_id).referrals
    assert referral.partner == "FIZUZ"
    (c,) = consent.consents_of(ops.uow, ops.actor, ClientKind.PERSON, ada.id)
    assert (c.purpose, c.partner_id) == (ConsentPurpose.REFERRAL, fizuz(ops))


# --- the panel -------------------------------------------------------------------------------


def _button(widget: QWidget, text: str) -> QPushButton:
    found = [b for b in widget.findChildren(QPushButton) if b.text() == text and b.isVisible()]
    assert len(found) == 1, [b.text() for b in widget.findChildren(QPushButton)]
    return found[0]


def _rows(editor) -> list[tuple[str, ...]]:  # type: ignore[no-untyped-def]
    t = editor.consents.table
    return [tuple(t.item(r, c).text() for c in range(t.columnCount())) for r in range(t.rowCount())]


def _open_person(qtbot, ops: Ops, person_id: int) -> PersonEditor:  # type: ignore[no-untyped-def]
    editor = PersonEditor(ops)
    qtbot.addWidget(editor)
    assert editor.load(person_id)
    editor.show()
    qtbot.waitExposed(editor)
    return editor


def test_the_person_window_records_withdraws_and_prints_consents(
    qtbot,
    ops: Ops,
    person_id: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    message_boxes: MessageBoxes,
) -> None:
    editor = _open_person(qtbot, ops, person_id)
    panel = editor.consents
    assert panel.isVisible()
    assert _rows(editor) == []
    assert panel.hint.text().startswith("No consent recorded.")
    assert not panel.withdraw_button.isEnabled()

    def give(dialog: QDialog) -> None:
        assert isinstance(dialog, ConsentDialog)
        qtbot.keyClicks(dialog.purpose, "Inv")  # "Invitations to events"
        assert not dialog.partner.isEnabled()  # only a referral names a partner
        type_date(qtbot, dialog.given_on, short_date(TODAY - timedelta(3)))
        save(qtbot, dialog)

    when_dialog(ConsentDialog, give)
    qtbot.mouseClick(_button(editor, "&Add consent…"), Qt.MouseButton.LeftButton)
    given = TODAY - timedelta(3)
    assert _rows(editor) == [("Invitations to events", "", short_date(given), "Written", "")]
    assert not panel.hint.isVisible()

    panel.table.selectRow(0)
    assert panel.withdraw_button.isEnabled()
    when_dialog(WithdrawDialog, lambda d: save(qtbot, d))  # today, as it offers
    qtbot.mouseClick(panel.withdraw_button, Qt.MouseButton.LeftButton)
    assert _rows(editor)[0][4] == short_date(TODAY)
    panel.table.selectRow(0)
    assert not panel.withdraw_button.isEnabled()  # withdrawn once

    target = tmp_path / "form.pdf"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )

    def english(dialog: QDialog) -> None:
        assert isinstance(dialog, PrintFormDialog)
        qtbot.keyClicks(dialog.language, "E")  # "English"
        qtbot.keyClick(dialog.language, Qt.Key.Key_Return)

    when_dialog(PrintFormDialog, english)
    qtbot.mouseClick(panel.print_button, Qt.MouseButton.LeftButton)
    assert target.read_bytes().startswith(b"%PDF")
    with ops.uow.read() as s:
        last = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
        assert (last.action, last.detail) == ("export", "consent_form language=en")


def test_a_new_person_has_no_panel_yet_and_an_organisation_has_one(qtbot, ops: Ops) -> None:
    editor = PersonEditor(ops)
    qtbot.addWidget(editor)
    editor.show()
    assert not editor.consents.isVisible()
    org = people.create_organisation(ops.uow, ops.actor, OrganisationDraft(name="Autohaus Kühn"))
    o = OrganisationEditor(ops)
    qtbot.addWidget(o)
    assert o.load(org.value.id)
    o.show()
    assert o.consents.isVisible() and o.consents.table.rowCount() == 0


def test_a_manager_sees_no_consents(qtbot, ops_for, manager, person_id: int) -> None:  # type: ignore[no-untyped-def]
    ops = ops_for(manager)
    panel_owner = PersonEditor(ops)
    qtbot.addWidget(panel_owner)
    panel_owner.consents.show_client(person_id, "x")
    assert panel_owner.consents.isHidden()


def test_the_panel_in_german_with_distinct_mnemonics(qtbot, ops: Ops, person_id: int) -> None:
    i18n.set_language("de")
    editor = _open_person(qtbot, ops, person_id)
    texts = [b.text() for b in editor.consents.findChildren(QPushButton)]
    assert texts == ["Einwi&lligung erfassen…", "Widerr&ufen…", "Zur Unterschr&ift drucken…"]
    assert editor.consents.title() == "Einwilligungen"
    from welcome_center.ui.dialogs.person_editor import QLabel  # the form's labels

    letters = [t.split("&")[1][0].lower() for t in texts]
    labels = [w.text() for w in editor.findChildren(QLabel) if "&" in w.text()]
    others = [t.split("&")[1][0].lower() for t in [*labels, editor.save_button.text()]]
    assert not set(letters) & set(others), (letters, others)


# --- the administrator's text ----------------------------------------------------------------


def test_the_administrator_edits_the_consent_text(qtbot, admin_ops: Ops) -> None:
    tab = ConsentTab(admin_ops)
    qtbot.addWidget(tab)
    tab.load()
    tab.show()
    assert tab.text_de.toPlainText().startswith("Wir beraten Sie kostenlos")
    tab.text_en.setFocus()
    qtbot.keyClick(tab.text_en, Qt.Key.Key_End, CTRL)
    type_text(tab.text_en, " Questions: Frau Roth, 0375 123.")
    tab.version.setFocus()
    qtbot.keyClick(tab.version, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(tab.version, "2")
    qtbot.mouseClick(tab.override, Qt.MouseButton.LeftButton)
    assert tab.has_unsaved()
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    s = settings.get_settings(admin_ops.uow)
    assert s.consent_text_en.endswith("Questions: Frau Roth, 0375 123.")
    assert (s.consent_text_version, s.consent_override_allowed) == ("2", True)
    assert not tab.has_unsaved()
    qtbot.keyClick(tab.text_de, Qt.Key.Key_A, CTRL)
    qtbot.keyClick(tab.text_de, Qt.Key.Key_Delete)
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert tab.errors.message("consent_text_de") == "Enter the consent text the form prints."
