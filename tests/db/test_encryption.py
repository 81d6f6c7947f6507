"""Encryption at rest (issue 13, item 1): no client's name or note in any byte of an encrypted
database, its -wal or its key file; a wrong password, a missing key file or a foreign file is
refused and changes no file; the key slots follow the users; the recovery key opens the file;
the default key derivation is a slow one. Backups, restore and ``encrypt``:
test_encryption_backups.py."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import PASSWORD, REAL_KDF
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
from welcome_center.app import open_app
from welcome_center.db import cipher
from welcome_center.db import keyring as kr
from welcome_center.db.engine import wal_path
from welcome_center.domain.enums import Role
from welcome_center.domain.errors import AuthenticationError
from welcome_center.services import encryption, users
from welcome_center.services.encryption import Unlock
from welcome_center.services.storage import StorageRefusedError

NEW_PASSWORD = "a new password, long enough"


@pytest.fixture
def office(tmp_path: Path, pg_server: object) -> Iterator[Office]:
    if pg_server is not None:
        pytest.skip("a test of SQLite files")
    made = make_office(tmp_path / "office")
    yield made
    made.ctx.close()


def _opens(office: Office, how: Unlock) -> bool:
    """Whether ``how`` opens the office's file (AuthenticationError: it does not)."""
    try:
        ctx = open_app(office.paths, unlock=how)
    except AuthenticationError:
        return False
    ctx.close()
    return True


# --- nothing readable at rest ----------------------------------------------------------------


@pytest.mark.parametrize("encrypted", [True, False], ids=["encrypted", "plain-control"])
def test_no_name_or_note_in_the_file_its_wal_or_its_key_file(
    tmp_path: Path, pg_server: object, encrypted: bool
) -> None:
    if pg_server is not None:
        pytest.skip("a test of SQLite files")
    office = make_office(tmp_path / "office", encrypted=encrypted)
    path = office.path
    # A second connection holds a snapshot from before the client was written: SQLite can
    # neither copy the new pages into the file nor remove the -wal while it lives.
    reader = cipher.connect(path, office.ctx.db.key)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM persons").fetchone()
    try:
        write_client(office)
        office.ctx.close()
        wal = wal_path(path).read_bytes()
        assert len(wal) > 0
        found = {name: words_in(p.read_bytes()) for name, p in _files(path.parent).items()}
    finally:
        reader.close()
    if encrypted:
        assert {"office.db", "office.db-wal", "office.db.keys"} <= set(found)
        assert {name: words for name, words in found.items() if words} == {}
        assert not path.read_bytes().startswith(SQLITE_MAGIC)
    else:  # the control: the same search finds them in a plain database's -wal
        assert "office.db.keys" not in found
        assert found["office.db-wal"] == set(WORDS)


def _files(folder: Path) -> dict[str, Path]:
    return {p.name: p for p in sorted(folder.iterdir()) if p.is_file()}


def test_an_encrypted_file_still_reads_back_everything(office: Office) -> None:
    """The control of the control: what is not found in the bytes is in the database."""
    write_client(office)
    from welcome_center.services import search

    ctx = office.reopen()
    hits = search.search_records(ctx.uow, office.anna, FAMILY)
    assert len(hits) == 1


# --- refusals leave every file as it was -----------------------------------------------------


def _crashed_copy(office: Office, folder: Path) -> Path:
    """A copy of the office as a crash leaves it: the file with a -wal holding the client,
    and its key file."""
    write_client(office)
    folder.mkdir()
    path = office.path
    for p in (path, wal_path(path), office.keys):
        shutil.copyfile(p, folder / p.name)
    assert wal_path(folder / path.name).stat().st_size > 0
    return folder / path.name


def _refused(path: Path, how: Unlock | None, error: type[Exception], words: str) -> None:
    from welcome_center.paths import resolve

    before = sha256s(path.parent)
    with pytest.raises(error) as caught:
        open_app(resolve(str(path)), unlock=how)
    assert words in str(caught.value)
    assert sha256s(path.parent) == before  # no file changed, none added, none removed


