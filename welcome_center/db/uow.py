"""The unit of work: one short session and one transaction per service call."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from welcome_center.db import search
from welcome_center.db.engine import Database


class UnitOfWork:
    """Hands out transactions on ``db``; the search index is brought up to date at each commit."""

    def __init__(self, db: Database) -> None:
        self.db = db
        search.track_changes(db.sessions)  # idempotent

    @contextmanager
    def begin(self) -> Iterator[Session]:
        """A session in a transaction: committed when the block ends, rolled back on error."""
        with self.db.sessions.begin() as session:
            yield session
            search.sync(session)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reads only (still one transaction, for a consistent view)."""
        with self.db.sessions.begin() as session:
            yield session
            session.rollback()
