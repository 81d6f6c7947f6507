"""Faults of a network on a server database (issue 16, item 5): a colleague's lock, a statement
that runs too long, a connection that breaks off mid-save. Each save is rolled back and refused
with a message saying what happened and that nothing was saved; the next action reconnects.
Numbering under concurrent desks: tests/db/test_concurrent_saves.py (on both engines)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.exc import DBAPIError

from tests.conftest import PG_URL
from welcome_center.db import engine as db_engine
from welcome_center.db import liveness
from welcome_center.db.engine import Database
from welcome_center.db.failures import Failure, classify, storage_error
from welcome_center.db.models import Record
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.drafts import ClientChoice, PersonDraft, RecordDraft
from welcome_center.domain.enums import ClientKind
from welcome_center.domain.errors import StorageError
from welcome_center.services import cases, people
from welcome_center.services.context import Actor
from welcome_center.services.storage import open_database

pytestmark = pytest.mark.skipif(not PG_URL, reason="needs WELCOME_CENTER_TEST_PG")
DAY = date(2026, 3, 2)


@pytest.fixture
def fast(db: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[UnitOfWork]:
    """The same database opened with short timeouts (the setting a test may shorten)."""
    monkeypatch.setenv(db_engine.ENV_LOCK_TIMEOUT, "300")
    monkeypatch.setenv(db_engine.ENV_STATEMENT_TIMEOUT, "500")
    opened = open_database(db.url)
    yield UnitOfWork(opened)
    opened.dispose()


def _draft(uow: UnitOfWork, anna: Actor) -> RecordDraft:
    person = people.create_person(
        uow, anna, PersonDraft(family_name="Haddad", given_name="Rami"), True
    ).value.id
    return RecordDraft(client=ClientChoice(ClientKind.PERSON, person), opened_on=DAY)


def _records(uow: UnitOfWork) -> int:
    with uow.read() as s:
        return int(s.scalar(select(func.count()).select_from(Record)) or 0)


def test_a_deadlock_with_a_colleagues_desk_reads_as_their_change_to_save_again(
    db: Database,
) -> None:
    """Two desks that each hold what the other waits for: the server ends one transaction
    (deadlock detected). Its desk says a colleague was changing the same data and nothing was
    saved, as for a lock waited on too long, not "the database refused the change"."""
    engine = create_engine(db.url)
    errors: list[DBAPIError] = []
    both = threading.Barrier(2)

    def desk(first: str, then: str) -> None:
        with engine.connect() as conn:
            try:
                conn.exec_driver_sql(f"LOCK TABLE {first} IN SHARE ROW EXCLUSIVE MODE")
                both.wait()
                conn.exec_driver_sql(f"LOCK TABLE {then} IN SHARE ROW EXCLUSIVE MODE")
            except DBAPIError as exc:
                errors.append(exc)
            finally:
                conn.rollback()

    try:
        other = threading.Thread(target=desk, args=("records", "number_counters"))
        other.start()
        desk("number_counters", "records")
        other.join()
    finally:
        engine.dispose()
    assert len(errors) == 1
    refused = storage_error(errors[0], "the server")
    assert refused.kind == Failure.LOCK_TIMEOUT.value
    assert "Another desk is changing the same data" in refused.message


def test_the_timeouts_are_set_on_every_server_connection(uow: UnitOfWork) -> None:
    with uow.read() as s:
        statement = s.execute(text("SHOW statement_timeout")).scalar()
        lock = s.execute(text("SHOW lock_timeout")).scalar()
    assert (statement, lock) == ("15s", "5s")


def test_no_statement_is_compiled_to_machine_code_first(uow: UnitOfWork) -> None:
    """The server's JIT compilation, which made the year's figures at 300,000 records slower,
    is off on every connection: even a statement over its lowest threshold runs uncompiled."""
    with uow.read() as s:
        assert s.execute(text("SHOW jit")).scalar() == "off"
        s.execute(text("SET LOCAL jit_above_cost = 0"))
        plan = s.execute(text("EXPLAIN (ANALYZE) SELECT count(*) FROM records")).scalars()
        assert not [line for line in plan if "JIT" in line]


def test_a_pooled_connection_is_pinged_only_where_it_may_have_been_lost(
    uow: UnitOfWork, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No ``SELECT 1`` before every action (a round trip of a search's few): a connection
    back from a short rest is handed out as it is, one that rested long is pinged first
    (a connection the server ended is found by its socket: the test below)."""
    assert not uow.db.engine.pool._pre_ping  # type: ignore[attr-defined]
    dialect = uow.db.engine.dialect
    pings: list[object] = []
    ping = dialect.do_ping
    monkeypatch.setattr(dialect, "do_ping", lambda conn: pings.append(conn) or ping(conn))
    for _ in range(3):
        with uow.read() as s:
            s.execute(text("SELECT 1"))
    assert pings == []
    monkeypatch.setattr(liveness, "PING_AFTER_IDLE_S", 0.0)
    with uow.read() as s:
        s.execute(text("SELECT 1"))
    assert len(pings) == 1


