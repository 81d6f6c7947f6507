"""Opening databases: foreign files refused untouched, migrations safe, backups consistent."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, select, text

from welcome_center.db import engine, migrate
from welcome_center.db.engine import APPLICATION_ID, is_on_network_share, open_engine, url_for_path
from welcome_center.db.models import Base, ContactPerson, Organisation, Person
from welcome_center.db.uow import UnitOfWork
from welcome_center.services import storage
from welcome_center.services.context import Actor
from welcome_center.services.storage import StorageRefusedError, open_database

MIGRATIONS = Path(migrate.__file__).parent / "migrations"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _assert_refused_untouched(path: Path, expected: str) -> None:
    before = _digest(path)
    with pytest.raises(StorageRefusedError) as info:
        open_database(url_for_path(path))
    assert expected in info.value.message
    assert str(path) in info.value.message
    assert _digest(path) == before
    assert not Path(f"{path}-wal").exists() and not Path(f"{path}-shm").exists()


def test_new_file_is_created_marked_and_seeded(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "new.db"
    db = open_database(url_for_path(path), create=True)
    db.dispose()
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    version = con.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    assert version == migrate.head_revision()
    topics = con.execute("SELECT count(*) FROM vocabulary_entries WHERE vocabulary='topic'")
    assert topics.fetchone()[0] == 15
    assert con.execute("SELECT count(*) FROM organisations WHERE is_partner").fetchone()[0] == 13
    con.close()


def test_reopening_keeps_data_and_does_not_seed_twice(db_path: Path) -> None:
    for _ in range(2):
        open_database(url_for_path(db_path)).dispose()
    con = sqlite3.connect(db_path)
    assert con.execute("SELECT count(*) FROM organisations WHERE is_partner").fetchone()[0] == 13
    assert con.execute("SELECT count(*) FROM users").fetchone()[0] == 4
    con.close()


def test_png_is_refused_untouched(tmp_path: Path) -> None:
    png = tmp_path / "photo.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    _assert_refused_untouched(png, "not a database of this program, or its key file is missing")


def test_other_programs_sqlite_is_refused_untouched(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    con.execute("INSERT INTO notes (body) VALUES ('keep me')")
    con.commit()
    con.close()
    _assert_refused_untouched(other, "belongs to another program")


def test_truncated_database_is_refused_untouched(db_path: Path, tmp_path: Path) -> None:
    cut = tmp_path / "cut.db"
    data = db_path.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    _assert_refused_untouched(cut, "damaged")


def test_database_of_a_newer_program_is_refused_untouched(db_path: Path) -> None:
    con = sqlite3.connect(db_path)
    con.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    con.commit()
    con.close()
    _assert_refused_untouched(db_path, "newer version")


def test_network_share_paths_are_recognised() -> None:
    assert is_on_network_share(Path("//server/share/office.db"))
    assert is_on_network_share(Path("\\\\server\\share\\office.db"))
    assert not is_on_network_share(Path("/tmp/office.db"))


def test_models_and_migrations_agree(db_path: Path) -> None:
    db = open_engine(url_for_path(db_path))
    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = [d for d in compare_metadata(ctx, Base.metadata) if "record_search" not in str(d)]
    db.dispose()
    assert diff == []


def _script_dir_with(tmp_path: Path, migration: str) -> str:
    """Our migrations plus one more (revision 0002) in a temporary script directory."""
    scripts = tmp_path / "scripts"
    shutil.copytree(MIGRATIONS, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    migration = migration.replace("{head}", migrate.head_revision())
    (scripts / "versions" / "9999_test.py").write_text(migration)
    return str(scripts)


ALTER_ORGANISATIONS = """
import sqlalchemy as sa
from alembic import op

revision = "test_extra"
down_revision = "{head}"


def upgrade():
    with op.batch_alter_table("organisations", recreate="always") as batch:
        batch.add_column(sa.Column("tax_number", sa.String(40), nullable=True))
