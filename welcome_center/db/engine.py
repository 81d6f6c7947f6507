"""Opening a database: refusing files that are not ours, pragmas, ``application_id``.

A file that is not ours (a picture, another program's SQLite, a truncated file) is refused
before SQLite opens it for writing, so it stays byte for byte as it was.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

# "WCD1": marks our SQLite files (PRAGMA application_id).
APPLICATION_ID = 0x57434431
_SQLITE_MAGIC = b"SQLite format 3\x00"
_NETWORK_FS = {"nfs", "nfs4", "cifs", "smbfs", "smb3", "fuse.sshfs", "sshfs", "9p", "afs", "davfs"}


class Refusal(StrEnum):
    """Why a database file was refused; the services turn it into a message."""

    NOT_SQLITE = "not_sqlite"
    FOREIGN_SQLITE = "foreign_sqlite"
    TRUNCATED = "truncated"
    NEWER_SCHEMA = "newer_schema"
    NETWORK_SHARE = "network_share"
    UNREADABLE = "unreadable"
    MISSING = "missing"


class DatabaseRefusedError(Exception):
    """The database at ``location`` is not one this program may open."""

    def __init__(self, reason: Refusal, location: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {location} {detail}".strip())
        self.reason = reason
        self.location = location
        self.detail = detail


@dataclass(frozen=True)
class Database:
    """An opened database: the engine and the factory for short sessions."""

    url: str
    engine: Engine
    sessions: sessionmaker[Session]

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def path(self) -> Path | None:
        """The SQLite file, or None for a server database."""
        return sqlite_path(self.url)

    def display_name(self) -> str:
        """Where the data lives, without a password."""
        return str(self.path) if self.path else make_url(self.url).render_as_string()

    def dispose(self) -> None:
        self.engine.dispose()


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (None for memory or a server)."""
    u = make_url(url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


def url_for_path(path: Path) -> str:
    """The SQLAlchemy URL of a SQLite file."""
    return f"sqlite:///{path}"


def check_sqlite_file(path: Path) -> bool:
    """Refuse a file that is not an intact database of ours. Reads the header only.

    Returns True when the file is new (missing or empty) and may be created.
    """
    if is_on_network_share(path):
        raise DatabaseRefusedError(Refusal.NETWORK_SHARE, str(path))
    if not path.exists() or path.stat().st_size == 0:
        return True
    try:
        with path.open("rb") as f:
            header = f.read(100)
    except OSError as exc:
        raise DatabaseRefusedError(Refusal.UNREADABLE, str(path), str(exc)) from exc
    if len(header) < 100 or not header.startswith(_SQLITE_MAGIC):
        raise DatabaseRefusedError(Refusal.NOT_SQLITE, str(path))
    page_size = struct.unpack(">H", header[16:18])[0]
    page_size = 65536 if page_size == 1 else page_size
    change_counter, page_count = struct.unpack(">II", header[24:32])
    valid_for = struct.unpack(">I", header[92:96])[0]
    if valid_for == change_counter and page_count * page_size > path.stat().st_size:
        raise DatabaseRefusedError(Refusal.TRUNCATED, str(path))
    app_id = struct.unpack(">I", header[68:72])[0]
    if app_id != APPLICATION_ID:
        raise DatabaseRefusedError(Refusal.FOREIGN_SQLITE, str(path))
    return False


def is_on_network_share(path: Path) -> bool:
    """Whether ``path`` lies on a network file system (SQLite's locking is unsafe there)."""
    text = str(path)
    if text.startswith(("\\\\", "//")):
        return True
    mounts = Path("/proc/mounts")
    if not mounts.exists():
        return False
    target = os.path.realpath(path.parent if not path.exists() else path)
    best, best_fs = "", ""
    for line in mounts.read_text(errors="replace").splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        mount_point = parts[1].replace("\\040", " ")
        if (target == mount_point or target.startswith(mount_point.rstrip("/") + "/")) and len(
            mount_point
        ) > len(best):
            best, best_fs = mount_point, parts[2]
    return best_fs in _NETWORK_FS


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    for pragma in (
        "foreign_keys=ON",
        "journal_mode=WAL",
        "synchronous=NORMAL",
        "busy_timeout=5000",
    ):
        cur.execute(f"PRAGMA {pragma}")
    cur.close()


def make_engine(url: str) -> Engine:
    """An engine with our pragmas on every SQLite connection."""
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def open_engine(url: str, create: bool = True) -> Database:
    """Check the file (SQLite), connect, and mark a new SQLite file as ours.

    Raises DatabaseRefusedError for a file that is not ours; the file is not touched then.
    With ``create=False`` a missing file is refused instead of created.
    """
    path = sqlite_path(url)
    if path is not None:
        is_new = check_sqlite_file(path)
        if is_new and not create:
            raise DatabaseRefusedError(Refusal.MISSING, str(path))
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = make_engine(url)
        if is_new:
            with engine.connect() as conn:
                conn.exec_driver_sql(f"PRAGMA application_id={APPLICATION_ID}")
                conn.commit()
    else:
        engine = make_engine(url)
    return Database(url, engine, sessionmaker(engine, expire_on_commit=False))