def test_a_colleagues_lock_stops_the_save_within_the_lock_timeout(
    fast: UnitOfWork, anna: Actor
) -> None:
    draft = _draft(fast, anna)
    before = _records(fast)
    colleague = create_engine(fast.db.url)
    try:
        with colleague.connect() as conn, conn.begin():
            conn.exec_driver_sql("LOCK TABLE records IN EXCLUSIVE MODE")
            started = time.monotonic()
            with pytest.raises(StorageError) as refused:
                cases.open_record(fast, anna, draft)
            waited = time.monotonic() - started
    finally:
        colleague.dispose()
    assert refused.value.kind == Failure.LOCK_TIMEOUT.value
    assert "Another desk is changing the same data" in refused.value.message
    assert "nothing was saved" in refused.value.message
    assert waited < 3
    assert _records(fast) == before
    cases.open_record(fast, anna, draft)  # the lock is gone: the same save goes through
    assert _records(fast) == before + 1


def test_a_statement_past_the_timeout_is_stopped_and_said(fast: UnitOfWork) -> None:
    with pytest.raises(StorageError) as refused, fast.begin() as s:
        s.execute(text("SELECT pg_sleep(3)"))
    assert refused.value.kind == Failure.TIMEOUT.value
    assert "took too long" in refused.value.message
    assert "nothing was saved" in refused.value.message


def test_a_connection_killed_mid_save_fails_it_and_the_next_save_reconnects(
    fast: UnitOfWork, anna: Actor
) -> None:
    draft = _draft(fast, anna)
    before = _records(fast)
    killer = create_engine(fast.db.url, isolation_level="AUTOCOMMIT")
    killed: list[int] = []

    def kill_at_insert(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not killed and statement.lstrip().upper().startswith("INSERT INTO RECORDS"):
            pid = conn.connection.dbapi_connection.info.backend_pid
            with killer.connect() as k:
                k.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid})
            killed.append(pid)

    event.listen(fast.db.engine, "before_cursor_execute", kill_at_insert)
    try:
        with pytest.raises(StorageError) as refused:
            cases.open_record(fast, anna, draft)
    finally:
        event.remove(fast.db.engine, "before_cursor_execute", kill_at_insert)
        killer.dispose()
    assert killed
    assert refused.value.kind == Failure.LOST.value
    assert "connection to the database server" in refused.value.message
    assert "was lost; nothing was saved" in refused.value.message
    assert _records(fast) == before  # the next action reconnects, and nothing was kept
    cases.open_record(fast, anna, draft)
    assert _records(fast) == before + 1


def test_connections_ended_while_idle_are_replaced_before_the_next_save(
    fast: UnitOfWork, anna: Actor
) -> None:
    draft = _draft(fast, anna)
    with fast.read() as s:
        pid = s.execute(text("SELECT pg_backend_pid()")).scalar()
    killer = create_engine(fast.db.url, isolation_level="AUTOCOMMIT")
    try:
        with killer.connect() as k:
            assert k.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid}).scalar()
    finally:
        killer.dispose()
    # The server's last words wait on the socket: the pooled connection is found dead.
    cases.open_record(fast, anna, draft)


def test_a_server_that_cannot_be_reached_is_still_said_so() -> None:
    from sqlalchemy.exc import DBAPIError

    unreachable = create_engine(
        "postgresql+psycopg://nobody:x@127.0.0.1:1/none", connect_args={"connect_timeout": 2}
    )
    try:
        with pytest.raises(DBAPIError) as failed:
            unreachable.connect()
    finally:
        unreachable.dispose()
    assert classify(failed.value) is Failure.SERVER
    assert "cannot be reached" in storage_error(failed.value, "127.0.0.1:1").message
