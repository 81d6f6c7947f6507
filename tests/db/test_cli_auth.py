"""The authenticated command line (issue 13, item 4): --user and the password, the roles, the
audit, ``setup`` of an encrypted office, ``user password``, ``db restore`` and ``db encrypt``."""

from __future__ import annotations

import hashlib
import io
import re
import sqlite3
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import PASSWORD
from welcome_center.app import open_app
from welcome_center.cli import main
from welcome_center.db.engine import url_for_path
from welcome_center.db.models import AuditEntry
from welcome_center.domain.errors import AuthenticationError
from welcome_center.paths import resolve
from welcome_center.services import encryption, users
from welcome_center.services.encryption import Unlock

KEY = re.compile(r"Recovery key:\s+([A-Z2-7]{4}(?:-[A-Z2-7]{4}){7})")


def run(args: list[str], stdin: str = "", monkeypatch: pytest.MonkeyPatch | None = None) -> int:
    if monkeypatch is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return main(["--lang", "en", *args])


def files(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` and the sha256 of its bytes."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def database_files(target: Path) -> dict[str, str]:
    """The database, its -wal and -shm and its key file (a login's failures are counted in a
    file of their own beside them)."""
    names = (target.name, f"{target.name}-wal", f"{target.name}-shm", f"{target.name}.keys")
    return {k: v for k, v in files(target.parent).items() if k in names}


def set_up(
    folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[Path, str]:
    """A new encrypted office made by ``welcome-center setup`` with the administrator
    ``admin``; returns the file and the recovery key it showed."""
    target = folder / "office.db"
    args = ["--db", str(target), "setup", "--office", "WC Glauchau", "--admin", "admin"]
    assert run(args, PASSWORD + "\n", monkeypatch) == 0
    out = capsys.readouterr().out
    [key] = KEY.findall(out)
    return target, key


@pytest.fixture
def encrypted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[Path, str]:
    folder = tmp_path / "office"
    folder.mkdir()
    return set_up(folder, monkeypatch, capsys)


COMMANDS = [
    ["import", "liste.csv"],
    ["demo", "--records", "5"],
    ["report", "--month", "2024-03"],
    ["person", "export", "1", "-o", "auskunft.pdf"],
    ["retention", "status"],
    ["retention", "run"],
    ["user", "add", "mallory", "--role", "admin"],
    ["user", "list"],
    ["user", "password"],
    ["db", "upgrade"],
    ["db", "backup", "copy.db"],
    ["db", "restore", "copy.db"],
    ["db", "encrypt"],
    ["db", "check"],  # on an encrypted file only
]


@pytest.mark.parametrize("kind", ["plain", "encrypted"])
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: "-".join(c[:2]))
def test_every_command_is_refused_without_a_user(
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
    kind: str,
) -> None:
    if kind == "plain" and command == ["db", "check"]:
        pytest.skip("a plain file's check reads no personal data (test_cli)")
    target = request.getfixturevalue("db_path" if kind == "plain" else "encrypted")
    target = target if kind == "plain" else target[0]
    monkeypatch.setenv("WELCOME_CENTER_PASSWORD", PASSWORD)  # a password alone is no one
    monkeypatch.chdir(target.parent)
    before = files(target.parent)
    assert run(["--db", str(target), *command], PASSWORD + "\n", monkeypatch) == 2
    err = capsys.readouterr().err
    words = command[:2] if command[0] in ("person", "retention", "user", "db") else command[:1]
    assert f"error: welcome-center {' '.join(words)} needs --user NAME" in err
    assert "Nothing was opened" in err
    assert files(target.parent) == before


def test_the_refusal_in_german(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--lang", "de", "--db", str(db_path), "user", "list"]) == 2
    assert "braucht --user NAME" in capsys.readouterr().err


def test_a_wrong_password_is_refused_and_changes_no_file_of_an_encrypted_office(
    encrypted: tuple[Path, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    target, _key = encrypted
    before = database_files(target)
    monkeypatch.setenv("WELCOME_CENTER_PASSWORD", "not the password")
    for command in (["user", "list"], ["db", "check"]):  # a third would wait (login.py)
        assert run(["--db", str(target), "--user", "admin", *command]) == 1
        assert "User name or password is wrong." in capsys.readouterr().err
    assert run(["--db", str(target), "--user", "nobody", "user", "list"]) == 1
    assert "User name or password is wrong." in capsys.readouterr().err
    assert database_files(target) == before


def test_a_wrong_password_on_a_plain_file_is_refused_and_audited(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WELCOME_CENTER_PASSWORD", "not the password")
    assert run(["--db", str(db_path), "--user", "admin", "user", "list"]) == 1
    captured = capsys.readouterr()
    assert "User name or password is wrong." in captured.err and captured.out == ""
    con = sqlite3.connect(db_path)
    [(actor, action)] = con.execute(
        "SELECT actor, action FROM audit_log ORDER BY id DESC LIMIT 1"
    ).fetchall()
    con.close()
    assert (actor, action) == ("login:admin", "login_failed")


def test_the_password_is_read_from_standard_input_first(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without WELCOME_CENTER_PASSWORD: the first line is --user's, the next the new user's."""
    monkeypatch.delenv("WELCOME_CENTER_PASSWORD", raising=False)
    args = ["--db", str(db_path), "--user", "admin", "user", "add", "clara", "--role", "manager"]
    assert run(args, f"{PASSWORD}\nclaras-password\n", monkeypatch) == 0
    assert "User clara added" in capsys.readouterr().out
    database = open_app(resolve(str(db_path)))
    try:
        assert users.authenticate(database.uow, "clara", "claras-password").name == "clara"
    finally:
        database.close()
    assert run(["--db", str(db_path), "--user", "admin", "user", "list"], "", monkeypatch) == 1
    assert "No password for admin" in capsys.readouterr().err


def test_roles_hold_at_the_command_line(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A counsellor cannot add a user (not even asked for the new password), nor list the
    users; a manager gets the figures but no access export."""
    monkeypatch.setenv("WELCOME_CENTER_PASSWORD", PASSWORD)
    db = ["--db", str(db_path)]
    stdin = io.StringIO("mallorys-password\n")
    monkeypatch.setattr(sys, "stdin", stdin)
    assert main(["--lang", "en", *db, "--user", "anna", "user", "add", "mallory",
                 "--role", "admin"]) == 1  # fmt: skip
    assert "Your role does not allow this." in capsys.readouterr().err
    assert stdin.read() == "mallorys-password\n"
    assert run([*db, "--user", "anna", "user", "list"]) == 1
    assert "Your role does not allow this." in capsys.readouterr().err
    assert run([*db, "--user", "maria", "report", "--year", "2024"]) == 0
    assert '"enquiries_received"' in capsys.readouterr().out
    out = db_path.parent / "a.pdf"
    assert run([*db, "--user", "maria", "person", "export", "1", "-o", str(out)]) == 1
    assert "Your role does not allow this." in capsys.readouterr().err
    assert not out.exists()
    assert run([*db, "--user", "anna", "db", "encrypt"]) == 1
    assert "Only an administrator may do this; anna is not one." in capsys.readouterr().err
    con = sqlite3.connect(db_path)
    names = [r[0] for r in con.execute("SELECT username FROM users")]
    con.close()
    assert "mallory" not in names


def test_setup_demo_report_on_an_encrypted_office(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "office.db"
    args = ["--db", str(target), "setup", "--office", "WC Glauchau", "--admin", "ada"]
    assert run(args, PASSWORD + "\n", monkeypatch) == 0
    out = capsys.readouterr().out
    assert f"encrypted database is ready at {target}, with the administrator ada" in out
    assert out.count("Recovery key:") == 1 and len(KEY.findall(out)) == 1
    assert "keep it in the data protection officer's safe" in out
    assert "opens the database when every password is lost" in out
    assert "will not be shown again" in out
    assert encryption.needs_key(url_for_path(target))
    monkeypatch.setenv("WELCOME_CENTER_PASSWORD", PASSWORD)
    ada = ["--db", str(target), "--user", "ada"]
    assert run([*ada, "demo", "--records", "40"]) == 0
    assert "40 records" in capsys.readouterr().out
    assert run([*ada, "report", "--year", "2025"]) == 0
    report = capsys.readouterr().out
    assert '"office": "WC Glauchau"' in report and "Recovery key" not in report
    assert run([*ada, "db", "check"]) == 0
    assert "Integrity: ok" in capsys.readouterr().out
    assert b"WC Glauchau" not in target.read_bytes()


def test_the_recovery_key_opens_the_office(encrypted: tuple[Path, str]) -> None:
    target, key = encrypted
    url = url_for_path(target)
    keyring = encryption.unlock(url, Unlock(recovery_key=key))
    ctx = open_app(resolve(str(target)), unlock=Unlock(recovery_key=key.lower()))
    try:
        assert ctx.db.is_encrypted and [u.username for u in users.list_users(ctx.uow)] == ["admin"]
    finally:
        ctx.close()
    assert keyring.has_user("admin")


def test_user_password_changes_ones_own_password_and_key_slot(
    encrypted: tuple[Path, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    target, _key = encrypted
    monkeypatch.setenv("WELCOME_CENTER_PASSWORD", PASSWORD)
    admin = ["--db", str(target), "--user", "admin"]
    assert run([*admin, "user", "password"], "a-new-long-password\n", monkeypatch) == 0
    assert "The password of admin was changed." in capsys.readouterr().out
    url = url_for_path(target)
    encryption.unlock(url, Unlock("admin", "a-new-long-password"))
    with pytest.raises(AuthenticationError):
        encryption.unlock(url, Unlock("admin", PASSWORD))
    assert run([*admin, "user", "list"]) == 1  # the old password is gone
    assert "User name or password is wrong." in capsys.readouterr().err
    monkeypatch.setenv("WELCOME_CENTER_PASSWORD", "a-new-long-password")
    assert run([*admin, "user", "password"], "short\n", monkeypatch) == 1
    assert "at least 10 characters" in capsys.readouterr().err
    entries = _audit(target, Unlock("admin", "a-new-long-password"))
    assert ("admin", "change_password", "") in entries


def _audit(target: Path, how: Unlock) -> list[tuple[str, str, str]]:
    """The audit log's actor, action and detail, oldest first."""
    ctx = open_app(resolve(str(target)), unlock=how)
    try:
        with ctx.uow.read() as s:
            rows = s.execute(
                select(AuditEntry.actor, AuditEntry.action, AuditEntry.detail).order_by(
                    AuditEntry.id
                )
            )
            return [(a, b, c) for a, b, c in rows]
    finally:
        ctx.close()


@pytest.mark.parametrize("with_recovery_key", [False, True], ids=["password", "recovery-key"])
def test_db_restore_puts_the_backup_back_and_keeps_the_replaced_file(
    encrypted: tuple[Path, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    with_recovery_key: bool,
) -> None:
    target, key = encrypted
    folder = target.parent
    monkeypatch.setenv("WELCOME_CENTER_PASSWORD", PASSWORD)
    admin = ["--db", str(target), "--user", "admin"]
    backup = folder / "backups" / "before.db"
    assert run([*admin, "db", "backup", str(backup)]) == 0
    assert run([*admin, "user", "add", "clara", "--role", "manager"], "claras-password\n",
               monkeypatch) == 0  # fmt: skip
    capsys.readouterr()
    args = [*admin, "db", "restore", str(backup)]
    if with_recovery_key:
        args.append("--recovery-key")
    assert run(args, key + "\n", monkeypatch) == 0
    out = capsys.readouterr().out
    # Kept in the backups folder, where the retention run looks after it as after any backup.
    [kept] = [p for p in (folder / "backups").iterdir() if p.name.startswith("office-replaced-")
              and p.suffix == ".db"]  # fmt: skip
    assert f"{backup} was restored. The database it replaced was kept as {kept}." in out
    assert Path(f"{kept}.keys").exists()
    ctx = open_app(resolve(str(kept)), unlock=Unlock("admin", PASSWORD))
    try:
        assert "clara" in [u.username for u in users.list_users(ctx.uow)]
    finally:
        ctx.close()
    assert run([*admin, "user", "list"]) == 0
    assert "clara" not in capsys.readouterr().out
    assert _audit(target, Unlock("admin", PASSWORD))[-2:] == [
        ("admin", "restore", "before.db"),
        ("admin", "login", ""),
    ]


def test_db_restore_is_an_administrators_and_checks_the_backup(
    encrypted: tuple[Path, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    target, _key = encrypted
    folder = target.parent
    monkeypatch.setenv("WELCOME_CENTER_PASSWORD", PASSWORD)
    admin = ["--db", str(target), "--user", "admin"]
    assert run([*admin, "user", "add", "mia", "--role", "manager"], f"{PASSWORD}\n",
               monkeypatch) == 0  # fmt: skip
    backup = folder / "copy.db"
    assert run([*admin, "db", "backup", str(backup)]) == 0
    capsys.readouterr()
    before = files(folder)
    assert run(["--db", str(target), "--user", "mia", "db", "restore", str(backup)]) == 1
    assert "Only an administrator may do this; mia is not one." in capsys.readouterr().err
    assert run([*admin, "db", "restore", str(folder / "missing.db")]) == 1
    assert "does not exist" in capsys.readouterr().err
    assert run([*admin, "db", "restore", "--recovery-key", str(backup)], "AAAA-BBBB\n",
               monkeypatch) == 1  # fmt: skip
    assert "This recovery key does not open the database" in capsys.readouterr().err
    after = files(folder)
    # the administrator's logins were written to the live database; nothing else changed
    assert {k for k in after if "replaced" in k} == set()
    assert (
        after["copy.db"] == before["copy.db"]
        and after["office.db.keys"] == (before["office.db.keys"])
    )


@pytest.mark.parametrize("keep_plain", [False, True], ids=["erased", "kept"])
def test_db_encrypt_turns_a_plain_office_into_an_encrypted_one(
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    keep_plain: bool,
) -> None:
    folder = db_path.parent
    monkeypatch.setenv("WELCOME_CENTER_PASSWORD", PASSWORD)
    admin = ["--db", str(db_path), "--user", "admin"]
    assert run([*admin, "db", "backup", str(folder / "backups" / "old.db")]) == 0
    capsys.readouterr()
    assert run([*admin, "db", "encrypt", *(["--keep-plain"] if keep_plain else [])]) == 0
    out = capsys.readouterr().out
    assert f"The database at {db_path} is encrypted now. Only admin can open it" in out
    assert out.count("Recovery key:") == 1
    [key] = KEY.findall(out)
    assert f"Backups written before are not encrypted; they are in {folder / 'backups'}." in out
    url = url_for_path(db_path)
    assert encryption.needs_key(url)
    assert encryption.unlock(url, Unlock(recovery_key=key)).has_user("admin")
    assert b"Ada Admin" not in db_path.read_bytes()
    kept = [p for p in folder.iterdir() if "-plain-" in p.name]
    if keep_plain:
        assert len(kept) == 1 and f"The plain file was kept as {kept[0]}" in out
        con = sqlite3.connect(kept[0])
        assert con.execute("SELECT count(*) FROM users").fetchone()[0] == 4
        con.close()
    else:
        assert kept == [] and "plain file was kept" not in out
    assert run([*admin, "user", "list"]) == 0
    assert "anna" in capsys.readouterr().out
    assert run([*admin, "db", "encrypt"]) == 1
    assert "Only a plain database file can be encrypted." in capsys.readouterr().err
    assert ("admin", "encrypt", db_path.name) in _audit(db_path, Unlock("admin", PASSWORD))


def test_every_password_lost_the_recovery_key_gives_an_administrator_a_new_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    target, key = set_up(tmp_path, monkeypatch, capsys)
    db = ["--db", str(target)]
    # A wrong key changes nothing; with the right one the administrator gets a new password.
    before = database_files(target)
    assert run([*db, "user", "recover", "admin"], "AAAA-BBBB\nnew-password-1\n", monkeypatch) == 1
    assert "does not open the database" in capsys.readouterr().err
    assert database_files(target) == before
    assert run([*db, "user", "recover", "admin"], f"{key}\nnew-password-1\n", monkeypatch) == 0
    assert "admin has a new password" in capsys.readouterr().out
    monkeypatch.setenv("WELCOME_CENTER_PASSWORD", "new-password-1")
    assert run([*db, "--user", "admin", "user", "list"]) == 0
    assert ("recovery-key", "reset_password", "") in _audit(
        target, Unlock("admin", "new-password-1")
    )
    monkeypatch.setenv("WELCOME_CENTER_PASSWORD", PASSWORD)
    assert run([*db, "--user", "admin", "user", "list"]) == 1  # the old password is gone


def test_recover_is_for_an_encrypted_database_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "plain.db"
    args = ["--db", str(target), "setup", "--office", "WC", "--admin", "admin", "--plain"]
    assert run(args, PASSWORD + "\n", monkeypatch) == 0
    capsys.readouterr()
    before = files(tmp_path)
    assert run(["--db", str(target), "user", "recover", "admin"], "x\ny\n", monkeypatch) == 1
    assert "Only an encrypted database has a recovery key" in capsys.readouterr().err
    assert files(tmp_path) == before


def test_user_list_shows_a_locked_login(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from datetime import timedelta

    from welcome_center.db.types import utcnow

    ctx = open_app(resolve(str(db_path)))
    try:
        start = utcnow() - timedelta(minutes=5)
        for n in range(10):  # ten failures in a row, a wait apart: the name is locked
            with pytest.raises(AuthenticationError):
                users.authenticate(ctx.uow, "anna", "wrong", now=start + timedelta(seconds=31 * n))
    finally:
        ctx.close()
    monkeypatch.setenv("WELCOME_CENTER_PASSWORD", PASSWORD)
    assert run(["--db", str(db_path), "--user", "admin", "user", "list"]) == 0
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()}
    assert "locked until" in lines["anna"] and "locked" not in lines["ben"]
