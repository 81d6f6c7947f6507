"""Erasure that reaches every copy of a SQLite database (DOMAIN.md, "Erasure reaches every
copy"): the live file, its ``-wal``, and the backups beside it.

- Every connection runs with ``secure_delete`` (db/engine.py): what is deleted or overwritten
  is zeroed in its page, not left in free space.
- After anonymising, :func:`compact` merges the full-text index (FTS5 keeps a deleted
  document's words in older segments until they are merged), copies the ``-wal`` into the file
  and truncates it (old page versions live there until a checkpoint), and rebuilds the file
  with ``VACUUM`` (pages freed before ``secure_delete`` was on, by an older version of the
  program, still hold old text), then truncates the ``-wal`` again.
- A backup is a self-contained file (journal mode DELETE). :func:`memory_copy` loads one into
  memory to anonymise it there; :func:`write_compacted` writes the result with
  ``VACUUM INTO`` (a fresh file: no free page, no old text) under a temporary name beside it and
  renames it over the backup. :func:`shred` overwrites a file with zeros before removing it.
"""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import StaticPool

from welcome_center.db import cipher
from welcome_center.db.engine import (
    BEGIN_OPTION,
    Database,
    _Begin,
    _sqlite_connect,
    remove_leftovers,
)
from welcome_center.db.keyring import key_file_path

CHECKPOINT_TRIES = 20
CHECKPOINT_WAIT_S = 0.25  # between tries, while another program still reads the old pages


@dataclass(frozen=True)
class Compacted:
    """What :func:`compact` did (on a server database: nothing)."""

    seconds: float = 0.0
    vacuumed: bool = False
    wal_truncated: bool = False


def optimize_search_index(db: Database) -> None:
    """Merge the FTS5 index into one segment, dropping deleted documents' words (SQLite)."""
    if not db.is_sqlite:
        return
    with db.writer.begin() as s:
        s.connection().exec_driver_sql(
            "INSERT INTO record_search(record_search) VALUES ('optimize')"
        )


def checkpoint(db: Database, tries: int = CHECKPOINT_TRIES) -> bool:
    """Copy the ``-wal`` into the database file and truncate it to zero bytes; True when done.
    Another program reading an old snapshot delays it: tried again for a few seconds (``tries``
    times; once where the caller does not wait, as after removing a document)."""
    if not db.is_sqlite:
        return True
    raw = db.engine.raw_connection()
    try:
        con = raw.driver_connection
        con = cipher.checked(con)
        for attempt in range(tries):
            busy, _log, _done = con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if not busy:
                return True
            if attempt + 1 < tries:
                time.sleep(CHECKPOINT_WAIT_S)
        return False
    finally:
        raw.close()


def vacuum(db: Database) -> None:
    """Rebuild the database file: no free page keeps old content (SQLite)."""
    if not db.is_sqlite:
        return
    raw = db.engine.raw_connection()
    try:
        con = raw.driver_connection
        con = cipher.checked(con)
        con.execute("VACUUM")  # the driver's transactions are off (engine.py): not in one
    finally:
        raw.close()


def compact(db: Database, *, full: bool = True) -> Compacted:
    """After content was erased: merge the search index, checkpoint and truncate the ``-wal``,
    ``VACUUM`` (with ``full``), and truncate the ``-wal`` again. Nothing on a server."""
    if not db.is_sqlite:
        return Compacted()
    start = time.perf_counter()
    optimize_search_index(db)
    truncated = checkpoint(db)
    if full:
        vacuum(db)
        truncated = checkpoint(db)
    return Compacted(time.perf_counter() - start, full, truncated)


# --- backups -------------------------------------------------------------------------------


def read_only(path: Path, key: bytes | None = None) -> cipher.RawConnection:
    """A read-only connection to a self-contained SQLite file (a backup), encrypted under
    ``key`` if given."""
    return cipher.connect(f"{path.absolute().as_uri()}?mode=ro", key, uri=True)


