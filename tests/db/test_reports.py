"""The manager's reports in every format, on the hand-worked office of test_statistics: what a
reader finds in the file, no client name anywhere, the archive, the command line."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import PASSWORD
from tests.db.statistics_office import MARCH, NAMES, Office
from welcome_center.cli import main
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.drafts import PersonDraft
from welcome_center.domain.enums import Vocabulary
from welcome_center.domain.statistics import ReportFormat
from welcome_center.services import cases, people, reporting, vocabularies
from welcome_center.services.context import Actor


def _text_of(fmt: ReportFormat, data: bytes) -> str:
    """Every piece of text a reader can get out of the file."""
    if fmt is ReportFormat.PDF:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data))
        return "\n".join(page.extract_text() for page in reader.pages)
    if fmt is ReportFormat.XLSX:
        with zipfile.ZipFile(io.BytesIO(data)) as z:  # every XML part: strings, sheets, props
            return "\n".join(z.read(n).decode("utf-8") for n in z.namelist())
    return data.decode("utf-8-sig")


@pytest.mark.parametrize("fmt", list(ReportFormat))
@pytest.mark.parametrize("lang", ["de", "en"])
def test_no_client_name_appears_in_any_report(
    uow: UnitOfWork, manager: Actor, office: Office, fmt: ReportFormat, lang: str
) -> None:
    report = reporting.content(uow, manager, MARCH, lang)
    text = _text_of(fmt, reporting.render(report, fmt))
    assert "Welcome Center Region Zwickau" in text or fmt is ReportFormat.XLSX
    for name in NAMES:
        assert name not in text, f"{name} in the {fmt} report"
        assert name.upper() not in text


def test_json_holds_domain_keys_breakdowns_and_hidden_cells(
    uow: UnitOfWork, manager: Actor, office: Office
) -> None:
    report = reporting.content(uow, manager, MARCH, "en")
    data = json.loads(reporting.render(report, ReportFormat.JSON))
    assert data["period"] == {"from": "2024-03-01", "to": "2024-03-31"}
    assert (data["enquiries_received"], data["enquiries_worked"], data["cases_worked"]) == (4, 5, 2)
    assert data["by_topic"] == {"residence": 2, "hiring": 2, "family": 1, "recognition": 1,
                                "recruitment": 1, "not_recorded": 1}  # fmt: skip
    assert data["since_start"] == {"from": "2024-01-10", "enquiries": 6, "cases": 2}
    assert data["trend"][-1] == {"month": "2024-03", "enquiries_received": 4, "cases_worked": 2}
    # VN 2, SY 1, not recorded 1: all below 3, and 4 in all cannot pin any of them down.
    assert data["by_nationality"] == {"VN": None, "SY": None, "not_recorded": None}
    assert data["suppression"]["hidden"]["by_nationality"] == {
        "VN": "< 3", "SY": "< 3", "not_recorded": "< 3"}  # fmt: skip
    # zwickau 2 is small too; abroad 1, glauchau 1, not recorded 1: 5 in all.
    assert data["by_municipality"] == {"zwickau": None, "abroad": None, "glauchau": None,
                                       "not_recorded": None}  # fmt: skip


def test_csv_is_semicolon_utf8_with_bom_and_guards_formulas(
    uow: UnitOfWork, manager: Actor, admin: Actor, office: Office
) -> None:
    vocabularies.relabel(uow, admin, Vocabulary.TOPIC, "hiring", "=Einstellung", "=HYPERLINK()")
    data = reporting.render(reporting.content(uow, manager, MARCH, "de"), ReportFormat.CSV)
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][1] == "Welcome Center Region Zwickau"
    topics = {r[1]: r for r in rows if len(r) >= 5 and r[0] == "Themen"}
    assert topics["residence"][3:5] == ["2", "40,0\u00a0%"]  # of the 5 enquiries worked
    assert topics["hiring"][2] == "'=Einstellung"  # shown, never run by a spreadsheet
    nationality = [r for r in rows if len(r) >= 5 and r[0] == "Staatsangehörigkeiten"]
    assert {(r[3], r[4]) for r in nationality} == {("< 3", "")}  # no share of a hidden cell


def test_xlsx_has_a_sheet_per_breakdown_with_numbers_and_dates(
    uow: UnitOfWork, manager: Actor, office: Office
) -> None:
    data = reporting.render(reporting.content(uow, manager, MARCH, "en"), ReportFormat.XLSX)
    book = load_workbook(io.BytesIO(data))
    assert {"Overview", "Topics", "Nationalities", "Month by month", "Definitions"} <= set(
        book.sheetnames
    )
    topics = {row[1]: row for row in book["Topics"].iter_rows(min_row=5, values_only=True)}
    assert topics["residence"][2] == 2 and isinstance(topics["residence"][2], int)
    assert topics["residence"][3] == pytest.approx(2 / 5)  # share of the 5 enquiries worked
    trend = [r for r in book["Month by month"].iter_rows(min_row=2, values_only=True) if r[1]]
    assert trend[-1][0] == datetime(2024, 3, 1) and trend[-1][1:] == (4, 2)
    nat = list(book["Nationalities"].iter_rows(min_row=5, values_only=True))
    assert {r[2] for r in nat} == {"< 3"}


def test_a_published_report_stays_as_it_was_sent(
    uow: UnitOfWork, manager: Actor, anna: Actor, office: Office
) -> None:
    report = reporting.content(uow, manager, MARCH, "en")
    entry, data = reporting.publish(uow, manager, report, ReportFormat.JSON)
    assert entry.file_name == "report_2024-03.json" and entry.created_by == "maria"
    # A later correction: R5 is reopened... here, a record opened late in March.
    client = people.create_person(
        uow, anna, PersonDraft(family_name="Späth", given_name="Olga"), accept_duplicates=True
    )
    from welcome_center.domain.drafts import ClientChoice, RecordDraft
    from welcome_center.domain.enums import ClientKind

    cases.open_record(
        uow,
        anna,
        RecordDraft(client=ClientChoice(ClientKind.PERSON, client.value.id), opened_on=MARCH.end),
    )
    assert reporting.content(uow, manager, MARCH).statistics.enquiries_received == 5
    listed = reporting.archive(uow, manager)
    assert [e.id for e in listed] == [entry.id] and listed[0].size == len(data)
    name, again = reporting.archived_file(uow, manager, entry.id)
    assert (name, again) == (entry.file_name, data)
    assert reporting.archived_figures(uow, manager, entry.id)["enquiries_received"] == 4


def _cli(db: Path, *args: str) -> int:
    """The command as the office's manager types it."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("WELCOME_CENTER_PASSWORD", PASSWORD)
        return main(["--db", str(db), "--lang", "en", "--user", "maria", *args])


