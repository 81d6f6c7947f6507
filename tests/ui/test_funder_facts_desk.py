"""The facts funders count, as a counsellor types them (DOMAIN.md "Who was advised"): in the
person editor (gender, birth year, second nationality, employment status, education, German,
arrival year), the organisation editor (kind, size) and the recognition dialog (country of
training). Each is optional, typed with the keyboard, saved, and shown again when the item is
opened; the people page's details list them; every label's mnemonic is unique in German."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget
from pytestqt.qtbot import QtBot

from tests.ui.conftest import MessageBoxes, type_text
from tests.ui.test_record_editor import activate, open_window
from welcome_center import i18n
from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import ClientChoice, PersonDraft, RecordDraft
from welcome_center.domain.enums import (
    ClientKind,
    EducationLevel,
    EmploymentStatus,
    Gender,
    GermanLevel,
    OrganisationKind,
    OrganisationSize,
)
from welcome_center.domain.views import ClientRef
from welcome_center.services import cases, people, recognition
from welcome_center.ui.dialogs.organisation_editor import OrganisationEditor
from welcome_center.ui.dialogs.person_editor import PersonEditor
from welcome_center.ui.ops import Ops
from welcome_center.ui.pages.people import PeoplePage
from welcome_center.ui.record.recognition import RecognitionDialog


def _shown(qtbot: QtBot, dialog: QWidget) -> QWidget:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    activate(qtbot, dialog)  # keys reach the active window only (Ctrl+S, Tab)
    return dialog


def _focus(dialog: QWidget) -> QWidget | None:
    """The dialog's focus widget (the offscreen window need not be the active one)."""
    return dialog.focusWidget()


def _tab_to(qtbot: QtBot, start: QWidget, target: QWidget, limit: int = 30) -> None:
    """Press Tab from ``start`` until ``target`` has the focus (as a user walks the form)."""
    start.setFocus()
    dialog = start.window()
    for _ in range(limit):
        focus = dialog.focusWidget()
        if focus is target or (focus is not None and target.isAncestorOf(focus)):
            return
        assert focus is not None
        qtbot.keyClick(focus, Qt.Key.Key_Tab)
    raise AssertionError(f"Tab never reached {target.accessibleName()}")


