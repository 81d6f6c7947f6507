"""The quick enquiry: a whole enquiry typed with the keyboard, duplicates, referral, follow-up,
errors next to the field, and nothing lost or saved twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from tests.consents import client_consents_to_referrals
from tests.ui.conftest import type_text, when_modal
from tests.ui.date_typing import type_date
from welcome_center import i18n
from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import ClientChoice, PersonDraft
from welcome_center.domain.enums import ClientKind, RecordKind
from welcome_center.domain.errors import ValidationError
from welcome_center.domain.views import ClientRef, DuplicateCandidate
from welcome_center.services import cases, follow_ups, people
from welcome_center.ui.dialogs.quick_enquiry import QuickEnquiryDialog
from welcome_center.ui.dialogs.quick_enquiry_client import NEW_PERSON
from welcome_center.ui.qt_i18n import short_date

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def dialog(qtbot, ops, message_boxes):
    # message_boxes answers the question asked when a dialog with input is closed at the end.
    dlg = QuickEnquiryDialog(ops)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    dlg.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dlg.client.picker.edit)
    return dlg


def focused() -> QWidget:
    return QApplication.focusWidget()


def tab_to(qtbot, widget: QWidget, most: int = 3) -> None:
    """Press Tab until ``widget`` has the focus; a date field takes a Tab per part."""
    for _ in range(most):
        qtbot.keyClick(focused(), Qt.Key.Key_Tab)
        if focused() in (widget, widget.focusProxy()):
            return
    raise AssertionError(f"Tab reached {focused()!r}, not {widget!r}")


def key(qtbot, k: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(focused(), k, modifier)


def records_of(ops, kind: ClientKind, client_id: int):
    return cases.records_of_client(ops.uow, ops.actor, ClientChoice(kind, client_id))


def persons_named(ops, family: str, given: str) -> list:
    return people.find_duplicates(
        ops.uow, ops.actor, PersonDraft(family_name=family, given_name=given)
    )


def new_person(dialog, family: str, given: str) -> None:
    dialog.client.modes.button(NEW_PERSON).setChecked(True)
    type_text(dialog.client.family_name, family)
    type_text(dialog.client.given_name, given)


def test_a_whole_enquiry_typed_with_the_keyboard(qtbot, ops, dialog):
    with qtbot.waitSignal(ops.status, timeout=2000) as status:
        key(qtbot, Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier)  # New &person
        qtbot.waitUntil(dialog.client.person_box.isVisible)  # a mnemonic clicks after 100 ms
        assert focused() is dialog.client.family_name  # where the typing starts
        type_text(focused(), "Özdemir")
        tab_to(qtbot, dialog.client.given_name)
        type_text(focused(), "Gülşen")
        tab_to(qtbot, dialog.client.person_contact)
        type_text(focused(), "guelsen@example.org")
        tab_to(qtbot, dialog.requester)
        key(qtbot, Qt.Key.Key_Down)  # the first requester type after "—"
        tab_to(qtbot, dialog.municipality)
        tab_to(qtbot, dialog.channel)  # this contact: channel, date, duration, first contact
        qtbot.keyClicks(focused(), "E")  # E-mail, found by its first letter
        tab_to(qtbot, dialog.opened_on)
        tab_to(qtbot, dialog.topics)
        key(qtbot, Qt.Key.Key_Space)  # residence
        key(qtbot, Qt.Key.Key_Down)
        key(qtbot, Qt.Key.Key_Down)
        key(qtbot, Qt.Key.Key_Space)  # recognition
        tab_to(qtbot, dialog.summary)
        type_text(focused(), "Auskunft zur Anerkennung; Unterlagen per E-Mail geschickt.")
        tab_to(qtbot, dialog.services)
        key(qtbot, Qt.Key.Key_Space)  # initial information
        key(qtbot, Qt.Key.Key_S, CTRL)
    assert not dialog.isVisible()
    assert dialog.result() == dialog.DialogCode.Accepted
    record = cases.get_record(ops.uow, ops.actor, dialog.saved_record_id)
    assert status.args == [f"Enquiry {record.number} saved."]
    assert record.kind is RecordKind.ENQUIRY
    assert record.client.display_name == "Özdemir, Gülşen"
    assert record.requester_type == "person_abroad"
    assert record.channel == "email"
    assert set(record.topics) == {"residence", "recognition"}
    assert record.services == ("initial_information",)
    assert record.summary == "Auskunft zur Anerkennung; Unterlagen per E-Mail geschickt."
    assert record.opened_on == office_today()
    assert record.counsellor == "Anna Berger"
    person = people.get_person(ops.uow, ops.actor, record.client.id)
    assert person.email == "guelsen@example.org"


def test_the_channel_starts_as_phone_and_enter_does_not_save(qtbot, ops, dialog):
    assert dialog.channel.currentData() == "phone"
    new_person(dialog, "Nguyen", "Lan")
    qtbot.keyClick(dialog.client.given_name, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert dialog.saved_record_id is None


def test_a_possible_duplicate_is_shown_and_the_existing_person_taken(qtbot, ops, dialog):
    existing = people.create_person(
        ops.uow, ops.actor, PersonDraft(family_name="Özdemir", given_name="Gülşen")
    ).value
    new_person(dialog, "Özdemir", "Gülşen")
    type_text(dialog.summary, "Frage zum Visum")
    key(qtbot, Qt.Key.Key_S, CTRL)
    assert dialog.isVisible()
    assert dialog.client.candidates_box.isVisible()
    shown = dialog.client.candidates.item(0).text()
    assert "Özdemir, Gülşen" in shown and "same name" in shown
    assert focused() is dialog.client.candidates
    key(qtbot, Qt.Key.Key_Return)  # this is the one
    assert not dialog.isVisible()
    record = cases.get_record(ops.uow, ops.actor, dialog.saved_record_id)
    assert (record.client.kind, record.client.id) == (ClientKind.PERSON, existing.id)
    assert record.summary == "Frage zum Visum"
    assert len(persons_named(ops, "Özdemir", "Gülşen")) == 1


def test_a_new_person_can_be_created_despite_a_candidate(qtbot, ops, dialog):
    existing = people.create_person(
        ops.uow, ops.actor, PersonDraft(family_name="Nguyen", given_name="Lan")
    ).value
    new_person(dialog, "Nguyen", "Lan")
    key(qtbot, Qt.Key.Key_S, CTRL)
    qtbot.mouseClick(dialog.client.create_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    record = cases.get_record(ops.uow, ops.actor, dialog.saved_record_id)
    assert record.client.id != existing.id
    assert len(persons_named(ops, "Nguyen", "Lan")) == 2


def test_an_existing_client_with_a_referral_and_a_follow_up(qtbot, ops, dialog):
    hans = people.create_person(
        ops.uow, ops.actor, PersonDraft(family_name="Müller", given_name="Hans")
    ).value
    partner = people.list_partners(ops.uow)[0]
    client_consents_to_referrals(ops.uow, ops.actor, ClientKind.PERSON, hans.id)  # needed
    picker = dialog.client.picker
    qtbot.keyClicks(picker.edit, "mull")
    qtbot.waitUntil(picker.hits.isVisible, timeout=2000)
    qtbot.keyClick(picker.edit, Qt.Key.Key_Down)
    qtbot.keyClick(picker.hits, Qt.Key.Key_Return)
    assert picker.client().id == hans.id
    dialog.partner.setCurrentIndex(dialog.partner.findData(partner.id))
    type_text(dialog.reason, "Anerkennungsberatung für Pflegefachkräfte")
    dialog.follow_up.setChecked(True)
    due = office_today() + timedelta(days=14)
    type_date(qtbot, dialog.due_on, short_date(due))
    type_text(dialog.remark, "Nachfragen, ob Unterlagen vollständig")
    key(qtbot, Qt.Key.Key_Return, CTRL)
    assert not dialog.isVisible()
    record = cases.get_record(ops.uow, ops.actor, dialog.saved_record_id)
    assert record.client.id == hans.id
    [referral] = record.referrals
    assert (referral.partner_id, referral.reason) == (
        partner.id,
        "Anerkennungsberatung für Pflegefachkräfte",
    )
    [follow_up] = record.follow_ups
    assert (follow_up.due_on, follow_up.note) == (due, "Nachfragen, ob Unterlagen vollständig")


def test_a_missing_client_is_said_under_the_client_field(qtbot, ops, dialog):
    type_text(dialog.summary, "Wichtige Auskunft über Zuständigkeiten")
    key(qtbot, Qt.Key.Key_S, CTRL)
    assert dialog.isVisible()
    assert dialog.errors.message("client").startswith("Choose a client")
    assert dialog.client.client_error.isVisible()
    assert focused() is dialog.client.picker.edit
    assert dialog.summary.toPlainText() == "Wichtige Auskunft über Zuständigkeiten"
    assert dialog.saved_record_id is None


def test_a_service_error_appears_next_to_its_field(qtbot, ops, dialog):
    new_person(dialog, "Kowalski", "Jan")
    type_date(qtbot, dialog.opened_on, short_date(office_today() + timedelta(days=3)))
    key(qtbot, Qt.Key.Key_S, CTRL)
    assert dialog.errors.message("opened_on") == "The opening date lies in the future."
    # The new person is saved already and now the client; fixing the date saves the enquiry
    # for that person, without a second person.
    assert dialog.client.picker.client().display_name == "Kowalski, Jan"
    type_date(qtbot, dialog.opened_on, short_date(office_today()))
    key(qtbot, Qt.Key.Key_S, CTRL)
    assert not dialog.isVisible()
    assert len(persons_named(ops, "Kowalski", "Jan")) == 1


def test_a_failed_follow_up_keeps_the_saved_enquiry_and_is_retried_alone(
    qtbot, ops, dialog, monkeypatch
):
    hans = people.create_person(
        ops.uow, ops.actor, PersonDraft(family_name="Müller", given_name="Hans")
    ).value
    dialog.client.picker.set_client(ClientRef(ClientKind.PERSON, hans.id, hans.display_name))
    dialog.follow_up.setChecked(True)
    type_text(dialog.remark, "Rückruf")
    real = follow_ups.add_follow_up

    def failing(*_a, **_k):
        raise ValidationError("The follow-up cannot be saved now.", field="due_on")

    monkeypatch.setattr(follow_ups, "add_follow_up", failing)
    key(qtbot, Qt.Key.Key_S, CTRL)
    assert dialog.isVisible()
    number = dialog.saved_number
    assert dialog.note.text().startswith(f"Enquiry {number} is saved, but not the follow-up.")
    assert dialog.errors.message("due_on") == "The follow-up cannot be saved now."
    assert dialog.remark.text() == "Rückruf"
    assert not dialog.summary.isEnabled()  # the saved part can no longer be changed here
    monkeypatch.setattr(follow_ups, "add_follow_up", real)
    key(qtbot, Qt.Key.Key_S, CTRL)
    assert not dialog.isVisible()
    [record] = records_of(ops, ClientKind.PERSON, hans.id)
    assert [f.note for f in cases.get_record(ops.uow, ops.actor, record.id).follow_ups] == [
        "Rückruf"
    ]


def test_a_reason_without_a_partner_is_refused_before_anything_is_saved(qtbot, ops, dialog):
    new_person(dialog, "Silva", "Ana")
    type_text(dialog.reason, "Sprachkurs")
    key(qtbot, Qt.Key.Key_S, CTRL)
    assert dialog.errors.message("partner").startswith("Choose the partner")
    assert persons_named(ops, "Silva", "Ana") == []


def test_escape_with_typed_input_asks(qtbot, dialog, message_boxes):
    type_text(dialog.summary, "Anruf")
    message_boxes.answer = "Cancel"
    key(qtbot, Qt.Key.Key_Escape)
    assert len(message_boxes.shown) == 1
    assert dialog.isVisible()
    assert dialog.summary.toPlainText() == "Anruf"
    message_boxes.answer = "Discard"
    key(qtbot, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_escape_without_input_closes_at_once(qtbot, dialog, message_boxes):
    key(qtbot, Qt.Key.Key_Escape)
    assert message_boxes.shown == []
    assert not dialog.isVisible()


def test_ask_returns_the_saved_enquiry(qtbot, ops):
    hans = people.create_person(
        ops.uow, ops.actor, PersonDraft(family_name="Müller", given_name="Hans")
    ).value

    def fill(dlg):
        dlg.client.picker.set_client(ClientRef(ClientKind.PERSON, hans.id, hans.display_name))
        dlg.save()

    when_modal(fill)
    record_id = QuickEnquiryDialog.ask(ops, None)
    assert cases.get_record(ops.uow, ops.actor, record_id).client.id == hans.id


def test_ask_returns_none_when_cancelled(qtbot, ops):
    when_modal(lambda dlg: dlg.reject())
    assert QuickEnquiryDialog.ask(ops, None) is None


def test_fits_a_small_screen_in_german(qtbot, ops):
    i18n.set_language("de")
    dlg = QuickEnquiryDialog(ops)
    qtbot.addWidget(dlg)
    hint = dlg.sizeHint()
    assert hint.width() <= 1366 and hint.height() <= 700
    # Also with a new person's fields and three duplicate candidates shown.
    dlg.client.modes.button(NEW_PERSON).setChecked(True)
    found = DuplicateCandidate(
        kind=ClientKind.PERSON,
        id=1,
        display_name="Özdemir, Gülşen",
        birth_date=None,
        reason="same name",
    )
    dlg.client.show_candidates([found] * 3)
    hint = dlg.sizeHint()
    assert hint.width() <= 1366 and hint.height() <= 700


def test_the_referral_is_for_one_of_the_enquirys_topics(qtbot, ops, dialog):
    ada = people.create_person(
        ops.uow, ops.actor, PersonDraft(family_name="Okonkwo", given_name="Ada")
    ).value
    client_consents_to_referrals(ops.uow, ops.actor, ClientKind.PERSON, ada.id)  # needed
    picker = dialog.client.picker
    qtbot.keyClicks(picker.edit, "okon")
    qtbot.waitUntil(picker.hits.isVisible, timeout=2000)
    qtbot.keyClick(picker.edit, Qt.Key.Key_Down)
    qtbot.keyClick(picker.hits, Qt.Key.Key_Return)
    assert dialog.referral_topic.count() == 1  # no topic ticked: nothing to choose but "none"
    topics = {dialog.topics.item(i).data(Qt.ItemDataRole.UserRole): dialog.topics.item(i)
              for i in range(dialog.topics.count())}  # fmt: skip
    topics["recognition"].setCheckState(Qt.CheckState.Checked)
    assert dialog.referral_topic.currentData() == "recognition"  # the only one, taken itself
    topics["language"].setCheckState(Qt.CheckState.Checked)
    offered = [dialog.referral_topic.itemData(i) for i in range(dialog.referral_topic.count())]
    assert offered == [None, "recognition", "language"]
    assert dialog.referral_topic.currentData() == "recognition"  # the choice stays
    partner = people.list_partners(ops.uow)[0]
    dialog.partner.setCurrentIndex(dialog.partner.findData(partner.id))
    key(qtbot, Qt.Key.Key_Return, CTRL)
    assert not dialog.isVisible()
    [referral] = cases.get_record(ops.uow, ops.actor, dialog.saved_record_id).referrals
    assert (referral.partner_id, referral.topic) == (partner.id, "recognition")