def test_report_command_writes_each_format_and_json_to_stdout(
    db_path: Path, office: Office, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _cli(db_path, "report", "--month", "2024-03") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["enquiries_worked"] == 5
    out = tmp_path / "march.xlsx"
    assert (
        _cli(db_path, "report", "--from", "2024-03-01", "--to", "31.03.2024", "-o", str(out)) == 0
    )
    assert out.read_bytes().startswith(b"PK")
    year = tmp_path / "y.csv"
    assert _cli(db_path, "report", "--year", "2024", "--format", "csv", "-o", str(year),
                "--lang", "de") == 0  # fmt: skip
    assert "Themen" in year.read_text("utf-8-sig")


def test_report_command_archives_on_request(
    db_path: Path, office: Office, uow: UnitOfWork, manager: Actor, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    out = tmp_path / "m.json"
    assert _cli(db_path, "report", "--month", "2024-03", "-o", str(out), "--archive") == 0
    assert "archive" in capsys.readouterr().err
    [entry] = reporting.archive(uow, manager)
    assert reporting.archived_file(uow, manager, entry.id)[1] == out.read_bytes()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--month", "2024-13"], "period is not valid"),
        (["--from", "2024-03-31", "--to", "2024-03-01"], "period is not valid"),
        (["--from", "2024-03-01"], "--from needs --to"),
        (["--year", "2024", "--format", "pdf"], "Name the file"),
        (["--year", "2024", "-o", "figures.txt"], "no known ending"),
    ],
)
def test_report_command_explains_bad_input(
    db_path: Path, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _cli(db_path, "report", *args) == 1
    assert message in capsys.readouterr().err
