"""``welcome-center report --quarter 2024-Q1``: the quarter's figures, named as a quarter in the
report and its file name; a value that is no quarter is explained, and --quarter excludes the
other periods."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import PASSWORD
from tests.db.statistics_office import Office
from welcome_center.cli import main
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.quarters import parse_quarter, quarter_of
from welcome_center.domain.statistics import Period, ReportFormat
from welcome_center.services import reporting
from welcome_center.services.context import Actor


def _cli(db: Path, *args: str) -> int:
    """The command as the office's manager types it."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("WELCOME_CENTER_PASSWORD", PASSWORD)
        return main(["--db", str(db), "--lang", "en", "--user", "maria", *args])


def test_a_quarter_is_read_and_recognised() -> None:
    assert parse_quarter("2024-Q2") == Period(date(2024, 4, 1), date(2024, 6, 30))
    assert parse_quarter("2024-q4") == Period(date(2024, 10, 1), date(2024, 12, 31))
    assert quarter_of(Period(date(2024, 1, 1), date(2024, 3, 31))) == 1
    assert quarter_of(Period(date(2024, 1, 1), date(2024, 3, 30))) is None
    assert quarter_of(Period.month(2024, 4)) is None
    for bad in ("2024-Q5", "2024-Q0", "2024-2", "Q2-2024", "2024Q2", "24-Q2", ""):
        with pytest.raises(ValueError):
            parse_quarter(bad)


def test_report_of_a_quarter(
    db_path: Path, office: Office, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _cli(db_path, "report", "--quarter", "2024-Q1") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["period"] == {"from": "2024-01-01", "to": "2024-03-31"}
    assert data["enquiries_received"] == 6  # R1 to R5 and R7; R6 opened in April
    assert _cli(db_path, "report", "--quarter", "2024-Q2") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["period"] == {"from": "2024-04-01", "to": "2024-06-30"}
    assert data["enquiries_received"] == 1

    out = tmp_path / "q1.pdf"
    assert _cli(db_path, "report", "--quarter", "2024-Q1", "-o", str(out), "--lang", "de") == 0
    from pypdf import PdfReader

    first = PdfReader(io.BytesIO(out.read_bytes())).pages[0].extract_text()
    assert "Q1 2024" in first
    csv = tmp_path / "q1.csv"
    assert _cli(db_path, "report", "--quarter", "2024-Q1", "-o", str(csv)) == 0
    assert "Period;Q1 2024" in csv.read_text("utf-8-sig")


def test_a_quarters_file_name_says_so(uow: UnitOfWork, manager: Actor, office: Office) -> None:
    report = reporting.content(uow, manager, parse_quarter("2024-Q1"), "en")
    assert reporting.file_name(report, ReportFormat.PDF) == "report_2024-Q1.pdf"


@pytest.mark.parametrize("value", ["2024-Q5", "2024-04", "Q2/2024"])
def test_a_value_that_is_no_quarter_is_explained(
    db_path: Path, value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _cli(db_path, "report", "--quarter", value) == 1
    err = capsys.readouterr().err
    assert f"--quarter {value} is not a quarter: give the year and Q1 to Q4, e.g. 2024-Q2." in err


def test_quarter_excludes_month_year_and_range(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stop:
        _cli(db_path, "report", "--quarter", "2024-Q1", "--month", "2024-03")
    assert stop.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err
