"""Consistent online backups of a SQLite database through SQLite's backup API."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from welcome_center.db.engine import Database


def backup_to(db: Database, target: Path) -> Path:
    """Copy the live database to ``target`` (a new file), consistent even while it is in use."""
    if not db.is_sqlite:
        raise ValueError("online backup is for SQLite; back up PostgreSQL with pg_dump")
    if target.exists():
        raise FileExistsError(str(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    with db.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert isinstance(raw, sqlite3.Connection)
        dst = sqlite3.connect(target)
        try:
            raw.backup(dst)
        finally:
            dst.close()
    return target
