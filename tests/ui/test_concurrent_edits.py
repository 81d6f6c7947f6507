"""A colleague changed the item behind an open dialog: saving shows the colleague's version beside
the input (who, when); taking it shows it, going back to editing keeps what was typed
(consultations, follow-ups, feedback, contact persons). A page without a form (the follow-ups
page) says who changed the item and offers to reload. Saving one's version on top of the
colleague's: test_conflicts.py."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from tests.consents import consent_to_referrals
from tests.ui.conflicts import BACK, TAKE_THEIRS, ConflictAnswers
from tests.ui.date_typing import type_date
from tests.ui.test_record_editor import CTRL, activate, open_window, save_dialog
from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import (
    ClientChoice,
    ConsultationDraft,
    ContactDraft,
    OrganisationDraft,
    PersonDraft,
    RecordDraft,
    ReferralDraft,
)
from welcome_center.domain.enums import ClientKind, ReferralStatus
from welcome_center.services import cases, consultations, follow_ups, people, referrals
from welcome_center.ui.dialogs.organisation_editor import OrganisationEditor
from welcome_center.ui.pages.follow_ups import FollowUpsPage
from welcome_center.ui.qt_i18n import short_date
from welcome_center.ui.record.consultations import ConsultationDialog
from welcome_center.ui.record.follow_ups import FollowUpDialog
from welcome_center.ui.record.referrals import FeedbackDialog

OPENED = office_today() - timedelta(days=20)


@pytest.fixture(autouse=True)
def _no_real_message_boxes(message_boxes):
    """A dialog closed with unsaved input asks: answered, not shown."""
    return message_boxes


class ConflictBoxes:
    """The conflict message boxes of a page a test provoked; each is answered by clicking
    ``answer`` ("&Keep my input" unless a test says "&Reload")."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.shown: list[tuple[str, str, list[str]]] = []
        self.answer = "&Keep my input"

        def exec_(box: QMessageBox) -> int:  # a plain function: bound to the box when called
            buttons = [b.text() for b in box.buttons()]
            self.shown.append((box.windowTitle(), box.text(), buttons))
            for b in box.buttons():
                if b.text() == self.answer:
                    b.click()
            return 0

        monkeypatch.setattr(QMessageBox, "exec", exec_)


@pytest.fixture
def conflict_boxes(monkeypatch: pytest.MonkeyPatch) -> ConflictBoxes:
    return ConflictBoxes(monkeypatch)


@pytest.fixture
def conflicts(qtbot) -> ConflictAnswers:
    """The conflict dialogs, answered "back to editing" unless a test says otherwise."""
    answers = ConflictAnswers(qtbot)
    answers.answer_next(BACK)
    return answers


@pytest.fixture
def record_id(uow, anna) -> int:
    person = people.create_person(
        uow, anna, PersonDraft(family_name="Petrenko", given_name="Olena")
    ).value
    client = ClientChoice(ClientKind.PERSON, person.id)
    return cases.open_record(uow, anna, RecordDraft(client=client, opened_on=OPENED)).value.id


def _show(qtbot, dialog):
    qtbot.addWidget(dialog)
    dialog.show()
    activate(qtbot, dialog)
    return dialog


def _append(qtbot, widget, text: str) -> None:
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_End, CTRL)
    qtbot.keyClicks(widget, text)


def _assert_conflict_named_ben(conflicts: ConflictAnswers) -> None:
    assert len(conflicts.seen) == 1, conflicts.seen
    seen = conflicts.seen[0]
    assert seen.title == "Changed meanwhile"
    assert seen.intro.startswith("Ben Schulz saved this entry on "), seen.intro
    assert seen.buttons == ["&Save my version", "&Take the saved version", "&Back to editing"]


# --- consultations ---------------------------------------------------------------------------


def _consultation_dialog(qtbot, ops, uow, anna, record_id):
    consultations.record_consultation(
        uow,
        anna,
        record_id,
        ConsultationDraft(held_on=OPENED, duration_minutes=30, notes="Erstgespraech"),
    )
    window = open_window(qtbot, ops, record_id)
    (item,) = window.details.consultations
    return window, item, _show(qtbot, ConsultationDialog(window, item))


def test_a_consultation_changed_meanwhile_keeps_the_typed_notes(
    qtbot, ops, uow, anna, ben, record_id, conflicts
):
    _window, item, dialog = _consultation_dialog(qtbot, ops, uow, anna, record_id)
    bens = ConsultationDraft(held_on=OPENED, duration_minutes=60, notes="Ben: Termin verschoben")
    consultations.update_consultation(uow, ben, item.id, bens, item.version)

    _append(qtbot, dialog.notes, " - Anna: Unterlagen erhalten")
    save_dialog(qtbot, dialog, final=False)

    _assert_conflict_named_ben(conflicts)
    assert conflicts.seen[0].marked == ["Notes"]
    assert dialog.isVisible()
    assert dialog.notes.toPlainText() == "Erstgespraech - Anna: Unterlagen erhalten"
    assert dialog.duration.value() == 60  # Ben's: Anna left the duration as it was
    assert dialog.has_unsaved()
    (stored,) = cases.get_record(uow, anna, record_id).consultations
    assert (stored.notes, stored.duration_minutes) == ("Ben: Termin verschoben", 60)


