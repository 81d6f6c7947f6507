"""``welcome-center --user NAME import-events FILE [--dry-run]``: an event list from the shell,
checked whole, every bad line named, written all or nothing, and only by whoever records events."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.db.test_cli import ADMIN, run

GOOD = (
    "Datum;Titel;Art;Zielgruppe;Teilnehmende;davon Personen;davon Organisationen;Partner\n"
    '14.05.2024;Infoabend Anerkennung;Workshop;Pflegekräfte;23;20;3;"IHK Chemnitz; FIZUZ"\n'
    "2024-06-03;Jobmesse Zwickau;Jobmesse;Unternehmen;120;;;Agentur für Arbeit Zwickau\n"
)


@pytest.fixture(autouse=True)
def _password(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.conftest import PASSWORD

    monkeypatch.setenv("WELCOME_CENTER_PASSWORD", PASSWORD)


def _events(db_path: Path) -> int:
    con = sqlite3.connect(db_path)
    try:
        return int(con.execute("SELECT count(*) FROM events").fetchone()[0])
    finally:
        con.close()


def test_dry_run_then_import_then_again(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "veranstaltungen.csv"
    good.write_text(GOOD, encoding="utf-8")
    db = ["--db", str(db_path), *ADMIN]
    assert run([*db, "import-events", str(good), "--dry-run"]) == 0
    assert "dry run" in capsys.readouterr().out and _events(db_path) == 0
    assert run([*db, "import-events", str(good)]) == 0
    assert "2 rows: 2 new events, 0 already there" in capsys.readouterr().out
    assert run([*db, "import-events", str(good)]) == 0
    assert "0 new events, 2 already there" in capsys.readouterr().out
    assert _events(db_path) == 2


def test_a_bad_list_names_every_line_and_column_and_writes_nothing(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "veranstaltungen.csv"
    bad.write_text(
        GOOD
        + "31.02.2024;Infoabend;;;10;;;\n"  # line 4: no such day
        + "2024-07-01;Messe;;;10;8;5;\n"  # line 5: the split is more than the total
        + "2024-07-02;Messe;;;10;;;Nirgendwo\n",  # line 6: no such partner
        encoding="utf-8",
    )
    assert run(["--db", str(db_path), *ADMIN, "import-events", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "3 problems; nothing was imported" in err
    for line, column in (
        ("line 4", "Datum"), ("line 5", "davon Organisationen"), ("line 6", "Partner"),
    ):  # fmt: skip
        assert any(line in row and f"column {column}:" in row for row in err.splitlines()), err
    assert "Traceback" not in err and _events(db_path) == 0


def test_it_needs_a_user_who_records_events(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "veranstaltungen.csv"
    good.write_text(GOOD, encoding="utf-8")
    assert run(["--db", str(db_path), "import-events", str(good)]) == 2
    assert "needs --user" in capsys.readouterr().err
    assert run(["--db", str(db_path), "--user", "maria", "import-events", str(good)]) == 1
    assert "does not allow" in capsys.readouterr().err  # a manager reads events, never writes
    assert _events(db_path) == 0
