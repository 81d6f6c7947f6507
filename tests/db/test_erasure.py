"""Erasure reaches every copy (issue 12, item 3), on SQLite files: after a retention run the
anonymised names and texts occur in no byte of the database file, its -wal and -shm, the backups
folder or the temporary folder; the backups rotate, a backup older than the run is anonymised
too, one of another schema version is removed, a file that is not ours is left alone.

The test data carries unique made-up words, so that a byte search cannot miss them or find them
by chance. FTS5 stores words prefix-compressed (a word shares its beginning with the previous
word of its index page), so each word is also searched without its first two letters, in lower
case, and the index's own list of words is asked."""

from __future__ import annotations

import sqlite3
import tempfile
from datetime import date, timedelta
from pathlib import Path

import pytest

from welcome_center.db.engine import Database, url_for_path
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import ClientChoice, ConsultationDraft, PersonDraft, RecordDraft
from welcome_center.domain.enums import ClientKind
from welcome_center.services import cases, consultations, people, settings, storage
from welcome_center.services.context import Actor
from welcome_center.services.privacy import retention
from welcome_center.services.storage import open_database

MARKERS = (
    "Zzyzxqwerty",  # a family name
    "Quuxbarvantip",  # a given name
    "Plughnotemark",  # the person's notes
    "Frobsummarkex",  # the record's summary
    "Wibbleconsultz",  # a consultation's notes
    "zzyzxqwerty@example.org",
)
KEPT = "Keptfamilyname"  # a person whose record is still open: stays everywhere


def _variants(word: str) -> list[bytes]:
    low = word.lower()
    return [
        word.encode(),
        low.encode(),
        low[2:].encode(),  # as FTS5 may store it after a shared prefix
        word.encode("utf-16-le"),
    ]


