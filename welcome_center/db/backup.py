"""Consistent online backups of a SQLite database through SQLite's backup API."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from welcome_center.db.engine import Database, remove_leftovers


def backup_to(db: Database, target: Path) -> Path:
    """Copy the live database to ``target`` (a new file), consistent even while it is in use.

    The copy is written under a temporary name beside ``target``, synced, and renamed only when
    complete: a full disk or a kill never leaves a half backup under the backup's name.
    """
    if not db.is_sqlite:
        raise ValueError("online backup is for SQLite; back up PostgreSQL with pg_dump")
    if target.exists():
        raise FileExistsError(str(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(target.parent, ".*.partial*")  # of backups killed long ago
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        with db.engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            assert isinstance(raw, sqlite3.Connection)
            dst = sqlite3.connect(partial)
            try:
                raw.backup(dst)
                dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            finally:
                dst.close()
        fd = os.open(partial, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(partial, target)
    finally:
        for leftover in (partial, Path(f"{partial}-journal")):
            leftover.unlink(missing_ok=True)
    return target