def test_a_wrong_password_or_user_is_refused_and_changes_no_file(
    office: Office, tmp_path: Path
) -> None:
    path = _crashed_copy(office, tmp_path / "copy")
    wrong = "User name or password is wrong."
    _refused(path, Unlock("admin", "not the password at all"), AuthenticationError, wrong)
    _refused(path, Unlock("nobody", PASSWORD), AuthenticationError, wrong)
    _refused(path, Unlock("admin", ""), AuthenticationError, wrong)
    _refused(path, None, StorageRefusedError, "is encrypted: it opens with a user's name")
    _refused(
        path,
        Unlock(recovery_key="AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH"),
        AuthenticationError,
        "This recovery key does not open the database",
    )
    _refused(path, Unlock(recovery_key="not a key"), AuthenticationError, "recovery key")
    # And the right password opens the copy, with the client from its -wal.
    from welcome_center.paths import resolve
    from welcome_center.services import search

    ctx = open_app(resolve(str(path)), unlock=Unlock("anna", PASSWORD))
    try:
        assert len(search.search_records(ctx.uow, office.anna, FAMILY)) == 1
    finally:
        ctx.close()


def test_a_file_without_its_key_file_is_refused_untouched(office: Office, tmp_path: Path) -> None:
    path = _crashed_copy(office, tmp_path / "copy")
    (path.parent / f"{path.name}.keys").rename(tmp_path / "keys-elsewhere")
    for how in (None, Unlock("admin", PASSWORD), Unlock(recovery_key=office.recovery or "")):
        _refused(
            path,
            how,
            StorageRefusedError,
            "is not a database of this program, or its key file is missing",
        )


PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489") + bytes(
    range(256)
)


def test_a_picture_is_refused_untouched(tmp_path: Path, pg_server: object) -> None:
    if pg_server is not None:
        pytest.skip("a test of SQLite files")
    folder = tmp_path / "pictures"
    folder.mkdir()
    path = folder / "office.db"
    path.write_bytes(PNG)
    for how in (None, Unlock("admin", PASSWORD)):
        _refused(path, how, StorageRefusedError, "not a database of this program")


def test_another_programs_sqlite_is_refused_untouched(tmp_path: Path, pg_server: object) -> None:
    import sqlite3

    if pg_server is not None:
        pytest.skip("a test of SQLite files")
    folder = tmp_path / "other"
    folder.mkdir()
    path = folder / "office.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE notes (text TEXT)")
    con.execute("INSERT INTO notes VALUES ('shopping list')")
    con.commit()
    con.close()
    for how in (None, Unlock("admin", PASSWORD)):
        _refused(path, how, StorageRefusedError, "belongs to another program")


def test_another_databases_key_file_beside_is_refused_untouched(
    office: Office, tmp_path: Path
) -> None:
    """Both offices have a user ``admin`` with the same password: the other key file's slot
    opens, and gives a key that does not open this file."""
    path = _crashed_copy(office, tmp_path / "copy")
    other = make_office(tmp_path / "other")
    other.ctx.close()
    shutil.copyfile(other.keys, path.parent / f"{path.name}.keys")
    _refused(path, Unlock("admin", PASSWORD), StorageRefusedError, "belongs to another database")
    _refused(path, Unlock("admin", "not the password"), AuthenticationError, "is wrong")
    # A picture with a key file beside it is no database either.
    path.write_bytes(PNG)
    wal_path(path).unlink()
    _refused(path, Unlock("admin", PASSWORD), StorageRefusedError, "another database")


# --- key slots ------------------------------------------------------------------------------


def test_changing_ones_password_rewraps_ones_slot(office: Office) -> None:
    before = kr.read_key_file(office.keys)
    users.change_own_password(office.ctx.uow, office.anna, PASSWORD, NEW_PASSWORD)
    after = kr.read_key_file(office.keys)
    assert after.slot("anna") != before.slot("anna")
    assert after.slot("admin") == before.slot("admin")  # the others' slots as they were
    assert after.slot(kr.RECOVERY_SLOT) == before.slot(kr.RECOVERY_SLOT)
    office.ctx.close()
    assert not _opens(office, Unlock("anna", PASSWORD))
    assert _opens(office, Unlock("anna", NEW_PASSWORD))
    assert _opens(office, Unlock("ANNA", NEW_PASSWORD))  # user names without case
    assert _opens(office, Unlock("admin", PASSWORD))


