"""A report's parts (its figures, the trend, the same period a year before) are counted at once
on a server, each on its own connection, on one snapshot; on a file one after the other in one
transaction. Either way they see one moment: a colleague's save meanwhile is in none of them
or in all. Runs on SQLite and, with WELCOME_CENTER_TEST_PG, on PostgreSQL."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from tests.db.statistics_office import _open, _person
from welcome_center.db.models import Record
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.statistics import Period
from welcome_center.services import reporting, statistics
from welcome_center.services.context import Actor


def _records(s: Session) -> int:
    return int(s.scalar(select(func.count()).select_from(Record)) or 0)


def test_the_parts_see_one_moment_though_a_colleague_saves_meanwhile(
    uow: UnitOfWork, anna: Actor, ben: Actor
) -> None:
    client = _person(uow, anna, "Lindqvist", "Sara", "SE")
    _open(uow, anna, client, date(2026, 3, 5))
    saved = threading.Event()

    def first(s: Session) -> tuple[int, int]:
        before = _records(s)  # the moment is taken by now
        _open(uow, ben, client, date(2026, 3, 6))  # a colleague's save, committed
        saved.set()
        return before, _records(s)

    def second(s: Session) -> int:
        assert saved.wait(30), "the first part never saved"
        return _records(s)

    (before, again), later = uow.alongside([first, second])
    assert (before, again, later) == (1, 1, 1)
    with uow.read() as s:
        assert _records(s) == 2  # saved, and seen by the next read


def test_a_part_that_fails_fails_the_whole_and_keeps_no_connection(uow: UnitOfWork) -> None:
    def broken(_s: Session) -> int:
        raise ValueError("a part failed")

    with pytest.raises(ValueError, match="a part failed"):
        uow.alongside([_records, broken, _records])
    assert uow.db.engine.pool.checkedout() == 0


def test_a_reports_figures_are_the_statistics_of_one_transaction(
    uow: UnitOfWork, anna: Actor, manager: Actor
) -> None:
    """The report counts its parts at once; the Reports page's figures count them in one
    transaction: the same figures, trend and year-earlier column included."""
    client = _person(uow, anna, "Lindqvist", "Sara", "SE")
    for opened in (date(2025, 3, 5), date(2025, 11, 20), date(2026, 3, 2), date(2026, 3, 9)):
        _open(uow, anna, client, opened, topics=("residence",))
    march = Period.month(2026, 3)
    report = reporting.content(uow, manager, march, "en")
    assert report.statistics == statistics.statistics(uow, manager, march)
    with uow.read() as s:
        earlier = statistics.compute(s, Period.month(2025, 3), breakdowns=False)
    assert report.previous_period == earlier
    months = {m.month: m.enquiries_received for m in report.statistics.trend}
    assert months[date(2025, 11, 1)] == 1 and months[date(2026, 3, 1)] == 2
    assert report.previous_period is not None
    assert report.previous_period.enquiries_received == 1


def test_the_connections_go_back_to_the_pool_at_the_servers_usual_isolation(
    uow: UnitOfWork,
) -> None:
    """The parts' REPEATABLE READ is theirs alone: a save after a report runs at READ
    COMMITTED again, on whichever pooled connection it gets."""
    if uow.db.is_sqlite:
        pytest.skip("a server's isolation levels")
    level = text("SHOW transaction_isolation")
    assert uow.alongside([lambda s: s.scalar(level)] * 3) == ["repeatable read"] * 3
    seen = set()
    for _ in range(6):
        with uow.begin() as s:
            seen.add(s.scalar(level))
        with uow.read() as s:
            seen.add(s.scalar(level))
    assert seen == {"read committed"}
