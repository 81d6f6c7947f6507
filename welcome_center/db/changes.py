"""Desks see each other: what another program saved in the same database, as it happens.

Every save writes audit entries (services/audit_chain.py), and they name what changed: the
action, the entity (``record``, ``person``, ...) and its id. So the entries are what a desk
learns, on both engines through the engine's own means:

- **PostgreSQL**: the transaction that writes the entries also sends
  ``NOTIFY welcome_center_changes`` with them as its payload (:func:`announce`); the server
  delivers it at the commit, and only then, to every connection that listens. A watcher holds
  one such connection in a background thread (:class:`ServerWatcher`).
- **SQLite**: no messages between processes, but ``PRAGMA data_version`` on a connection of its
  own changes whenever another connection committed. The watcher polls it (a read of the WAL
  index, no disk access), and when it changed reads the audit entries after the last one it saw
  (:class:`FileWatcher`).

A program's own saves are its own business (it already refreshed its windows): the watcher
leaves them out, by the payload's origin on a server and by the entries' ids on a file.
Reading actions (a record opened, a search) are audited too, but change nothing: they are never
announced. The watcher's thread only queues what it found; the caller takes it with
:meth:`Watcher.take` on its own thread.
"""

from __future__ import annotations

import contextlib
import json
import queue
import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from welcome_center.db.engine import Database
from welcome_center.domain.audit import AuditAction

CHANNEL = "welcome_center_changes"
# PostgreSQL refuses a payload of 8000 bytes or more; a bigger change is announced as "much".
_PAYLOAD_LIMIT = 7_000
# At most this many entries are read from a file at once; more mean "much changed".
_READ_LIMIT = 2_000

QUIET_ACTIONS = frozenset(
    {
        AuditAction.READ,
        AuditAction.SEARCH,
        AuditAction.EXPORT,
        AuditAction.EXPORT_LIST,
        AuditAction.ACCESS_EXPORT,
        AuditAction.CLIENT_SUMMARY,
        AuditAction.REFERRAL_NOTE,
        AuditAction.READ_DOCUMENT,
        AuditAction.LOGIN,
        AuditAction.LOGIN_FAILED,
        AuditAction.BACKUP,
    }
)
"""Audited, but nothing another desk shows changes."""


@dataclass(frozen=True)
class Touched:
    """One thing another program changed: an audit entry's action, entity and entity id."""

    action: str
    entity: str
    entity_id: int | None


@dataclass(frozen=True)
class Noticed:
    """What a watcher found since it was last asked: the things changed, or ``much`` when
    there were too many to name (an import, a restore): then everything may have changed."""

    touched: tuple[Touched, ...] = ()
    much: bool = False


# -- the writing side --------------------------------------------------------------------------

_ORIGINS: WeakKeyDictionary[Any, str] = WeakKeyDictionary()
_OWN_IDS: WeakKeyDictionary[Any, set[int]] = WeakKeyDictionary()  # only while watched
_WATCHERS: WeakKeyDictionary[Any, int] = WeakKeyDictionary()
_LOCK = threading.Lock()
_WRITTEN = "changes_written_ids"


def _pool_of(bind: Any) -> Any:
    return bind.pool  # an engine with options shares its parent's pool


def origin_of(pool: Any) -> str:
    """This program's name for its connections to a database (a payload's ``o``)."""
    with _LOCK:
        token = _ORIGINS.get(pool)
        if token is None:
            token = _ORIGINS[pool] = uuid.uuid4().hex
        return token


def notice(session: Session, entries: Sequence[tuple[str, str, int | None]]) -> str | None:
    """On a server, the NOTIFY payload of the entries (action, entity, entity id) that
    ``session``'s transaction writes; None on a file or when none of them is worth telling."""
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        return None
    items = [[action, entity, entity_id] for action, entity, entity_id in entries
             if action not in QUIET_ACTIONS]  # fmt: skip
    if not items:
        return None
    origin = origin_of(_pool_of(bind))
    payload = json.dumps({"o": origin, "e": items}, separators=(",", ":"))
    if len(payload.encode()) > _PAYLOAD_LIMIT:
        payload = json.dumps({"o": origin, "much": True})
    return payload