def schema_revision(path: Path, key: bytes | None = None) -> str | None:
    """The Alembic revision of a backup file (None if it has none or cannot be read)."""
    try:
        con = read_only(path, key)
        try:
            row = con.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            con.close()
    except cipher.ERRORS:
        return None
    return str(row[0]) if row else None


def identity(con: cipher.RawConnection) -> tuple[str, str] | None:
    """What tells copies of one database from another database's (the demonstration office's
    backups share the folder with the office's): its first user's name and creation time, which
    every copy keeps and no other database has. None without users."""
    try:
        row = con.execute(
            "SELECT username, CAST(created_at AS TEXT) FROM users ORDER BY id LIMIT 1"
        ).fetchone()
    except cipher.ERRORS:
        return None
    return (str(row[0]), str(row[1])) if row else None


def live_identity(db: Database) -> tuple[str, str] | None:
    """:func:`identity` of the open database (SQLite)."""
    raw = db.engine.raw_connection()
    try:
        con = raw.driver_connection
        con = cipher.checked(con)
        return identity(con)
    finally:
        raw.close()


def file_identity(path: Path, key: bytes | None = None) -> tuple[str, str] | None:
    """:func:`identity` of a backup file (None when it cannot be read)."""
    try:
        con = read_only(path, key)
    except cipher.ERRORS:
        return None
    try:
        return identity(con)
    finally:
        con.close()


def memory_copy(path: Path, key: bytes | None = None) -> Database:
    """The backup at ``path`` loaded into memory, opened as a Database (the file is only read).
    An encrypted backup's copy keeps its key: what :func:`write_compacted` writes of it is
    encrypted again. Dispose of it when done."""
    source = read_only(path, key)
    memory = cipher.connect(":memory:", key, check_same_thread=False)
    try:
        source.backup(memory)
    finally:
        source.close()
    module = {"module": cipher.SQLCIPHER} if key is not None else {}
    engine = create_engine("sqlite://", creator=lambda: memory, poolclass=StaticPool, **module)
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _Begin(None))
    writer = engine.execution_options(**{BEGIN_OPTION: "IMMEDIATE"})
    return Database(
        "sqlite://",
        engine,
        sessionmaker(engine, expire_on_commit=False),
        sessionmaker(writer, expire_on_commit=False),
    )


TEMP_SUFFIX = ".anonymising"


def write_compacted(db: Database, target: Path) -> None:
    """Write the in-memory database over ``target``: ``VACUUM INTO`` a temporary file beside it
    (a fresh file without free pages), synced, given ``target``'s times (backups keep their
    age), renamed over it. A failure leaves ``target`` as it was and no temporary file."""
    times = target.stat()
    remove_leftovers(target.parent, f".*{TEMP_SUFFIX}", max_age_s=3600)
    temp = target.with_name(f".{target.name}.{os.getpid()}{TEMP_SUFFIX}")
    temp.unlink(missing_ok=True)
    try:
        raw = db.engine.raw_connection()
        try:
            con = raw.driver_connection
            con = cipher.checked(con)
            con.execute("VACUUM INTO ?", (str(temp),))
        finally:
            raw.close()
        fd = os.open(temp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.utime(temp, ns=(times.st_atime_ns, times.st_mtime_ns))
        os.replace(temp, target)
    finally:
        with contextlib.suppress(OSError):
            temp.unlink()


def shred(path: Path) -> None:
    """Overwrite the file with zeros, sync, and remove it (the best a program can do: a copy-on-
    write file system or an SSD may still keep old blocks out of reach)."""
    try:
        size = path.stat().st_size
        with path.open("r+b") as f:
            block = b"\0" * (1 << 20)
            left = size
            while left > 0:
                n = min(left, len(block))
                f.write(block[:n])
                left -= n
            f.flush()
            os.fsync(f.fileno())
    finally:
        path.unlink(missing_ok=True)
    for side in (Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        side.unlink(missing_ok=True)
    key_file_path(path).unlink(missing_ok=True)  # an encrypted backup's slots
