"""Closing a record from the desk with the keyboard: the close dialog says how many follow-ups
and referrals are open and asks what becomes of them; Today and the follow-ups page then show
what the counsellor chose. Today lists new enquiries too and says what "Open today" counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QWidget

from tests.consents import consent_to_referrals
from tests.ui.conftest import when_modal
from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import ClientChoice, PersonDraft, RecordDraft, ReferralDraft
from welcome_center.domain.enums import ClientKind, RecordKind, RecordStatus, ReferralStatus
from welcome_center.services import cases, follow_ups, people, referrals
from welcome_center.ui.ops import Ops
from welcome_center.ui.pages.follow_ups import FollowUpsPage
from welcome_center.ui.pages.today import TodayPage
from welcome_center.ui.record.header import CloseDialog
from welcome_center.ui.record.window import RecordWindow

TODAY = office_today()
ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture(autouse=True)
def boxes(message_boxes):  # type: ignore[no-untyped-def]
    return message_boxes


def _partner(ops: Ops, code: str) -> int:
    return next(o.id for o in people.list_partners(ops.uow) if o.code == code)


@pytest.fixture
def busy(ops: Ops) -> tuple[int, str]:
    """Anna's record with a follow-up due today and a referral waiting for feedback for long."""
    person = people.create_person(
        ops.uow, ops.actor, PersonDraft(family_name="Kowalski", given_name="Jan")
    ).value
    days = ops.settings.referral_feedback_days + 20
    draft = RecordDraft(
        client=ClientChoice(ClientKind.PERSON, person.id), opened_on=TODAY - timedelta(days=days)
    )
    r = cases.open_record(ops.uow, ops.actor, draft).value
    follow_ups.add_follow_up(ops.uow, ops.actor, r.id, TODAY, "Unterlagen nachfragen")
    referred = TODAY - timedelta(days=days - 1)
    consent_to_referrals(ops.uow, ops.actor, r.id)  # a referral needs consent
    referrals.refer(
        ops.uow,
        ops.actor,
        r.id,
        ReferralDraft(partner_id=_partner(ops, "mbe"), referred_on=referred),
    )
    return r.id, r.number


def _show(qtbot, widget: QWidget) -> None:  # type: ignore[no-untyped-def]
    qtbot.addWidget(widget)
    widget.resize(1100, 700)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow, timeout=2000)


def _close_with_keys(qtbot, ops: Ops, record_id: int, keys: list[Qt.Key], boxes) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Open the record window, press Alt+R (Close record…), type the reason, press the
    choices' mnemonics (Alt+key each) and Ctrl+S; returns what the dialog said."""
    window = RecordWindow(ops, record_id)
    _show(qtbot, window)
    seen: dict[str, str] = {}

    def in_dialog(dialog: QWidget) -> None:
        assert isinstance(dialog, CloseDialog)
        dialog.activateWindow()
        qtbot.waitUntil(dialog.isActiveWindow, timeout=2000)
        work = dialog.open_work
        boxes = work.findChildren(type(work.follow_ups_done.parent()))
        seen["texts"] = " | ".join(b.title() for b in boxes if b.isVisibleTo(dialog))
        seen["focus"] = type(dialog.focusWidget()).__name__
        qtbot.keyClicks(dialog.focusWidget(), "Goal")
        for key in keys:  # a mnemonic clicks as a mouse would, after a short moment
            qtbot.keyClick(dialog.windowHandle(), key, ALT)
            qtbot.wait(200)
        seen["done"] = str(work.follow_ups_done.isChecked())
        seen["no_feedback"] = str(work.referrals_no_feedback.isChecked())
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_S, CTRL)
        if dialog.isVisible():  # the test fails instead of hanging
            seen["left_open"] = f"{dialog.errors.general.text()} {dialog.reason.currentText()}"
            dialog.done(QDialog.DialogCode.Rejected)

    when_modal(in_dialog)
    qtbot.keyClick(window.windowHandle(), Qt.Key.Key_R, ALT)  # Close &record…
    qtbot.waitUntil(lambda: "done" in seen, timeout=5000)
    assert "left_open" not in seen, (seen, boxes.texts)
    assert window.header.status.text() == "Status: Closed"
    return seen


