"""Text the desk may not store is said under its field, and the form keeps what was typed: a
name with a control character or of 40,000 characters, a summary, a consultation's notes, a
referral's reason, a follow-up, a contact person, a vocabulary label and the office name.
Invisible characters (U+202E, U+200B) are removed silently and the name stored in NFC."""

from __future__ import annotations

import unicodedata

import pytest
from PySide6.QtWidgets import QWidget

from tests.ui.conftest import type_text
from tests.ui.test_record_editor import open_window
from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import ClientChoice, PersonDraft, RecordDraft
from welcome_center.domain.enums import ClientKind, Vocabulary
from welcome_center.services import cases, people
from welcome_center.ui.dialogs.organisation_editor import OrganisationEditor
from welcome_center.ui.dialogs.person_editor import PersonEditor
from welcome_center.ui.dialogs.quick_enquiry import QuickEnquiryDialog
from welcome_center.ui.dialogs.quick_enquiry_client import NEW_PERSON
from welcome_center.ui.pages.admin import AdminPage
from welcome_center.ui.pages.admin_vocabularies import EntryDialog
from welcome_center.ui.record.consultations import ConsultationDialog
from welcome_center.ui.record.follow_ups import FollowUpDialog
from welcome_center.ui.record.referrals import ReferralDialog

TOO_LONG = "The text is too long"
CONTROL = "invisible control character"


@pytest.fixture(autouse=True)
def _no_real_message_boxes(message_boxes):
    return message_boxes


@pytest.fixture
def record_id(uow, anna) -> int:
    person = people.create_person(
        uow, anna, PersonDraft(family_name="Nguyen", given_name="Lan")
    ).value.id
    client = ClientChoice(ClientKind.PERSON, person)
    return cases.open_record(
        uow, anna, RecordDraft(client=client, opened_on=office_today())
    ).value.id


def _shown(qtbot, widget: QWidget) -> None:
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)


def test_an_overlong_typed_name_is_said_under_the_field_and_kept(qtbot, ops) -> None:
    editor = PersonEditor(ops)
    _shown(qtbot, editor)
    qtbot.keyClicks(editor.family_name, "A" * 201)
    qtbot.keyClicks(editor.given_name, "Lan")
    editor.save_button.click()
    assert editor.isVisible()
    message = editor.errors.message("family_name")
    assert message.startswith(TOO_LONG) and "201 characters" in message and "200" in message
    assert editor.family_name.text() == "A" * 201 and editor.given_name.text() == "Lan"
    assert editor.saved_id is None


@pytest.mark.parametrize("bad", ["\x00", "\x1b", "\x07"])
def test_a_control_character_in_a_name_is_said_under_the_field(qtbot, ops, bad: str) -> None:
    editor = PersonEditor(ops)
    _shown(qtbot, editor)
    editor.family_name.setText(f"Mül{bad}ler")
    editor.save_button.click()
    assert editor.isVisible()
    assert f"U+{ord(bad):04X}" in editor.errors.message("family_name")
    assert editor.family_name.text() == f"Mül{bad}ler"


def test_a_40000_character_name_is_refused_not_cut(qtbot, ops) -> None:
    editor = PersonEditor(ops)
    _shown(qtbot, editor)
    editor.family_name.setMaxLength(50_000)  # Qt's default 32,767 would cut it silently
    editor.family_name.setText("N" * 40_000)
    editor.save_button.click()
    assert editor.isVisible()
    assert "40000 characters" in editor.errors.message("family_name")


def test_invisible_characters_are_dropped_and_the_name_stored_in_nfc(qtbot, ops) -> None:
    editor = PersonEditor(ops)
    _shown(qtbot, editor)
    type_text(editor.family_name, "M\u202eu\u0308ller\u200b")
    editor.save_button.click()
    assert not editor.isVisible() and editor.saved_id is not None
    saved = people.get_person(ops.uow, ops.actor, editor.saved_id)
    assert saved.family_name == "Müller"
    assert unicodedata.is_normalized("NFC", saved.family_name)


