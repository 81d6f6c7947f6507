"""The year's first record number taken by two desks at once on a server (found by the load run,
benchmarks/load.py): the second desk waits for the first one's counter and takes the next number
instead of failing on the counter's key."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import text

from welcome_center.db.engine import Database
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
