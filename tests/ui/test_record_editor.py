"""The record editor driven as a counsellor does: keyboard, buttons, dialogs; asserted on what the
window shows and what the services then return."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QPushButton, QWidget

from tests.consents import consent_to_referrals
from tests.ui.conflicts import BACK, TAKE_THEIRS, ConflictAnswers
from tests.ui.conftest import type_text, when_modal
from tests.ui.date_typing import type_date
from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import ClientChoice, PersonDraft, RecordDraft
from welcome_center.domain.enums import ClientKind, RecordKind, RecordStatus
from welcome_center.services import cases, people
from welcome_center.ui.qt_i18n import short_date
from welcome_center.ui.record.window import RecordWindow

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture(autouse=True)
def _no_real_message_boxes(message_boxes):
    """Windows left with unsaved input ask when pytest-qt closes them: answered, not shown."""
    return message_boxes


@pytest.fixture
def record_id(uow, anna) -> int:
    person = people.create_person(
        uow, anna, PersonDraft(family_name="Öztürk", given_name="Ayşe")
    ).value
    client = ClientChoice(ClientKind.PERSON, person.id)
    draft = RecordDraft(
        client=client, opened_on=office_today(), topics=("residence",), summary="Erstkontakt"
    )
    return cases.open_record(uow, anna, draft).value.id


def open_window(qtbot, ops, record_id: int) -> RecordWindow:
    window = RecordWindow(ops, record_id)
    qtbot.addWidget(window)
    window.show()
    activate(qtbot, window)
    return window


def activate(qtbot, window: QWidget) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)


def saved(uow, actor, record_id: int):
    return cases.get_record(uow, actor, record_id)


def replace_text(qtbot, widget: QWidget, text: str) -> None:
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_A, CTRL)
    type_text(widget, text)


def append_text(qtbot, widget: QWidget, text: str) -> None:
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_End, CTRL)
    type_text(widget, text)


def save_dialog(qtbot, dialog: QDialog, final: bool = True) -> None:
    """Ctrl+S in the dialog (offscreen, a new dialog is not activated by a window manager).
    A final save that leaves the dialog open ends it, so that the test fails instead of hanging."""
    if not dialog.isActiveWindow():
        activate(qtbot, dialog)
    qtbot.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_S, CTRL)
    if final and dialog.isVisible():
        dialog.done(QDialog.DialogCode.Rejected)


def test_summary_with_umlauts_is_saved_with_ctrl_s(qtbot, ops, uow, anna, record_id):
    window = open_window(qtbot, ops, record_id)
    assert "Öztürk, Ayşe" in window.windowTitle()
    assert window.windowTitle().startswith(saved(uow, anna, record_id).number)
    text = "Ärztin aus Çanakkale – Übergang in die Anerkennung"
    replace_text(qtbot, window.overview.summary, text)
    assert window.has_unsaved() and window.isWindowModified()

    qtbot.keyClick(window.overview.summary, Qt.Key.Key_S, CTRL)

    assert saved(uow, anna, record_id).summary == text
    assert not window.has_unsaved() and not window.isWindowModified()
    # The counsellor is kept as chosen (None would clear it).
    assert saved(uow, anna, record_id).counsellor == "Anna Berger"


def test_closing_with_unsaved_input_asks_and_cancel_keeps_the_window(
    qtbot, ops, uow, anna, record_id, message_boxes
):
    window = open_window(qtbot, ops, record_id)
    append_text(qtbot, window.overview.summary, " – noch offen")
    message_boxes.answer = "Cancel"

    qtbot.keyClick(window.overview.summary, Qt.Key.Key_Escape)

    assert len(message_boxes.shown) == 1
    assert window.isVisible()
    assert window.overview.summary.toPlainText() == "Erstkontakt – noch offen"

    message_boxes.answer = "Save"
    assert window.close()
    assert not window.isVisible()
    assert saved(uow, anna, record_id).summary == "Erstkontakt – noch offen"


def test_discard_closes_without_saving(qtbot, ops, uow, anna, record_id, message_boxes):
    window = open_window(qtbot, ops, record_id)
    type_text(window.overview.summary, "!")
    message_boxes.answer = "Discard"
    assert window.close()
    assert saved(uow, anna, record_id).summary == "Erstkontakt"


def test_closing_without_changes_does_not_ask(qtbot, ops, record_id, message_boxes):
    window = open_window(qtbot, ops, record_id)
    assert window.close()
    assert message_boxes.shown == []


def test_promote_keeps_typed_input_and_changes_the_kind(
    qtbot, ops, uow, anna, record_id, message_boxes
):
    window = open_window(qtbot, ops, record_id)
    assert window.header.kind.text() == "Enquiry"
    append_text(qtbot, window.overview.summary, " und Arbeitgeber")

    qtbot.mouseClick(window.header.promote_button, Qt.MouseButton.LeftButton)

    assert window.header.kind.text() == "Case"
    assert window.header.promote_button.isHidden()
    assert saved(uow, anna, record_id).kind is RecordKind.CASE
    # The typed input survived the promotion, and saving it is no conflict with oneself.
    assert window.has_unsaved()
    assert window.save()
    assert saved(uow, anna, record_id).summary == "Erstkontakt und Arbeitgeber"
    assert not window.notice.isVisibleTo(window)


def test_record_and_correct_a_consultation_with_the_keyboard(qtbot, ops, uow, anna, record_id):
    window = open_window(qtbot, ops, record_id)
    seen = {}

    def fill(dialog):
        seen["title"] = dialog.windowTitle()
        replace_text(qtbot, dialog.duration, "45")
        type_text(dialog.notes, "Gespräch über Familiennachzug")
        save_dialog(qtbot, dialog)

    when_modal(fill)
    qtbot.keyClick(window.overview.summary, Qt.Key.Key_K, CTRL)

    assert seen["title"] == "Record a consultation"
    assert window.tabs.currentWidget() is window.consultations
    model = window.consultations.model
    assert model.rowCount() == 1
    assert model.text(0, 0) == short_date(office_today())
    assert model.text(0, 1) == "45"
    assert model.text(0, 4) == "Yes"  # the first contact of the record
    stored = saved(uow, anna, record_id).consultations[0]
    assert stored.notes == "Gespräch über Familiennachzug" and stored.topics == ("residence",)
    assert window.header.status.text() == "Status: In progress"

    def correct(dialog):
        replace_text(qtbot, dialog.duration, "60")
        save_dialog(qtbot, dialog)

    when_modal(correct)
    window.consultations.table.setFocus()
    qtbot.keyClick(window.consultations.table, Qt.Key.Key_Return)
    assert model.text(0, 1) == "60"
    assert saved(uow, anna, record_id).consultations[0].duration_minutes == 60


def test_refer_to_a_partner_and_record_the_feedback(qtbot, ops, uow, anna, record_id):
    consent_to_referrals(uow, anna, record_id)  # a referral needs consent
    window = open_window(qtbot, ops, record_id)

    def refer(dialog):
        qtbot.keyClicks(dialog.partner, "FIZ")
        type_text(dialog.reason, "Anerkennung prüfen")
        save_dialog(qtbot, dialog)

    when_modal(refer)
    qtbot.keyClick(window.overview.summary, Qt.Key.Key_R, CTRL)

    model = window.referrals.model
    assert model.rowCount() == 1
    assert model.text(0, 1) == "FIZUZ"
    assert model.text(0, model.STATUS_COLUMN) == "Sent"

    def feedback(dialog):
        qtbot.keyClicks(dialog.status, "Do")  # "Done"
        type_text(dialog.outcome, "Bescheid erhalten")
        save_dialog(qtbot, dialog)

    when_modal(feedback)
    window.referrals.select_row(0)
    qtbot.mouseClick(_button(window.referrals, "Record feedbac&k…"), Qt.MouseButton.LeftButton)

    assert model.text(0, model.STATUS_COLUMN) == "Done"
    assert model.text(0, 5) == short_date(office_today())
    assert saved(uow, anna, record_id).referrals[0].outcome == "Bescheid erhalten"


def _button(parent: QWidget, text: str) -> QPushButton:
    found = [b for b in parent.findChildren(QPushButton) if b.text() == text]
    assert len(found) == 1, text
    return found[0]


def test_add_a_follow_up_and_mark_it_done(qtbot, ops, uow, anna, record_id):
    window = open_window(qtbot, ops, record_id)
    window.tabs.setCurrentWidget(window.follow_ups)
    assert window.follow_ups.empty.isVisibleTo(window)

    def fill(dialog):
        type_text(dialog.note, "Rückruf wegen Unterlagen")
        save_dialog(qtbot, dialog)

    when_modal(fill)
    qtbot.mouseClick(_button(window.follow_ups, "&New follow-up…"), Qt.MouseButton.LeftButton)

    model = window.follow_ups.model
    assert model.rowCount() == 1
    assert model.text(0, 0) == short_date(office_today() + timedelta(days=7))
    assert model.text(0, model.STATE_COLUMN) == "Open"
    assert model.text(0, 2) == "Anna Berger"
    qtbot.mouseClick(_button(window.follow_ups, "&Mark done"), Qt.MouseButton.LeftButton)
    assert model.text(0, model.STATE_COLUMN) == f"Done on {short_date(office_today())}"
    assert saved(uow, anna, record_id).follow_ups[0].note == "Rückruf wegen Unterlagen"


def test_close_with_a_reason_and_reopen(qtbot, ops, uow, anna, record_id):
    window = open_window(qtbot, ops, record_id)
    errors = {}

    def close(dialog):
        save_dialog(qtbot, dialog, final=False)  # no reason yet: the error shows under the field
        errors["reason"] = dialog.errors.message("closing_reason")
        qtbot.keyClicks(dialog.reason, "Goal")
        save_dialog(qtbot, dialog)

    when_modal(close)
    qtbot.mouseClick(window.header.close_button, Qt.MouseButton.LeftButton)

    assert errors["reason"] == "Choose a closing reason."
    assert window.header.status.text() == "Status: Closed"
    assert "Goal reached" in window.header.facts.text()
    assert window.header.close_button.isHidden() and not window.header.reopen_button.isHidden()
    assert saved(uow, anna, record_id).closing_reason == "goal_reached"

    qtbot.mouseClick(window.header.reopen_button, Qt.MouseButton.LeftButton)

    assert window.header.status.text() == "Status: In progress"
    assert saved(uow, anna, record_id).status is RecordStatus.IN_PROGRESS


def test_set_status_from_the_header(qtbot, ops, uow, anna, record_id):
    window = open_window(qtbot, ops, record_id)
    waiting = [a for a in window.header.status_menu.actions() if a.text() == "Waiting"]
    waiting[0].trigger()
    assert window.header.status.text() == "Status: Waiting"
    assert saved(uow, anna, record_id).status is RecordStatus.WAITING


def test_a_change_by_someone_else_is_a_conflict_with_reload(
    qtbot, ops, ops_for, ben, uow, anna, record_id
):
    """Taking the saved version (more in test_conflicts.py)."""
    anna_window = open_window(qtbot, ops, record_id)
    ben_window = open_window(qtbot, ops_for(ben), record_id)
    replace_text(qtbot, ben_window.overview.summary, "Bens Fassung: Übersetzung nötig")
    qtbot.keyClick(ben_window.overview.summary, Qt.Key.Key_S, CTRL)
    assert saved(uow, ben, record_id).summary == "Bens Fassung: Übersetzung nötig"

    activate(qtbot, anna_window)
    replace_text(qtbot, anna_window.overview.summary, "Annas Fassung")
    conflicts = ConflictAnswers(qtbot)
    conflicts.answer_next(TAKE_THEIRS)
    qtbot.keyClick(anna_window.overview.summary, Qt.Key.Key_S, CTRL)

    (seen,) = conflicts.seen
    assert "Ben Schulz" in seen.intro
    assert seen.row("Summary") == ("Bens Fassung: Übersetzung nötig", "Annas Fassung", True)
    assert anna_window.overview.summary.toPlainText() == "Bens Fassung: Übersetzung nötig"
    assert not anna_window.has_unsaved()
    assert saved(uow, anna, record_id).summary == "Bens Fassung: Übersetzung nötig"


def test_keeping_the_input_after_a_conflict_keeps_it(qtbot, ops, ops_for, ben, record_id, uow):
    anna_window = open_window(qtbot, ops, record_id)
    ben_ops = ops_for(ben)
    current = saved(uow, ben, record_id)
    changed = RecordDraft(
        client=ClientChoice(current.client.kind, current.client.id),
        opened_on=current.opened_on,
        channel="phone",
        summary="Ben",
    )
    cases.update_record(uow, ben, record_id, changed, current.version)
    assert ben_ops is not None
    replace_text(qtbot, anna_window.overview.summary, "Annas Fassung")

    ConflictAnswers(qtbot).answer_next(BACK)
    assert not anna_window.save()

    assert anna_window.overview.summary.toPlainText() == "Annas Fassung"
    assert anna_window.overview.combos["channel"].currentText() == "Phone"  # Ben's, kept
    assert saved(uow, ben, record_id).summary == "Ben"


def test_a_saved_change_reaches_other_windows_without_losing_input(qtbot, ops, uow, record_id):
    typing = open_window(qtbot, ops, record_id)
    idle = open_window(qtbot, ops, record_id)
    saving = open_window(qtbot, ops, record_id)
    append_text(qtbot, typing.overview.summary, " (Entwurf)")

    replace_text(qtbot, saving.overview.summary, "Neue Zusammenfassung")
    assert saving.save()

    assert idle.overview.summary.toPlainText() == "Neue Zusammenfassung"
    assert typing.overview.summary.toPlainText() == "Erstkontakt (Entwurf)"
    assert typing.notice.isVisibleTo(typing)
    assert "Anna Berger" in typing.notice_text.text()
    qtbot.mouseClick(typing.notice_reload, Qt.MouseButton.LeftButton)
    assert typing.overview.summary.toPlainText() == "Neue Zusammenfassung"
    assert not typing.notice.isVisibleTo(typing)


def test_a_validation_error_appears_under_its_field(qtbot, ops, uow, anna, record_id):
    window = open_window(qtbot, ops, record_id)
    append_text(qtbot, window.overview.summary, " – Termin")
    field = window.overview.opened_on
    next_year = office_today().replace(day=1, year=office_today().year + 1)
    type_date(qtbot, field, short_date(next_year))
    edit = field.edit

    qtbot.keyClick(window.overview.summary, Qt.Key.Key_S, CTRL)

    assert window.overview.errors.message("opened_on") == "The opening date lies in the future."
    assert QApplication.focusWidget() is edit
    assert window.overview.summary.toPlainText() == "Erstkontakt – Termin"
    assert window.has_unsaved()
    assert saved(uow, anna, record_id).summary == "Erstkontakt"