def test_a_contact_persons_bad_name_is_said_under_the_contacts(qtbot, admin_ops) -> None:
    dialog = OrganisationEditor(admin_ops, None, partner=True)
    _shown(qtbot, dialog)
    qtbot.keyClicks(dialog.name, "Beratungsstelle Nord")
    row = dialog.contacts.add()
    dialog.contacts.setData(dialog.contacts.index(row, 0), "Frau\x07 Weiss")
    dialog.save_button.click()
    assert dialog.isVisible()
    assert CONTROL in dialog.errors.message("contact_name")
    assert dialog.errors.message("name") == ""  # not under the organisation's name
    assert dialog.name.text() == "Beratungsstelle Nord"


def test_record_dialogs_say_it_under_their_text_fields(qtbot, ops, record_id) -> None:
    window = open_window(qtbot, ops, record_id)
    window.overview.summary.setPlainText("s" * 2_001)
    assert not window.save()
    assert window.overview.errors.message("summary").startswith(TOO_LONG)
    assert window.overview.summary.toPlainText() == "s" * 2_001
    window.overview.summary.setPlainText("Fragen zur Anerkennung")
    assert window.save()

    consultation = ConsultationDialog(window)
    _shown(qtbot, consultation)
    qtbot.keyClicks(consultation.notes, "Call back")
    consultation.notes.appendPlainText("\x07")
    qtbot.keyClicks(consultation.language, "vi")
    consultation.try_save()
    assert consultation.isVisible()
    assert CONTROL in consultation.errors.message("notes")
    assert consultation.language.text() == "vi"

    referral = ReferralDialog(window)
    _shown(qtbot, referral)
    referral.partner.setCurrentIndex(1)  # the first partner (0 is the empty choice)
    referral.reason.setPlainText("r" * 2_001)
    referral.try_save()
    assert referral.isVisible()
    assert referral.errors.message("reason").startswith(TOO_LONG)
    assert referral.reason.toPlainText() == "r" * 2_001

    follow_up = FollowUpDialog(window)
    _shown(qtbot, follow_up)
    follow_up.note.setText("line\x1bbreak")
    follow_up.try_save()
    assert follow_up.isVisible()
    assert CONTROL in follow_up.errors.message("note")
    assert follow_up.note.text() == "line\x1bbreak"


def test_a_long_vocabulary_label_and_office_name(qtbot, admin_ops) -> None:
    dialog = EntryDialog(admin_ops, Vocabulary.TOPIC)
    _shown(qtbot, dialog)
    qtbot.keyClicks(dialog.code, "long_topic")
    qtbot.keyClicks(dialog.label_de, "Thema")
    dialog.label_en.setText("T" * 1_000)
    dialog.try_save()
    assert dialog.isVisible()
    assert dialog.errors.message("label_en").startswith(TOO_LONG)
    assert dialog.label_en.text() == "T" * 1_000
    dialog.label_de.clear()
    dialog.label_en.setText("Topic")
    dialog.try_save()
    assert dialog.errors.message("label_de") == "Enter a German and an English label."

    page = AdminPage(admin_ops)
    _shown(qtbot, page)
    page.activated()
    tab = page.settings
    tab.office_name.setText("O" * 201)
    tab.save_button.click()
    assert tab.errors.message("office_name").startswith(TOO_LONG)
    assert tab.office_name.text() == "O" * 201
    assert admin_ops.settings.office_name == "Welcome Center Region Zwickau"


def test_the_quick_enquiry_says_it_under_the_new_clients_fields(qtbot, ops) -> None:
    dialog = QuickEnquiryDialog(ops)
    _shown(qtbot, dialog)
    dialog.client.modes.button(NEW_PERSON).setChecked(True)
    qtbot.keyClicks(dialog.client.family_name, "Nguyen")
    dialog.client.given_name.setText("Lan\x1b")
    dialog.save()
    assert dialog.isVisible()
    assert CONTROL in dialog.errors.message("given_name")
    dialog.client.given_name.setText("Lan")
    dialog.client.person_contact.setText("lan@example.org\x07")
    dialog.save()
    assert CONTROL in dialog.errors.message("person_contact")
    assert dialog.client.person_contact.text() == "lan@example.org\x07"
    assert (
        people.find_duplicates(
            ops.uow, ops.actor, PersonDraft(family_name="Nguyen", given_name="Lan")
        )
        == []
    )
