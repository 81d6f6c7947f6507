"""The office's backups after a retention run (DOMAIN.md, "Erasure reaches every copy").

The backups folder (``backups`` beside the database file, where the desk suggests backups and
where the copies taken before a migration go) is looked after at every run:

1. **Rotation**: of the backups of ours in the folder, the newest ``backups_keep`` (by the
   time they were written) are kept; older ones are overwritten with zeros and removed.
2. **Re-anonymisation**: a kept backup that still holds a record or person the database has
   anonymised since, or audit entries past the audit period, is anonymised the same way:
   loaded into memory, the same records and persons anonymised (the ids the live database has
   anonymised: the same rules, the same cut-off, the same legal holds), the same audit entries
   deleted, the search index merged, and written back with ``VACUUM INTO`` as a fresh file
   (no free page keeps old text), renamed over the backup, which keeps its time. A backup made
   after the run needs nothing and is only read.
3. A backup of another schema version (one taken before a migration) cannot be anonymised by
   this version of the program: it is **removed** as the rotation removes one.

Only copies of this database are looked after: the demonstration office's backups share the
folder with the office's, and a copy is told by its first user (``db.erasure.identity``). Files
in the folder that are not ours (another program's, a picture) or another database's backups
are left alone; so are backups written elsewhere (the desk lets an administrator choose any
file, ``db backup FILE`` writes where it is told): those are the administrator's to look after,
and the retention page says so. A server database's backups are the server's business.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from welcome_center.db import cipher, erasure, migrate
from welcome_center.db.engine import DatabaseRefusedError, check_sqlite_file, is_encrypted_file
from welcome_center.db.uow import UnitOfWork
from welcome_center.services.privacy import anonymise

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class BackupsDone:
    removed: int = 0  # past the rotation, or of another schema version
    anonymised: int = 0  # rewritten without what the database has anonymised
    kept: int = 0  # every backup of ours left in the folder
    errors: tuple[str, ...] = ()  # a backup that could not be handled (file name: reason)


def key_of(path: Path, key: bytes | None) -> bytes | None:
    """The key a backup is read with: the database's for an encrypted one, none for a plain
    one (taken before the database was encrypted: ``db encrypt`` leaves them in the folder)."""
    return key if key is not None and is_encrypted_file(path) else None


def our_backups(folder: Path, of: tuple[str, str], key: bytes | None = None) -> list[Path]:
    """The complete backups of the database whose identity is ``of`` in ``folder``, newest
    first (half-written ones are hidden files: db/backup.py); encrypted ones are read with
    ``key``, plain ones without."""
    found: list[tuple[int, str, Path]] = []
    if not folder.is_dir():
        return []
    for path in folder.glob("*.db"):
        if path.name.startswith(".") or not path.is_file():
            continue
        try:
            if check_sqlite_file(path):  # empty: not a backup
                continue
            if erasure.file_identity(path, key_of(path, key)) != of:
                continue  # another database's backup
            found.append((path.stat().st_mtime_ns, path.name, path))
        except (DatabaseRefusedError, OSError):
            continue  # not ours: left alone
    return [p for _t, _n, p in sorted(found, reverse=True)]


def look_after(
    uow: UnitOfWork,
    folder: Path | None,
    keep: int,
    audit_cut_off: date,
    now: datetime,
    progress: Progress | None = None,
) -> BackupsDone:
    """Rotate the backups in ``folder`` and re-anonymise the kept ones (see the module)."""
    if folder is None or not uow.db.is_sqlite:
        return BackupsDone()
    of = erasure.live_identity(uow.db)
    if of is None:  # no user yet: nothing personal was ever written
        return BackupsDone()
    backups = our_backups(folder, of, uow.db.key)
    removed, anonymised, errors = 0, 0, []
    head = migrate.head_revision()
    with uow.read() as s:
        records, persons = anonymise.anonymised_ids(s)
    for i, path in enumerate(backups):
        if progress is not None:
            progress("backups", i, len(backups))
        try:
            key = key_of(path, uow.db.key)
            if i >= keep or erasure.schema_revision(path, key) != head:
                erasure.shred(path)
                removed += 1
            elif _needs(path, key, records, persons, audit_cut_off):
                _anonymise_copy(path, key, records, persons, audit_cut_off, now)
                anonymised += 1
        except cipher.FILE_ERRORS as exc:
            errors.append(f"{path.name}: {exc}")
    if progress is not None:
        progress("backups", len(backups), len(backups))
    return BackupsDone(removed, anonymised, len(backups) - removed, tuple(errors))


def _needs(
    path: Path, key: bytes | None, records: set[int], persons: set[int], cut_off: date
) -> bool:
    """Whether the backup holds a record or person anonymised in the database but not in it,
    or audit entries of ``cut_off`` and earlier. Reads the file only."""
    con = erasure.read_only(path, key)
    try:
        alive = {r for (r,) in con.execute("SELECT id FROM records WHERE anonymised_at IS NULL")}
        if alive & records:
            return True
        alive = {p for (p,) in con.execute("SELECT id FROM persons WHERE anonymised_at IS NULL")}
        if alive & persons:
            return True
    finally:
        con.close()
    db = erasure.memory_copy(path, key)  # the audit's times are compared as the program stores them
    try:
        with UnitOfWork(db).read() as s:
            return anonymise.count_audit_due(s, cut_off) > 0
    finally:
        db.dispose()


def _anonymise_copy(
    path: Path,
    key: bytes | None,
    records: set[int],
    persons: set[int],
    cut_off: date,
    now: datetime,
) -> None:
    db = erasure.memory_copy(path, key)
    try:
        uow = UnitOfWork(db)
        with uow.begin() as s:
            anonymise.anonymise_records(s, records, now)
            anonymise.anonymise_persons(s, persons, now)
            while anonymise.delete_audit(s, cut_off, 50_000):
                pass
        erasure.optimize_search_index(db)
        erasure.write_compacted(db, path)
    finally:
        with contextlib.suppress(Exception):
            db.dispose()
