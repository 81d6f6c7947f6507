"""The unit of work: a save that races another one is refused whole, never merged."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select

from welcome_center.db.engine import Database
from welcome_center.db.models import Person
from welcome_center.db.uow import ConcurrentChangeError, UnitOfWork
from welcome_center.domain.errors import StorageError


def test_a_save_racing_another_is_refused_and_the_first_save_kept(
    db: Database, uow: UnitOfWork
) -> None:
    """On a server two transactions may read the same row and both write it: the second is
    refused whole. (On SQLite a writer takes the write lock at its start: see below.)"""
    if db.is_sqlite:
        pytest.skip("SQLite's writers take turns; the next test covers them")
    with uow.begin() as s:
        s.add(Person(family_name="Novak", given_name="Eva", name_key="novak|eva"))
    with pytest.raises(ConcurrentChangeError) as raced, uow.begin() as mine:
        person = mine.scalars(select(Person)).one()
        with uow.begin() as theirs:  # someone else saves after my read
            theirs.scalars(select(Person)).one().given_name = "Eva Maria"
        person.family_name = "Nowak"  # my write now rests on an old version
    assert type(raced.value.__cause__).__name__ == "StaleDataError"
    with uow.read() as s:
        saved = s.scalars(select(Person)).one()
        assert (saved.family_name, saved.given_name, saved.version) == ("Novak", "Eva Maria", 2)


def test_a_second_writer_on_sqlite_waits_for_the_first_and_is_told_when_it_cannot(
    db: Database, uow: UnitOfWork
) -> None:
    """A writer takes SQLite's write lock before it reads (BEGIN IMMEDIATE), so no two
    writers can read the same counter or version; one that cannot get the lock within the busy
    timeout is told that the database is busy, and nothing of it is saved."""
    if not db.is_sqlite:
        pytest.skip("SQLite's locking")

    def short_wait(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        dbapi_conn.execute("PRAGMA busy_timeout=50")

    event.listen(db.engine, "connect", short_wait)
    with uow.begin() as s:
        s.add(Person(family_name="Novak", given_name="Eva", name_key="novak|eva"))
    with uow.begin() as mine:
        mine.scalars(select(Person)).one().family_name = "Nowak"
        with pytest.raises(StorageError) as busy, uow.begin() as theirs:
            theirs.scalars(select(Person)).one().given_name = "Eva Maria"
    assert busy.value.kind == "busy"
    assert "busy" in busy.value.message and "Nothing was saved" in busy.value.message
    with uow.read() as s:
        saved = s.scalars(select(Person)).one()
        assert (saved.family_name, saved.given_name, saved.version) == ("Nowak", "Eva", 2)