"""


def _org_with_contacts(db_path: Path) -> None:
    db = open_database(url_for_path(db_path))
    with UnitOfWork(db).begin() as s:
        org = Organisation(name="Muster GmbH", name_key="muster")
        org.contacts = [ContactPerson(name="Frau Kurz"), ContactPerson(name="Herr Lang")]
        s.add(org)
    db.dispose()


def test_batch_alter_of_referenced_table_keeps_child_rows(db_path: Path, tmp_path: Path) -> None:
    _org_with_contacts(db_path)
    location = _script_dir_with(tmp_path, ALTER_ORGANISATIONS)
    db = open_engine(url_for_path(db_path))
    migrate.upgrade(db, script_location=location)
    with db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(ContactPerson)) == 2
        cols = [r[1] for r in s.execute(text("PRAGMA table_info(organisations)"))]
        assert "tax_number" in cols
        assert s.execute(text("PRAGMA foreign_keys")).scalar() == 1
    db.dispose()


def test_without_the_safe_runner_the_same_migration_loses_rows(
    db_path: Path, tmp_path: Path
) -> None:
    """The control: proves the test above would catch a runner that leaves foreign keys on."""
    from alembic import command

    _org_with_contacts(db_path)
    cfg = migrate.alembic_config(_script_dir_with(tmp_path, ALTER_ORGANISATIONS))
    db = open_engine(url_for_path(db_path))
    with db.engine.connect() as conn, conn.begin():
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    with db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(ContactPerson)) == 0
    db.dispose()


def test_pending_migration_takes_a_backup_first(db_path: Path, tmp_path: Path) -> None:
    _org_with_contacts(db_path)
    location = _script_dir_with(tmp_path, ALTER_ORGANISATIONS)
    db = open_engine(url_for_path(db_path))
    taken: list[Path] = []

    def backup(database, revision):  # type: ignore[no-untyped-def]
        target = tmp_path / f"before-{revision}.db"
        storage.db_backup.backup_to(database, target)
        taken.append(target)
        return target

    assert migrate.upgrade(db, backup=backup, script_location=location) == taken[0]
    db.dispose()
    con = sqlite3.connect(taken[0])
    version = con.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    assert version == migrate.head_revision()
    assert con.execute("SELECT count(*) FROM contact_persons").fetchone()[0] == 2
    con.close()


def test_up_to_date_database_takes_no_backup(db_path: Path) -> None:
    db = open_engine(url_for_path(db_path))
    assert migrate.upgrade(db, backup=lambda *_: pytest.fail("no backup expected")) is None
    db.dispose()


def test_online_backup_is_a_consistent_copy(db_path: Path, tmp_path: Path) -> None:
    db = open_database(url_for_path(db_path))
    uow = UnitOfWork(db)
    with uow.begin() as s:
        s.add(Person(family_name="Nguyễn", given_name="Thị Lan", name_key="nguyen|thi lan"))
    target = storage.backup(db, tmp_path / "copy.db", Actor.system("tester"), uow)
    con = sqlite3.connect(target)
    assert con.execute("SELECT family_name FROM persons").fetchall() == [("Nguyễn",)]
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
    with pytest.raises(storage.DomainError, match="exists already"):
        storage.backup(db, target, Actor.system("tester"), uow)
    db.dispose()


def test_check_reports_a_healthy_database(db_path: Path) -> None:
    report = storage.check_database(url_for_path(db_path))
    assert report.ok
    assert any("up to date" in line for line in report.lines)


def test_check_reports_a_foreign_file(tmp_path: Path) -> None:
    png = tmp_path / "x.png"
    png.write_bytes(b"\x89PNG" + b"\0" * 300)
    report = storage.check_database(url_for_path(png))
    assert not report.ok
    assert "not a database of this program, or its key file is missing" in report.lines[0]


def test_the_head_constant_is_the_newest_migration() -> None:
    """Start-up skips Alembic when the stored revision equals HEAD: it must be the real head."""
    assert migrate.head_revision() == migrate.HEAD


# -- our own file is always recognised (issue 10, item 2) ------------------------------------


def _snapshot(src: Path, dst: Path) -> None:
    """What a kill leaves on disk: the main file and its -wal as they are this moment."""
    for suffix in ("", "-wal"):
        if Path(f"{src}{suffix}").exists():
            shutil.copyfile(f"{src}{suffix}", f"{dst}{suffix}")


def test_a_first_session_killed_before_the_first_checkpoint_is_still_ours(
    tmp_path: Path,
) -> None:
    """An older version marked a new file inside the -wal; killed before SQLite's first
    checkpoint, the main file had no mark. The mark is read from the -wal."""
    live = tmp_path / "live.db"
    con = sqlite3.connect(live, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA wal_autocheckpoint=0")
    con.execute(f"PRAGMA application_id={APPLICATION_ID}")
    killed = tmp_path / "killed.db"
    _snapshot(live, killed)
    con.close()
    header = killed.read_bytes()[:100]
    assert header[68:72] == b"\0\0\0\0"  # the main file alone would say "another program's"
    db = open_database(url_for_path(killed))
    db.dispose()
    assert sqlite3.connect(killed).execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID


def test_another_programs_file_with_a_wal_is_refused_untouched(tmp_path: Path) -> None:
    live = tmp_path / "live.db"
    con = sqlite3.connect(live, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA wal_autocheckpoint=0")
    con.execute("CREATE TABLE notes (body TEXT)")
    other = tmp_path / "other.db"
    _snapshot(live, other)
    con.close()
    wal = Path(f"{other}-wal")
    before = _digest(other), _digest(wal)
    with pytest.raises(StorageRefusedError, match="belongs to another program"):
        open_database(url_for_path(other))
    assert (_digest(other), _digest(wal)) == before


def test_a_new_database_carries_its_mark_in_the_main_file_from_the_start(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    db = open_database(url_for_path(path), create=True)
    try:
        header = path.read_bytes()[:100]  # the main file, -wal aside, while the program runs
        assert int.from_bytes(header[68:72], "big") == APPLICATION_ID
    finally:
        db.dispose()
    assert not list(tmp_path.glob(".new.db*"))  # no temporary file left behind


def test_a_kill_during_a_checkpoint_that_grows_the_file_leaves_an_intact_database(
    db_path: Path, tmp_path: Path
) -> None:
    """A checkpoint writes page 1 (with the new, larger page count) before the pages that
    grow the file; killed in between, the main file is 'shorter than it should be' while the
    -wal still holds every page. SQLite reads both: nothing is damaged."""
    con = sqlite3.connect(db_path, isolation_level=None)
    con.execute("PRAGMA wal_autocheckpoint=0")
    con.execute("CREATE TABLE padding (body TEXT)")
    con.executemany("INSERT INTO padding VALUES (?)", [("x" * 3000,)] * 300)
    page_size = con.execute("PRAGMA page_size").fetchone()[0]
    killed = tmp_path / "killed.db"
    _snapshot(db_path, killed)
    con.close()
    size = killed.stat().st_size
    page_one = engine.wal_first_page(killed)
    assert page_one is not None
    with killed.open("r+b") as f:  # the checkpoint had written page 1 only
        f.write(page_one[:page_size])
    assert int.from_bytes(page_one[28:32], "big") * page_size > size
    db = open_database(url_for_path(killed))
    try:
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM padding").scalar() == 300
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    finally:
        db.dispose()


# -- upgrades are all or nothing (item 3) ----------------------------------------------------

FAILING_MIGRATION = """
import sqlalchemy as sa
from alembic import op

