"""The manager's workload view: per counsellor the open records, overdue follow-ups and
referrals without feedback, by the Today page's definitions, counted for the whole office;
a counsellor or an administrator does not get it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.db.workload_office import TODAY, build
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.errors import PermissionDeniedError
from welcome_center.services import follow_ups, referrals, workload
from welcome_center.services.context import Actor


@pytest.fixture
def office(uow: UnitOfWork, anna: Actor, ben: Actor) -> None:
    build(uow, anna, ben)


def _lines(found: workload.Workload) -> list[tuple[str, int, int, int]]:
    return [
        (x.name, x.open_records, x.overdue_follow_ups, x.referrals_without_feedback)
        for x in found.lines
    ]


@pytest.mark.usefixtures("office")
def test_counts_per_counsellor_and_totals(uow: UnitOfWork, manager: Actor) -> None:
    found = workload.workload(uow, manager)
    assert _lines(found) == [
        ("Ada Admin", 0, 0, 0),
        ("Anna Berger", 3, 3, 1),
        ("Ben Schulz", 1, 1, 1),
        ("", 1, 1, 0),  # no counsellor: the record opened from the command line
    ]
    assert found.lines[-1].user_id is None
    total = found.total
    assert (total.open_records, total.overdue_follow_ups, total.referrals_without_feedback) == (
        5, 5, 2)  # fmt: skip
    assert found.today == TODAY and found.feedback_days == 14


@pytest.mark.usefixtures("office")
def test_the_same_definitions_as_the_today_page(
    uow: UnitOfWork, manager: Actor, anna: Actor, ben: Actor
) -> None:
    lines = {x.user_id: x for x in workload.workload(uow, manager).lines}
    for actor in (anna, ben):
        overdue = follow_ups.due_list(uow, actor).overdue
        waiting = referrals.awaiting_feedback(uow, actor, actor.user_id)
        assert lines[actor.user_id].overdue_follow_ups == len(overdue)
        assert lines[actor.user_id].referrals_without_feedback == len(waiting)


@pytest.mark.usefixtures("office")
def test_another_day_counts_what_is_overdue_then(uow: UnitOfWork, manager: Actor) -> None:
    later = workload.workload(uow, manager, today=TODAY + timedelta(days=1))
    anna = next(x for x in later.lines if x.name == "Anna Berger")
    assert anna.overdue_follow_ups == 4  # A3's follow-up due today is overdue tomorrow


def test_an_empty_office_lists_its_counsellors_with_nothing(
    uow: UnitOfWork, manager: Actor
) -> None:
    found = workload.workload(uow, manager)
    assert _lines(found) == [("Ada Admin", 0, 0, 0), ("Anna Berger", 0, 0, 0),
                             ("Ben Schulz", 0, 0, 0)]  # fmt: skip


@pytest.mark.parametrize("who", ["anna", "admin_only", "admin"])
def test_only_a_manager_sees_the_workload(
    uow: UnitOfWork, who: str, request: pytest.FixtureRequest
) -> None:
    actor: Actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDeniedError):
        workload.workload(uow, actor)
