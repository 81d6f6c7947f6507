"""The unit of work: one short session and one transaction per service call."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from welcome_center.db import name_keys, search, text_guard
from welcome_center.db.engine import Database
from welcome_center.db.failures import storage_error
from welcome_center.db.server_rights import FIGURES_SCHEMA

_SNAPSHOT_ID = re.compile(r"[0-9A-Fa-f]+(-[0-9A-Fa-f]+)+")


def _through_figures(session: Session) -> None:
    """The transaction's unqualified table names looked up in the figures' views first."""
    session.execute(text(f"SET LOCAL search_path TO {FIGURES_SCHEMA}, public"))


class ConcurrentChangeError(Exception):
    """Someone else saved the same row between this transaction's read and its write, or took
    the same unique key at the same moment.

    The services' version checks catch the usual case with a message naming who; this is the
    rare race inside one save. Nothing of the transaction was saved."""


class UnitOfWork:
    """Hands out transactions on ``db``; the search index and the persons' name keys are
    brought up to date at each commit."""

    def __init__(self, db: Database) -> None:
        self.db = db
        search.track_changes(db.sessions)  # idempotent
        search.track_changes(db.writer)
        name_keys.track_changes(db.writer)  # persons' keys for the duplicate check
        text_guard.install()  # idempotent: every text set on a model is cleaned and checked

    @contextmanager
    def begin(self) -> Iterator[Session]:
        """A session in a transaction: committed when the block ends, rolled back on error."""
        try:
            with self.db.writer.begin() as session:
                yield session
                search.sync(session)
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
        The first job runs in the calling thread. On a file one after the other, in one read
        transaction."""
        if self.db.is_sqlite or len(jobs) < 2:
            with self.figures() if figures else self.read() as session:
                return [job(session) for job in jobs]
        with self._repeatable(figures) as lead:
            snapshot = str(lead.scalar(text("SELECT pg_export_snapshot()")))
            with ThreadPoolExecutor(max_workers=len(jobs) - 1) as pool:
                others = [pool.submit(self._on, snapshot, figures, job) for job in jobs[1:]]
                first = jobs[0](lead)
                return [first, *(other.result() for other in others)]

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
                yield session
                session.rollback()
        except DBAPIError as exc:
            raise storage_error(exc, self.db.display_name(), self.db.path) from exc

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reads only (still one transaction, for a consistent view)."""
        try:
            with self.db.sessions.begin() as session:
                yield session
                session.rollback()
        except DBAPIError as exc:
            raise storage_error(exc, self.db.display_name(), self.db.path) from exc