def test_closing_marks_the_follow_up_done_and_the_referral_no_feedback_by_keys(
    qtbot, ops: Ops, busy: tuple[int, str], boxes
) -> None:  # type: ignore[no-untyped-def]
    record_id, number = busy
    today = TodayPage(ops)
    _show(qtbot, today)
    today.activated()
    assert any(number in line for line in today.follow_ups.texts())
    assert any(number in line for line in today.referrals.texts())

    seen = _close_with_keys(qtbot, ops, record_id, [Qt.Key.Key_D, Qt.Key.Key_F], boxes)

    assert seen["texts"] == (
        "This record has 1 open follow-up. | 1 referral is waiting for the partner's feedback."
    )
    assert seen["done"] == "True" and seen["no_feedback"] == "True"
    assert not any(number in line for line in today.follow_ups.texts())
    assert not any(number in line for line in today.referrals.texts())
    assert today.follow_ups.texts() == [] and not today.follow_ups.empty.isHidden()
    d = cases.get_record(ops.uow, ops.actor, record_id)
    assert d.status is RecordStatus.CLOSED and d.follow_ups[0].done_on == TODAY
    assert d.referrals[0].status is ReferralStatus.NO_FEEDBACK


def test_keeping_is_the_default_and_keeps_the_follow_up_listed(
    qtbot, ops: Ops, busy: tuple[int, str], boxes
) -> None:  # type: ignore[no-untyped-def]
    record_id, number = busy
    page = FollowUpsPage(ops)
    _show(qtbot, page)
    page.activated()
    assert page.model.rowCount() == 1

    seen = _close_with_keys(qtbot, ops, record_id, [], boxes)

    assert seen["done"] == "False" and seen["no_feedback"] == "False"
    assert page.model.rowCount() == 1  # the counsellor kept it: still on the list
    d = cases.get_record(ops.uow, ops.actor, record_id)
    assert d.follow_ups[0].done_on is None
    assert d.referrals[0].status is ReferralStatus.SENT
    today = TodayPage(ops)
    _show(qtbot, today)
    today.activated()
    assert any(number in line for line in today.follow_ups.texts())
    assert today.referrals.texts() == []  # a closed record's referral is no longer chased


def test_a_record_with_nothing_open_does_not_ask(qtbot, ops: Ops, boxes) -> None:  # type: ignore[no-untyped-def]
    person = people.create_person(
        ops.uow, ops.actor, PersonDraft(family_name="Weber", given_name="Jan")
    ).value
    draft = RecordDraft(client=ClientChoice(ClientKind.PERSON, person.id), opened_on=TODAY)
    r = cases.open_record(ops.uow, ops.actor, draft).value
    seen = _close_with_keys(qtbot, ops, r.id, [], boxes)
    assert seen["texts"] == ""


def test_today_lists_my_new_enquiries_and_says_what_open_today_counts(qtbot, ops: Ops) -> None:  # type: ignore[no-untyped-def]
    person = people.create_person(
        ops.uow, ops.actor, PersonDraft(family_name="Haddad", given_name="Sami")
    ).value
    client = ClientChoice(ClientKind.PERSON, person.id)
    enquiry = cases.open_record(
        ops.uow, ops.actor, RecordDraft(client=client, opened_on=TODAY)
    ).value
    case = cases.open_record(
        ops.uow,
        ops.actor,
        RecordDraft(client=client, opened_on=TODAY - timedelta(days=1), kind=RecordKind.CASE),
    ).value
    today = TodayPage(ops)
    _show(qtbot, today)
    today.activated()
    lines = today.cases.texts()
    assert len(lines) == 2
    assert enquiry.number in lines[0] and "Enquiry" in lines[0] and "New" in lines[0]
    assert case.number in lines[1] and "Case" in lines[1]
    assert today.cases.heading.text() == "My open enquiries and &cases (2)"
    qtbot.waitUntil(lambda: today.month_figures.tile("open_at_end") is not None, timeout=3000)
    tile = today.month_figures.tile("open_at_end")
    assert tile is not None and tile.name.text() == "Open today"
    assert tile.note.isVisibleTo(today)
    assert tile.note.text() == "enquiries and cases of the whole office, not closed"
