"""SQLCipher: the same SQLite, every page encrypted under the database's data key.

An encrypted database is opened through ``sqlcipher3`` with the raw 256-bit key (no passphrase
derivation at every connection: the key slots did the slow part once). A plain database keeps the
standard ``sqlite3`` module. The functions here hide which of the two a connection belongs to.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher

__all__ = ["ERRORS", "FILE_ERRORS", "SQLCIPHER", "RawConnection", "checked", "connect"]

SQLCIPHER = sqlcipher  # the DB-API module of encrypted files (for SQLAlchemy's ``module=``)
# The driver errors of both modules (they share no base class), and with the file's own.
ERRORS = (sqlite3.Error, sqlcipher.Error)
FILE_ERRORS = (OSError, sqlite3.Error, sqlcipher.Error)
RawConnection = Any  # sqlite3.Connection or sqlcipher3's, which has the same interface

# SQLCipher writes its own error lines to standard error (a wrong key, say); the program says
# what went wrong in its own words.
sqlcipher.connect(":memory:").execute("PRAGMA cipher_log_level = NONE").close()


# SQLCipher's page cache is the only cache of decrypted pages: a page that falls out of it is read
# from the operating system's cache and decrypted, its HMAC checked, again, where a plain file's
# page costs a copy. With SQLite's default (8 MB here) a month's statistics or a broad search on
# 100,000 records took 2.5 to 3 times as long as on the plain file; with 64 MiB they are within
# 1.3 times (README, "Performance"). The memory is taken only as pages are read (the desk's peak
# at start is unchanged), and holds what any page of the open database shows anyway.
CACHE_PRAGMA = "cache_size = -65536"  # KiB: 64 MiB per connection of an encrypted database


def key_pragma(key: bytes) -> str:
    """``PRAGMA key`` with the raw key: SQLCipher uses it as it is, without PBKDF2."""
    return f"PRAGMA key = \"x'{key.hex()}'\""


def connect(target: str | Path, key: bytes | None, **kwargs: Any) -> RawConnection:
    """A connection to ``target`` (a path, or a URI with ``uri=True``): with ``key`` an
    encrypted one, else a plain ``sqlite3`` one. Nothing is read yet."""
    if key is None:
        return sqlite3.connect(target, **kwargs)
    con = sqlcipher.connect(str(target), **kwargs)
    con.execute(key_pragma(key))
    return con


def is_connection(con: object) -> bool:
    return isinstance(con, sqlite3.Connection | sqlcipher.Connection)


def checked(con: object) -> RawConnection:
    """``con``, asserted to be a SQLite connection of either module."""
    assert is_connection(con), type(con)
    return con


def export_encrypted(source: RawConnection, target: Path, key: bytes, application_id: int) -> None:
    """Write the database of ``source`` (an ``sqlcipher3`` connection, plain or keyed) into
    the new file ``target``, encrypted under ``key``: a fresh file, without free pages."""
    source.execute("ATTACH DATABASE ? AS encrypted KEY ?", (str(target), _key_literal(key)))
    try:
        source.execute("SELECT sqlcipher_export('encrypted')")
        source.execute(f"PRAGMA encrypted.application_id = {int(application_id)}")
        version = int(source.execute("PRAGMA main.user_version").fetchone()[0])
        source.execute(f"PRAGMA encrypted.user_version = {version}")
    finally:
        source.execute("DETACH DATABASE encrypted")


def _key_literal(key: bytes) -> str:
    return f"x'{key.hex()}'"


def plain_module_connect(target: str | Path, **kwargs: Any) -> RawConnection:
    """An ``sqlcipher3`` connection without a key: reads a plain file, and can export it."""
    return sqlcipher.connect(str(target), **kwargs)
