"""The quick enquiry asks a new person for the facts funders count (issue 14, item 2): gender,
birth year, employment status, education and German, folded under one button with one mnemonic
(Alt+J, German Alt+Ü), typed with the keyboard, saved with the person; untouched they save as
"not recorded", and they are not asked for an existing client or an organisation."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.ui.conftest import type_text
from tests.ui.test_quick_enquiry import focused, key, new_person, tab_to
from tests.ui.test_quick_enquiry_contact import _open, alt, pick
from welcome_center import i18n
from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import PersonDraft
from welcome_center.domain.enums import (
    ClientKind,
    EducationLevel,
    EmploymentStatus,
    Gender,
    GermanLevel,
)
from welcome_center.services import cases, people
from welcome_center.ui.dialogs.quick_enquiry import QuickEnquiryDialog
from welcome_center.ui.dialogs.quick_enquiry_client import NEW_ORGANISATION, NEW_PERSON

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def dialog(qtbot, ops, message_boxes) -> QuickEnquiryDialog:
    return _open(qtbot, ops)


def saved_person(ops, dialog: QuickEnquiryDialog):
    assert not dialog.isVisible(), dialog.errors.general.text()
    record = cases.get_record(ops.uow, ops.actor, dialog.saved_record_id)
    assert record.client.kind is ClientKind.PERSON
    return people.get_person(ops.uow, ops.actor, record.client.id)


def test_the_facts_typed_with_the_keyboard_are_saved_with_the_new_person(qtbot, ops, dialog):
    facts = dialog.client.facts
    alt(qtbot, "p", dialog.client.person_box.isVisible)
    type_text(focused(), "Okafor")
    tab_to(qtbot, dialog.client.given_name)
    type_text(focused(), "Ngozi")
    assert not facts.gender.isVisible()  # folded until asked for
    alt(qtbot, "j", facts.gender.isVisible)
    assert focused() is facts.gender  # opened by its key: the cursor is in the first field
    qtbot.keyClicks(focused(), "fem")
    tab_to(qtbot, facts.birth_year)
    qtbot.keyClicks(focused(), "1988")
    tab_to(qtbot, facts.employment_status)
    qtbot.keyClicks(focused(), "long")
    tab_to(qtbot, facts.education)
    qtbot.keyClicks(focused(), "isced5")
    tab_to(qtbot, facts.german_level)
    qtbot.keyClicks(focused(), "b2")
    tab_to(qtbot, dialog.requester)  # then the form goes on as before
    key(qtbot, Qt.Key.Key_S, CTRL)
    person = saved_person(ops, dialog)
    assert person.display_name == "Okafor, Ngozi"
    assert person.gender is Gender.FEMALE
    assert person.birth_year == 1988
    assert person.birth_date is None
    assert person.employment_status is EmploymentStatus.LONG_TERM_UNEMPLOYED
    assert person.education is EducationLevel.ISCED_5_8
    assert person.german_level is GermanLevel.B2


def test_an_untouched_form_saves_the_person_with_nothing_recorded(qtbot, ops, dialog):
    new_person(dialog, "Haddad", "Rami")
    key(qtbot, Qt.Key.Key_S, CTRL)
    person = saved_person(ops, dialog)
    assert person.gender is Gender.NOT_RECORDED
    assert person.birth_year is None
    assert person.employment_status is EmploymentStatus.NOT_RECORDED
    assert person.education is EducationLevel.NOT_RECORDED
    assert person.german_level is GermanLevel.NOT_RECORDED


def test_opened_and_left_untouched_they_save_nothing_either(qtbot, ops, dialog):
    new_person(dialog, "Haddad", "Rami")
    qtbot.mouseClick(dialog.client.facts.toggle, Qt.MouseButton.LeftButton)
    assert dialog.client.facts.gender.isVisible()
    assert dialog.client.facts.gender.currentText() == "not recorded"
    key(qtbot, Qt.Key.Key_S, CTRL)
    person = saved_person(ops, dialog)
    assert person.gender is Gender.NOT_RECORDED and person.birth_year is None


def test_tab_reaches_the_button_and_space_opens_the_facts(qtbot, dialog):
    facts = dialog.client.facts
    new_person(dialog, "Nguyen", "Lan")
    dialog.client.nationality.setFocus()
    tab_to(qtbot, facts.toggle)
    key(qtbot, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: focused() is facts.gender)
    for field in facts.fields()[1:]:
        tab_to(qtbot, field)
    # Closed again with the cursor inside: it goes back to the button, the input stays.
    qtbot.keyClicks(facts.german_level, "a1")
    facts.set_open(False)
    assert focused() is facts.toggle
    assert not facts.german_level.isVisible()
    assert facts.draft_fields()["german_level"] is GermanLevel.A1


def test_a_fact_chosen_counts_as_input_when_the_window_is_closed(qtbot, dialog, message_boxes):
    dialog.client.modes.button(NEW_PERSON).setChecked(True)
    dialog.client.facts.set_open(True)
    qtbot.keyClicks(dialog.client.facts.gender, "m")
    assert dialog.has_unsaved_input()


def test_an_implausible_birth_year_is_refused_under_the_facts(qtbot, ops, dialog):
    facts = dialog.client.facts
    new_person(dialog, "Nguyen", "Lan")
    facts.set_open(True)
    qtbot.keyClicks(facts.birth_year, "1790")
    facts.set_open(False)  # folded again: the refusal opens it
    key(qtbot, Qt.Key.Key_S, CTRL)
    assert dialog.isVisible() and dialog.saved_record_id is None
    assert facts.gender.isVisible()
    assert facts.year_error.text() == "1790 is not a plausible year."
    assert focused() is facts.birth_year
    facts.birth_year.clear()
    qtbot.keyClicks(facts.birth_year, str(office_today().year - 30))
    key(qtbot, Qt.Key.Key_S, CTRL)
    assert saved_person(ops, dialog).birth_year == office_today().year - 30


def test_not_asked_for_an_existing_client_or_an_organisation(qtbot, ops, dialog):
    people.create_person(ops.uow, ops.actor, PersonDraft(family_name="Haddad", given_name="Rami"))
    facts = dialog.client.facts
    assert not facts.toggle.isVisible()  # "find existing"
    pick(qtbot, dialog, "hadd")
    assert not facts.toggle.isVisible()
    qtbot.mouseClick(dialog.client.modes.button(NEW_ORGANISATION), Qt.MouseButton.LeftButton)
    assert dialog.client.org_box.isVisible() and not facts.toggle.isVisible()
    type_text(dialog.client.org_name, "Eckbauer KG")
    key(qtbot, Qt.Key.Key_S, CTRL)
    assert not dialog.isVisible()
    record = cases.get_record(ops.uow, ops.actor, dialog.saved_record_id)
    assert record.client.kind is ClientKind.ORGANISATION


def test_the_german_button_opens_with_alt_ue(qtbot, ops, message_boxes):
    i18n.set_language("de")
    dialog = _open(qtbot, ops)
    facts = dialog.client.facts
    dialog.client.modes.button(NEW_PERSON).setChecked(True)
    assert facts.toggle.text() == (
        "F&ür die Statistik (freiwillig): Geschlecht, Alter, Erwerb, Bildung"
    )
    alt_ue = (Qt.Key.Key_Udiaeresis, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClick(QApplication.focusWidget(), *alt_ue)
    qtbot.waitUntil(facts.gender.isVisible, timeout=2000)
    assert focused() is facts.gender
    assert facts.gender.currentText() == "nicht erfasst"


@pytest.mark.parametrize("lang", ["en", "de"])
def test_opened_they_fit_a_small_screen_with_every_choice_whole(qtbot, ops, message_boxes, lang):
    i18n.set_language(lang)
    dialog = _open(qtbot, ops)
    facts = dialog.client.facts
    dialog.client.modes.button(NEW_PERSON).setChecked(True)
    facts.set_open(True)
    hint = dialog.sizeHint()
    assert hint.width() <= 1366 and hint.height() <= 700
    for combo in (facts.employment_status, facts.education):
        longest = max(combo.fontMetrics().horizontalAdvance(combo.itemText(i))
                      for i in range(combo.count()))  # fmt: skip
        assert combo.minimumWidth() > longest  # no choice is cut off in the closed box
