"""A report's parts (its figures, the trend, the same period a year before) are counted at once,
each on its own connection: on a server on one exported snapshot, on a file on one moment made
by holding the write lock while each part reads once (one after the other in one transaction
while another connection writes for long). Either way they see one moment: a colleague's save
meanwhile is in none of them or in all. Runs on SQLite and, with WELCOME_CENTER_TEST_PG, on
PostgreSQL."""

from __future__ import annotations

import threading
import time
from datetime import date
from typing import Any

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.orm import Session

from tests.db.statistics_office import _open, _person
from welcome_center.db.engine import BUSY_TIMEOUT_MS
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


def _connection(s: Session) -> int:
    return id(s.connection().connection.dbapi_connection)


def test_the_parts_are_counted_at_once_each_on_a_connection_of_its_own(uow: UnitOfWork) -> None:
    """On a file as on a server: the parts meet while each is at work (one after the other,
    the first would wait for the others in vain)."""
    meet = threading.Barrier(3, timeout=20)

    def part(s: Session) -> tuple[int, int]:
        count = _records(s)
        meet.wait()
        return count, _connection(s)

    parts = uow.alongside([part, part, part])
    assert [count for count, _ in parts] == [0, 0, 0]
    assert len({connection for _, connection in parts}) == 3


def test_on_a_file_a_save_made_while_the_parts_begin_is_in_none_of_them(
    uow: UnitOfWork, anna: Actor, ben: Actor
) -> None:
    """SQLite hands no snapshot on: the parts' moment is made one by holding the file's write
    lock while each reads once. A colleague's save tried just then waits for it and is in none
    of the parts (without the lock the parts that began after it would count it)."""
    if not uow.db.is_sqlite:
        pytest.skip("a server's parts share an exported snapshot (the first test)")
    client = _person(uow, anna, "Lindqvist", "Sara", "SE")
    _open(uow, anna, client, date(2026, 3, 5))
    colleague: list[threading.Thread] = []

    def save_on_the_first_read(conn: Any, *args: Any) -> None:
        if colleague or "sqlite_master" not in str(args[1]):
            return
        colleague.append(threading.Thread(target=_open, args=(uow, ben, client, date(2026, 3, 6))))
        colleague[0].start()
        colleague[0].join(2)  # committed by now, unless it waits for the lock

    event.listen(uow.db.engine, "before_cursor_execute", save_on_the_first_read)
    try:
        counts = uow.alongside([_records, _records, _records])
    finally:
        event.remove(uow.db.engine, "before_cursor_execute", save_on_the_first_read)
        for thread in colleague:
            thread.join(30)
    assert colleague, "the parts read once before their work"
    assert counts == [1, 1, 1]
    with uow.read() as s:
        assert _records(s) == 2  # the colleague's save went through after the parts began


def test_on_a_file_the_parts_wait_for_no_long_write(uow: UnitOfWork, anna: Actor) -> None:
    """An import on another connection holds the file's write lock for seconds: the report
    does not wait for it (or fail when SQLite's wait ends) but counts its parts one after the
    other, on one transaction."""
    if not uow.db.is_sqlite:
        pytest.skip("readers on a server never wait for the write lock")
    _open(uow, anna, _person(uow, anna, "Lindqvist", "Sara", "SE"), date(2026, 3, 5))
    writing, done = threading.Event(), threading.Event()

    def long_write() -> None:
        with uow.begin() as s:  # BEGIN IMMEDIATE: the file's write lock
            s.execute(text("DELETE FROM records"))
            writing.set()
            done.wait(30)
            s.rollback()

    def part(s: Session) -> tuple[int, int, int]:
        return _records(s), _connection(s), threading.get_ident()

    writer = threading.Thread(target=long_write)
    writer.start()
    try:
        assert writing.wait(30)
        started = time.monotonic()
        parts = uow.alongside([part] * 3)
        took = time.monotonic() - started
    finally:
        done.set()
        writer.join(30)
    # One transaction in the calling thread, without the deletion; long before SQLite's own
    # wait for the lock (5 s) would have ended in an error.
    assert set(parts) == {(1, parts[0][1], threading.get_ident())}
    assert took < 4, took
    _usual_wait_on_every_pooled_connection(uow)


def _usual_wait_on_every_pooled_connection(uow: UnitOfWork) -> None:
    pooled = [uow.db.engine.connect() for _ in range(uow.db.engine.pool.checkedin() + 1)]
    try:
        waits = {c.exec_driver_sql("PRAGMA busy_timeout").scalar() for c in pooled}
    finally:
        for c in pooled:
            c.close()
    assert waits == {BUSY_TIMEOUT_MS}


def test_on_a_file_the_connections_go_back_to_the_pool_with_their_usual_wait(
    uow: UnitOfWork,
) -> None:
    """The lock's connection waits only briefly for another writer; a save on it afterwards
    waits as long as any save."""
    if not uow.db.is_sqlite:
        pytest.skip("a SQLite connection's wait for the write lock")
    assert uow.alongside([_records] * 3) == [0, 0, 0]
    assert uow.db.engine.pool.checkedout() == 0
    _usual_wait_on_every_pooled_connection(uow)


def test_on_a_file_a_part_that_fails_at_once_holds_no_save_up(
    uow: UnitOfWork, anna: Actor, ben: Actor
) -> None:
    """The first part fails before it has read: the report fails, and the write lock held for
    the parts' moment is let go at once, not when the other parts end: a save meanwhile (here
    in another part) goes through instead of failing after SQLite's five seconds' wait."""
    if not uow.db.is_sqlite:
        pytest.skip("a SQLite file's write lock")
    client = _person(uow, anna, "Lindqvist", "Sara", "SE")
    caller = threading.get_ident()

    def fail_first_read(conn: Any, *args: Any) -> None:
        if threading.get_ident() == caller and "sqlite_master" in str(args[1]):
            raise RuntimeError("the first part's first read failed")

    def first(s: Session) -> int:
        return _records(s)

    def saving(s: Session) -> int:
        _open(uow, ben, client, date(2026, 3, 6))
        return _records(s)

    event.listen(uow.db.engine, "before_cursor_execute", fail_first_read)
    try:
        with pytest.raises(RuntimeError, match="first read failed"):
            uow.alongside([first, saving])
    finally:
        event.remove(uow.db.engine, "before_cursor_execute", fail_first_read)
    with uow.read() as s:
        assert _records(s) == 1  # the other part's save
