"""The unit of work: one short session and one transaction per service call."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from welcome_center.db import name_keys, search, text_guard
from welcome_center.db.engine import Database
from welcome_center.db.failures import storage_error
from welcome_center.db.server_rights import FIGURES_SCHEMA


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
                session.execute(text(f"SET LOCAL search_path TO {FIGURES_SCHEMA}, public"))
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reads only (still one transaction, for a consistent view)."""
        try:
            with self.db.sessions.begin() as session:
                yield session
                session.rollback()
        except DBAPIError as exc:
            raise storage_error(exc, self.db.display_name(), self.db.path) from exc
