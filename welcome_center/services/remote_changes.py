"""What other desks saved, as the desk's own ``Changes``: the feed a desk subscribes to.

db/changes.py notices another program's saves (LISTEN/NOTIFY on PostgreSQL, ``PRAGMA
data_version`` on a SQLite file) and names them by their audit entries; here they become the
``Changes`` value the desk already refreshes its windows by after its own saves. Nothing of the
database leaks out: the desk calls :meth:`ChangeFeed.take` on its own thread (a timer) and gets
a :class:`RemoteChanges` or None.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, replace

from welcome_center.db import changes as db_changes
from welcome_center.db import search as db_search
from welcome_center.domain.audit import AuditAction, AuditEntity
from welcome_center.services.context import Changes, UnitOfWork

log = logging.getLogger(__name__)

POLL_SECONDS = 1.5
"""How often a SQLite file is looked at (a server's notifications arrive at once)."""

_FOLLOW_UP_ACTIONS = frozenset(
    {
        AuditAction.ADD_FOLLOW_UP,
        AuditAction.COMPLETE_FOLLOW_UP,
        AuditAction.RESCHEDULE_FOLLOW_UP,
        AuditAction.CLOSE,
        AuditAction.REOPEN,
        AuditAction.STATUS,
        AuditAction.CREATE,
    }
)
# Entries that change more than the one thing they name: every list may be affected.
_EVERYTHING_ACTIONS = frozenset(
    {
        AuditAction.MERGE,
        AuditAction.IMPORT,
        AuditAction.DEMO,
        AuditAction.RESTORE,
        AuditAction.RETENTION_RUN,
        AuditAction.ENCRYPT,
    }
)


@dataclass(frozen=True)
class RemoteChanges:
    """Another desk's saves: what they name, or ``everything`` after a bulk change (an import,
    a merge, a retention run) whose parts are not named one by one."""

    changes: Changes
    everything: bool = False


def changes_of(touched: Iterable[db_changes.Touched], much: bool = False) -> RemoteChanges:
    """The ``Changes`` that audit entries (action, entity, id) of other programs stand for."""
    records: set[int] = set()
    persons: set[int] = set()
    organisations: set[int] = set()
    flags = dict.fromkeys(("follow_ups", "vocabularies", "users", "settings", "events"), False)
    everything = much
    for t in touched:
        if t.action in _EVERYTHING_ACTIONS:
            everything = True
        if t.entity == AuditEntity.RECORD and t.entity_id is not None:
            records.add(t.entity_id)
            flags["follow_ups"] |= t.action in _FOLLOW_UP_ACTIONS
        elif t.entity == AuditEntity.PERSON and t.entity_id is not None:
            persons.add(t.entity_id)
        elif t.entity == AuditEntity.ORGANISATION and t.entity_id is not None:
            organisations.add(t.entity_id)
        elif t.entity in (AuditEntity.VOCABULARY, AuditEntity.IMPORT_ALIAS):
            flags["vocabularies"] = True
        elif t.entity == AuditEntity.USER:
            flags["users"] = True
        elif t.entity == AuditEntity.SETTINGS:
            flags["settings"] = True
        elif t.entity == AuditEntity.EVENT:
            flags["events"] = True
        elif t.entity not in (AuditEntity.REPORT, AuditEntity.AUDIT, AuditEntity.CLIENT):
            everything = True  # the database as a whole, or a kind this program does not know
    if everything:
        flags = dict.fromkeys(flags, True)
    found = Changes(frozenset(records), frozenset(persons), frozenset(organisations), **flags)
    return RemoteChanges(found, everything)


class ChangeFeed:
    """Other desks' saves to the database of ``uow``, collected in the background."""

    def __init__(self, uow: UnitOfWork, interval: float = POLL_SECONDS) -> None:
        self._uow = uow
        self._watcher = db_changes.watcher(uow.db, interval)

    def start(self) -> bool:
        """Begin watching; False when the database cannot be watched (the desk then works as
        before: F5 reads again)."""
        try:
            self._watcher.start()
        except Exception as exc:  # the desk must start anyway
            self._watcher.failure = str(exc)
            return False
        self._catch_up()  # what colleagues renamed while this desk was off
        return True

    def stop(self) -> None:
        """End the background thread and its connection (within one interval)."""
        self._watcher.stop()

    @property
    def running(self) -> bool:
        return self._watcher.running

    def wait(self, timeout: float) -> bool:
        """Whether something was noticed within ``timeout`` seconds (tests, a command)."""
        return self._watcher.wait(timeout)

    @property
    def failure(self) -> str:
        """Why watching stopped working, if it did ("": it works)."""
        return self._watcher.failure

    def take(self) -> RemoteChanges | None:
        """What other desks saved since the last call; None when nothing (or only reads)."""
        found = self._watcher.take()
        if found is None:
            return None
        remote = changes_of(found.touched, found.much)
        if not remote.everything and remote.changes == Changes():
            return None
        if remote.everything or remote.changes.persons or remote.changes.organisations:
            caught_up = self._catch_up()
            if caught_up:
                records = remote.changes.records | caught_up
                remote = replace(remote, changes=replace(remote.changes, records=records))
        return remote

    def _catch_up(self) -> frozenset[int]:
        """On a team server of own records: the search entries of this desk's records whose
        client a colleague who does not see them renamed (db/search.py, catch_up_stale),
        written anew; their ids. A failure leaves them for the next change or start: the
        desk's lists still show the records, only a search by the new name misses them."""
        if self._uow.db.is_sqlite:  # a file's index is written by every save in full
            return frozenset()
        try:
            with self._uow.begin() as s:
                return frozenset(db_search.catch_up_stale(s))
        except Exception:  # never in the desk's way; logged for the administrator
            log.warning("the search entries of renamed clients were not written", exc_info=True)
            return frozenset()
