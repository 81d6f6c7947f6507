"""Opening a database: refusing files that are not ours, pragmas, ``application_id``.

A file that is not ours (a picture, another program's SQLite) is refused before SQLite opens it
for writing, so it stays byte for byte as it was. Our files are marked at creation in a way that
survives a crash (the mark is in the main file before the file gets its name); the raw header is
read only to recognise whose file it is: whether an intact database of ours is damaged is for
SQLite to say, reading the file together with its ``-wal``.

Transactions on SQLite: the driver's own transaction handling is switched off (it would start a
transaction only before INSERT/UPDATE/DELETE, so reads ran outside it and DDL committed at once).
Every transaction begins with an explicit ``BEGIN``; a unit of work that writes begins with
``BEGIN IMMEDIATE``, taking the write lock before it reads what it will change (the next record
number, say), and a migration is one real transaction.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import struct
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from welcome_center.db import cipher, liveness
from welcome_center.db.keyring import Keyring, key_file_path
from welcome_center.db.wal import wal_first_page as wal_first_page  # re-exported
from welcome_center.db.wal import wal_path as wal_path  # re-exported

# "WCD1": marks our SQLite files (PRAGMA application_id).
APPLICATION_ID = 0x57434431
_SQLITE_MAGIC = b"SQLite format 3\x00"
_NETWORK_FS = {"nfs", "nfs4", "cifs", "smbfs", "smb3", "fuse.sshfs", "sshfs", "9p", "afs", "davfs"}


class Refusal(StrEnum):
    """Why a database file was refused; the services turn it into a message."""

    NOT_SQLITE = "not_sqlite"  # not SQLite, or an encrypted file without its key file
    LOCKED = "locked"  # encrypted: needs a user's password (or the recovery key) to open
    WRONG_KEY = "wrong_key"  # the key file beside it opens another database
    FOREIGN_SQLITE = "foreign_sqlite"
    DAMAGED = "damaged"
    NEWER_SCHEMA = "newer_schema"
    NETWORK_SHARE = "network_share"
    UNREADABLE = "unreadable"
    MISSING = "missing"
    UNWRITABLE = "unwritable"  # a new database could not be made there
    OLD_SQLITE = "old_sqlite"  # Python's SQLite is older than MIN_SQLITE (detail: its version)
    NOT_UTF8 = "not_utf8"  # a server database that stores text in another encoding (detail)


class DatabaseRefusedError(Exception):
    """The database at ``location`` is not one this program may open."""

    def __init__(self, reason: Refusal, location: str, detail: str = "") -> None:
        # The detail is shown to the user (SQLite's own words about damage, say).
        super().__init__(f"{reason}: {location} {detail}".strip())
        self.reason = reason
        self.location = location
        self.detail = detail


@dataclass(frozen=True)
class Database:
    """An opened database: the engine and the factory for short sessions."""

    url: str
    engine: Engine
    sessions: sessionmaker[Session]  # reads: a deferred transaction
    writer: sessionmaker[Session]  # writes: takes the write lock at BEGIN (SQLite)
    keyring: Keyring | None = None  # an encrypted SQLite file's data key and key file

    @property
    def is_encrypted(self) -> bool:
        return self.keyring is not None

    def update_execution_options(self, **options: object) -> None:
        """Set execution options on both the readers' and the writers' engine (the writers'
        is a copy of the engine's options made when the database was opened)."""
        self.engine.update_execution_options(**options)
        self.writer.kw["bind"].update_execution_options(**options)

    @property
    def key(self) -> bytes | None:
        """The data key of an encrypted file (None for a plain file or a server)."""
        return self.keyring.data_key if self.keyring is not None else None

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def path(self) -> Path | None:
        """The SQLite file, or None for a server database."""
        return sqlite_path(self.url)

    def display_name(self) -> str:
        """Where the data lives, without a password."""
        return display_location(self.url)

    def dispose(self) -> None:
        self.engine.dispose()


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (None for memory or a server)."""
    u = make_url(url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


def display_location(url: str) -> str:
    """Where a database is or will be, for the user: a file, or a server without password."""
    path = sqlite_path(url)
    return str(path) if path else make_url(url).render_as_string()


def url_for_path(path: Path) -> str:
    """The SQLAlchemy URL of a SQLite file."""
    return f"sqlite:///{path}"


def check_sqlite_file(path: Path) -> bool:
    """Refuse a file that is not an intact database of ours; reads, never writes.

    Returns True when there is no database yet (no file, or an empty one with no journal of
    ours beside it): only :func:`create_sqlite_file` may then make one.
    """
    if is_on_network_share(path):
        raise DatabaseRefusedError(Refusal.NETWORK_SHARE, str(path))
    try:
        size = path.stat().st_size if path.exists() else -1
        if size <= 0:
            wal_page = wal_first_page(path)
            if wal_page is None:
                return True
            _require_ours(wal_page, path)  # an empty file whose first session was killed
            return False
        with path.open("rb") as f:
            header = f.read(100)
        # The -wal is read (checksums and all: a tenth of a second for a few MB) only where the
        # main file's header cannot answer alone, never on an ordinary start.
        if len(header) < 100 or not header.startswith(_SQLITE_MAGIC):
            if key_file_path(path).is_file():
                return False  # encrypted: whether it is ours, its key tells (open_engine)
            raise DatabaseRefusedError(Refusal.NOT_SQLITE, str(path))
        if _application_id(header) != APPLICATION_ID:
            # The mark may so far be only in the -wal (a first session killed before SQLite's
            # first checkpoint, by a version that marked the file inside the WAL).
            _require_ours(wal_first_page(path), path)
        if _header_says_longer(header, size) and wal_first_page(path) is None:
            _require_intact(path)
    except OSError as exc:
        raise DatabaseRefusedError(Refusal.UNREADABLE, str(path), exc.strerror or "") from exc
    return False


def is_encrypted_file(path: Path) -> bool:
    """Whether ``path`` is an encrypted database with its key file (reads 16 bytes)."""
    try:
        with path.open("rb") as f:
            start = f.read(16)
    except OSError:
        return False
    return bool(start) and start != _SQLITE_MAGIC and key_file_path(path).is_file()


def _application_id(header: bytes) -> int:
    return int(struct.unpack(">I", header[68:72])[0])


def _require_ours(page: bytes | None, path: Path) -> None:
    if (
        page is None
        or not page.startswith(_SQLITE_MAGIC)
        or _application_id(page) != APPLICATION_ID
    ):
        raise DatabaseRefusedError(Refusal.FOREIGN_SQLITE, str(path))


def _header_says_longer(header: bytes, size: int) -> bool:
    page_size = struct.unpack(">H", header[16:18])[0]
    page_size = 65536 if page_size == 1 else page_size
    change_counter, page_count = struct.unpack(">II", header[24:32])
    valid_for = struct.unpack(">I", header[92:96])[0]
    return bool(valid_for == change_counter and page_count * page_size > size)


def _require_intact(path: Path) -> None:
    """The header promises more pages than the file has, and no -wal holds them: let SQLite
    judge, read-only (``immutable``: no lock, no journal, nothing written)."""
    problems = integrity_problems(path, quick=True)
    if problems:
        raise DatabaseRefusedError(Refusal.DAMAGED, str(path), "; ".join(problems[:3]))


def integrity_problems(path: Path, quick: bool = False) -> list[str]:
    """SQLite's own check of a file without a -wal, read-only; [] when it is intact."""
    uri = f"{path.absolute().as_uri()}?immutable=1"
    try:
        con = sqlite3.connect(uri, uri=True)
        try:
            pragma = "quick_check" if quick else "integrity_check"
            rows = [str(r[0]) for r in con.execute(f"PRAGMA {pragma}")]
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    return [] if rows == ["ok"] else rows


def create_sqlite_file(path: Path, key: bytes | None = None) -> None:
    """Make a new, empty database file of ours at ``path`` (missing or empty), crash-safely;
    with ``key`` an encrypted one (its key file must be written first).

    The file is made under a temporary name with the application id written and synced, and
    only then renamed: whenever the program finds a file under the name, it carries our mark.
    """
    if check_sqlite_file(path) is False:
        raise FileExistsError(str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in (wal_path(path), Path(f"{path}-shm")):
        stale.unlink(missing_ok=True)  # no committed frame of ours (check_sqlite_file said so)
    remove_leftovers(path.parent, f".{path.name}.*.new*")
    temp = path.with_name(f".{path.name}.{os.getpid()}.new")
    try:
        con = cipher.connect(temp, key, isolation_level=None)
        try:
            con.execute("PRAGMA journal_mode=DELETE")
            con.execute(f"PRAGMA application_id={APPLICATION_ID}")
        finally:
            con.close()
        _fsync(temp)
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)
        Path(f"{temp}-journal").unlink(missing_ok=True)
    _fsync_dir(path.parent)


LEFTOVER_AGE_S = 24 * 3600


def remove_leftovers(folder: Path, pattern: str, max_age_s: float = LEFTOVER_AGE_S) -> None:
    """Remove temporary files (``pattern``) that a killed run left in ``folder`` and that are
    older than ``max_age_s``: younger ones may belong to a program working right now."""
    if not folder.is_dir():
        return
    limit = time.time() - max_age_s
    for leftover in folder.glob(pattern):
        try:
            if leftover.stat().st_mtime < limit:
                leftover.unlink()
        except OSError:
            pass  # gone meanwhile, or not ours to remove


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return  # Windows makes a rename durable itself and cannot open a folder
    _fsync(folder)


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


# How long a SQLite connection waits for another's write lock before it gives up.
BUSY_TIMEOUT_MS = 5_000


def _sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
    # Transactions are begun by _sqlite_begin, not by the driver (see the module docstring).
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    for pragma in (
        "foreign_keys=ON",
        "journal_mode=WAL",
        "synchronous=NORMAL",
        f"busy_timeout={BUSY_TIMEOUT_MS}",
        # Deleted and overwritten content is zeroed, not left in free space (DOMAIN.md,
        # "Erasure reaches every copy"; the retention run relies on it).
        "secure_delete=ON",
    ):
        cur.execute(f"PRAGMA {pragma}")
    if isinstance(dbapi_conn, cipher.SQLCIPHER.Connection):
        cur.execute(f"PRAGMA {cipher.CACHE_PRAGMA}")  # its decrypted pages (see there)
    cur.close()


BEGIN_OPTION = "welcome_center_begin"


class _Begin:
    """Begins SQLite transactions. Before a write it makes sure that the file is still the one
    that was opened: in WAL mode SQLite goes on writing into a file that was deleted or moved
    away meanwhile (a pulled drive, a clean-up), and every later save would be lost with it."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.identity = _identity(path) if path is not None else None

    def __call__(self, conn: Connection) -> None:
        immediate = conn.get_execution_options().get(BEGIN_OPTION) == "IMMEDIATE"
        if immediate and self.path is not None:
            try:
                now = _identity(self.path)
            except FileNotFoundError:
                now = None
            if now != self.identity:
                raise FileNotFoundError(errno.ENOENT, "the database file is gone", str(self.path))
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN DEFERRED")


def _identity(path: Path) -> tuple[int, int] | None:
    if not path.exists():
        return None
    st = path.stat()
    return st.st_dev, st.st_ino


# On a server, how long one statement may run, and how long a save waits for a row or table that
# another desk holds, before the server stops it (the transaction then rolls back and the user is
# told; db/failures.py). Milliseconds; 0 switches one off.
STATEMENT_TIMEOUT_MS = 15_000
LOCK_TIMEOUT_MS = 5_000
ENV_STATEMENT_TIMEOUT = "WELCOME_CENTER_PG_STATEMENT_TIMEOUT_MS"
ENV_LOCK_TIMEOUT = "WELCOME_CENTER_PG_LOCK_TIMEOUT_MS"


def _milliseconds(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value.isdigit() else default


def server_options() -> str:
    """libpq's ``options`` for every connection to a server, set once when the connection is
    made (no round trip per transaction): the statement and lock timeouts, and no JIT
    compilation. The server compiles a statement it estimates dear (the year's figures at
    300,000 records) to machine code first, which took longer than it saved for every
    statement of ours: the year's XLSX took 2.3 to 2.8 s with it and 1.8 to 2.2 s without
    (medians of five, in turns); the month's statements stay below its threshold."""
    statement = _milliseconds(ENV_STATEMENT_TIMEOUT, STATEMENT_TIMEOUT_MS)
    lock = _milliseconds(ENV_LOCK_TIMEOUT, LOCK_TIMEOUT_MS)
    return f"-c statement_timeout={statement} -c lock_timeout={lock} -c jit=off"


@contextmanager
def planned_each_time(conn: Connection) -> Iterator[None]:
    """Statements on ``conn`` (a server's) planned for their own values each time, for reads
    whose best plan depends on them (a search's words and window). psycopg prepares a statement
    on the server from its fifth run on, and the server then plans it once for any values (a
    generic plan) when that looks no dearer than its plans so far: a search's walk along the
    newest records took 20 ms instead of 10 for a common word at 100,000 records, so that
    search on the server was 1.7 x the file's p95 instead of 1.2 to 1.4 x. Only here, with no
    round trip (the driver's own setting): the saves and the import keep their prepared plans
    (every statement planned anew made an import of 10,000 rows 28 per cent slower)."""
    driver: Any = conn.connection.dbapi_connection
    threshold = getattr(driver, "prepare_threshold", None)
    if threshold is None:  # a file's connection, or preparing is off already
        yield
        return
    driver.prepare_threshold = None  # not prepared: the server plans it with its values
    try:
        yield
    finally:
        driver.prepare_threshold = threshold


# Every new record takes its number with UPDATE ... RETURNING (services/numbering.py), which
# SQLite has from 3.35 on. The bundled SQLCipher is newer; Python's sqlite3 may not be.
MIN_SQLITE = (3, 35, 0)


def require_recent_sqlite(location: str) -> None:
    """Refuse (OLD_SQLITE) to open a plain SQLite database with a library too old for the
    program's statements: saving the first record would fail otherwise, after the user typed it."""
    if tuple(sqlite3.sqlite_version_info) < MIN_SQLITE:
        raise DatabaseRefusedError(Refusal.OLD_SQLITE, location, sqlite3.sqlite_version)


def require_utf8(db: Database) -> None:
    """Refuse (NOT_UTF8) a server database whose encoding is not UTF-8: names in any script
    are stored, and the migrations' own text (bullets, dashes) fails in LATIN1 with a driver's
    encoding error. Nothing is changed before this check."""
    if db.engine.dialect.name != "postgresql":
        return
    with db.engine.connect() as conn:
        encoding = str(conn.exec_driver_sql("SHOW server_encoding").scalar() or "")
    if encoding.upper().replace("-", "") != "UTF8":
        raise DatabaseRefusedError(Refusal.NOT_UTF8, db.display_name(), encoding)


def make_engine(url: str, key: bytes | None = None) -> Engine:
    """An engine with our pragmas and explicit transactions on every SQLite connection; with
    ``key``, SQLCipher connections opened with that key."""
    if key is not None:
        path = sqlite_path(url)
        assert path is not None, "only a SQLite file is encrypted by the program"
        engine = create_engine(
            url,
            module=cipher.SQLCIPHER,
            creator=lambda: cipher.connect(path, key, check_same_thread=False),
        )
    elif make_url(url).get_backend_name() == "postgresql":
        engine = create_engine(url, connect_args={"options": server_options()})
        # The first action after a lost connection gets a new one, without SQLAlchemy's
        # pre-ping round trip on every checkout (db/liveness.py).
        liveness.install(engine)
    else:
        engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _Begin(sqlite_path(url)))
    return engine


