"""Consistent online backups of a SQLite database through SQLite's backup API.

A backup of an encrypted database is encrypted with the same key, and its key file (the same
slots: every user's and the recovery key's) is written beside it first, so that the backup
opens as the database does: with a user's password, or with the recovery key.
"""

from __future__ import annotations

import os
from pathlib import Path

from welcome_center.db import cipher
from welcome_center.db.engine import Database, remove_leftovers
from welcome_center.db.keyring import key_file_path, write_key_file


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
    if db.keyring is not None:
        write_key_file(key_file_path(target), db.keyring.read())
    try:
        with db.engine.connect() as conn:
            raw = cipher.checked(conn.connection.dbapi_connection)
            dst = cipher.connect(partial, db.key)
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
    except BaseException:
        if db.keyring is not None:
            key_file_path(target).unlink(missing_ok=True)
        raise
    finally:
        for leftover in (partial, Path(f"{partial}-journal")):
            leftover.unlink(missing_ok=True)
    return target