def _files(*folders: Path) -> dict[Path, bytes]:
    return {
        p: p.read_bytes() for folder in folders for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _found(files: dict[Path, bytes], words: tuple[str, ...]) -> list[tuple[str, str]]:
    hits = []
    for path, data in files.items():
        low = data.lower()
        for word in words:
            if any(v in data or v.lower() in low for v in _variants(word)):
                hits.append((word, path.name))
    return hits


def _index_words(path: Path) -> set[str]:
    con = sqlite3.connect(path)
    try:
        con.execute("CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, record_search, 'row')")
        return {term for (term,) in con.execute("SELECT term FROM temp.v")}
    finally:
        con.close()


@pytest.fixture
def office(db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setenv("SQLITE_TMPDIR", str(temp))
    db = open_database(url_for_path(db_path))
    yield db, UnitOfWork(db), temp
    db.dispose()


def _write_clients(uow: UnitOfWork, anna: Actor) -> None:
    opened = office_today() - timedelta(days=30)
    draft = PersonDraft(
        family_name="Zzyzxqwerty",
        given_name="Quuxbarvantip",
        email="zzyzxqwerty@example.org",
        notes="Plughnotemark",
    )
    pid = people.create_person(uow, anna, draft).value.id
    rec = cases.open_record(
        uow,
        anna,
        RecordDraft(
            client=ClientChoice(ClientKind.PERSON, pid), opened_on=opened, summary="Frobsummarkex"
        ),
    ).value
    consultations.record_consultation(
        uow,
        anna,
        rec.id,
        ConsultationDraft(held_on=opened, duration_minutes=30, notes="Wibbleconsultz"),
    )
    version = cases.get_record(uow, anna, rec.id).version
    cases.close(uow, anna, rec.id, "goal_reached", version, on=office_today())
    kept = people.create_person(
        uow, anna, PersonDraft(family_name=KEPT, given_name="Open")
    ).value.id
    cases.open_record(
        uow, anna, RecordDraft(client=ClientChoice(ClientKind.PERSON, kept), opened_on=opened)
    )


def test_after_a_run_no_anonymised_word_is_in_any_copy(
    office: tuple[Database, UnitOfWork, Path], anna: Actor, admin: Actor
) -> None:
    db, uow, temp = office
    assert db.path is not None
    folder = db.path.parent / "backups"
    _write_clients(uow, anna)
    settings.update_settings(uow, admin, backups_keep=2)
    # Three backups before the run: the oldest goes by rotation, one of another schema
    # version goes too, the newest is anonymised; a file not ours stays as it is.
    older = storage.backup(db, folder / "office-1.db", admin, uow)
    newer = storage.backup(db, folder / "office-2.db", admin, uow)
    other_schema = storage.backup(db, folder / "office-0-before-migration.db", admin, uow)
    con = sqlite3.connect(other_schema)
    con.execute("UPDATE alembic_version SET version_num = '0005'")
    con.commit()
    con.close()
    ages = {older: 100, other_schema: 50, newer: 10}  # minutes ago
    import os
    import time

    for path, minutes in ages.items():
        t = time.time() - minutes * 60
        os.utime(path, (t, t))
    foreign = folder / "holiday.db"
    foreign.write_bytes(b"not a database, but it names Zzyzxqwerty")
    # Control: the words are there before the run (so the search below can find them).
    before = _found(_files(db.path.parent), MARKERS)
    assert {w for w, _f in before} == set(MARKERS)
    assert {f for _w, f in before} >= {"office-1.db", "office-2.db"}

    # Twenty years on, the closed enquiry is long due; the open one's client stays.
    saved = retention.run(uow, admin, office_today() + timedelta(days=365 * 20))
    run = saved.value
    assert (run.records_anonymised, run.persons_anonymised) == (1, 1)
    assert run.wal_truncated is True
    assert (run.backups_removed, run.backups_anonymised) == (2, 1)

    assert not older.exists() and not other_schema.exists()
    assert newer.exists() and foreign.read_bytes().startswith(b"not a database")
    files = _files(db.path.parent, temp)
    names = sorted(p.name for p in files)
    assert "holiday.db" in names and "office-2.db" in names
    found = _found({p: b for p, b in files.items() if p != foreign}, MARKERS)
    assert found == []
    # What stays is still there: the test would see it.
    assert {f for _w, f in _found(files, (KEPT,))} >= {db.path.name, "office-2.db"}
    for path in (db.path, newer):
        words = _index_words(path)
        assert not {w for w in words if "zzyzx" in w or "quuxbar" in w or "frobsum" in w}
        assert "keptfamilyname" in words
    # The backup keeps its time, so that the rotation keeps its order.
    assert abs(newer.stat().st_mtime - (time.time() - 600)) < 60


def test_a_backup_made_after_the_run_is_only_read(
    office: tuple[Database, UnitOfWork, Path], anna: Actor, admin: Actor
) -> None:
    db, uow, _temp = office
    assert db.path is not None
    _write_clients(uow, anna)
    later = office_today() + timedelta(days=400)  # the enquiry is due, no audit entry yet
    assert retention.run(uow, admin, later).value.records_anonymised == 1
    backup = storage.backup(db, db.path.parent / "backups" / "after.db", admin, uow)
    stamp = backup.stat().st_mtime_ns, backup.stat().st_ino
    again = retention.run(uow, admin, later).value
    assert (again.backups_removed, again.backups_anonymised) == (0, 0)
    assert (backup.stat().st_mtime_ns, backup.stat().st_ino) == stamp


def test_the_audit_entries_past_their_period_leave_the_backups_too(
    office: tuple[Database, UnitOfWork, Path], anna: Actor, admin: Actor
) -> None:
    db, uow, _temp = office
    assert db.path is not None
    backup = storage.backup(db, db.path.parent / "backups" / "b.db", admin, uow)
    con = sqlite3.connect(backup)
    entries = con.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    con.close()
    assert entries > 0
    run = retention.run(uow, admin, date(2099, 1, 1)).value
    assert run.audit_rows_deleted >= entries and run.backups_anonymised == 1
    con = sqlite3.connect(backup)
    left = con.execute("SELECT action FROM audit_log").fetchall()
    con.close()
    assert left == []  # the backup was made before the run: its entries are all past


def test_another_databases_backups_in_the_same_folder_are_left_alone(
    office: tuple[Database, UnitOfWork, Path], anna: Actor, admin: Actor, tmp_path: Path
) -> None:
    """The demonstration office keeps its backups in the folder of the office's: a run on one
    must neither rotate nor anonymise the other's (their record ids overlap)."""
    from tests.conftest import PASSWORD
    from welcome_center.domain.enums import Role
    from welcome_center.services import users

    db, uow, _temp = office
    assert db.path is not None
    folder = db.path.parent / "backups"
    other = open_database(url_for_path(tmp_path / "other" / "demo.db"), create=True)
    try:
        other_uow = UnitOfWork(other)
        users.add_user(other_uow, None, "admin", PASSWORD, Role.ADMIN, "Other Admin")
        _write_clients(other_uow, Actor.system("test"))
        theirs = storage.backup(other, folder / "demo-1.db", Actor.system("test"), other_uow)
    finally:
        other.dispose()
    stamp = theirs.stat().st_mtime_ns, theirs.stat().st_ino, theirs.read_bytes()
    _write_clients(uow, anna)  # record and person ids as in the other database
    settings.update_settings(uow, admin, backups_keep=1)
    ours = [storage.backup(db, folder / f"office-{i}.db", admin, uow) for i in (1, 2)]
    run = retention.run(uow, admin, office_today() + timedelta(days=400)).value
    assert (run.records_anonymised, run.backups_removed, run.backups_anonymised) == (1, 1, 1)
    assert (theirs.stat().st_mtime_ns, theirs.stat().st_ino, theirs.read_bytes()) == stamp
    assert sum(p.exists() for p in ours) == 1