def test_an_administrators_reset_writes_a_new_slot(office: Office) -> None:
    before = kr.read_key_file(office.keys).slot("anna")
    users.reset_password(office.ctx.uow, office.admin, office.anna.user_id or 0, NEW_PASSWORD)
    after = kr.read_key_file(office.keys).slot("anna")
    assert after is not None and before is not None
    assert (after.salt, after.nonce) != (before.salt, before.nonce)
    office.ctx.close()
    assert _opens(office, Unlock("anna", NEW_PASSWORD))
    assert not _opens(office, Unlock("anna", PASSWORD))


def test_a_deactivated_user_has_no_slot(office: Office) -> None:
    users.set_active(office.ctx.uow, office.admin, office.anna.user_id or 0, False)
    assert kr.read_key_file(office.keys).user_names == ["admin"]
    assert not encryption.has_slot(office.paths.db_url, "anna")
    office.ctx.close()
    assert not _opens(office, Unlock("anna", PASSWORD))
    assert _opens(office, Unlock("admin", PASSWORD))


def test_a_new_password_for_a_deactivated_user_writes_no_slot(office: Office) -> None:
    """Deactivated, a user opens nothing, whatever password an administrator sets meanwhile."""
    anna = office.anna.user_id or 0
    users.set_active(office.ctx.uow, office.admin, anna, False)
    users.reset_password(office.ctx.uow, office.admin, anna, NEW_PASSWORD)
    assert kr.read_key_file(office.keys).user_names == ["admin"]
    office.ctx.close()
    assert not _opens(office, Unlock("anna", NEW_PASSWORD))


def test_a_failing_transaction_puts_the_key_file_back(
    office: Office, monkeypatch: pytest.MonkeyPatch
) -> None:
    from welcome_center.services import audit

    before = office.keys.read_bytes()

    def fails(*_a: object, **_k: object) -> None:
        raise RuntimeError("the disk went away")

    monkeypatch.setattr(audit, "log", fails)
    anna_id = office.anna.user_id or 0
    with pytest.raises(RuntimeError):
        users.change_own_password(office.ctx.uow, office.anna, PASSWORD, NEW_PASSWORD)
    with pytest.raises(RuntimeError):
        users.reset_password(office.ctx.uow, office.admin, anna_id, NEW_PASSWORD)
    with pytest.raises(RuntimeError):
        users.set_active(office.ctx.uow, office.admin, anna_id, False)
    monkeypatch.undo()
    # Refused by the service itself: a name that is taken, a user without the right.
    from welcome_center.domain.errors import PermissionDeniedError, ValidationError

    with pytest.raises(ValidationError):
        users.add_user(office.ctx.uow, office.admin, "Anna", NEW_PASSWORD, Role.COUNSELLOR)
    with pytest.raises(PermissionDeniedError):
        users.add_user(office.ctx.uow, office.anna, "admin", NEW_PASSWORD, Role.ADMIN)
    assert office.keys.read_bytes() == before
    office.ctx.close()
    assert _opens(office, Unlock("anna", PASSWORD))
    assert not _opens(office, Unlock("anna", NEW_PASSWORD))
    assert not _opens(office, Unlock("admin", NEW_PASSWORD))


def test_one_users_slot_does_not_open_for_another(office: Office, tmp_path: Path) -> None:
    """The slot is bound to its name and its database: copied under another name, or from
    another database's key file, it opens nothing."""
    office.ctx.close()
    data = json.loads(office.keys.read_text())
    admin_slot = next(s for s in data["slots"] if s["name"] == "admin")
    data["slots"] = [s for s in data["slots"] if s["name"] != "anna"]
    data["slots"].append({**admin_slot, "name": "anna"})
    office.keys.write_text(json.dumps(data))
    assert not _opens(office, Unlock("anna", PASSWORD))  # the admin's password, anna's name
    assert _opens(office, Unlock("admin", PASSWORD))
    # The same user name and password in another office: its slot, copied here, opens nothing.
    other = make_office(tmp_path / "other")
    other.ctx.close()
    theirs = next(s for s in json.loads(other.keys.read_text())["slots"] if s["name"] == "admin")
    data["slots"] = [s for s in data["slots"] if s["name"] != "admin"] + [theirs]
    office.keys.write_text(json.dumps(data))
    assert not _opens(office, Unlock("admin", PASSWORD))


