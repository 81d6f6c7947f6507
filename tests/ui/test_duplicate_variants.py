"""A person entered in another spelling is caught before saving: the counsellor types
"Muhammad" where "Mohammed" is recorded and sees the recorded one as a candidate, with why and
with the birth date and nationality to decide; the most likely candidate comes first, in English
and in German."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.ui.conftest import MessageBoxes, type_text
from tests.ui.date_typing import type_date
from welcome_center import i18n
from welcome_center.domain.drafts import PersonDraft
from welcome_center.services import people
from welcome_center.ui.dialogs.person_editor import PersonEditor
from welcome_center.ui.ops import Ops
from welcome_center.ui.qt_i18n import short_date

BORN = date(1990, 3, 4)


def _person(ops: Ops, family: str, given: str, **kw: object) -> int:
    draft = PersonDraft(family_name=family, given_name=given, **kw)  # type: ignore[arg-type]
    return people.create_person(ops.uow, ops.actor, draft, accept_duplicates=True).value.id


def _editor(qtbot: QtBot, ops: Ops) -> PersonEditor:
    editor = PersonEditor(ops)
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitExposed(editor)
    editor.activateWindow()
    qtbot.waitUntil(editor.isActiveWindow, timeout=2000)
    return editor


def _enter(qtbot: QtBot, editor: PersonEditor, family: str, given: str, born: str) -> list[str]:
    """Type the name and birth date, press Save; the candidate lines shown."""
    type_text(editor.family_name, family)
    type_text(editor.given_name, given)
    type_date(qtbot, editor.birth_date, born)
    qtbot.keyClick(editor.birth_date.edit, Qt.Key.Key_Tab)
    editor.save_button.click()
    shown = editor.candidates.list
    return [shown.item(i).text() for i in range(shown.count())]


def test_muhammad_typed_finds_mohammed_first_with_birth_date_and_nationality(
    qtbot: QtBot, ops: Ops, message_boxes: MessageBoxes
) -> None:
    likely = _person(ops, "Hassan", "Mohammed", birth_date=BORN, nationality="SY")
    _person(ops, "Hasan", "Mohamed", nationality="IQ")
    _person(ops, "Hassan", "Mohammed", birth_date=date(1985, 7, 1))  # someone else
    _person(ops, "Hassan", "Mahmoud", birth_date=BORN)  # another name

    editor = _editor(qtbot, ops)
    lines = _enter(qtbot, editor, "Hassan", "Muhammad", short_date(BORN))

    assert editor.isVisible() and editor.candidates.isVisible()
    assert lines == [
        "Hassan, Mohammed – given name spelled differently; same birth date\n"
        f"b. {short_date(BORN)} · Syria · no records yet",
        "Hasan, Mohamed – family name spelled differently; given name spelled differently\n"
        "Iraq · no records yet",
    ]
    assert QApplication.focusWidget() is editor.candidates.list
    qtbot.keyClick(editor.candidates.list, Qt.Key.Key_Return)  # the first: the same person
    assert not editor.isVisible()
    assert editor.saved_id == likely


def test_in_german_the_reason_is_german(
    qtbot: QtBot, ops: Ops, message_boxes: MessageBoxes
) -> None:
    i18n.set_language("de")
    _person(ops, "Iwanow", "Sergej", birth_date=BORN, nationality="UA")
    editor = _editor(qtbot, ops)
    lines = _enter(qtbot, editor, "Ivanov", "Sergei", short_date(BORN))
    assert lines == [
        "Iwanow, Sergej – Familienname anders geschrieben; Vorname anders geschrieben; "
        f"gleiches Geburtsdatum\ngeb. {short_date(BORN)} · Ukraine · noch keine Vorgänge"
    ]
