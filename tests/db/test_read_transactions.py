"""A read transaction (``UnitOfWork.read``) keeps nothing it wrote, on both engines; on a
server it ends with COMMIT when it wrote nothing, so that the connection keeps the statements
psycopg prepared (a rollback makes psycopg deallocate them all, and every save then planned
its statements anew)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text, update

from welcome_center.db.models import Person
from welcome_center.db.uow import UnitOfWork


def _persons(uow: UnitOfWork) -> int:
    with uow.read() as s:
        return int(s.scalar(select(func.count()).select_from(Person)) or 0)


def test_a_read_that_wrote_keeps_nothing(uow: UnitOfWork) -> None:
    before = _persons(uow)
    with uow.read() as s:
        s.add(Person(family_name="Scratch", name_key="scratch"))
        s.flush()
    with uow.read() as s:
        s.execute(update(Person).values(family_name="Overwritten"))
    with uow.read() as s:  # added, not flushed: dropped
        s.add(Person(family_name="Pending", name_key="pending"))
    assert _persons(uow) == before
    with uow.read() as s:
        names = set(s.scalars(select(Person.family_name)))
    assert not names & {"Scratch", "Overwritten", "Pending"}


def test_a_read_on_a_server_keeps_the_connections_prepared_statements(
    uow: UnitOfWork,
) -> None:
    if uow.db.is_sqlite:
        pytest.skip("a server's prepared statements")
    query = select(Person.id).where(Person.family_name == "Nobody by this name")
    for _ in range(8):  # psycopg prepares a statement from its sixth run on a connection
        with uow.read() as s:
            s.execute(query).all()
    with uow.read() as s:
        s.execute(query).all()
        prepared = s.scalar(
            text(
                "SELECT count(*) FROM pg_prepared_statements"
                " WHERE statement LIKE '%Nobody%' OR statement LIKE '%family_name = $1%'"
            )
        )
    assert prepared == 1
