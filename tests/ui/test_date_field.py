"""The desk's one date field, typed into as a counsellor does: German and English forms, short
years and bare digits, impossible days refused with a message, empty optional dates, the
calendar, and Tab. Every kind of date field of the desk is typed into at least once."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.ui.date_typing import type_date
from tests.ui.test_record_editor import CTRL, open_window, save_dialog
from welcome_center import i18n
from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import ClientChoice, PersonDraft, RecordDraft
from welcome_center.domain.enums import ClientKind
from welcome_center.services import cases, people
from welcome_center.ui.dialogs.person_editor import PersonEditor
from welcome_center.ui.pages.admin import AdminPage
from welcome_center.ui.pages.records import RecordsPage
from welcome_center.ui.record.follow_ups import FollowUpDialog
from welcome_center.ui.record.recognition import RecognitionDialog
from welcome_center.ui.record.residence import ResidenceDialog
from welcome_center.ui.widgets.date_field import DateField

OPENED = date(2026, 1, 5)  # in the past at any hour, so that 15.01.2027 is a valid due day


@pytest.fixture(autouse=True)
def _no_real_message_boxes(message_boxes):  # type: ignore[no-untyped-def]
    return message_boxes


@pytest.fixture
def record_id(uow, anna) -> int:  # type: ignore[no-untyped-def]
    person = people.create_person(
        uow, anna, PersonDraft(family_name="Yilmaz", given_name="Deniz")
    ).value
    draft = RecordDraft(
        client=ClientChoice(ClientKind.PERSON, person.id), opened_on=OPENED, summary="Beratung"
    )
    return cases.open_record(uow, anna, draft).value.id


def _dialog(qtbot, dialog):  # type: ignore[no-untyped-def]
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=2000)
    return dialog


def _focused():  # type: ignore[no-untyped-def]
    return QApplication.focusWidget()


@pytest.mark.parametrize("typed", ["15.01.2027", "15.1.2027", "15.1.27", "15012027"])
def test_the_follow_up_dialog_saves_the_typed_day(qtbot, ops, uow, anna, record_id, typed):  # type: ignore[no-untyped-def]
    i18n.set_language("de")
    window = open_window(qtbot, ops, record_id)
    dialog = _dialog(qtbot, FollowUpDialog(window))
    type_date(qtbot, dialog.due_on, typed)
    save_dialog(qtbot, dialog)
    (stored,) = cases.get_record(uow, anna, record_id).follow_ups
    assert stored.due_on == date(2027, 1, 15)


def test_an_impossible_day_is_refused_with_a_message_and_kept(qtbot, ops, uow, anna, record_id):  # type: ignore[no-untyped-def]
    i18n.set_language("de")
    window = open_window(qtbot, ops, record_id)
    dialog = _dialog(qtbot, FollowUpDialog(window))
    type_date(qtbot, dialog.due_on, "31.02.2027")
    qtbot.keyClick(dialog.due_on.edit, Qt.Key.Key_Tab)  # leaving says so at once
    assert dialog.due_on.error_text() == "31.02.2027 ist kein Datum (TT.MM.JJJJ)."
    save_dialog(qtbot, dialog, final=False)
    assert dialog.isVisible()
    assert dialog.due_on.text() == "31.02.2027"  # never replaced by another day
    assert dialog.due_on.error.isVisible()
    assert _focused() is dialog.due_on.edit
    assert cases.get_record(uow, anna, record_id).follow_ups == ()
    type_date(qtbot, dialog.due_on, "28.02.2027")
    assert dialog.due_on.error_text() == ""
    save_dialog(qtbot, dialog)
    (stored,) = cases.get_record(uow, anna, record_id).follow_ups
    assert stored.due_on == date(2027, 2, 28)


def test_leaving_the_field_shows_the_day_the_usual_way_and_tab_moves_on(qtbot, ops, record_id):  # type: ignore[no-untyped-def]
    i18n.set_language("de")
    window = open_window(qtbot, ops, record_id)
    dialog = _dialog(qtbot, FollowUpDialog(window))
    type_date(qtbot, dialog.due_on, "3.4.28")
    qtbot.keyClick(dialog.due_on.edit, Qt.Key.Key_Tab)
    assert dialog.due_on.text() == "03.04.2028"
    assert _focused() is dialog.assigned_to
    qtbot.keyClick(dialog.assigned_to, Qt.Key.Key_Backtab)
    assert _focused() is dialog.due_on.edit


def test_the_calendar_opens_at_the_fields_day_and_picks_with_the_keyboard(qtbot, ops, record_id):  # type: ignore[no-untyped-def]
    window = open_window(qtbot, ops, record_id)
    dialog = _dialog(qtbot, FollowUpDialog(window))
    type_date(qtbot, dialog.due_on, "15/01/2027")
    qtbot.keyClick(dialog.due_on.edit, Qt.Key.Key_F4)
    calendar = dialog.due_on.calendar
    assert calendar is not None and calendar.isVisible()
    assert calendar.selectedDate().toPython() == date(2027, 1, 15)
    assert _focused() is not None and calendar.isAncestorOf(_focused())
    qtbot.keyClick(_focused(), Qt.Key.Key_Right)
    qtbot.keyClick(_focused(), Qt.Key.Key_Return)
    assert not calendar.isVisible()
    assert dialog.due_on.text() == "16/01/2027"
    assert dialog.due_on.date() == date(2027, 1, 16)
    assert dialog.isVisible()  # picking a day is not saving


def test_an_empty_optional_calendar_opens_at_today(qtbot, ops, record_id):  # type: ignore[no-untyped-def]
    window = open_window(qtbot, ops, record_id)
    dialog = _dialog(qtbot, ResidenceDialog(window))
    assert dialog.expires_on.text() == ""
    dialog.expires_on.setFocus()
    qtbot.keyClick(dialog.expires_on.edit, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    calendar = dialog.expires_on.calendar
    assert calendar is not None and calendar.isVisible()
    assert calendar.selectedDate().toPython() == office_today()
    qtbot.keyClick(_focused(), Qt.Key.Key_Escape)
    assert not calendar.isVisible()
    assert dialog.expires_on.text() == ""
    assert _focused() is dialog.expires_on.edit


def test_english_uses_the_english_format(qtbot, ops, uow, anna, record_id):  # type: ignore[no-untyped-def]
    i18n.set_language("en")
    window = open_window(qtbot, ops, record_id)
    dialog = _dialog(qtbot, FollowUpDialog(window))
    assert dialog.due_on.text() == (office_today() + timedelta(days=7)).strftime("%d/%m/%Y")
    type_date(qtbot, dialog.due_on, "31/02/2027")
    save_dialog(qtbot, dialog, final=False)
    assert dialog.due_on.error_text() == "31/02/2027 is not a date (DD/MM/YYYY)."
    type_date(qtbot, dialog.due_on, "15/1/27")
    qtbot.keyClick(dialog.due_on.edit, Qt.Key.Key_Tab)
    assert dialog.due_on.text() == "15/01/2027"
    save_dialog(qtbot, dialog)
    (stored,) = cases.get_record(uow, anna, record_id).follow_ups
    assert stored.due_on == date(2027, 1, 15)


def test_a_required_date_cannot_be_left_empty(qtbot, ops, uow, anna, record_id):  # type: ignore[no-untyped-def]
    window = open_window(qtbot, ops, record_id)
    dialog = _dialog(qtbot, FollowUpDialog(window))
    type_date(qtbot, dialog.due_on, "")
    save_dialog(qtbot, dialog, final=False)
    assert dialog.isVisible()
    assert dialog.due_on.error_text() == "Enter a date (DD/MM/YYYY)."
    assert cases.get_record(uow, anna, record_id).follow_ups == ()


# -- the optional dates ------------------------------------------------------------------------


def test_a_birth_date_is_typed_left_empty_and_emptied_again(qtbot, ops):  # type: ignore[no-untyped-def]
    i18n.set_language("de")
    editor = _dialog(qtbot, PersonEditor(ops))
    editor.family_name.setFocus()
    qtbot.keyClicks(editor.family_name, "Petrov")
    qtbot.keyClick(editor.family_name, Qt.Key.Key_Tab)
    qtbot.keyClicks(editor.given_name, "Ivan")
    assert editor.birth_date.text() == ""
    save_dialog(qtbot, editor, final=False)
    assert not editor.isVisible()
    first = editor.saved_id
    assert people.get_person(ops.uow, ops.actor, first).birth_date is None

    editor = _dialog(qtbot, PersonEditor(ops))
    assert editor.load(first)
    type_date(qtbot, editor.birth_date, "3.7.85")
    qtbot.keyClick(editor.birth_date.edit, Qt.Key.Key_Tab)
    assert editor.birth_date.text() == "03.07.1985"  # a short year lies in the past here
    assert _focused() is not editor.birth_date.edit  # Tab left the field
    save_dialog(qtbot, editor, final=False)
    assert people.get_person(ops.uow, ops.actor, first).birth_date == date(1985, 7, 3)

    editor = _dialog(qtbot, PersonEditor(ops))
    assert editor.load(first)
    assert editor.birth_date.text() == "03.07.1985"
    type_date(qtbot, editor.birth_date, "")
    save_dialog(qtbot, editor, final=False)
    assert people.get_person(ops.uow, ops.actor, first).birth_date is None


def test_an_impossible_birth_date_is_not_saved(qtbot, ops):  # type: ignore[no-untyped-def]
    editor = _dialog(qtbot, PersonEditor(ops))
    editor.family_name.setFocus()
    qtbot.keyClicks(editor.family_name, "Petrova")
    type_date(qtbot, editor.birth_date, "30021990")
    save_dialog(qtbot, editor, final=False)
    assert editor.isVisible() and editor.saved_id is None
    assert editor.birth_date.error_text() == "30021990 is not a date (DD/MM/YYYY)."
    assert editor.birth_date.text() == "30021990"


def test_a_residence_titles_valid_until_is_typed(qtbot, ops, uow, anna, record_id):  # type: ignore[no-untyped-def]
    i18n.set_language("de")
    window = open_window(qtbot, ops, record_id)
    dialog = _dialog(qtbot, ResidenceDialog(window))
    dialog.title.setCurrentIndex(1)
    type_date(qtbot, dialog.expires_on, "31.12.28")
    save_dialog(qtbot, dialog)
    (title,) = cases.get_record(uow, anna, record_id).residence_titles
    assert (title.valid_from, title.expires_on) == (None, date(2028, 12, 31))


def test_a_recognition_date_is_typed(qtbot, ops, uow, anna, record_id):  # type: ignore[no-untyped-def]
    i18n.set_language("de")
    window = open_window(qtbot, ops, record_id)
    dialog = _dialog(qtbot, RecognitionDialog(window))
    dialog.qualification.setFocus()
    qtbot.keyClicks(dialog.qualification, "Pflegefachkraft")
    type_date(qtbot, dialog.submitted_on, "02.03.2026")
    qtbot.keyClick(dialog.submitted_on.edit, Qt.Key.Key_Tab)
    assert _focused() is dialog.decided_on.edit
    save_dialog(qtbot, dialog)
    (procedure,) = cases.get_record(uow, anna, record_id).recognitions
    assert (procedure.submitted_on, procedure.decided_on) == (date(2026, 3, 2), None)


def test_the_project_start_is_typed_and_an_impossible_one_refused(qtbot, admin_ops):  # type: ignore[no-untyped-def]
    i18n.set_language("de")
    page = AdminPage(admin_ops)
    qtbot.addWidget(page)
    page.show()
    page.activated()
    tab = page.settings
    type_date(qtbot, tab.project_start, "1.7.25")
    tab.save_button.click()
    assert admin_ops.settings.project_start == date(2025, 7, 1)
    type_date(qtbot, tab.project_start, "29.02.2025")
    tab.save_button.click()
    assert tab.project_start.error_text() == "29.02.2025 ist kein Datum (TT.MM.JJJJ)."
    assert admin_ops.settings.project_start == date(2025, 7, 1)
    assert tab.has_unsaved()
    type_date(qtbot, tab.project_start, "")
    tab.save_button.click()
    assert admin_ops.settings.project_start is None


def test_the_records_lists_date_filters_are_typed(qtbot, ops, uow, anna, record_id):  # type: ignore[no-untyped-def]
    person = people.create_person(
        uow, anna, PersonDraft(family_name="Neu", given_name="Nora")
    ).value
    draft = RecordDraft(client=ClientChoice(ClientKind.PERSON, person.id), opened_on=office_today())
    newer = cases.open_record(uow, anna, draft).value.id
    page = RecordsPage(ops)
    qtbot.addWidget(page)
    page.resize(1300, 700)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow, timeout=2000)
    page.activated()
    assert sorted(page.model.ids) == sorted([record_id, newer])
    changed: list[object] = []
    page.opened_to.dateChanged.connect(changed.append)
    type_date(qtbot, page.opened_to, "5.1.26", finish=True)
    assert page.opened_to.text() == "05/01/2026"
    assert page.model.ids == [record_id]
    assert changed == [OPENED]
    qtbot.keyClick(page.opened_to.edit, Qt.Key.Key_Backtab)
    assert _focused() is page.opened_from.edit
    type_date(qtbot, page.opened_from, "6.1.2026", finish=True)
    assert page.model.ids == []
    type_date(qtbot, page.opened_to, "", finish=True)  # an empty filter: no bound
    assert page.model.ids == [newer]
    assert changed == [OPENED, None]
    type_date(qtbot, page.opened_from, "32.1.2026", finish=True)
    assert page.opened_from.error_text() == "32.1.2026 is not a date (DD/MM/YYYY)."
    assert page.opened_from.text() == "32.1.2026"


def test_the_field_has_a_name_and_a_buddy_reaches_it(qtbot, ops, record_id):  # type: ignore[no-untyped-def]
    window = open_window(qtbot, ops, record_id)
    dialog = _dialog(qtbot, FollowUpDialog(window))
    field = dialog.due_on
    assert isinstance(field, DateField)
    assert field.edit.accessibleName()
    dialog.note.setFocus()
    qtbot.keyClick(dialog.note, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)  # "&Due on"
    assert _focused() is field.edit
    assert CTRL  # the record editor's helpers are shared
