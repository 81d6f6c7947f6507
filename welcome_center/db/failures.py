"""Storage failures in words: what a driver error means for the user, and what to do.

Every transaction of the unit of work, and the opening of a database, passes its driver errors
through :func:`storage_error`, so that the desk and the command line say the same thing in the
user's language (disk full, busy, read-only, file gone, I/O error, damaged, server away) and a
race on a unique key reads as a concurrent change, never as a traceback.
"""

from __future__ import annotations

import errno
import os
from enum import StrEnum
from pathlib import Path

from sqlalchemy.exc import DBAPIError, OperationalError

from welcome_center.domain.errors import StorageError
from welcome_center.i18n import _


class Failure(StrEnum):
    FULL = "disk_full"
    BUSY = "busy"
    READ_ONLY = "read_only"
    GONE = "gone"
    IO = "io_error"
    DAMAGED = "damaged"
    SERVER = "server"
    LOST = "connection_lost"  # the server connection broke off during the transaction
    TIMEOUT = "timeout"  # the server stopped a statement (statement_timeout)
    LOCK_TIMEOUT = "lock_timeout"  # a colleague's desk held what the save needed (lock_timeout)
    OTHER = "other"


# SQLite's primary result codes (https://sqlite.org/rescode.html).
_SQLITE = {
    5: Failure.BUSY,  # SQLITE_BUSY
    6: Failure.BUSY,  # SQLITE_LOCKED
    8: Failure.READ_ONLY,  # SQLITE_READONLY
    10: Failure.IO,  # SQLITE_IOERR
    11: Failure.DAMAGED,  # SQLITE_CORRUPT
    13: Failure.FULL,  # SQLITE_FULL
    14: Failure.GONE,  # SQLITE_CANTOPEN
    26: Failure.DAMAGED,  # SQLITE_NOTADB
}
_SQLITE_READONLY_DBMOVED = 1032  # the file was deleted or moved away while open
_SQLITE_IOERR_GONE = {10 | (13 << 8), 10 | (28 << 8)}  # IOERR_FSTAT, IOERR_DELETE_NOENT
# PostgreSQL SQLSTATE classes and codes.
_PG = {
    "53100": Failure.FULL,
    "25006": Failure.READ_ONLY,
    "55P03": Failure.LOCK_TIMEOUT,  # lock_not_available
    "40P01": Failure.LOCK_TIMEOUT,  # deadlock_detected: a colleague's desk held it, and waited
    "57014": Failure.TIMEOUT,  # query_canceled (statement_timeout)
    "57P01": Failure.LOST,  # admin_shutdown: the connection was ended (pg_terminate_backend)
    "57P02": Failure.LOST,  # crash_shutdown
}
_PG_CLASSES = {
    "08": Failure.SERVER,
    "53": Failure.FULL,
    "57": Failure.SERVER,
    "XX": Failure.DAMAGED,
}


def classify(exc: BaseException) -> Failure:
    """What kind of storage failure ``exc`` (a driver error, or SQLAlchemy's wrapper) is."""
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return Failure.LOST
    code = getattr(orig, "sqlite_errorcode", None)
    if isinstance(code, int):
        if code == _SQLITE_READONLY_DBMOVED or code in _SQLITE_IOERR_GONE:
            return Failure.GONE
        return _SQLITE.get(code & 0xFF, Failure.OTHER)
    state = getattr(orig, "sqlstate", None)
    if isinstance(state, str) and state:
        return _PG.get(state) or _PG_CLASSES.get(state[:2], Failure.OTHER)
    if isinstance(exc, OperationalError) and type(orig).__module__.startswith("psycopg"):
        return Failure.SERVER  # no SQLSTATE: the server was never reached (refused, no route)
    if isinstance(orig, OSError):
        return _os_failure(orig)
    if str(orig).startswith("Could not decode to UTF-8"):
        return Failure.DAMAGED  # Python's sqlite3 read bytes we never wrote: a damaged page
    return Failure.OTHER


def _os_failure(exc: OSError) -> Failure:
    return {
        errno.ENOSPC: Failure.FULL,
        errno.EDQUOT: Failure.FULL,
        errno.EROFS: Failure.READ_ONLY,
        errno.EACCES: Failure.READ_ONLY,
        errno.EPERM: Failure.READ_ONLY,
        errno.ENOENT: Failure.GONE,
        errno.ENODEV: Failure.GONE,
        errno.ENXIO: Failure.GONE,
        errno.EIO: Failure.IO,
    }.get(exc.errno or 0, Failure.IO)


def message(failure: Failure, where: str, detail: str = "") -> str:
    """What happened and what to do, in the user's language."""
    texts = {
        Failure.FULL: _(
            "The disk that holds the database (%(where)s) is full; nothing was saved. "
            "Free some space (empty the recycle bin, move old exports away), then save again."
        ),
        Failure.BUSY: _(
            "The database (%(where)s) is busy: another window or program is saving. "
            "Nothing was saved; wait a moment, then save again."
        ),
        Failure.READ_ONLY: _(
            "The database (%(where)s) cannot be written: the file or its folder is read-only. "
            "Nothing was saved. Ask whoever looks after this computer to allow writing there, "
            "then save again."
        ),
        Failure.GONE: _(
            "The database file (%(where)s) cannot be reached any more: was its drive removed or "
            "the file moved? Nothing was saved. Reconnect the drive and start the program again."
        ),
        Failure.IO: _(
            "The disk reported an error while reading or writing the database (%(where)s). "
            "Nothing was saved. Check the drive and try again; if it happens again, make a "
            "backup at once."
        ),
        Failure.DAMAGED: _(
            "The database (%(where)s) reports damage: %(detail)s. Nothing was saved. Do not "
            "delete the file or put a backup in its place: copy it (with its -wal file) to a "
            "safe place, then run 'welcome-center db check' to see what is affected."
        ),
        Failure.SERVER: _(
            "The database server (%(where)s) cannot be reached. Nothing was saved. Check the "
            "network connection, then try again."
        ),
        Failure.LOST: _(
            "The connection to the database server (%(where)s) was lost; nothing was saved. "
            "What you entered is still here: check the network, then save again (the program "
            "connects anew)."
        ),
        Failure.TIMEOUT: _(
            "The database server (%(where)s) took too long and stopped the action; nothing was "
            "saved. Try again in a moment; if it happens again, tell whoever looks after the "
            "server."
        ),
        Failure.LOCK_TIMEOUT: _(
            "Another desk is changing the same data on the database server (%(where)s) right "
            "now, and this save waited too long for it; nothing was saved. Save again in a "
            "moment."
        ),
        Failure.OTHER: _(
            "The database (%(where)s) refused the change: %(detail)s. Nothing was saved."
        ),
    }
    return texts[failure] % {"where": where, "detail": detail or "-"}


def storage_error(exc: BaseException, where: str, path: Path | None = None) -> StorageError:
    """The StorageError to raise for a driver error ``exc`` on the database ``where`` (the
    SQLite file ``path``, if any: SQLite cannot tell a vanished file from a read-only one)."""
    failure = classify(exc)
    if failure is Failure.GONE and path is not None and _read_only(path):
        failure = Failure.READ_ONLY
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    detail = str(orig).splitlines()[0] if str(orig) else type(orig).__name__
    return StorageError(message(failure, where, detail), kind=failure.value)


def _read_only(path: Path) -> bool:
    """The file is there, but it or its folder cannot be written (a read-only disk, a locked
    file): SQLite then cannot make its -wal and -shm files and says "unable to open"."""
    if not path.exists():
        return False
    return not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK)
