"""Follow-ups and the due list per counsellor, including the follow-ups that residence titles
expiring within the office's window raise by themselves."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from welcome_center.db.models import FollowUp
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import ClientChoice, PersonDraft, RecordDraft, ResidenceTitleDraft
from welcome_center.domain.enums import ClientKind, FollowUpSource, RecordKind
from welcome_center.domain.errors import NotFoundError, StateError, ValidationError
from welcome_center.domain.views import FollowUpView, RecordDetails, ResidenceTitleView
from welcome_center.i18n import using
from welcome_center.services import cases, follow_ups, people, residence, settings
from welcome_center.services.context import Actor, Saved

TODAY = office_today()
OPENED = TODAY - timedelta(days=100)


def _person(uow: UnitOfWork, actor: Actor, family: str = "Müller", given: str = "Anna") -> int:
    draft = PersonDraft(family_name=family, given_name=given)
    return people.create_person(uow, actor, draft, accept_duplicates=True).value.id


def _open(
    uow: UnitOfWork, actor: Actor, person_id: int, opened_on: date = OPENED, **kw: object
) -> RecordDetails:
    draft = RecordDraft(
        client=ClientChoice(ClientKind.PERSON, person_id), opened_on=opened_on, **kw
    )  # type: ignore[arg-type]
    return cases.open_record(uow, actor, draft).value


@pytest.fixture
def record(uow: UnitOfWork, anna: Actor) -> RecordDetails:
    return _open(uow, anna, _person(uow, anna))


def _ids(items: Iterable[FollowUpView]) -> list[int]:
    return [f.id for f in items]


def _follow_up_rows(uow: UnitOfWork) -> int:
    with uow.read() as s:
        return s.scalar(select(func.count()).select_from(FollowUp)) or 0


# --- manual follow-ups and the due list ------------------------------------------------------


def test_a_follow_up_appears_in_the_counsellors_due_list(
    uow: UnitOfWork, anna: Actor, record: RecordDetails
) -> None:
    saved = follow_ups.add_follow_up(uow, anna, record.id, TODAY, "Unterlagen nachfragen")
    f = saved.value
    assert f.record_id == record.id
    assert f.record_number == record.number
    assert f.client == "Müller, Anna"
    assert f.due_on == TODAY and f.note == "Unterlagen nachfragen"
    assert f.assigned_to_id == anna.user_id
    assert f.source is FollowUpSource.MANUAL
    assert f.done_on is None and f.overdue is False
    assert saved.changes.follow_ups and saved.changes.records == frozenset({record.id})

    due = follow_ups.due_list(uow, anna)
    assert due.items == (f,)
    assert due.overdue == ()
    assert cases.get_record(uow, anna, record.id).follow_ups == (f,)


def test_the_due_list_shows_overdue_first_then_by_date(
    uow: UnitOfWork, anna: Actor, record: RecordDetails
) -> None:
    today = follow_ups.add_follow_up(uow, anna, record.id, TODAY, "heute").value
    late = follow_ups.add_follow_up(uow, anna, record.id, TODAY - timedelta(3), "spät").value
    later = follow_ups.add_follow_up(uow, anna, record.id, TODAY - timedelta(10), "sehr").value
    upcoming = follow_ups.add_follow_up(uow, anna, record.id, TODAY + timedelta(5), "bald").value

    due = follow_ups.due_list(uow, anna)
    assert _ids(due.items) == [later.id, late.id, today.id]
    assert [f.overdue for f in due.items] == [True, True, False]
    assert _ids(due.overdue) == [later.id, late.id]
    assert upcoming.id not in _ids(due.items)

    week = follow_ups.due_list(uow, anna, until=TODAY + timedelta(days=7))
    assert _ids(week.items) == [later.id, late.id, today.id, upcoming.id]
    assert week.items[-1].overdue is False


def test_completed_follow_ups_leave_the_due_list(
    uow: UnitOfWork, anna: Actor, record: RecordDetails
) -> None:
    done = follow_ups.add_follow_up(uow, anna, record.id, TODAY - timedelta(2)).value
    open_ = follow_ups.add_follow_up(uow, anna, record.id, TODAY - timedelta(1)).value
    completed = follow_ups.complete(uow, anna, done.id, expected_version=done.version).value
    assert completed.done_on == TODAY
    assert completed.overdue is False  # done is never overdue
    assert _ids(follow_ups.due_list(uow, anna).items) == [open_.id]
    # The record still shows it, as done.
    on_record = {f.id: f for f in cases.get_record(uow, anna, record.id).follow_ups}
    assert on_record[done.id].done_on == TODAY
    with pytest.raises(StateError):
        follow_ups.complete(uow, anna, done.id, expected_version=completed.version)
    with pytest.raises(StateError):
        follow_ups.reschedule(uow, anna, done.id, TODAY + timedelta(days=1), completed.version)


def test_another_counsellors_follow_ups_are_not_in_my_list(
    uow: UnitOfWork, anna: Actor, ben: Actor, record: RecordDetails
) -> None:
    mine = follow_ups.add_follow_up(uow, anna, record.id, TODAY).value
    bens = follow_ups.add_follow_up(uow, ben, record.id, TODAY).value
    for_ben = follow_ups.add_follow_up(
        uow, anna, record.id, TODAY, "bitte übernehmen", assigned_to_id=ben.user_id
    ).value
    assert _ids(follow_ups.due_list(uow, anna).items) == [mine.id]
    assert _ids(follow_ups.due_list(uow, ben).items) == [bens.id, for_ben.id]
    # Looking at a colleague's list on purpose works.
    assert _ids(follow_ups.due_list(uow, anna, counsellor_id=ben.user_id).items) == [
        bens.id,
        for_ben.id,
    ]


def test_a_follow_up_is_rescheduled(uow: UnitOfWork, anna: Actor, record: RecordDetails) -> None:
    f = follow_ups.add_follow_up(uow, anna, record.id, TODAY - timedelta(1)).value
    moved = follow_ups.reschedule(uow, anna, f.id, TODAY + timedelta(days=3), f.version).value
    assert moved.due_on == TODAY + timedelta(days=3) and moved.overdue is False
    assert follow_ups.due_list(uow, anna).items == ()


def test_a_bad_follow_up_is_refused(uow: UnitOfWork, anna: Actor, record: RecordDetails) -> None:
    with pytest.raises(ValidationError) as info:
        follow_ups.add_follow_up(uow, anna, record.id, OPENED - timedelta(days=1))
    assert info.value.field == "due_on"
    with pytest.raises(ValidationError) as info:
        follow_ups.add_follow_up(uow, anna, record.id, TODAY, assigned_to_id=9999)
    assert info.value.field == "assigned_to"
    with pytest.raises(NotFoundError):
        follow_ups.complete(uow, anna, 4711, expected_version=1)
    with pytest.raises(NotFoundError):
        follow_ups.reschedule(uow, anna, 4711, TODAY, 1)
    with pytest.raises(NotFoundError):
        follow_ups.add_follow_up(uow, anna, 4711, TODAY)
    assert _follow_up_rows(uow) == 0


# --- residence titles raise follow-ups --------------------------------------------------------


@pytest.fixture
def window_30(uow: UnitOfWork, admin: Actor) -> None:
    settings.update_settings(uow, admin, residence_expiry_window_days=30)


def _title(
    uow: UnitOfWork, actor: Actor, person_id: int, expires_in: int, title: str = "s18a"
) -> Saved[ResidenceTitleView]:
    draft = ResidenceTitleDraft(
        title=title,
        valid_from=TODAY - timedelta(days=300),
        expires_on=TODAY + timedelta(expires_in),
    )
    return residence.add_title(uow, actor, person_id, draft)


def _residence_items(items: Iterable[FollowUpView]) -> list[FollowUpView]:
    return [f for f in items if f.source is FollowUpSource.RESIDENCE_EXPIRY]


def test_a_title_expiring_within_the_window_raises_exactly_one_follow_up(
    uow: UnitOfWork, anna: Actor, window_30: None
) -> None:
    pid = _person(uow, anna)
    older = _open(uow, anna, pid, opened_on=TODAY - timedelta(days=200))
    latest = _open(uow, anna, pid, opened_on=TODAY - timedelta(days=20))
    saved = _title(uow, anna, pid, 20)
    assert saved.changes.follow_ups is True

    first = follow_ups.due_list(uow, anna)
    raised = _residence_items(first.items)
    assert len(raised) == 1
    f = raised[0]
    assert f.record_id == latest.id and f.record_number == latest.number
    assert f.assigned_to_id == anna.user_id
    assert f.due_on == TODAY
    expires = TODAY + timedelta(20)
    assert f.note == f"Residence title expires on {expires:%d/%m/%Y}."
    with using("de"):  # worded in the reader's language, not in the one it was raised in
        [german] = _residence_items(follow_ups.due_list(uow, anna).items)
    assert german.note == f"Aufenthaltstitel läuft am {expires:%d.%m.%Y} ab."

    again = follow_ups.raise_residence_follow_ups(uow, anna)  # raised when the title was saved
    assert again.value == 0 and again.changes.follow_ups is False
    assert _residence_items(follow_ups.due_list(uow, anna).items) == [f]
    assert _follow_up_rows(uow) == 1
    assert cases.get_record(uow, anna, older.id).follow_ups == ()


def test_a_title_expiring_outside_the_window_or_expired_raises_none(
    uow: UnitOfWork, anna: Actor, window_30: None
) -> None:
    pid = _person(uow, anna)
    _open(uow, anna, pid)
    saved = _title(uow, anna, pid, 40)
    assert saved.changes.follow_ups is False
    assert _title(uow, anna, pid, -1).changes.follow_ups is False
    assert follow_ups.due_list(uow, anna).items == ()
    assert _follow_up_rows(uow) == 0


def test_a_wider_window_raises_the_follow_up_at_the_next_raising_not_by_reading(
    uow: UnitOfWork, admin: Actor, anna: Actor, window_30: None
) -> None:
    pid = _person(uow, anna)
    _open(uow, anna, pid)
    _title(uow, anna, pid, 40)
    assert follow_ups.due_list(uow, anna).items == ()
    settings.update_settings(uow, admin, residence_expiry_window_days=60)
    assert follow_ups.due_list(uow, anna).items == ()  # reading raises nothing
    assert _follow_up_rows(uow) == 0
    raised = follow_ups.raise_residence_follow_ups(uow, anna)
    assert raised.value == 1 and raised.changes.follow_ups is True
    assert len(_residence_items(follow_ups.due_list(uow, anna).items)) == 1
    assert follow_ups.raise_residence_follow_ups(uow, anna).changes.follow_ups is False
    assert _follow_up_rows(uow) == 1


def test_the_window_boundary_is_included(uow: UnitOfWork, anna: Actor, window_30: None) -> None:
    pid = _person(uow, anna)
    _open(uow, anna, pid)
    assert _title(uow, anna, pid, 30).changes.follow_ups is True
    assert _title(uow, anna, pid, 31).changes.follow_ups is False
    assert len(follow_ups.due_list(uow, anna).items) == 1


def test_a_title_of_a_person_without_record_raises_once_a_record_exists(
    uow: UnitOfWork, anna: Actor, window_30: None
) -> None:
    pid = _person(uow, anna)
    assert _title(uow, anna, pid, 10).changes.follow_ups is False
    assert follow_ups.due_list(uow, anna).items == ()
    r = _open(uow, anna, pid)
    assert follow_ups.raise_residence_follow_ups(uow, anna).changes.follow_ups is True
    due = follow_ups.due_list(uow, anna)
    assert [f.record_id for f in due.items] == [r.id]


def test_the_follow_up_goes_to_the_counsellor_of_the_record(
    uow: UnitOfWork, anna: Actor, ben: Actor, window_30: None
) -> None:
    pid = _person(uow, anna)
    _open(uow, anna, pid, counsellor_id=ben.user_id)
    _title(uow, anna, pid, 10)
    assert follow_ups.due_list(uow, anna).items == ()
    assert len(_residence_items(follow_ups.due_list(uow, ben).items)) == 1


def test_an_open_record_is_preferred_to_a_newer_closed_one(
    uow: UnitOfWork, anna: Actor, window_30: None
) -> None:
    pid = _person(uow, anna)
    open_one = _open(uow, anna, pid, opened_on=TODAY - timedelta(days=200))
    closed = _open(uow, anna, pid, opened_on=TODAY - timedelta(days=10))
    cases.close(uow, anna, closed.id, "goal_reached", closed.version, on=TODAY)
    _title(uow, anna, pid, 10)
    assert [f.record_id for f in follow_ups.due_list(uow, anna).items] == [open_one.id]


def test_completing_a_residence_follow_up_does_not_raise_it_again(
    uow: UnitOfWork, anna: Actor, window_30: None
) -> None:
    pid = _person(uow, anna)
    _open(uow, anna, pid, kind=RecordKind.CASE)
    _title(uow, anna, pid, 10)
    (f,) = follow_ups.due_list(uow, anna).items
    follow_ups.complete(uow, anna, f.id, expected_version=f.version)
    assert follow_ups.due_list(uow, anna).items == ()
    assert _follow_up_rows(uow) == 1


def test_each_expiring_title_raises_its_own_follow_up(
    uow: UnitOfWork, anna: Actor, window_30: None
) -> None:
    first, second = _person(uow, anna, "Nguyen", "Lan"), _person(uow, anna, "Okafor", "Chidi")
    r1, r2 = _open(uow, anna, first), _open(uow, anna, second)
    _title(uow, anna, first, 5)
    _title(uow, anna, second, 25)
    due = follow_ups.due_list(uow, anna)
    assert sorted((f.record_id, f.client) for f in due.items) == sorted(
        [(r1.id, "Nguyen, Lan"), (r2.id, "Okafor, Chidi")]
    )
