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

from welcome_center.db import migrate
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
    _assert_refused_untouched(png, "not a Welcome Center database")


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
    assert "not a Welcome Center database" in report.lines[0]


def test_the_head_constant_is_the_newest_migration() -> None:
    """Start-up skips Alembic when the stored revision equals HEAD: it must be the real head."""
    assert migrate.head_revision() == migrate.HEAD
