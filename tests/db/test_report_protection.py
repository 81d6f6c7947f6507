"""Reports that leave the office (DOMAIN.md, data protection): hidden small counts come after the
shown rows in an order of their own (alphabetically by label) in every format, no staff name is
in the funder report, and the internal workload report names the counsellors, says it is
internal and is never published. On SQLite and PostgreSQL alike (WELCOME_CENTER_TEST_PG)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import PASSWORD
from tests.db.statistics_office import MARCH, Office
from tests.db.test_reports import _text_of
from welcome_center.cli import main
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.drafts import ClientChoice, PersonDraft, RecordDraft
from welcome_center.domain.enums import ClientKind
from welcome_center.domain.errors import DomainError
from welcome_center.domain.statistics import ReportFormat
from welcome_center.i18n import using
from welcome_center.services import cases, people, reporting
from welcome_center.services.context import Actor

STAFF = ("Anna Berger", "Ben Schulz", "Maria Leitner", "Ada Admin")
INTERNAL_MARK = {"en": "Internal – not for publication", "de": "Intern – nicht zur Weitergabe"}


@pytest.fixture
def ukraine(uow: UnitOfWork, ben: Actor, office: Office) -> None:
    """Three more enquiries in March from Ukraine, in Werdau: a row of 3 shown above the small
    ones. Nationalities then: UA 3, VN 2, SY 1, not recorded 1; municipalities: werdau 3,
    zwickau 2, abroad 1, glauchau 1, not recorded 1 (no cover needed: the small cells add up
    to 4 and 5, which leaves each of them open)."""
    for given in ("Olena", "Taras", "Iryna"):
        draft = PersonDraft(family_name="Test", given_name=given, nationality="UA")
        pid = people.create_person(uow, ben, draft, accept_duplicates=True).value.id
        client = ClientChoice(ClientKind.PERSON, pid)
        cases.open_record(
            uow, ben, RecordDraft(client=client, opened_on=date(2024, 3, 18), municipality="werdau")
        )


NATIONALITIES = ["UA", "SY", "VN", "not_recorded"]  # Syria before Vietnam, though VN is 2
MUNICIPALITIES = ["werdau", "abroad", "glauchau", "zwickau", "not_recorded"]


@pytest.mark.usefixtures("ukraine")
def test_the_figures_keep_their_count_order_and_the_report_does_not(
    uow: UnitOfWork, manager: Actor
) -> None:
    report = reporting.content(uow, manager, MARCH, "en")
    # The statistics themselves: largest first, as an independent computation checks them.
    assert report.statistics.by_nationality == (("UA", 3), ("VN", 2), ("SY", 1),
                                                ("not_recorded", 1))  # fmt: skip
    published = {s.key: [r.code for r in s.rows] for s in reporting.breakdowns(report)}
    assert published["by_nationality"] == NATIONALITIES
    assert published["by_municipality"] == MUNICIPALITIES


@pytest.mark.usefixtures("ukraine")
def test_json_lists_hidden_cells_after_the_shown_ones(uow: UnitOfWork, manager: Actor) -> None:
    report = reporting.content(uow, manager, MARCH, "en")
    data = json.loads(reporting.render(report, ReportFormat.JSON))
    assert list(data["by_nationality"].items()) == [
        ("UA", 3), ("SY", None), ("VN", None), ("not_recorded", None)]  # fmt: skip
    assert list(data["by_municipality"]) == MUNICIPALITIES
    assert list(data["suppression"]["hidden"]["by_municipality"]) == MUNICIPALITIES[1:]


@pytest.mark.usefixtures("ukraine")
@pytest.mark.parametrize("lang", ["de", "en"])
def test_csv_and_xlsx_list_hidden_rows_after_the_shown_ones(
    uow: UnitOfWork, manager: Actor, lang: str
) -> None:
    report = reporting.content(uow, manager, MARCH, lang)
    with using(lang):
        title = reporting.breakdowns(report)[4].title  # Nationalities / Staatsangehörigkeiten
    data = reporting.render(report, ReportFormat.CSV).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data), delimiter=";"))
    assert [r[1] for r in rows if len(r) >= 5 and r[0] == title] == NATIONALITIES
    book = load_workbook(io.BytesIO(reporting.render(report, ReportFormat.XLSX)))
    sheet = [r for r in book[title].iter_rows(min_row=5, values_only=True) if r[1]]
    assert [(r[1], r[2]) for r in sheet] == [("UA", 3), ("SY", "< 3"), ("VN", "< 3"),
                                             ("not_recorded", "< 3")]  # fmt: skip


@pytest.mark.usefixtures("ukraine")
@pytest.mark.parametrize(
    ("lang", "labels", "share"),
    [
        ("en", ["Werdau", "Abroad", "Glauchau", "Zwickau", "not recorded"], "37.5%"),
        ("de", ["Werdau", "Ausland", "Glauchau", "Zwickau", "nicht erfasst"], "37,5 %"),
    ],
)
def test_pdf_lists_hidden_rows_alphabetically_after_the_shown_ones(
    uow: UnitOfWork, manager: Actor, lang: str, labels: list[str], share: str
) -> None:
    report = reporting.content(uow, manager, MARCH, lang)
    text = _text_of(ReportFormat.PDF, reporting.render(report, ReportFormat.PDF))
    start = text.index(f"\n{labels[0]}\n")  # the municipalities' table, a cell a line
    cells = [line.strip() for line in text[start:].splitlines() if line.strip()]
    assert cells[: 2 * len(labels) + 1] == [
        labels[0],
        "3",
        share,
        *(cell for label in labels[1:] for cell in (label, "< 3")),
    ]


@pytest.mark.parametrize("fmt", list(ReportFormat))
@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_funder_report_names_no_staff(
    uow: UnitOfWork, manager: Actor, office: Office, fmt: ReportFormat, lang: str
) -> None:
    report = reporting.content(uow, manager, MARCH, lang)
    assert not report.internal and "by_counsellor" not in report.labels
    text = _text_of(fmt, reporting.render(report, fmt))
    for name in STAFF:
        assert name not in text, f"{name} in the {fmt} report"
        assert name.split()[-1] not in text  # nor the family name alone
    assert INTERNAL_MARK[lang] not in text
    if fmt is ReportFormat.JSON:
        data = json.loads(text)
        assert "by_counsellor" not in data and "internal" not in data
        assert "anna" not in json.dumps(data)  # no user name either


@pytest.mark.parametrize("fmt", list(ReportFormat))
@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_internal_report_names_the_counsellors_and_says_it_is_internal(
    uow: UnitOfWork, manager: Actor, office: Office, fmt: ReportFormat, lang: str
) -> None:
    report = reporting.content(uow, manager, MARCH, lang, internal=True)
    text = _text_of(fmt, reporting.render(report, fmt))
    if fmt is ReportFormat.JSON:  # codes, as every breakdown in JSON: the user names
        data = json.loads(text)
        assert data["internal"] is True
        assert data["by_counsellor"] == {"anna": 3, "ben": 1, "not_recorded": 1}
    else:
        assert "Anna Berger" in text and "Ben Schulz" in text
        assert INTERNAL_MARK[lang] in text
    if fmt is ReportFormat.PDF:
        from pypdf import PdfReader

        pages = PdfReader(io.BytesIO(reporting.render(report, fmt))).pages
        assert all(INTERNAL_MARK[lang] in page.extract_text() for page in pages)  # footer


def test_an_internal_report_is_never_published(
    uow: UnitOfWork, manager: Actor, office: Office
) -> None:
    report = reporting.content(uow, manager, MARCH, "de", internal=True)
    assert reporting.file_name(report, ReportFormat.PDF) == "Bericht_intern_2024-03.pdf"
    with pytest.raises(DomainError, match="internal report is not published"):
        reporting.publish(uow, manager, report, ReportFormat.PDF)
    assert reporting.archive(uow, manager) == []
    funder = reporting.content(uow, manager, MARCH, "de")
    assert reporting.file_name(funder, ReportFormat.PDF) == "Bericht_2024-03.pdf"


def _cli(db: Path, *args: str) -> int:
    """The command as the office's manager types it."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("WELCOME_CENTER_PASSWORD", PASSWORD)
        return main(["--db", str(db), "--lang", "en", "--user", "maria", *args])


def test_report_command_internal(
    db_path: Path, office: Office, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _cli(db_path, "report", "--month", "2024-03") == 0
    assert "by_counsellor" not in json.loads(capsys.readouterr().out)
    assert _cli(db_path, "report", "--month", "2024-03", "--internal") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["internal"] is True and data["by_counsellor"]["anna"] == 3
    out = tmp_path / "intern.pdf"
    assert _cli(db_path, "report", "--month", "2024-03", "--internal", "-o", str(out)) == 0
    assert "Anna Berger" in _text_of(ReportFormat.PDF, out.read_bytes())
    capsys.readouterr()
    assert _cli(db_path, "report", "--month", "2024-03", "--internal", "--archive",
                "-o", str(tmp_path / "x.json")) == 1  # fmt: skip
    assert "an internal report is not published" in capsys.readouterr().err
    assert not (tmp_path / "x.json").exists()
