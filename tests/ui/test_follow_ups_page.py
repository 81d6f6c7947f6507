"""The Follow-ups page: filters by assignee and due day, done, reschedule, open the record."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from tests.ui.conftest import when_modal
from tests.ui.date_typing import type_date
from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import ClientChoice, PersonDraft, RecordDraft
from welcome_center.domain.enums import ClientKind
from welcome_center.services import cases, follow_ups, people, users
from welcome_center.services.context import Actor
from welcome_center.ui import forms
from welcome_center.ui.ops import Ops
from welcome_center.ui.pages.follow_ups import (
    ALL,
    EVERYONE,
    THIS_WEEK,
    UNASSIGNED,
    FollowUpsPage,
    RescheduleDialog,
)

TODAY = office_today()
SYSTEM = Actor.system("test")


def _record(ops: Ops, family: str, actor: Actor | None = None) -> tuple[int, str]:
    actor = actor or ops.actor
    person = people.create_person(
        ops.uow, actor, PersonDraft(family_name=family, given_name="Kim"), True
    ).value.id
    draft = RecordDraft(
        client=ClientChoice(ClientKind.PERSON, person), opened_on=TODAY - timedelta(days=30)
    )
    saved = cases.open_record(ops.uow, actor, draft).value
    return saved.id, saved.number


@pytest.fixture
def page(qtbot, ops: Ops) -> FollowUpsPage:  # type: ignore[no-untyped-def]
    p = FollowUpsPage(ops)
    qtbot.addWidget(p)
    p.resize(1200, 600)
    p.show()
    qtbot.waitExposed(p)
    return p


def _column(page: FollowUpsPage, column: int) -> list[str]:
    m = page.model
    return [m.data(m.index(r, column)) for r in range(m.rowCount())]


def test_my_follow_ups_due_today_with_words_for_their_state(ops: Ops, page: FollowUpsPage) -> None:
    record, number = _record(ops, "Müller")
    follow_ups.add_follow_up(ops.uow, ops.actor, record, TODAY - timedelta(days=2), "Anruf")
    follow_ups.add_follow_up(ops.uow, ops.actor, record, TODAY, "Mail")
    follow_ups.add_follow_up(ops.uow, ops.actor, record, TODAY + timedelta(days=30), "später")
    page.activated()
    assert _column(page, 1) == [number, number]
    assert _column(page, 2) == ["Müller, Kim"] * 2
    assert _column(page, 3) == ["Anruf", "Mail"]
    assert _column(page, 4) == ["Anna Berger"] * 2
    assert _column(page, 5) == ["Follow-up"] * 2
    assert _column(page, 6) == ["Overdue", "Due today"]
    assert page.count.text() == "2 open follow-ups"
    forms.set_combo_value(page.until, ALL)
    assert _column(page, 3) == ["Anruf", "Mail", "später"]
    assert _column(page, 6)[2] == "Upcoming"


def test_complete_with_the_keyboard_and_it_disappears(qtbot, ops: Ops, page: FollowUpsPage) -> None:  # type: ignore[no-untyped-def]
    record, _number = _record(ops, "Weber")
    first = follow_ups.add_follow_up(ops.uow, ops.actor, record, TODAY, "eins").value
    follow_ups.add_follow_up(ops.uow, ops.actor, record, TODAY, "zwei")
    page.activated()
    page.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is page)
    page.table.setFocus()
    assert _column(page, 3) == ["eins", "zwei"]
    with qtbot.waitSignal(page.done_button.clicked, timeout=1000):  # a mnemonic clicks animated
        qtbot.keyClick(page.table, Qt.Key.Key_O, Qt.KeyboardModifier.AltModifier)  # Mark d&one
    assert _column(page, 3) == ["zwei"]
    assert [f.note for f in follow_ups.due_list(ops.uow, ops.actor).items] == ["zwei"]
    assert cases.get_record(ops.uow, ops.actor, record).follow_ups[0].done_on == TODAY
    assert first.id not in page.model.keys
    qtbot.mouseClick(page.done_button, Qt.MouseButton.LeftButton)  # the next one is selected
    assert page.model.rowCount() == 0
    assert "Choose “All”" in page.empty.text()
    assert not page.done_button.isEnabled()


def test_the_unassigned_filter_lists_follow_ups_of_records_without_counsellor(
    ops: Ops, page: FollowUpsPage
) -> None:
    orphan, number = _record(ops, "Öztürk", SYSTEM)
    follow_ups.add_follow_up(ops.uow, SYSTEM, orphan, TODAY, "niemandem zugeordnet")
    mine, _n = _record(ops, "Nguyen")
    follow_ups.add_follow_up(ops.uow, ops.actor, mine, TODAY, "meins")
    page.activated()
    assert _column(page, 3) == ["meins"]
    forms.set_combo_value(page.who, UNASSIGNED)
    assert _column(page, 1) == [number]
    assert _column(page, 4) == ["Unassigned"]
    forms.set_combo_value(page.who, EVERYONE)
    assert sorted(_column(page, 3)) == ["meins", "niemandem zugeordnet"]


def test_another_counsellors_follow_ups_by_name(
    ops: Ops, ops_for, ben: Actor, page: FollowUpsPage
) -> None:  # type: ignore[no-untyped-def]
    bens = ops_for(ben)
    record, _n = _record(bens, "Kaya")
    follow_ups.add_follow_up(bens.uow, bens.actor, record, TODAY, "Bens")
    page.activated()
    assert page.model.rowCount() == 0
    forms.set_combo_value(page.who, ben.user_id)
    assert _column(page, 3) == ["Bens"] and _column(page, 4) == ["Ben Schulz"]


def test_follow_ups_of_a_deactivated_counsellor_count_as_unassigned(
    ops: Ops, ops_for, ben: Actor, admin: Actor, page: FollowUpsPage
) -> None:  # type: ignore[no-untyped-def]
    bens = ops_for(ben)
    record, number = _record(bens, "Kaya")
    follow_ups.add_follow_up(bens.uow, bens.actor, record, TODAY, "Bens")
    saved = users.set_active(ops.uow, admin, ben.user_id, False)  # an administrator did it
    ops.broadcast(saved.changes)  # as the administrator's own desk would tell its windows
    page.activated()
    forms.set_combo_value(page.who, UNASSIGNED)
    assert _column(page, 1) == [number]
    assert _column(page, 4) == ["Ben Schulz (deactivated)"]


def test_due_this_week_ends_on_sunday(ops: Ops, page: FollowUpsPage) -> None:
    record, _n = _record(ops, "Schulz")
    sunday = TODAY + timedelta(days=6 - TODAY.weekday())
    follow_ups.add_follow_up(ops.uow, ops.actor, record, sunday, "Sonntag")
    follow_ups.add_follow_up(ops.uow, ops.actor, record, sunday + timedelta(days=1), "Montag")
    page.activated()
    forms.set_combo_value(page.until, THIS_WEEK)
    assert _column(page, 3) == ["Sonntag"]


def test_reschedule_moves_the_follow_up_out_of_todays_list(  # type: ignore[no-untyped-def]
    qtbot, ops: Ops, page: FollowUpsPage
) -> None:
    record, _n = _record(ops, "Becker")
    f = follow_ups.add_follow_up(ops.uow, ops.actor, record, TODAY, "verschieben").value
    page.activated()
    later = TODAY + timedelta(days=10)

    def choose(dialog: QWidget) -> None:
        assert isinstance(dialog, RescheduleDialog)
        type_date(qtbot, dialog.date, later.strftime("%d%m%Y"))
        dialog.accept()

    when_modal(choose)
    page.reschedule_button.click()
    assert page.model.rowCount() == 0
    assert cases.get_record(ops.uow, ops.actor, record).follow_ups[0].due_on == later
    assert cases.get_record(ops.uow, ops.actor, record).follow_ups[0].id == f.id


def test_enter_opens_the_record(qtbot, ops: Ops, page: FollowUpsPage) -> None:  # type: ignore[no-untyped-def]
    record, _n = _record(ops, "Fischer")
    follow_ups.add_follow_up(ops.uow, ops.actor, record, TODAY, "öffnen")
    page.activated()
    page.table.setFocus()
    with qtbot.waitSignal(ops.open_record_requested, timeout=1000) as opened:
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert opened.args == [record]


def test_nothing_open_at_all_says_what_to_do(page: FollowUpsPage) -> None:
    page.activated()
    forms.set_combo_value(page.until, ALL)
    assert page.model.rowCount() == 0
    assert "record an enquiry with Ctrl+N" in page.empty.text()
    assert page.count.text() == "0 open follow-ups"


def test_the_follow_up_model(qtmodeltester, ops: Ops, page: FollowUpsPage) -> None:  # type: ignore[no-untyped-def]
    record, _n = _record(ops, "Wagner")
    for days in (-1, 0):
        follow_ups.add_follow_up(ops.uow, ops.actor, record, TODAY + timedelta(days=days), "x")
    page.activated()
    assert page.model.rowCount() == 2
    qtmodeltester.check(page.model)
