"""Encryption at rest (issue 13, item 1), the copies: a backup of an encrypted database is
encrypted, carries its key file and opens with a password or the recovery key; the backup
before a migration too; a restore checks the backup and keeps the replaced file aside;
``encrypt`` turns a plain database into an encrypted one with every row; the retention run
anonymises encrypted backups and writes them encrypted again."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from tests.conftest import PASSWORD
from tests.db.encrypted_office import (
    FAMILY,
    SQLITE_MAGIC,
    WORDS,
    Office,
    make_office,
    sha256s,
    words_in,
    write_client,
)
from tests.db.test_privacy_migration import _to
from welcome_center.app import AppContext, open_app
from welcome_center.db import cipher, erasure, migrate
from welcome_center.db.engine import is_encrypted_file, url_for_path, wal_path
from welcome_center.db.keyring import key_file_path
from welcome_center.domain.dates import office_today
from welcome_center.domain.errors import AuthenticationError, DomainError
from welcome_center.paths import resolve
from welcome_center.services import encryption, search, storage
from welcome_center.services.encryption import Unlock
from welcome_center.services.privacy import retention
from welcome_center.services.storage import StorageRefusedError

MAIN_TABLES = ("persons", "records", "consultations", "users", "audit_log", "organisations")


@pytest.fixture
def office(tmp_path: Path, pg_server: object) -> Iterator[Office]:
    if pg_server is not None:
        pytest.skip("a test of SQLite files")
    made = make_office(tmp_path / "office")
    yield made
    made.ctx.close()


@pytest.fixture
def plain_office(tmp_path: Path, pg_server: object) -> Iterator[Office]:
    if pg_server is not None:
        pytest.skip("a test of SQLite files")
    made = make_office(tmp_path / "plain", encrypted=False)
    yield made
    made.ctx.close()


def _open(path: Path, how: Unlock | None) -> AppContext:
    return open_app(resolve(str(path)), unlock=how)


def _found(ctx: AppContext, office: Office, family: str = FAMILY) -> int:
    return len(search.search_records(ctx.uow, office.anna, family))


def _counts(ctx: AppContext) -> dict[str, int]:
    with ctx.db.engine.connect() as conn:
        return {
            t: conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one()  # noqa: S608
            for t in inspect(conn).get_table_names()
        }


# --- backups --------------------------------------------------------------------------------


def test_a_backup_is_encrypted_with_its_key_file_and_opens_with_password_or_recovery_key(
    office: Office, tmp_path: Path
) -> None:
    write_client(office)
    backup = storage.backup(office.ctx.db, tmp_path / "b" / "b.db", office.admin, office.ctx.uow)
    data = backup.read_bytes()
    assert not data.startswith(SQLITE_MAGIC) and words_in(data) == set()
    assert key_file_path(backup).exists() and words_in(key_file_path(backup).read_bytes()) == set()
    assert sorted(p.name for p in backup.parent.iterdir()) == ["b.db", "b.db.keys"]
    assert office.recovery is not None
    for how in (Unlock("anna", PASSWORD), Unlock(recovery_key=office.recovery)):
        copy = tmp_path / f"copy-{len(how.username)}" / "b.db"
        copy.parent.mkdir()
        shutil.copyfile(backup, copy)
        shutil.copyfile(key_file_path(backup), key_file_path(copy))
        ctx = _open(copy, how)
        try:
            assert _found(ctx, office) == 1
        finally:
            ctx.close()
    with pytest.raises(AuthenticationError):
        _open(backup, Unlock("anna", "not the password"))


@pytest.mark.parametrize("encrypted", [True, False], ids=["encrypted", "plain-control"])
def test_the_backup_before_a_migration_is_encrypted_too(
    tmp_path: Path, pg_server: object, encrypted: bool
) -> None:
    if pg_server is not None:
        pytest.skip("a test of SQLite files")
    office = make_office(tmp_path / "office", encrypted=encrypted)
    write_client(office)
    from alembic.script import ScriptDirectory

    cfg = migrate.alembic_config()
    head = ScriptDirectory.from_config(cfg).get_revision(migrate.head_revision())
    previous = head.down_revision
    assert isinstance(previous, str)
    _to(office.ctx.db, previous)  # foreign keys off: the way back may rebuild a table
    office.reopen()  # migrates, with a backup first
    backups = sorted(office.paths.backup_dir.glob("*.db"))
    assert len(backups) == 1 and f"before-migration-{previous}" in backups[0].name
    data = backups[0].read_bytes()
    if not encrypted:  # the control: a plain backup shows the client
        assert words_in(data) == set(WORDS)
        return
    assert words_in(data) == set() and not data.startswith(SQLITE_MAGIC)
    assert office.recovery is not None
    how = Unlock(recovery_key=office.recovery)
    key = encryption.unlock(url_for_path(backups[0]), how).data_key
    assert erasure.schema_revision(backups[0], key) == previous
    office.ctx.close()


# --- restore --------------------------------------------------------------------------------


def _backup(office: Office, tmp_path: Path, name: str = "b.db") -> Path:
    target = tmp_path / "backups" / name
    return storage.backup(office.ctx.db, target, office.admin, office.ctx.uow)


def test_restore_puts_the_backup_in_place_and_keeps_the_replaced_file_aside(
    office: Office, tmp_path: Path
) -> None:
    write_client(office)
    backup = _backup(office, tmp_path)
    write_client(office, "Laterwrittenfamily", "Afterbackup")
    office.ctx.close()
    restored = encryption.restore(office.paths.db_url, backup, Unlock("admin", PASSWORD))
    assert restored.encrypted and restored.kept.exists()
    assert key_file_path(restored.kept).exists() and is_encrypted_file(office.path)
    assert backup.exists() and key_file_path(backup).exists()  # the backup stays a backup
    ctx = office.reopen(Unlock("anna", PASSWORD))
    assert (_found(ctx, office), _found(ctx, office, "Laterwrittenfamily")) == (1, 0)
    ctx.close()
    kept = _open(restored.kept, Unlock("admin", PASSWORD))  # the replaced file, as it was
    try:
        assert _found(kept, office, "Laterwrittenfamily") == 1
    finally:
        kept.close()
    assert office.recovery is not None
    ctx = office.reopen(Unlock(recovery_key=office.recovery))


def _damaged(backup: Path) -> Path:
    data = bytearray(backup.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 64] = bytes(64)
    backup.write_bytes(bytes(data))
    return backup


def _newer(backup: Path, key: bytes | None) -> Path:
    con = cipher.connect(backup, key)
    con.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    con.commit()
    con.close()
    return backup


def _picture(backup: Path) -> Path:
    from tests.db.test_encryption import PNG

    backup.write_bytes(PNG)
    key_file_path(backup).unlink(missing_ok=True)
    return backup


def _other_program(backup: Path) -> Path:
    import sqlite3

    backup.unlink()
    key_file_path(backup).unlink(missing_ok=True)
    con = sqlite3.connect(backup)
    con.execute("CREATE TABLE photos (name TEXT)")
    con.commit()
    con.close()
    return backup


@pytest.mark.parametrize(
    ("spoil", "words"),
    [
        (_damaged, "is damaged"),
        (_picture, "not a database of this program"),
        (_other_program, "belongs to another program"),
        (_newer, "another version of this program"),
    ],
    ids=["damaged", "picture", "other-program", "newer-schema"],
)
def test_restore_refuses_what_is_no_backup_of_ours(
    office: Office, tmp_path: Path, spoil: object, words: str
) -> None:
    write_client(office)
    backup = _backup(office, tmp_path)
    key = office.ctx.db.key
    office.ctx.close()
    backup = spoil(backup, key) if spoil is _newer else spoil(backup)  # type: ignore[operator]
    live = sha256s(office.path.parent)
    with pytest.raises(DomainError) as caught:
        encryption.restore(office.paths.db_url, backup, Unlock("admin", PASSWORD))
    assert words in str(caught.value)
    assert sha256s(office.path.parent) == live
    assert not list(backup.parent.glob(".*"))  # no temporary file left beside the backup


def test_restore_refuses_a_backup_the_password_does_not_open(
    office: Office, tmp_path: Path
) -> None:
    backup = _backup(office, tmp_path)
    office.ctx.close()
    live = sha256s(office.path.parent)
    with pytest.raises(AuthenticationError):
        encryption.restore(office.paths.db_url, backup, Unlock("admin", "wrong password!"))
    with pytest.raises(DomainError, match="is encrypted"):
        encryption.restore(office.paths.db_url, backup, None)
    key_file_path(backup).unlink()
    with pytest.raises(StorageRefusedError, match="key file is missing"):
        encryption.restore(office.paths.db_url, backup, Unlock("admin", PASSWORD))
    assert sha256s(office.path.parent) == live


# --- encrypting a plain database --------------------------------------------------------------


@pytest.mark.parametrize("keep_plain", [False, True], ids=["shred-plain", "keep-plain"])
def test_encrypt_turns_a_plain_database_into_an_encrypted_one_with_every_row(
    plain_office: Office, keep_plain: bool
) -> None:
    office = plain_office
    write_client(office)
    write_client(office, "Secondfamilyname", "Second")
    counts = _counts(office.ctx)
    assert counts["persons"] >= 2 and counts["consultations"] >= 2
    assert words_in(office.path.read_bytes() + wal_path(office.path).read_bytes()) == set(WORDS)
    done = encryption.encrypt(office.ctx.db, "admin", PASSWORD, keep_plain=keep_plain)
    folder = office.path.parent
    names = sorted(p.name for p in folder.iterdir() if p.is_file())
    if keep_plain:
        assert done.kept_plain is not None and words_in(done.kept_plain.read_bytes()) == set(WORDS)
        names.remove(done.kept_plain.name)
    else:
        assert done.kept_plain is None
    assert names == ["office.db", "office.db.keys"]  # no plain copy, -wal or temporary file
    assert words_in(office.path.read_bytes()) == set()
    ctx = office.reopen(Unlock("admin", PASSWORD))  # the actor's password at once
    assert _counts(ctx) == counts
    assert _found(ctx, office) == 1
    ctx.close()
    office.ctx = _open(office.path, Unlock(recovery_key=done.recovery_key))
    with pytest.raises(DomainError):
        encryption.encrypt(office.ctx.db, "admin", PASSWORD)  # encrypted already


def test_after_encrypt_each_user_gets_a_slot_at_their_next_login(plain_office: Office) -> None:
    """``encrypt`` knows only the administrator's password; another user's slot is written
    when they log in on the open desk (users.authenticate calls ensure_slot)."""
    from welcome_center.services import users

    office = plain_office
    encryption.encrypt(office.ctx.db, "admin", PASSWORD)
    with pytest.raises(AuthenticationError):
        _open(office.path, Unlock("anna", PASSWORD))
    ctx = office.reopen(Unlock("admin", PASSWORD))
    assert not encryption.ensure_slot(ctx.db, "admin", PASSWORD)  # has one already
    users.authenticate(ctx.uow, "anna", PASSWORD)
    assert not encryption.ensure_slot(ctx.db, "anna", PASSWORD)  # the login wrote it
    ctx.close()
    office.ctx = _open(office.path, Unlock("anna", PASSWORD))


def test_a_failed_encrypt_leaves_the_plain_file_and_no_key_file(
    plain_office: Office, monkeypatch: pytest.MonkeyPatch
) -> None:
    office = plain_office
    write_client(office)

    def no_links(*_a: object) -> None:
        raise OSError(1, "hard links are not supported here")

    monkeypatch.setattr("os.link", no_links)
    with pytest.raises(OSError):
        encryption.encrypt(office.ctx.db, "admin", PASSWORD)
    monkeypatch.undo()
    assert sorted(p.name for p in office.path.parent.iterdir() if p.is_file()) == ["office.db"]
    assert words_in(office.path.read_bytes()) == set(WORDS)
    office.ctx = _open(office.path, None)
    assert _found(office.ctx, office) == 1


def test_encrypt_refuses_a_server_database_or_an_encrypted_file(office: Office) -> None:
    with pytest.raises(DomainError, match="Only a plain database file"):
        encryption.encrypt(office.ctx.db, "admin", PASSWORD)


# --- the retention run's backups ------------------------------------------------------------


def test_the_retention_run_anonymises_an_encrypted_backup_and_keeps_it_encrypted(
    office: Office,
) -> None:
    write_client(office)
    folder = office.paths.backup_dir
    backup = storage.backup(office.ctx.db, folder / "office-1.db", office.admin, office.ctx.uow)
    key = office.ctx.db.key
    con = erasure.read_only(backup, key)  # the control: the backup holds the client
    assert con.execute("SELECT count(*) FROM persons WHERE family_name = ?", (FAMILY,)).fetchone()
    con.close()
    run = retention.run(
        office.ctx.uow, office.admin, office_today() + timedelta(days=365 * 20)
    ).value
    assert (run.persons_anonymised, run.backups_anonymised) == (1, 1)
    data = backup.read_bytes()
    assert not data.startswith(SQLITE_MAGIC) and words_in(data) == set()
    assert sorted(p.name for p in folder.iterdir()) == ["office-1.db", "office-1.db.keys"]
    assert office.recovery is not None
    ctx = _open(backup, Unlock(recovery_key=office.recovery))
    try:
        with ctx.uow.read() as s:
            rows = s.execute(text("SELECT family_name, anonymised_at FROM persons")).all()
        assert [r.family_name for r in rows] == [""] and rows[0].anonymised_at is not None
    finally:
        ctx.close()


def test_plain_backups_from_before_encrypt_are_still_looked_after(plain_office: Office) -> None:
    """A backup taken while the office was plain stays in the folder after ``encrypt``: the
    retention run must still anonymise (or rotate) it, not pass it by as another's."""
    office = plain_office
    write_client(office)
    folder = office.paths.backup_dir
    backup = storage.backup(office.ctx.db, folder / "office-1.db", office.admin, office.ctx.uow)
    assert words_in(backup.read_bytes()) == set(WORDS)
    encryption.encrypt(office.ctx.db, "admin", PASSWORD)
    ctx = office.reopen(Unlock("admin", PASSWORD))
    run = retention.run(ctx.uow, office.admin, office_today() + timedelta(days=365 * 20)).value
    assert run.persons_anonymised == 1
    assert run.backups_anonymised + run.backups_removed == 1
    assert not backup.exists() or words_in(backup.read_bytes()) == set()