def test_a_person_with_every_fact_typed_is_saved_and_shown_again(
    qtbot: QtBot, ops: Ops, message_boxes: MessageBoxes
) -> None:
    editor = _shown(qtbot, PersonEditor(ops))
    assert isinstance(editor, PersonEditor)
    type_text(editor.family_name, "Nguyen")
    type_text(editor.given_name, "Lan")
    _tab_to(qtbot, editor.given_name, editor.birth_year)  # past the empty birth date
    qtbot.keyClicks(editor.birth_year, "1991")
    editor.nationality.setFocus()
    qtbot.keyClicks(editor.nationality, "Viet")
    qtbot.keyClick(editor.nationality, Qt.Key.Key_Tab)
    assert _focus(editor) is editor.nationality_2  # the second nationality follows the first
    qtbot.keyClicks(editor.nationality_2, "Fran")
    # The facts' column: Tab from the notes reaches it from its top.
    _tab_to(qtbot, editor.notes, editor.gender)
    qtbot.keyClicks(editor.gender, "Fe")
    qtbot.keyClick(editor.gender, Qt.Key.Key_Tab)
    assert _focus(editor) is editor.employment_status
    qtbot.keyClicks(editor.employment_status, "Lo")
    qtbot.keyClick(editor.employment_status, Qt.Key.Key_Tab)
    qtbot.keyClicks(editor.education, "ISCED 5")
    qtbot.keyClick(editor.education, Qt.Key.Key_Tab)
    qtbot.keyClicks(editor.german_level, "B2")
    qtbot.keyClick(editor.german_level, Qt.Key.Key_Tab)
    assert _focus(editor) is editor.arrival_year
    qtbot.keyClicks(editor.arrival_year, "2019")
    qtbot.keyClick(editor.arrival_year, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    assert editor.saved_id is not None, editor.errors.general.text()
    saved = people.get_person(ops.uow, ops.actor, editor.saved_id)
    assert (saved.birth_date, saved.birth_year, saved.nationality, saved.nationality_2) == (
        None,
        1991,
        "VN",
        "FR",
    )
    assert (saved.gender, saved.employment_status, saved.education, saved.german_level) == (
        Gender.FEMALE,
        EmploymentStatus.LONG_TERM_UNEMPLOYED,
        EducationLevel.ISCED_5_8,
        GermanLevel.B2,
    )
    assert saved.arrival_year == 2019

    again = _shown(qtbot, PersonEditor(ops))
    assert isinstance(again, PersonEditor) and again.load(saved.id)
    assert again.birth_year.text() == "1991" and again.birth_year.isEnabled()
    assert again.gender.currentText() == "Female"
    assert again.employment_status.currentText() == "Long-term unemployed (12 months or more)"
    assert again.german_level.currentText() == "B2"
    assert again.arrival_year.text() == "2019"
    assert again.nationality_2.currentData() == "FR"
    assert not again.has_unsaved()

    page = PeoplePage(ops)
    qtbot.addWidget(page)
    page.show_client(ClientRef(ClientKind.PERSON, saved.id, saved.display_name))
    values = page.details.values
    assert values["Born:"] == "1991"
    assert values["Nationality:"] == "Vietnam, France"
    assert values["Gender:"] == "Female"
    assert values["Education:"].startswith("ISCED 5-8")
    assert values["German:"] == "B2"
    assert values["In Germany since:"] == "2019"


def test_nothing_chosen_saves_not_recorded(
    qtbot: QtBot, ops: Ops, message_boxes: MessageBoxes
) -> None:
    editor = _shown(qtbot, PersonEditor(ops))
    assert isinstance(editor, PersonEditor)
    assert editor.gender.currentText() == "not recorded"  # the first entry
    type_text(editor.family_name, "Okafor")
    qtbot.keyClick(editor.family_name, Qt.Key.Key_Return)
    assert editor.saved_id is not None
    saved = people.get_person(ops.uow, ops.actor, editor.saved_id)
    assert (saved.gender, saved.employment_status, saved.education, saved.german_level) == (
        Gender.NOT_RECORDED,
        EmploymentStatus.NOT_RECORDED,
        EducationLevel.NOT_RECORDED,
        GermanLevel.NOT_RECORDED,
    )
    assert (saved.birth_year, saved.arrival_year, saved.nationality_2) == (None, None, None)


def test_a_birth_date_gives_the_year_and_a_wrong_year_is_shown_at_its_field(
    qtbot: QtBot, ops: Ops, message_boxes: MessageBoxes
) -> None:
    editor = _shown(qtbot, PersonEditor(ops))
    assert isinstance(editor, PersonEditor)
    type_text(editor.family_name, "Haddad")
    type_text(editor.birth_date.edit, "14.07.1990")
    qtbot.keyClick(editor.birth_date.edit, Qt.Key.Key_Tab)
    assert editor.birth_year.text() == "1990" and not editor.birth_year.isEnabled()
    editor.arrival_year.setFocus()
    qtbot.keyClicks(editor.arrival_year, "1850")
    qtbot.keyClick(editor.arrival_year, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert editor.saved_id is None and editor.isVisible()
    assert editor.errors.message("arrival_year") == "1850 is not a plausible year."
    assert _focus(editor) is editor.arrival_year
    qtbot.keyClick(editor.arrival_year, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(editor.arrival_year, "2015")
    qtbot.keyClick(editor.arrival_year, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert editor.saved_id is not None
    saved = people.get_person(ops.uow, ops.actor, editor.saved_id)
    assert (saved.birth_year, saved.arrival_year) == (1990, 2015)


def test_an_organisation_s_kind_and_size_are_saved_and_shown_again(
    qtbot: QtBot, ops: Ops, message_boxes: MessageBoxes
) -> None:
    editor = _shown(qtbot, OrganisationEditor(ops))
    assert isinstance(editor, OrganisationEditor)
    type_text(editor.name, "Zahnrad GmbH")
    qtbot.keyClick(editor.name, Qt.Key.Key_Tab)
    qtbot.keyClick(editor.short_name, Qt.Key.Key_Tab)
    assert _focus(editor) is editor.kind  # right after the names
    qtbot.keyClicks(editor.kind, "Co")
    qtbot.keyClick(editor.kind, Qt.Key.Key_Tab)
    qtbot.keyClicks(editor.org_size, "Sm")
    qtbot.keyClick(editor.org_size, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert editor.saved_id is not None
    saved = people.get_organisation(ops.uow, ops.actor, editor.saved_id)
    assert (saved.kind, saved.size) == (OrganisationKind.COMPANY, OrganisationSize.SMALL)
    again = _shown(qtbot, OrganisationEditor(ops))
    assert isinstance(again, OrganisationEditor) and again.load(saved.id)
    assert again.kind.currentText() == "Company"
    assert again.org_size.currentText() == "Small (10-49 employees)"


def test_the_country_of_training_of_a_recognition_procedure(
    qtbot: QtBot, ops: Ops, message_boxes: MessageBoxes
) -> None:
    pid = people.create_person(ops.uow, ops.actor, PersonDraft(family_name="Tran"), True).value.id
    draft = RecordDraft(client=ClientChoice(ClientKind.PERSON, pid), opened_on=office_today())
    record = cases.open_record(ops.uow, ops.actor, draft).value.id
    window = open_window(qtbot, ops, record)
    dialog = _shown(qtbot, RecognitionDialog(window))
    assert isinstance(dialog, RecognitionDialog)
    type_text(dialog.qualification, "Pflegefachkraft")
    qtbot.keyClick(dialog.qualification, Qt.Key.Key_Tab)
    assert _focus(dialog) is dialog.training_country
    qtbot.keyClicks(dialog.training_country, "Viet")
    qtbot.keyClick(dialog.training_country, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    procedures = cases.get_record(ops.uow, ops.actor, record).recognitions
    assert [p.training_country for p in procedures] == ["VN"]
    again = _shown(qtbot, RecognitionDialog(window, procedures[0]))
    assert isinstance(again, RecognitionDialog)
    assert again.training_country.currentText() == "Vietnam"
    assert recognition  # the service checks the code (tests/db/test_funder_facts.py)


def _keys(dialog: QWidget) -> list[str]:
    """The mnemonics of the labels and buttons a user sees now."""
    shown = [w for w in dialog.findChildren(QWidget) if w.isVisibleTo(dialog)]
    texts = [w.text() for w in shown if isinstance(w, QLabel) and w.buddy() is not None]
    texts += [b.text() for b in shown if isinstance(b, QAbstractButton)]
    return [m.group(1).lower() for t in texts for m in [re.search("&(.)", t)] if m]


@pytest.mark.parametrize("lang", ["en", "de"])
def test_every_mnemonic_of_the_editors_is_unique(
    qtbot: QtBot, ops: Ops, lang: str, message_boxes: MessageBoxes
) -> None:
    person_id = people.create_person(ops.uow, ops.actor, PersonDraft(family_name="Ali")).value.id
    i18n.set_language(lang)
    try:
        editor = _shown(qtbot, PersonEditor(ops))
        assert isinstance(editor, PersonEditor) and editor.load(person_id)
        keys = _keys(editor)
        assert len(keys) == len(set(keys)), " ".join(sorted(keys))
        if lang == "de":
            assert editor.gender.currentText() in ("nicht erfasst", "Weiblich", "Männlich")
        org = _shown(qtbot, OrganisationEditor(ops))
        keys = _keys(org)
        assert len(keys) == len(set(keys)), " ".join(sorted(keys))
    finally:
        i18n.set_language("en")
