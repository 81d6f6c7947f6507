"""The office's last backup: the audit log's and the backups folder's newest, and a dated name."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from welcome_center.db.engine import Database
from welcome_center.db.uow import UnitOfWork
from welcome_center.services import storage
from welcome_center.services.context import Actor


@pytest.fixture
def file_uow(uow: UnitOfWork) -> UnitOfWork:
    if not uow.db.is_sqlite:
        pytest.skip("backups of SQLite files")
    return uow


def _file(folder: Path, name: str, age: timedelta) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(b"SQLite format 3\x00")
    stamp = (datetime.now(UTC) - age).timestamp()
    os.utime(path, (stamp, stamp))
    return path


def test_without_any_backup_the_status_says_none_and_warns(
    file_uow: UnitOfWork, tmp_path: Path
) -> None:
    status = storage.backup_status(file_uow, tmp_path / "backups")  # not even the folder yet
    assert status is not None
    assert status.last is None and status.stale


def test_a_backup_made_now_is_recorded_and_fresh(
    file_uow: UnitOfWork, db: Database, tmp_path: Path
) -> None:
    target = tmp_path / "elsewhere" / "copy.db"  # outside the backups folder: the audit knows
    storage.backup(db, target, Actor.system("tester"), file_uow)
    status = storage.backup_status(file_uow, tmp_path / "backups")
    assert status is not None
    assert status.where == "copy.db" and not status.stale and status.days == 0
    assert status.last is not None and abs(status.now - status.last) < timedelta(minutes=1)


def test_the_backup_taken_before_a_migration_counts_and_ages(
    file_uow: UnitOfWork, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    _file(folder, "office-before-migration-0004-20261201-101500.db", timedelta(days=9, hours=2))
    _file(folder, ".office-2026.db.123.partial", timedelta(0))  # half written: no backup
    _file(folder, "notes.txt", timedelta(0))
    status = storage.backup_status(file_uow, folder)
    assert status is not None
    assert status.where == "office-before-migration-0004-20261201-101500.db"
    assert status.stale and status.days == 9


def test_the_newest_of_audit_log_and_folder_wins(
    file_uow: UnitOfWork, db: Database, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    storage.backup(db, tmp_path / "copy.db", Actor.system("tester"), file_uow)
    _file(folder, "older.db", timedelta(days=3))
    status = storage.backup_status(file_uow, folder)
    assert status is not None and status.where == "copy.db"
    _file(folder, "newer.db", timedelta(0))
    later = datetime.now(UTC) + timedelta(seconds=5)
    status = storage.backup_status(file_uow, folder, now=later)
    assert status is not None and status.where == "newer.db"


def test_a_server_database_has_no_backup_status(uow: UnitOfWork, tmp_path: Path) -> None:
    if uow.db.is_sqlite:
        pytest.skip("the server's backups are the server's business")
    assert storage.backup_status(uow, tmp_path) is None
    assert not storage.is_file_database(uow)


def test_the_suggested_file_is_dated_in_office_time_and_new(
    file_uow: UnitOfWork, tmp_path: Path
) -> None:
    at = datetime(2026, 12, 1, 13, 3, tzinfo=UTC)  # 14:03 in Zwickau
    first = storage.suggested_backup_file(file_uow, tmp_path, now=at)
    assert first == tmp_path / "office-2026-12-01-1403.db"
    first.write_bytes(b"")
    assert storage.suggested_backup_file(file_uow, tmp_path, now=at).name == (
        "office-2026-12-01-1403-2.db"
    )