def open_engine(url: str, create: bool = False, keyring: Keyring | None = None) -> Database:
    """Check the file (SQLite) and connect; an encrypted file with its ``keyring``.

    Raises DatabaseRefusedError for a file that is not ours (the file is not touched then), for
    an encrypted one without its key (LOCKED) or with another database's (WRONG_KEY), and for a
    missing or empty one unless ``create`` is true: then a new file is made and marked,
    encrypted when a ``keyring`` is given (its key file written already).
    """
    path = sqlite_path(url)
    key = keyring.data_key if keyring is not None else None
    if path is not None:
        is_new = check_sqlite_file(path)
        if is_new:
            if not create:
                raise DatabaseRefusedError(Refusal.MISSING, str(path))
            if key is None:
                require_recent_sqlite(str(path))
            try:
                create_sqlite_file(path, key)
            except OSError as exc:
                raise DatabaseRefusedError(
                    Refusal.UNWRITABLE, str(path), exc.strerror or str(exc)
                ) from exc
        elif is_encrypted_file(path):
            if key is None:
                raise DatabaseRefusedError(Refusal.LOCKED, str(path))
            require_key_opens(path, key)
        elif key is not None:
            keyring = key = None  # a plain file: its key file (if any) has nothing to open
    if key is None and make_url(url).get_backend_name() == "sqlite":
        require_recent_sqlite(display_location(url))
    engine = make_engine(url, key)
    writer = engine.execution_options(**{BEGIN_OPTION: "IMMEDIATE"})
    return Database(
        url,
        engine,
        sessionmaker(engine, expire_on_commit=False),
        sessionmaker(writer, expire_on_commit=False),
        keyring,
    )


def require_key_opens(path: Path, key: bytes) -> None:
    """Refuse (WRONG_KEY) an encrypted file that ``key`` does not open as a database of ours.

    Reads the main file only (``immutable``): an ordinary connection would open the ``-wal``
    beside it, make a ``-shm``, and on closing copy the ``-wal`` into the file and remove it,
    even when the key turned out wrong. The mark is in the main file from its creation on."""
    try:
        con = cipher.connect(f"{path.absolute().as_uri()}?immutable=1", key, uri=True)
        try:
            (app_id,) = con.execute("PRAGMA application_id").fetchone()
        finally:
            con.close()
    except cipher.ERRORS as exc:
        raise DatabaseRefusedError(Refusal.WRONG_KEY, str(path), str(exc)) from exc
    if app_id != APPLICATION_ID:
        raise DatabaseRefusedError(Refusal.FOREIGN_SQLITE, str(path))