def announce(session: Session, payload: str | None) -> None:
    """NOTIFY ``payload`` (:func:`notice`) in ``session``'s transaction: delivered at its
    commit, never after a rollback. The audit chain sends it in the same call that appends the
    entries where it can (one round trip fewer); this is for the other cases."""
    if payload is not None:
        session.execute(select(func.pg_notify(CHANNEL, payload)))


def written(session: Session, ids: Sequence[int]) -> None:
    """On a file, the ids of the audit entries ``session``'s transaction writes: this
    program's own from now on (the write lock of BEGIN IMMEDIATE keeps them from anyone else,
    and a watcher may read them the moment the commit ends; a rollback gives them back)."""
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        return
    with _LOCK:
        own = _OWN_IDS.get(_pool_of(bind))
        if own is None:
            return  # nobody watches this database here (the command line, a test)
        own.update(ids)
    session.info.setdefault(_WRITTEN, []).extend(ids)


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    session.info.pop(_WRITTEN, None)


@event.listens_for(Session, "after_rollback")
def _rolled_back(session: Session) -> None:
    ids = session.info.pop(_WRITTEN, None)
    if ids:  # not written after all: the same ids may be another program's next entries
        with _LOCK:
            _OWN_IDS.get(_pool_of(session.get_bind()), set()).difference_update(ids)


def _take_own(pool: Any, ids: Sequence[int]) -> set[int]:
    """Which of ``ids`` this program wrote (forgotten once seen: ids are not used twice)."""
    with _LOCK:
        own = _OWN_IDS.get(pool)
        if not own:
            return set()
        mine = own.intersection(ids)
        own.difference_update(mine)
        if ids:
            own.difference_update({i for i in own if i < min(ids)})  # seen by now
        return mine


# -- the watching side -------------------------------------------------------------------------