revision = "test_extra"
down_revision = "{head}"


def upgrade():
    op.create_table("half_done", sa.Column("id", sa.Integer, primary_key=True))
    op.drop_index("ix_consultations_statistics", table_name="consultations")
    op.add_column("records", sa.Column("extra", sa.String(10)))
    raise RuntimeError("killed in the middle")
"""


def test_an_upgrade_that_fails_midway_leaves_the_old_schema(db_path: Path, tmp_path: Path) -> None:
    location = _script_dir_with(tmp_path, FAILING_MIGRATION)
    db = open_engine(url_for_path(db_path))
    with pytest.raises(RuntimeError, match="killed in the middle"):
        migrate.upgrade(db, script_location=location)
    db.dispose()
    con = sqlite3.connect(db_path)
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
    columns = {r[1] for r in con.execute("PRAGMA table_info(records)")}
    revision = con.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    con.close()
    assert "half_done" not in tables and "extra" not in columns
    assert "ix_consultations_statistics" in tables
    assert revision == migrate.HEAD
    assert storage.check_database(url_for_path(db_path)).ok


def test_two_backups_before_migration_in_the_same_second(db_path: Path, tmp_path: Path) -> None:
    take = storage._backup_before_migration(tmp_path / "backups")
    db = open_engine(url_for_path(db_path))
    try:
        first, second = take(db, "0003"), take(db, "0003")
    finally:
        db.dispose()
    assert first != second and first.exists() and second.exists()
    assert not list((tmp_path / "backups").glob(".*partial*"))


def test_check_compares_the_schema_with_the_program(db_path: Path) -> None:
    con = sqlite3.connect(db_path)
    con.execute("DROP INDEX ix_consultations_statistics")
    con.commit()
    con.close()
    report = storage.check_database(url_for_path(db_path))
    assert not report.ok
    assert any("Schema: FAILED" in line for line in report.lines)
    assert any("ix_consultations_statistics" in line for line in report.lines)


# -- corruption is noticed (item 8) ----------------------------------------------------------


def test_db_check_survives_random_flipped_bytes_and_says_what_it_finds(
    db_path: Path, tmp_path: Path
) -> None:
    """Flip one byte at a random place of a populated file, thirty times: `db check` always
    answers in words (never a traceback, never an unhandled error), and a flip in an indexed
    value or in the file's structure is found by SQLite's integrity_check."""
    import random

    from welcome_center.services.demo import generate_demo

    db = open_database(url_for_path(db_path))
    generate_demo(UnitOfWork(db), Actor.system("test"), records=60, seed=3)
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    clean = db_path.read_bytes()
    rng = random.Random(10)
    found = 0
    for trial in range(30):
        damaged = tmp_path / f"flip-{trial}.db"
        data = bytearray(clean)
        where = rng.randrange(100, len(data))  # past the header: the file stays ours
        data[where] ^= 1 << rng.randrange(8)
        damaged.write_bytes(bytes(data))
        report = storage.check_database(url_for_path(damaged))
        assert report.lines and all(isinstance(line, str) for line in report.lines)
        found += not report.ok
        if not report.ok:
            assert any("FAILED" in line or "damage" in line for line in report.lines), report
    assert found > 0  # the check looks at more than the header


def test_a_killed_backups_leftovers_are_removed_once_they_are_old(
    db_path: Path, tmp_path: Path
) -> None:
    import os
    import time

    folder = tmp_path / "backups"
    folder.mkdir()
    old = folder / ".office-before-migration-0003.db.4242.partial"
    young = folder / ".office-before-migration-0003.db.4343.partial"
    for leftover in (old, young, Path(f"{old}-journal")):
        leftover.write_bytes(b"half a backup")
    day_ago = time.time() - 25 * 3600
    os.utime(old, (day_ago, day_ago))
    os.utime(f"{old}-journal", (day_ago, day_ago))
    db = open_engine(url_for_path(db_path))
    try:
        storage.db_backup.backup_to(db, folder / "copy.db")
    finally:
        db.dispose()
    assert sorted(p.name for p in folder.iterdir()) == sorted(["copy.db", young.name])
