"""``welcome-center retention status`` and ``retention run`` as an administrator types them."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import PASSWORD
from welcome_center.cli import main
from welcome_center.db.engine import url_for_path
from welcome_center.db.uow import UnitOfWork
from welcome_center.services.context import Actor
from welcome_center.services.demo import generate_demo
from welcome_center.services.storage import open_database


@pytest.fixture
def demo_file(db_path: Path) -> Path:
    db = open_database(url_for_path(db_path))
    try:
        generate_demo(UnitOfWork(db), Actor.system("test"), records=120, seed=3)
    finally:
        db.dispose()
    return db_path


@pytest.fixture(autouse=True)
def _password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WELCOME_CENTER_PASSWORD", PASSWORD)


def test_status_then_run_print_the_counts(
    demo_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, admin = str(demo_file), "--user=admin"
    assert main(["--lang", "en", "--db", db, admin, "retention", "status", "--list"]) == 0
    out = capsys.readouterr().out
    assert "Periods: an enquiry 12 months after its last activity" in out
    due_line = next(line for line in out.splitlines() if line.startswith("Due now"))
    records_due = int(re.search(r"records: ([\d,]+)", due_line)[1].replace(",", ""))  # type: ignore[index]
    assert records_due > 0
    assert "No run yet." in out
    assert main(["--lang", "en", "--db", db, admin, "retention", "run"]) == 0
    out = capsys.readouterr().out
    assert f"anonymised – records: {records_due}, persons: " in out
    assert ", admin: anonymised" in out  # the run is the --user's
    assert main(["--lang", "en", "--db", db, admin, "retention", "status"]) == 0
    out = capsys.readouterr().out
    assert "Due now – records: 0, persons: 0, audit entries: 0" in out
    assert "Last run:" in out


def test_status_plans_ahead_in_german(demo_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    far = date(2040, 1, 1).isoformat()
    args = ["--lang", "de", "--db", str(demo_file), "--user", "admin", "retention", "status"]
    args += ["--today", far]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "Aufbewahrung am 01.01.2040" in out
    args = ["--lang", "en", "--db", str(demo_file), "--user", "admin", "retention", "status"]
    args += ["--today", "x"]
    assert main(args) == 1
    assert "YYYY-MM-DD" in capsys.readouterr().err
