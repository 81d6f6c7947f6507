"""The command line as a user runs it: exit codes, messages on stderr, acting as --user."""

from __future__ import annotations

import io
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PASSWORD
from welcome_center.cli import main

ADMIN = ["--user", "admin"]


@pytest.fixture(autouse=True)
def _password(monkeypatch: pytest.MonkeyPatch) -> None:
    """The --user password, as a script gives it."""
    monkeypatch.setenv("WELCOME_CENTER_PASSWORD", PASSWORD)


def run(args: list[str], stdin: str = "", monkeypatch: pytest.MonkeyPatch | None = None) -> int:
    if monkeypatch is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return main(["--lang", "en", *args])


def test_user_add_reads_password_from_stdin_and_lists(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(db_path)
    assert (
        run(
            [
                "--db",
                db,
                *ADMIN,
                "user",
                "add",
                "clara",
                "--role",
                "counsellor",
                "--display-name",
                "Clara Weiß",
            ],
            "a-long-password\n",
            monkeypatch,
        )
        == 0
    )
    assert "clara" in capsys.readouterr().out
    assert run(["--db", db, *ADMIN, "user", "list"]) == 0
    out = capsys.readouterr().out
    assert "clara" in out and "Clara Weiß" in out and "Counsellor" in out
    from welcome_center.db.engine import url_for_path
    from welcome_center.db.uow import UnitOfWork
    from welcome_center.services import users
    from welcome_center.services.storage import open_database

    database = open_database(url_for_path(db_path))
    assert users.authenticate(UnitOfWork(database), "clara", "a-long-password").name == "clara"
    database.dispose()


def test_cli_actions_are_audited_as_the_user(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("getpass.getuser", lambda: "jdoe")
    assert (
        run(
            ["--db", str(db_path), *ADMIN, "user", "add", "dora", "--role", "manager"],
            "a-long-password\n",
            monkeypatch,
        )
        == 0
    )
    con = sqlite3.connect(db_path)
    admin_id = con.execute("SELECT id FROM users WHERE username = 'admin'").fetchone()[0]
    rows = con.execute("SELECT actor, user_id, action FROM audit_log ORDER BY id DESC LIMIT 2")
    newest = rows.fetchall()
    everyone = {r[0] for r in con.execute("SELECT actor FROM audit_log")}
    con.close()
    assert newest == [("admin", admin_id, "create"), ("admin", admin_id, "login")]
    assert "system:jdoe" not in everyone  # the OS account is nobody at the office


def test_short_password_is_bad_input(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        run(
            ["--db", str(db_path), *ADMIN, "user", "add", "eve", "--role", "admin"],
            "short\n",
            monkeypatch,
        )
        == 1
    )
    err = capsys.readouterr().err
    assert "at least 10 characters" in err
    assert "Traceback" not in err


def test_wrong_usage_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        run(["user", "add", "x", "--role", "king"])
    assert info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        run(["frobnicate"])
    assert info.value.code == 2


def test_foreign_file_exits_1_and_stays_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    png = tmp_path / "scan.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 500)
    before = png.read_bytes()
    assert run(["--db", str(png), *ADMIN, "user", "list"]) == 1
    err = capsys.readouterr().err
    assert (
        "not a database of this program, or its key file is missing" in err
        and "Traceback" not in err
    )
    assert png.read_bytes() == before


def test_db_check_and_backup(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["--db", str(db_path), "db", "check"]) == 0
    out = capsys.readouterr().out
    assert "Integrity: ok" in out and "up to date" in out
    target = tmp_path / "backup.db"
    assert run(["--db", str(db_path), *ADMIN, "db", "backup", str(target)]) == 0
    con = sqlite3.connect(target)
    assert con.execute("SELECT count(*) FROM users").fetchone()[0] == 4
    con.close()
    assert run(["--db", str(db_path), *ADMIN, "db", "backup", str(target)]) == 1
    assert "exists already" in capsys.readouterr().err


def test_db_check_of_a_missing_file_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nothing.db"
    assert run(["--db", str(missing), "db", "check"]) == 1
    assert "There is no database at" in capsys.readouterr().out
    assert not missing.exists()


def test_default_command_opens_the_database_and_starts_the_desk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a command the desk starts; a new database asks for the first run (cancelled)."""
    from PySide6.QtWidgets import QDialog

    from welcome_center.ui.dialogs.login import FirstRunDialog

    shown: list[tuple[str, str]] = []

    def cancel(dialog: FirstRunDialog) -> int:
        shown.append((dialog.windowTitle(), dialog.where.text()))
        return QDialog.DialogCode.Rejected.value

    monkeypatch.setattr(FirstRunDialog, "exec", cancel)
    monkeypatch.setenv("WELCOME_CENTER_DATA", str(tmp_path / "data"))
    monkeypatch.delenv("WELCOME_CENTER_DB", raising=False)
    assert run([]) == 0
    target = tmp_path / "data" / "welcome-center.db"
    assert shown == [("Set up the office", f"The office's database will be created in this "
                      f"file: {target}")]  # fmt: skip
    assert not target.exists()  # cancelled: nothing was created


@pytest.mark.parametrize("empty", [False, True], ids=["missing", "zero-bytes"])
@pytest.mark.parametrize(
    "command",
    [["user", "list"], ["import", "LIST"], ["report", "--month", "2026-01"], ["db", "upgrade"],
     ["db", "backup", "COPY"], ["demo", "--records", "5"]],
    ids=lambda c: "-".join(c[:2]),
)  # fmt: skip
def test_no_command_but_setup_creates_a_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str], empty: bool
) -> None:
    target = tmp_path / "office.db"
    if empty:
        target.touch()
    listing = tmp_path / "liste.csv"
    listing.write_text(GOOD_CSV, encoding="utf-8")
    args = [str(listing) if a == "LIST" else str(tmp_path / "copy.db") if a == "COPY" else a
            for a in command]  # fmt: skip
    assert run(["--db", str(target), *ADMIN, *args]) == 1
    err = capsys.readouterr().err
    assert f"There is no database at {target} yet" in err and "welcome-center setup" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["liste.csv"] + (["office.db"] if empty else [])
    )
    assert not empty or target.stat().st_size == 0


def test_plain_setup_says_where_and_then_the_commands_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "neu" / "office.db"
    setup = ["--db", str(target), "setup", "--admin", "ada", "--plain"]
    assert run([*setup, "--office", "Welcome Center Glauchau"], PASSWORD, monkeypatch) == 0
    out = capsys.readouterr().out
    assert f"ready at {target}, with the administrator ada" in out
    assert "Recovery key" not in out
    assert run(["--db", str(target), "--user", "ada", "user", "list"]) == 0
    assert "ada" in capsys.readouterr().out
    con = sqlite3.connect(target)
    assert con.execute("SELECT office_name FROM office_settings").fetchone()[0] == (
        "Welcome Center Glauchau"
    )
    con.close()
    again = ["--db", str(target), "setup", "--admin", "bob"]
    assert run(again, PASSWORD, monkeypatch) == 1  # never over an existing database
    assert "already; nothing was changed" in capsys.readouterr().err


def test_setup_refuses_a_short_password_before_making_anything(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "office.db"
    assert run(["--db", str(target), "setup", "--admin", "ada"], "short\n", monkeypatch) == 1
    assert "at least 10 characters" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_german_messages_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    png = tmp_path / "x.png"
    png.write_bytes(b"\x89PNG" + b"\0" * 300)
    assert main(["--lang", "de", "--db", str(png), *ADMIN, "user", "list"]) == 1
    err = capsys.readouterr().err
    assert "keine Datenbank dieses Programms" in err


def test_python_m_entry_point_runs(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "welcome_center",
            "--lang",
            "en",
            "--db",
            str(tmp_path / "x.db"),
            "setup",
            "--admin",
            "ada",
        ],
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "ready at" in result.stdout and result.stdout.count("Recovery key:") == 1


GOOD_CSV = (
    "Nachname;Vorname;Eingang;Typ;Themen;Kanal;Verweise;Kontakte\n"
    "Müller;Anna;03.04.2024;Anfrage;Aufenthalt, Einreise, Visum;Telefon;FIZUZ@2024-04-05;2\n"
    "Nguyễn;Lan;2024-05-06;Fall;recognition;email;;1\n"
)


def _records(db_path: Path) -> int:
    con = sqlite3.connect(db_path)
    try:
        return int(con.execute("SELECT count(*) FROM records").fetchone()[0])
    finally:
        con.close()


def test_import_of_a_list_with_bad_rows_names_every_line_and_writes_nothing(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "liste.csv"
    bad.write_text(
        GOOD_CSV
        + "Schmidt;Eva;31.02.2024;Anfrage;;;;\n"  # line 4: no such day
        + "Weber;Tom;2024-06-01;Anfrage;Raumfahrt;;;\n"  # line 5: unknown topic
        + "Kaya;Ali;2024-06-02;Anfrage;;;Nirgendwo;\n",  # line 6: unknown partner
        encoding="utf-8",
    )
    before = _records(db_path)
    assert run(["--db", str(db_path), *ADMIN, "import", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "3 problems; nothing was imported" in err
    for line, column in (("line 4", "Eingang"), ("line 5", "Themen"), ("line 6", "Verweise")):
        assert any(line in row and column in row for row in err.splitlines()), (line, err)
    assert "Traceback" not in err
    assert _records(db_path) == before


def test_import_dry_run_then_import_then_again(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "liste.csv"
    good.write_text(GOOD_CSV, encoding="utf-8")
    before = _records(db_path)
    assert run(["--db", str(db_path), *ADMIN, "import", str(good), "--dry-run"]) == 0
    assert "dry run" in capsys.readouterr().out
    assert _records(db_path) == before
    assert run(["--db", str(db_path), *ADMIN, "import", str(good)]) == 0
    assert "2 new records" in capsys.readouterr().out
    assert _records(db_path) == before + 2
    assert run(["--db", str(db_path), *ADMIN, "import", str(good)]) == 0
    assert "0 new records, 2 already there" in capsys.readouterr().out
    assert _records(db_path) == before + 2


def test_import_of_a_missing_file_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["--db", str(tmp_path / "x.db"), *ADMIN, "import", str(tmp_path / "nope.csv")]) == 1
    assert "does not exist" in capsys.readouterr().err


def test_help_is_german_through_and_through(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--lang", "de", "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("Aufruf: welcome-center")
    assert "Optionen:" in out and "diese Hilfe zeigen und beenden" in out
    for english in ("usage:", "options:", "show this help", "positional arguments"):
        assert english not in out


def test_roles_are_named_in_the_users_language(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("a-long-password\n"))
    db = str(db_path)
    args = ["--lang", "de", "--db", db, *ADMIN, "user"]
    assert main([*args, "add", "clara", "--role", "counsellor"]) == 0
    assert "mit der Rolle Berater/in angelegt" in capsys.readouterr().out
    assert main([*args, "list"]) == 0
    listing = capsys.readouterr().out
    assert "Berater/in" in listing and "counsellor" not in listing