# --- the recovery key ------------------------------------------------------------------------


def _confusable_recovery_key() -> str:
    """A recovery key with the letters O, I and B, which people read as 0, 1 and 8."""
    while True:
        key = kr.new_recovery_key()
        if all(c in key for c in "OIB"):
            return key


def test_the_recovery_key_opens_as_printed_and_as_typed(office: Office) -> None:
    assert office.recovery is not None
    office.ctx.close()
    printed = office.recovery
    assert len(printed.split("-")) == 8
    assert _opens(office, Unlock(recovery_key=printed))
    assert _opens(office, Unlock(recovery_key=printed.lower().replace("-", " ")))
    # A recovery key with the letters people misread: typed with the digits, it still opens.
    key = _confusable_recovery_key()
    keyring = encryption.unlock(office.paths.db_url, Unlock("admin", PASSWORD))
    keys = kr.read_key_file(office.keys)
    kr.write_key_file(
        office.keys, keys.with_slot(kr.RECOVERY_SLOT, kr.recovery_secret(key), keyring.data_key)
    )
    typed = key.translate(str.maketrans("OIB", "018")).lower().replace("-", "  ")
    assert typed != key.lower()
    assert _opens(office, Unlock(recovery_key=typed))
    assert not _opens(office, Unlock(recovery_key=printed))  # the old key was replaced


def test_a_wrong_recovery_key_is_refused(office: Office) -> None:
    assert office.recovery is not None
    office.ctx.close()
    other = kr.new_recovery_key()
    assert not _opens(office, Unlock(recovery_key=other))
    assert not _opens(office, Unlock(recovery_key=office.recovery[:-1]))  # a letter missing
    with pytest.raises(AuthenticationError, match="recovery key does not open"):
        open_app(office.paths, unlock=Unlock(recovery_key="Z" * 40))


def test_with_every_user_slot_gone_the_recovery_key_opens_and_a_reset_gives_a_slot(
    office: Office,
) -> None:
    assert office.recovery is not None
    office.ctx.close()
    keys = kr.read_key_file(office.keys)
    kr.write_key_file(office.keys, keys.without_slot("admin").without_slot("anna"))
    ctx = open_app(office.paths, unlock=Unlock(recovery_key=office.recovery))
    try:
        admin = users.authenticate(ctx.uow, "admin", PASSWORD)
        users.reset_password(ctx.uow, admin, office.anna.user_id or 0, NEW_PASSWORD)
    finally:
        ctx.close()
    assert _opens(office, Unlock("anna", NEW_PASSWORD))


# --- the key derivation ----------------------------------------------------------------------


def test_the_default_key_derivation_is_argon2id_at_a_real_cost() -> None:
    """A property, not a speed goal: the default cost makes guessing a password slow."""
    assert kr.Kdf() == REAL_KDF  # the tests lowered DEFAULT_KDF, not the default itself
    assert REAL_KDF.time_cost >= 3
    assert REAL_KDF.memory_kib >= 64 * 1024
    assert REAL_KDF.parallelism >= 1
    start = time.perf_counter()
    key = REAL_KDF.derive(b"correct horse battery", b"0123456789abcdef")
    assert time.perf_counter() - start > 0.02
    assert len(key) == 32
    # A slot made with the real cost records it and opens with it.
    data_key = kr.new_data_key()
    keys = kr.new_key_file().with_slot("anna", b"pw", data_key, REAL_KDF)
    again = kr.KeyFile.from_bytes(keys.to_bytes())
    slot = again.slot("anna")
    assert slot is not None and slot.kdf == REAL_KDF
    assert again.open_slot("anna", b"pw") == data_key
    with pytest.raises(kr.WrongSecretError):
        again.open_slot("anna", b"pW")


def test_the_words_searched_for_are_those_written() -> None:
    """Guards the byte search itself: it finds each word in a text that holds it."""
    assert words_in(" ".join(WORDS).encode()) == set(WORDS)
    assert words_in(b"nothing here") == set()