def test_reload_after_a_conflict_shows_the_saved_consultation_and_saves_on_it(
    qtbot, ops, uow, anna, ben, record_id
):
    window, item, dialog = _consultation_dialog(qtbot, ops, uow, anna, record_id)
    bens = ConsultationDraft(held_on=OPENED, duration_minutes=60, notes="Ben: Termin verschoben")
    consultations.update_consultation(uow, ben, item.id, bens, item.version)
    _append(qtbot, dialog.notes, " - Anna")
    conflicts = ConflictAnswers(qtbot)
    conflicts.answer_next(TAKE_THEIRS)
    save_dialog(qtbot, dialog, final=False)

    _assert_conflict_named_ben(conflicts)
    assert dialog.isVisible() and not dialog.has_unsaved()
    assert dialog.notes.toPlainText() == "Ben: Termin verschoben"
    assert dialog.duration.value() == 60
    assert window.consultations.model.text(0, 1) == "60"  # the window shows it too

    _append(qtbot, dialog.notes, " - Anna: Unterlagen erhalten")
    save_dialog(qtbot, dialog)
    assert len(conflicts.seen) == 1
    (stored,) = cases.get_record(uow, anna, record_id).consultations
    assert stored.notes == "Ben: Termin verschoben - Anna: Unterlagen erhalten"


# --- follow-ups ------------------------------------------------------------------------------


def test_a_follow_up_moved_meanwhile_keeps_the_chosen_day(
    qtbot, ops, uow, anna, ben, record_id, conflicts
):
    today = office_today()
    f = follow_ups.add_follow_up(uow, anna, record_id, today + timedelta(days=7), "anrufen")
    window = open_window(qtbot, ops, record_id)
    (item,) = window.details.follow_ups
    dialog = _show(qtbot, FollowUpDialog(window, item))
    follow_ups.reschedule(uow, ben, f.value.id, today + timedelta(days=2), item.version)

    chosen = today + timedelta(days=8)
    type_date(qtbot, dialog.due_on, short_date(chosen))
    assert dialog.due_on.date() == chosen
    save_dialog(qtbot, dialog, final=False)

    _assert_conflict_named_ben(conflicts)
    assert dialog.isVisible()
    assert dialog.due_on.date() == chosen
    (stored,) = cases.get_record(uow, anna, record_id).follow_ups
    assert stored.due_on == today + timedelta(days=2)


def test_marking_done_a_follow_up_moved_meanwhile_offers_the_saved_list(
    qtbot, ops, uow, anna, ben, record_id, conflict_boxes
):
    today = office_today()
    f = follow_ups.add_follow_up(uow, anna, record_id, today, "Unterlagen nachfragen").value
    page = FollowUpsPage(ops)
    qtbot.addWidget(page)
    page.show()
    page.activated()
    assert page.model.rowCount() == 1
    follow_ups.reschedule(uow, ben, f.id, today + timedelta(days=5), f.version)

    conflict_boxes.answer = "&Reload"
    page.table.setCurrentIndex(page.model.index(0, 0))
    page.done_button.click()

    assert len(conflict_boxes.shown) == 1, conflict_boxes.shown
    title, text, buttons = conflict_boxes.shown[0]
    assert title == "Changed meanwhile"
    assert text.startswith("This follow-up was changed by Ben Schulz"), text
    assert buttons == ["&Reload", "&Keep my input"]
    assert page.model.rowCount() == 0  # moved beyond today: reloaded, no longer due
    (stored,) = cases.get_record(uow, anna, record_id).follow_ups
    assert stored.done_on is None and stored.due_on == today + timedelta(days=5)


# --- a partner's feedback --------------------------------------------------------------------


def test_feedback_given_meanwhile_keeps_the_typed_outcome(
    qtbot, ops, uow, anna, ben, record_id, conflicts
):
    fizuz = next(o.id for o in people.list_partners(uow) if o.code == "fizuz")
    consent_to_referrals(uow, anna, record_id)  # a referral needs consent
    f = referrals.refer(
        uow, anna, record_id, ReferralDraft(partner_id=fizuz, referred_on=OPENED)
    ).value
    window = open_window(qtbot, ops, record_id)
    dialog = _show(qtbot, FeedbackDialog(window, window.details.referrals[0]))
    referrals.record_feedback(
        uow, ben, f.id, ReferralStatus.DECLINED, "kein Platz", expected_version=f.version
    )

    _append(qtbot, dialog.outcome, "Termin am Montag")
    save_dialog(qtbot, dialog, final=False)

    _assert_conflict_named_ben(conflicts)
    assert dialog.isVisible() and dialog.outcome.toPlainText() == "Termin am Montag"
    (stored,) = cases.get_record(uow, anna, record_id).referrals
    assert (stored.status, stored.outcome) == (ReferralStatus.DECLINED, "kein Platz")


# --- contact persons -------------------------------------------------------------------------


def test_a_contact_person_changed_meanwhile_is_not_overwritten(
    qtbot, ops, uow, anna, ben, conflicts
):
    org = people.create_organisation(uow, anna, OrganisationDraft(name="Muster GmbH")).value
    people.set_contacts(uow, anna, org.id, [ContactDraft(name="Frau Kurz", function="Personal")])
    dialog = OrganisationEditor(ops, None)
    assert dialog.load(org.id)
    _show(qtbot, dialog)
    (kurz,) = people.get_organisation(uow, ben, org.id).contacts
    people.set_contacts(
        uow,
        ben,
        org.id,
        [ContactDraft(name="Frau Kurz", function="Buchhaltung", id=kurz.id)],
        {kurz.id: 1},
    )

    _append(qtbot, dialog.phone, "0375 1234")
    dialog.save_button.click()

    _assert_conflict_named_ben(conflicts)
    assert dialog.isVisible() and dialog.phone.text() == "0375 1234"
    assert dialog.contacts.text(0, 1) == "Buchhaltung"  # Ben's: Anna left the contacts alone
    saved = people.get_organisation(uow, anna, org.id)
    assert saved.phone == "" and [c.function for c in saved.contacts] == ["Buchhaltung"]
