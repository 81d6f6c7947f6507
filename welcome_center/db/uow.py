"""The unit of work: one short session and one transaction per service call."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from sqlalchemy import Connection, event, text
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from welcome_center.db import activity, cipher, name_keys, search, text_guard
from welcome_center.db.engine import BEGIN_OPTION, BUSY_TIMEOUT_MS, Database
from welcome_center.db.failures import storage_error
from welcome_center.db.server_rights import FIGURES_SCHEMA

_SNAPSHOT_ID = re.compile(r"[0-9A-Fa-f]+(-[0-9A-Fa-f]+)+")
# A first read that starts a SQLite read transaction (its moment of the data).
_FIRST_READ = text("SELECT count(*) FROM sqlite_master")
# How long a report on a SQLite file waits for another connection's write lock (a save holds
# it for milliseconds) before it counts its parts one after the other instead.
_HOLD_WAIT_MS = 250


def _through_figures(session: Session) -> None:
    """The transaction's unqualified table names looked up in the figures' views first."""
    session.execute(text(f"SET LOCAL search_path TO {FIGURES_SCHEMA}, public"))


_WROTE = "wc_read_wrote"  # session.info: the read session flushed or ran an ORM write


def _track_writes(sessions: sessionmaker[Session]) -> None:
    """Note in a session's info when it flushes or runs an ORM INSERT, UPDATE or DELETE
    (idempotent: a flag on the factory)."""
    if getattr(sessions, _WROTE, False):
        return

    def flushed(session: Session, _context: Any) -> None:
        session.info[_WROTE] = True

    def executed(state: ORMExecuteState) -> None:
        if state.is_insert or state.is_update or state.is_delete:
            state.session.info[_WROTE] = True

    event.listen(sessions, "after_flush", flushed)
    event.listen(sessions, "do_orm_execute", executed)
    setattr(sessions, _WROTE, True)


class ConcurrentChangeError(Exception):
    """Someone else saved the same row between this transaction's read and its write, or took
    the same unique key at the same moment.

    The services' version checks catch the usual case with a message naming who; this is the
    rare race inside one save. Nothing of the transaction was saved."""


class UnitOfWork:
    """Hands out transactions on ``db``; the search index, the records' active months and the
    persons' name keys are brought up to date at each commit."""

    def __init__(self, db: Database) -> None:
        self.db = db
        search.track_changes(db.sessions)  # idempotent
        search.track_changes(db.writer)
        activity.track_changes(db.sessions)  # the records' months for the figures
        activity.track_changes(db.writer)
        name_keys.track_changes(db.writer)  # persons' keys for the duplicate check
        _track_writes(db.sessions)  # a read that wrote is rolled back (_end_read)
        text_guard.install()  # idempotent: every text set on a model is cleaned and checked

    @contextmanager
    def begin(self) -> Iterator[Session]:
        """A session in a transaction: committed when the block ends, rolled back on error."""
        try:
            with self.db.writer.begin() as session:
                yield session
                search.sync(session)
                activity.sync(session)
                name_keys.sync(session)
        except StaleDataError as exc:
            raise ConcurrentChangeError(str(exc)) from exc
        except IntegrityError as exc:
            raise ConcurrentChangeError(str(exc.orig)) from exc
        except DBAPIError as exc:
            raise storage_error(exc, self.db.display_name(), self.db.path) from exc
        except OSError as exc:  # the file vanished under the driver, say
            raise storage_error(exc, self.db.display_name(), self.db.path) from exc

    @contextmanager
    def figures(self) -> Iterator[Session]:
        """A read session for the office's figures through the views of the figures' columns
        (``server setup`` makes them: every row, no names): on PostgreSQL the transaction's
        unqualified table names are looked up there first (``SET LOCAL search_path``). For a
        login that does not counsel: an administrator's login sees partner organisations only
        and would count no client organisation. Elsewhere (a file; a server without the views)
        the tables, as :meth:`read`."""
        with self.read() as session:
            if session.get_bind().dialect.name == "postgresql":
                _through_figures(session)
            yield session

    def alongside(
        self, jobs: Sequence[Callable[[Session], Any]], *, figures: bool = False
    ) -> list[Any]:
        """Each of ``jobs`` called with a read session (:meth:`figures`' with ``figures``), their
        results in order. On PostgreSQL they run at once, each on a connection of its own, all
        on one snapshot of the data: the first job's transaction exports it
        (``pg_export_snapshot``), the others take it (``SET TRANSACTION SNAPSHOT``, as pg_dump's
        parallel workers do), so that together they see one moment as one transaction would,
        and a report's parts use the server's cores at once (its figures, its twelve months'
        trend, the same period a year before: at 300,000 records 1.4 s one after the other).
        The first job runs in the calling thread. On a file at once too, each on a connection
        of its own (:meth:`_side_by_side`); one after the other in one read transaction when
        another connection is writing or the database is in memory."""
        if len(jobs) < 2:
            return self._one_after_the_other(jobs, figures)
        if self.db.is_sqlite:
            return self._side_by_side(jobs, figures)
        with self._repeatable(figures) as lead:
            snapshot = str(lead.scalar(text("SELECT pg_export_snapshot()")))
            with ThreadPoolExecutor(max_workers=len(jobs) - 1) as pool:
                others = [pool.submit(self._on, snapshot, figures, job) for job in jobs[1:]]
                first = jobs[0](lead)
                return [first, *(other.result() for other in others)]

    def _reading(self, figures: bool) -> AbstractContextManager[Session]:
        """A read session, through the figures' views with ``figures`` (:meth:`figures`)."""
        return self.figures() if figures else self.read()

    def _one_after_the_other(
        self, jobs: Sequence[Callable[[Session], Any]], figures: bool
    ) -> list[Any]:
        with self._reading(figures) as session:
            return [job(session) for job in jobs]

    def _side_by_side(self, jobs: Sequence[Callable[[Session], Any]], figures: bool) -> list[Any]:
        """:meth:`alongside` on a SQLite file: each job on a connection of its own, all on one
        moment of the data. SQLite has no snapshot to hand on; instead no one may commit
        while the jobs take theirs: a connection holds the file's write lock (``BEGIN
        IMMEDIATE``, which readers do not wait for) until every job's read transaction has
        read once (in WAL mode its moment is then fixed), and lets it go before the jobs'
        work, a few milliseconds later. SQLite works outside Python's lock, so a report's
        parts use the machine's cores at once. While another connection writes for longer
        than a save takes (an import), one after the other, as before."""
        if self.db.path is None:  # in memory: each connection would be a database of its own
            return self._one_after_the_other(jobs, figures)
        held = self._hold_writes()
        if held is None:
            return self._one_after_the_other(jobs, figures)
        started = [threading.Event() for _ in jobs]

        def run(n: int, job: Callable[[Session], Any]) -> Any:
            try:
                with self._reading(figures) as session:
                    session.execute(_FIRST_READ)  # this transaction's moment, from here on
                    started[n].set()
                    if n == 0:  # the calling thread lets the lock go when all have read
                        for event in started:
                            event.wait()
                        held.close()
                    return job(session)
            finally:
                started[n].set()  # a job that failed before its first read holds no one up
                if n == 0:  # failed before all had read: the call fails, no need to hold
                    held.close()

        try:
            with ThreadPoolExecutor(max_workers=len(jobs) - 1) as pool:
                others = [pool.submit(run, n, job) for n, job in enumerate(jobs[1:], start=1)]
                first = run(0, jobs[0])
                return [first, *(other.result() for other in others)]
        finally:
            held.close()  # if the pool could not start a job

    def _hold_writes(self) -> Connection | None:
        """A connection holding the file's write lock, or None when another connection keeps
        it longer than :data:`_HOLD_WAIT_MS`, or the lock cannot be had at all (a vanished
        file, say: the reads one after the other then say what is wrong, as any read does).
        The connection's usual wait for the lock is back before it is handed on; one whose
        wait could not be set back is not pooled again."""
        try:
            conn = self.db.engine.connect()
        except (SQLAlchemyError, *cipher.FILE_ERRORS):
            return None
        raw: Any = conn.connection.dbapi_connection
        restored = False
        try:
            raw.execute(f"PRAGMA busy_timeout = {_HOLD_WAIT_MS}")
            try:
                conn.execution_options(**{BEGIN_OPTION: "IMMEDIATE"}).begin()
            finally:
                raw.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
                restored = True
        except (SQLAlchemyError, *cipher.FILE_ERRORS):
            if not restored:
                conn.invalidate()
            conn.close()
            return None
        return conn

    def _on(self, snapshot: str, figures: bool, job: Callable[[Session], Any]) -> Any:
        with self._repeatable(figures, snapshot) as session:
            return job(session)

    @contextmanager
    def _repeatable(self, figures: bool, snapshot: str | None = None) -> Iterator[Session]:
        """A read transaction on a server at REPEATABLE READ (one snapshot for all its
        statements), on ``snapshot`` when given; with ``figures`` through the figures' views."""
        try:
            with self.db.sessions.begin() as session:
                session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
                if snapshot is not None:
                    if not _SNAPSHOT_ID.fullmatch(snapshot):  # inlined: SET takes no parameter
                        raise ValueError(f"not a snapshot id: {snapshot!r}")
                    session.execute(text(f"SET TRANSACTION SNAPSHOT '{snapshot}'"))
                if figures:
                    _through_figures(session)
                session.autoflush = False
                yield session
                self._end_read(session)
        except DBAPIError as exc:
            raise storage_error(exc, self.db.display_name(), self.db.path) from exc

    def _end_read(self, session: Session) -> None:
        """End a read transaction, keeping nothing it wrote. On a file: ROLLBACK. On a
        server: COMMIT when the session wrote nothing (no flush, no ORM insert, update or
        delete; its autoflush was off, and what it holds unflushed is dropped first), because
        psycopg forgets the connection's prepared statements at every rollback (``DEALLOCATE
        ALL``): each read of a desk made its next save plan every statement anew, and under
        row-level security planning is most of a statement's cost (ten desks on logins, an
        office of own records: the server planned for 14 s and executed for 13 s of a
        minute). A read's temporary tables (the figures') are emptied by their reader and kept
        on the connection. A session that wrote (a test's scratch rows) is rolled back."""
        if self.db.is_sqlite or session.info.pop(_WROTE, False):
            session.rollback()
            return
        session.expunge_all()
        session.commit()

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reads only (still one transaction, for a consistent view)."""
        try:
            with self.db.sessions.begin() as session:
                if not self.db.is_sqlite:
                    session.autoflush = False
                yield session
                self._end_read(session)
        except DBAPIError as exc:
            raise storage_error(exc, self.db.display_name(), self.db.path) from exc
