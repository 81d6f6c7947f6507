"""The trend covers the report's range (12 months at least, 24 at most), and a month's or a
year's report shows the same period one year earlier beside its key figures, in every format.
Hand-made data: the office of ``statistics_office`` and two records of March 2023."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from tests.db.statistics_office import MARCH, Office, _open, _person
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.drafts import ConsultationDraft
from welcome_center.domain.enums import RecordKind
from welcome_center.domain.statistics import Period, ReportContent, ReportFormat
from welcome_center.services import consultations, reporting
from welcome_center.services.context import Actor

MARCH_2023 = Period.month(2023, 3)


def _csv(report: ReportContent) -> list[list[str]]:
    text = reporting.render(report, ReportFormat.CSV).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


THIRTEEN = Period(date(2023, 3, 1), date(2024, 3, 31))


@pytest.fixture
def last_year(uow: UnitOfWork, anna: Actor, office: Office) -> None:
    """March 2023: an enquiry (consulted on 03-06) and a case, both still open."""
    client = _person(uow, anna, "Lindqvist", "Sara", "SE")
    enquiry = _open(uow, anna, client, date(2023, 3, 5), topics=("residence",))
    _open(uow, anna, client, date(2023, 3, 20), kind=RecordKind.CASE)
    draft = ConsultationDraft(held_on=date(2023, 3, 6), duration_minutes=20)
    consultations.record_consultation(uow, anna, enquiry, draft)


def test_the_trend_covers_the_range_from_12_to_24_months() -> None:
    def months(p: Period) -> list[str]:
        return [m.start.strftime("%Y-%m") for m in p.trend_months()]

    assert months(MARCH) == [f"2023-{m:02}" for m in range(4, 13)] + ["2024-01", "2024-02",
                                                                       "2024-03"]  # fmt: skip
    assert len(months(Period.quarter(2024, 2))) == 12
    assert months(THIRTEEN)[0] == "2023-03" and len(months(THIRTEEN)) == 13
    two_years = Period(date(2022, 1, 1), date(2023, 12, 31))
    assert months(two_years) == months(Period(date(2022, 1, 1), date(2023, 12, 31)))
    assert len(months(two_years)) == 24 and months(two_years)[0] == "2022-01"
    longer = Period(date(2021, 7, 15), date(2024, 3, 10))  # 33 months: the last 24
    assert len(months(longer)) == 24 and months(longer)[0] == "2022-04"
    assert months(longer)[-1] == "2024-03"


def test_a_year_earlier_only_for_a_month_or_a_year() -> None:
    assert MARCH.year_earlier() == MARCH_2023
    assert Period.year(2024).year_earlier() == Period.year(2023)
    assert Period.month(2024, 2).year_earlier() == Period.month(2023, 2)  # 28 days, not 29
    assert Period.quarter(2024, 1).year_earlier() is None
    assert THIRTEEN.year_earlier() is None


@pytest.mark.usefixtures("last_year")
def test_a_13_month_report_shows_13_months(uow: UnitOfWork, manager: Actor) -> None:
    report = reporting.content(uow, manager, THIRTEEN, "en")
    data = json.loads(reporting.render(report, ReportFormat.JSON))
    assert [m["month"] for m in data["trend"]][:2] == ["2023-03", "2023-04"]
    assert len(data["trend"]) == 13
    assert data["trend"][0] == {"month": "2023-03", "enquiries_received": 2, "cases_worked": 1}
    assert data["trend"][-1] == {"month": "2024-03", "enquiries_received": 4, "cases_worked": 2}
    assert "previous_period" not in data  # a range: nothing to set beside it
    book = load_workbook(io.BytesIO(reporting.render(report, ReportFormat.XLSX)))
    trend = [r for r in book["Month by month"].iter_rows(min_row=2, values_only=True)]
    assert sum(isinstance(r[0], datetime) for r in trend) == 13
    assert reporting.render(report, ReportFormat.PDF).startswith(b"%PDF")  # two trend tables


@pytest.mark.usefixtures("last_year")
def test_a_month_report_shows_the_same_month_a_year_earlier(
    uow: UnitOfWork, manager: Actor
) -> None:
    report = reporting.content(uow, manager, MARCH, "en")
    assert report.previous_period is not None and report.previous_period.period == MARCH_2023
    data = json.loads(reporting.render(report, ReportFormat.JSON))
    earlier = data["previous_period"]
    assert (earlier["from"], earlier["to"]) == ("2023-03-01", "2023-03-31")
    assert earlier["enquiries_received"] == 2 and earlier["cases_worked"] == 1
    assert earlier["consultations"] == 1 and earlier["consultation_minutes"] == 20
    assert earlier["persons_advised"] == 1 and earlier["referrals"] == 0
    assert set(earlier) - {"from", "to"} == {k for k in data if k in earlier}  # the same keys
    assert data["enquiries_received"] == 4  # this March unchanged

    rows = _csv(report)
    header = next(r for r in rows if r[:1] == ["Section"])
    assert header[-1] == "March 2023"
    received = next(r for r in rows if r[1:2] == ["enquiries_received"])
    assert (received[3], received[-1]) == ("4", "2")
    topic = next(r for r in rows if r[1:2] == ["residence"])
    assert topic[-1] == ""  # breakdowns have no comparison

    book = load_workbook(io.BytesIO(reporting.render(report, ReportFormat.XLSX)))
    overview = {r[0]: r[1:] for r in book["Overview"].iter_rows(values_only=True) if r[0]}
    assert overview["Key figures"][:2] == ("Count", "March 2023")
    assert overview["Enquiries received"][:2] == (4, 2)

    from pypdf import PdfReader

    pdf = PdfReader(io.BytesIO(reporting.render(report, ReportFormat.PDF)))
    first = pdf.pages[0].extract_text()
    assert "March 2023" in first


@pytest.mark.usefixtures("last_year")
def test_a_year_report_shows_the_year_before_in_german(uow: UnitOfWork, manager: Actor) -> None:
    report = reporting.content(uow, manager, Period.year(2024), "de")
    data = json.loads(reporting.render(report, ReportFormat.JSON))
    assert data["previous_period"]["from"] == "2023-01-01"
    assert data["previous_period"]["enquiries_received"] == 2
    rows = _csv(report)
    assert next(r for r in rows if r[:1] == ["Bereich"])[-1] == "2023"


@pytest.mark.usefixtures("office")
def test_a_range_report_has_an_empty_comparison_column(uow: UnitOfWork, manager: Actor) -> None:
    report = reporting.content(uow, manager, Period.quarter(2024, 1), "en")
    assert report.previous_period is None
    rows = _csv(report)
    assert next(r for r in rows if r[:1] == ["Section"])[-1] == "A year earlier"
    assert next(r for r in rows if r[1:2] == ["enquiries_received"])[-1] == ""
