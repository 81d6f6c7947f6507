"""The desk's questions carry the action's own words, with keys (issue 11, item 7): the real
message boxes are answered here by pressing their mnemonic keys, as a user does."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from tests.ui.conftest import type_text, when_modal
from tests.ui.test_record_editor import CTRL, activate, append_text, open_window
from welcome_center import i18n
from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import ClientChoice, PersonDraft, RecordDraft
from welcome_center.domain.enums import ClientKind, RecordKind
from welcome_center.services import cases, people
from welcome_center.ui.dialogs.base import Answer, ask_unsaved, confirm
from welcome_center.ui.record.consultations import ConsultationDialog


@pytest.fixture
def record_id(uow, anna) -> int:
    person = people.create_person(
        uow, anna, PersonDraft(family_name="Nguyen", given_name="Lan")
    ).value
    client = ClientChoice(ClientKind.PERSON, person.id)
    draft = RecordDraft(client=client, opened_on=office_today(), summary="Erstkontakt")
    return cases.open_record(uow, anna, draft).value.id


@dataclass
class Asked:
    title: str = ""
    text: str = ""
    buttons: list[str] = field(default_factory=list)
    default: str = ""


def press_on_question(qtbot, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> Asked:
    """Press ``key`` on the next question box once it is the active window; what it asked is
    returned (filled in when it comes). A box left open is closed: the test fails, not hangs."""
    asked = Asked()

    def answer(box: QWidget) -> None:
        try:
            assert isinstance(box, QMessageBox), box
            box.activateWindow()
            qtbot.waitUntil(lambda: QApplication.activeWindow() is box, timeout=2000)
            asked.title, asked.text = box.windowTitle(), box.text()
            asked.buttons = [b.text() for b in box.buttons()]
            asked.default = box.defaultButton().text() if box.defaultButton() else ""
            qtbot.keyClick(box.windowHandle(), key, modifier)
            qtbot.waitUntil(lambda: not box.isVisible(), timeout=2000)  # an animated click
        finally:
            if box.isVisible():
                box.done(0)

    when_modal(answer)
    return asked


def mnemonics(texts: list[str]) -> list[str]:
    return [m.group(1).lower() for t in texts if (m := re.search(r"&([^&])", t))]


# --- confirm() -------------------------------------------------------------------------------


def test_promoting_asks_in_its_own_words_and_p_promotes(qtbot, ops, uow, anna, record_id):
    window = open_window(qtbot, ops, record_id)
    asked = press_on_question(qtbot, Qt.Key.Key_P)
    qtbot.mouseClick(window.header.promote_button, Qt.MouseButton.LeftButton)

    assert asked.title == "Promote to case"
    assert sorted(asked.buttons) == ["&Cancel", "&Promote"]
    assert asked.default == "&Cancel"  # Enter changes nothing
    assert cases.get_record(uow, anna, record_id).kind is RecordKind.CASE


def test_escape_answers_cancel(qtbot, ops, uow, anna, record_id):
    window = open_window(qtbot, ops, record_id)
    press_on_question(qtbot, Qt.Key.Key_Escape)
    qtbot.mouseClick(window.header.promote_button, Qt.MouseButton.LeftButton)
    assert cases.get_record(uow, anna, record_id).kind is RecordKind.ENQUIRY


def test_confirm_shows_names_as_written(qtbot):
    asked = press_on_question(qtbot, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    name = "Nette <b>Textil</b> GmbH & Co. KG"
    assert confirm(None, "Remove party", f"Remove {name}?", yes="&Remove")
    assert asked.text == f"Remove {name}?"
    assert sorted(asked.buttons) == ["&Cancel", "&Remove"]


# --- ask_unsaved() ---------------------------------------------------------------------------


def test_closing_a_record_with_input_cancel_then_discard(qtbot, ops, uow, anna, record_id):
    window = open_window(qtbot, ops, record_id)
    append_text(qtbot, window.overview.summary, " - offen")

    asked = press_on_question(qtbot, Qt.Key.Key_C)
    assert not window.close()
    assert sorted(asked.buttons) == ["&Cancel", "&Discard", "&Save"]
    assert asked.default == "&Save"
    assert window.isVisible() and window.overview.summary.toPlainText() == "Erstkontakt - offen"

    activate(qtbot, window)
    press_on_question(qtbot, Qt.Key.Key_D)
    assert window.close()
    assert cases.get_record(uow, anna, record_id).summary == "Erstkontakt"


def test_closing_a_record_with_input_s_saves(qtbot, ops, uow, anna, record_id):
    window = open_window(qtbot, ops, record_id)
    append_text(qtbot, window.overview.summary, " - erledigt")
    asked = press_on_question(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    assert window.close()
    assert asked.title == "Unsaved changes"
    assert cases.get_record(uow, anna, record_id).summary == "Erstkontakt - erledigt"


def test_escape_in_a_dialog_with_input_offers_to_save(qtbot, ops, uow, anna, record_id):
    window = open_window(qtbot, ops, record_id)
    dialog = ConsultationDialog(window)
    qtbot.addWidget(dialog)
    dialog.show()
    activate(qtbot, dialog)
    type_text(dialog.notes, "Anruf wegen Termin")

    asked = press_on_question(qtbot, Qt.Key.Key_S)
    qtbot.keyClick(dialog.notes, Qt.Key.Key_Escape)

    assert asked.text == "What you typed in this dialog has not been saved. Save it?"
    assert not dialog.isVisible()
    (saved,) = cases.get_record(uow, anna, record_id).consultations
    assert saved.notes == "Anruf wegen Termin"


def test_escape_in_a_dialog_without_input_closes_without_asking(qtbot, ops, record_id):
    window = open_window(qtbot, ops, record_id)
    dialog = ConsultationDialog(window)
    qtbot.addWidget(dialog)
    dialog.show()
    activate(qtbot, dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert QApplication.activeModalWidget() is None


@pytest.mark.parametrize(
    ("lang", "words"),
    [("en", ["&Save", "&Discard", "&Cancel"]), ("de", ["&Speichern", "&Verwerfen", "&Abbrechen"])],
)
def test_the_unsaved_question_has_distinct_keys_in_both_languages(qtbot, lang, words):
    i18n.set_language(lang)
    asked = press_on_question(qtbot, Qt.Key.Key_Escape)
    assert ask_unsaved(None, "?") is Answer.CANCEL
    assert sorted(asked.buttons) == sorted(words)
    assert len(set(mnemonics(asked.buttons))) == 3


def test_ctrl_s_is_no_question(qtbot, ops, uow, anna, record_id):
    """Saving asks nothing; only losing input does."""
    window = open_window(qtbot, ops, record_id)
    append_text(qtbot, window.overview.summary, "!")
    qtbot.keyClick(window.overview.summary, Qt.Key.Key_S, CTRL)
    assert QApplication.activeModalWidget() is None
    assert cases.get_record(uow, anna, record_id).summary == "Erstkontakt!"
