"""A share is rounded half up in every format: 1 of 16 enquiries about family reunification
reads 6.3 % (not 6.2 %, what a float's round() makes of 0.0625), 15 of 16 reads 93.8 %, in the
PDF, the workbook, the CSV and the JSON, in German and in English."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from openpyxl import load_workbook

from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.drafts import ClientChoice, PersonDraft, RecordDraft
from welcome_center.domain.enums import ClientKind
from welcome_center.domain.statistics import Period, ReportContent, ReportFormat
from welcome_center.services import cases, people, reporting
from welcome_center.services.context import Actor

MARCH = Period.month(2024, 3)


@pytest.fixture
def sixteen(uow: UnitOfWork, anna: Actor) -> None:
    """16 enquiries opened in March 2024: one about family reunification, 15 about residence."""
    person = people.create_person(
        uow, anna, PersonDraft(family_name="Doe", given_name="Jan"), accept_duplicates=True
    ).value.id
    client = ClientChoice(ClientKind.PERSON, person)
    for day in range(1, 17):
        topic = "family" if day == 1 else "residence"
        draft = RecordDraft(client=client, opened_on=date(2024, 3, day), topics=(topic,))
        cases.open_record(uow, anna, draft)


def _content(uow: UnitOfWork, manager: Actor, lang: str) -> ReportContent:
    content = reporting.content(uow, manager, MARCH, lang)
    assert content.statistics.enquiries_worked == 16
    return content


@pytest.mark.usefixtures("sixteen")
@pytest.mark.parametrize(("lang", "one", "fifteen"), [("de", "6,3 %", "93,8 %"),
                                                      ("en", "6.3%", "93.8%")])  # fmt: skip
def test_pdf_shows_one_of_sixteen_as_six_point_three(
    uow: UnitOfWork, manager: Actor, lang: str, one: str, fifteen: str
) -> None:
    from pypdf import PdfReader

    data = reporting.render(_content(uow, manager, lang), ReportFormat.PDF)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    text = text.replace("\u00a0", " ")
    assert one in text and fifteen in text
    assert "6,2" not in text and "6.2%" not in text


@pytest.mark.usefixtures("sixteen")
def test_xlsx_holds_the_rounded_share_as_a_percentage(uow: UnitOfWork, manager: Actor) -> None:
    data = reporting.render(_content(uow, manager, "en"), ReportFormat.XLSX)
    sheet = load_workbook(io.BytesIO(data))["Topics"]
    cells = {row[1].value: row[3] for row in sheet.iter_rows(min_row=5) if row[1].value}
    assert cells["family"].value == pytest.approx(0.063, abs=1e-12)
    assert cells["residence"].value == pytest.approx(0.938, abs=1e-12)
    assert cells["family"].number_format == "0.0%"  # Excel shows 6.3%


@pytest.mark.usefixtures("sixteen")
@pytest.mark.parametrize(("lang", "one"), [("de", "6,3\u00a0%"), ("en", "6.3%")])
def test_csv_has_a_share_column(uow: UnitOfWork, manager: Actor, lang: str, one: str) -> None:
    data = reporting.render(_content(uow, manager, lang), ReportFormat.CSV)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    header = next(r for r in rows if len(r) >= 5)
    assert header[3:5] == (["Anzahl", "Anteil"] if lang == "de" else ["Count", "Share"])
    family = next(r for r in rows if len(r) >= 5 and r[1] == "family")
    assert family[3:5] == ["1", one]
    overview = next(r for r in rows if len(r) >= 5 and r[1] == "enquiries_worked")
    assert overview[3:5] == ["16", ""]  # a key figure has no share


@pytest.mark.usefixtures("sixteen")
def test_json_has_the_shares_beside_the_counts(uow: UnitOfWork, manager: Actor) -> None:
    data = json.loads(reporting.render(_content(uow, manager, "en"), ReportFormat.JSON))
    assert data["by_topic"]["family"] == 1
    assert data["shares"]["by_topic"] == {"family": 6.3, "residence": 93.8}
    # The breakdowns with small cells hidden: a hidden count has no share either.
    assert data["by_nationality"] == {"not_recorded": 16}
    assert data["shares"]["by_nationality"] == {"not_recorded": 100.0}
    assert data["shares"]["referrals_by_status"] == {}  # no referrals: nothing to share


def test_a_period_without_records_has_no_shares(uow: UnitOfWork, manager: Actor) -> None:
    """0 of 0 is no share: no row, so nothing to divide (the desk and the PDF show an empty
    cell where a row has no share, the JSON ``null``)."""
    content = reporting.content(uow, manager, MARCH, "en")
    data = json.loads(reporting.render(content, ReportFormat.JSON))
    assert data["enquiries_worked"] == 0
    assert all(shares == {} for shares in data["shares"].values())