class Watcher:
    """A background thread that notices other programs' saves; :meth:`take` collects them."""

    def __init__(self, db: Database, interval: float) -> None:
        self.db = db
        self.interval = interval
        self._found: queue.SimpleQueue[Noticed] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._news = threading.Event()  # set while something waits to be taken
        self._thread: threading.Thread | None = None
        self.failure: str = ""  # the last error of the thread (the desk goes on without it)

    def start(self) -> None:
        """Connect and take the current state as seen (raises if the database cannot be
        reached), then watch in a daemon thread."""
        self._open()
        self._thread = threading.Thread(target=self._run, name="change-watcher", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """End the thread (within one interval) and close its connection."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def take(self) -> Noticed | None:
        """Everything noticed since the last call, merged; None when nothing was."""
        found: list[Noticed] = []
        self._news.clear()
        while True:
            try:
                found.append(self._found.get_nowait())
            except queue.Empty:
                break
        if not found:
            return None
        return Noticed(tuple(t for n in found for t in n.touched), much=any(n.much for n in found))

    def wait(self, timeout: float) -> bool:
        """Wait until something was noticed (or ``timeout`` seconds passed): for tests and
        for callers without a timer."""
        return self._news.wait(timeout)

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                try:
                    found = self._poll()
                except Exception as exc:  # a lost server, a file gone: try again next time
                    self.failure = str(exc)
                    self._stop.wait(self.interval)
                    self._reopen()
                    continue
                if found is not None and (found.touched or found.much):
                    self._found.put(found)
                    self._news.set()
        finally:
            self._close()

    def _open(self) -> None:
        raise NotImplementedError

    def _reopen(self) -> None:
        with contextlib.suppress(Exception):  # a connection already gone
            self._close()
        try:
            self._open()
        except Exception as exc:
            self.failure = str(exc)
            return
        self.failure = ""
        self._reopened()

    def _reopened(self) -> None:
        """Watching again after a lost connection."""

    def _poll(self) -> Noticed | None:
        raise NotImplementedError

    def _close(self) -> None:
        raise NotImplementedError

    def _raw(self) -> Any:
        """A connection of the engine's own making (its key, pragmas and credentials), taken
        out of its pool for good."""
        fairy = self.db.engine.raw_connection()
        con = fairy.driver_connection
        fairy.detach()
        return con


class FileWatcher(Watcher):
    """SQLite: ``PRAGMA data_version`` every ``interval`` seconds, then the new audit entries."""

    _con: Any = None
    _version: int = 0
    _last_id: int = 0

    def start(self) -> None:
        pool = _pool_of(self.db.engine)
        with _LOCK:  # from now on this program's entries are told apart from the others'
            _OWN_IDS.setdefault(pool, set())
            _WATCHERS[pool] = _WATCHERS.get(pool, 0) + 1
        try:
            super().start()
        except Exception:
            self._unwatch(pool)
            raise

    def stop(self, timeout: float = 5.0) -> None:
        was_started = self._thread is not None
        super().stop(timeout)
        if was_started:
            self._unwatch(_pool_of(self.db.engine))

    @staticmethod
    def _unwatch(pool: Any) -> None:
        with _LOCK:
            left = _WATCHERS.get(pool, 1) - 1
            if left <= 0:
                _WATCHERS.pop(pool, None)
                _OWN_IDS.pop(pool, None)
            else:
                _WATCHERS[pool] = left

    def _open(self) -> None:
        self._con = self._raw()
        self._version = self._data_version()
        row = self._con.execute("SELECT max(id) FROM audit_log").fetchone()
        self._last_id = int(row[0] or 0) if self._last_id == 0 else self._last_id

    def _data_version(self) -> int:
        return int(self._con.execute("PRAGMA data_version").fetchone()[0])

    def _poll(self) -> Noticed | None:
        self._stop.wait(self.interval)
        if self._stop.is_set():
            return None
        version = self._data_version()
        if version == self._version:
            return None
        self._version = version
        rows = self._con.execute(
            "SELECT id, action, entity, entity_id FROM audit_log WHERE id > ? ORDER BY id LIMIT ?",
            (self._last_id, _READ_LIMIT + 1),
        ).fetchall()
        if not rows:
            return None
        self._last_id = int(rows[-1][0])
        own = _take_own(_pool_of(self.db.engine), [int(r[0]) for r in rows])
        if len(rows) > _READ_LIMIT:
            self._last_id = int(self._con.execute("SELECT max(id) FROM audit_log").fetchone()[0])
            return Noticed(much=len(own) < len(rows))
        return Noticed(
            tuple(
                Touched(str(action), str(entity), entity_id)
                for id_, action, entity, entity_id in rows
                if id_ not in own and action not in QUIET_ACTIONS
            )
        )

    def _close(self) -> None:
        if self._con is not None:
            con, self._con = self._con, None
            con.close()


class ServerWatcher(Watcher):
    """PostgreSQL: ``LISTEN welcome_center_changes`` on a connection of its own, waiting for
    notifications at most half a second at a time (so that :meth:`stop` is quick)."""

    _con: Any = None

    def _open(self) -> None:
        con = self._raw()
        con.rollback()  # the pool's check may have begun a transaction
        con.autocommit = True
        con.execute(f"LISTEN {CHANNEL}")
        self._con = con
        self._origin = origin_of(_pool_of(self.db.engine))

    def _poll(self) -> Noticed | None:
        touched: list[Touched] = []
        much = False
        # A notification ends the wait at once; the timeout only bounds how long stop() waits.
        for note in self._con.notifies(timeout=min(self.interval, 0.5), stop_after=1):
            found = _parse(note.payload)
            if found is None or found.get("o") == self._origin:
                continue
            much = much or bool(found.get("much"))
            touched.extend(Touched(str(a), str(e), i) for a, e, i in found.get("e", ()))
        return Noticed(tuple(touched), much)

    def _reopened(self) -> None:
        # Notifications sent while the connection was gone are lost: anything may have changed.
        self._found.put(Noticed(much=True))
        self._news.set()

    def _close(self) -> None:
        if self._con is not None:
            con, self._con = self._con, None
            con.close()


def _parse(payload: str) -> dict[str, Any] | None:
    try:
        found = json.loads(payload)
    except ValueError:
        return None
    return found if isinstance(found, dict) else None


def watcher(db: Database, interval: float = 1.5) -> Watcher:
    """The watcher for ``db``'s engine (not started)."""
    return FileWatcher(db, interval) if db.is_sqlite else ServerWatcher(db, interval)
