"""The year's first record number taken by two desks at once on a server (found by the load run,
benchmarks/load.py): the second desk waits for the first one's counter and takes the next number
instead of failing on the counter's key."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select, text

from welcome_center.db.engine import Database
from welcome_center.db.models import NumberCounter
from welcome_center.domain.case_number import CaseNumber
from welcome_center.services import numbering


def _waiting_on_a_lock(db: Database) -> bool:
    with db.engine.connect() as conn:
        found = conn.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'"
            )
        ).scalar()
    return bool(found)


def test_two_desks_take_the_years_first_numbers_one_after_the_other(db: Database) -> None:
    if db.is_sqlite:
        pytest.skip("SQLite's writers take turns from BEGIN IMMEDIATE on")
    taken: list[str] = []
    failures: list[BaseException] = []
    first = db.writer()
    first.begin()
    taken.append(str(numbering.next_number(first, 2031, "WC")))  # counter made, not committed

    def second_desk() -> None:
        try:
            with db.writer.begin() as s:
                taken.append(str(numbering.next_number(s, 2031, "WC")))
        except BaseException as exc:  # collected: the assertion names it
            failures.append(exc)

    desk = threading.Thread(target=second_desk)
    desk.start()
    deadline = time.monotonic() + 30
    while not _waiting_on_a_lock(db) and desk.is_alive() and time.monotonic() < deadline:
        pass  # until the second desk waits for the first one's counter row
    first.commit()
    first.close()
    desk.join(timeout=30)

    assert failures == []
    assert taken == ["WC-2031-0001", "WC-2031-0002"]


def test_two_imports_reserving_at_once_never_set_the_counter_back(db: Database) -> None:
    """Two imports reserve numbers of one year at once on a server: the counter never goes
    back (it went from 16 to 8: later numbers then met the imported 16)."""
    if db.is_sqlite:
        pytest.skip("SQLite's writers take turns from BEGIN IMMEDIATE on")
    with db.writer.begin() as s:
        s.add(NumberCounter(prefix="WC", year=2032, last=6))
    failures: list[BaseException] = []

    def other_import() -> None:
        try:
            with db.writer.begin() as other:
                numbering.reserve(other, CaseNumber("WC", 2032, 16))
        except BaseException as exc:  # collected: the assertion names it
            failures.append(exc)

    first = db.writer()
    first.begin()
    numbering.reserve(first, CaseNumber("WC", 2032, 8))  # one import reserves its 8 ...
    desk = threading.Thread(target=other_import)  # ... another its 16, at the same time
    desk.start()
    deadline = time.monotonic() + 30
    while not _waiting_on_a_lock(db) and desk.is_alive() and time.monotonic() < deadline:
        pass
    first.commit()
    first.close()
    desk.join(timeout=30)
    assert failures == []
    with db.writer.begin() as s:
        assert s.scalar(select(NumberCounter.last).where(NumberCounter.year == 2032)) == 16
        assert numbering.next_number(s, 2032, "WC").seq == 17
