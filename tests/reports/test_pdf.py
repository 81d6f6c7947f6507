"""The PDF report as a reader sees it: text extracted with pypdf, fonts read from the pages."""

from __future__ import annotations

import dataclasses
import io
from datetime import date

import pytest
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth

from tests.reports import OFFICE, sample_content, sample_statistics
from welcome_center import i18n
from welcome_center.domain.statistics import NOT_RECORDED, Period, ReportContent, TrendMonth
from welcome_center.i18n import figures
from welcome_center.reports import charts, fonts
from welcome_center.reports.pdf import period_text, render_pdf


def _pages(content: ReportContent) -> list[str]:
    with i18n.using(content.language):
        data = render_pdf(content)
    assert data.startswith(b"%PDF")
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def _lines(pages: list[str]) -> list[str]:
    return [line.strip() for page in pages for line in page.splitlines() if line.strip()]


def _flat(pages: list[str]) -> str:
    """All text with line breaks and runs of spaces as one space (wrapped sentences joined)."""
    return " ".join(" ".join(pages).split())


def _row(lines: list[str], label: str, cells: int, start: int = 0) -> list[str]:
    """The ``cells`` lines after the first cell ``label`` from line ``start`` on: the rest of its
    table row."""
    i = lines.index(label, start)
    return lines[i + 1 : i + 1 + cells]


@pytest.fixture(scope="module")
def english() -> list[str]:
    return _pages(sample_content("en"))


@pytest.fixture(scope="module")
def german() -> list[str]:
    return _pages(sample_content("de"))


def test_every_page_shows_the_office_the_period_and_page_n_of_m(english: list[str]) -> None:
    total = len(english)
    assert total >= 2
    for number, text in enumerate(english, start=1):
        assert OFFICE in text
        assert "Statistics report March 2026" in text
        assert "Created on 2 April 2026" in text
        assert f"Page {number} of {total}" in text


def test_german_report_counts_pages_in_german_and_keeps_umlauts(german: list[str]) -> None:
    assert f"Seite 1 von {len(german)}" in german[0]
    assert f"Seite {len(german)} von {len(german)}" in german[-1]
    text = "\n".join(german)
    assert "März 2026" in text
    assert "Anerkennung ausländischer Abschlüsse" in text  # table and chart alike
    assert text.count("Anerkennung ausländischer Abschlüsse") == 2
    assert "Wilkau-Haßlau" in text
    assert "Page " not in text


def test_key_figures_with_their_numbers_and_the_project_start(english: list[str]) -> None:
    lines = _lines(english)
    assert _row(lines, "Enquiries received", 1) == ["41"]
    assert _row(lines, "Cases worked", 1) == ["31"]
    assert _row(lines, "Consultation minutes", 1) == ["2,315"]
    assert _row(lines, "Cases since the project start (1 March 2024)", 1) == ["687"]


def test_topics_show_counts_shares_and_that_shares_exceed_100_percent(english: list[str]) -> None:
    lines = _lines(english)
    table = lines.index("Share")  # the chart comes first, with the same labels
    assert _row(lines, "Recognition of foreign degrees", 2, table) == ["19", "39.6%"]
    shares = [_row(lines, label, 2, table)[1] for label in _topic_labels()]
    assert sum(float(share.rstrip("%")) for share in shares) > 100
    assert figures.definition("by_topic") in _flat(english)


def _topic_labels() -> list[str]:
    from tests.reports import TOPICS

    return [en for code, _de, en, _n in TOPICS if code != NOT_RECORDED]


def test_small_nationality_cells_show_less_than_3_and_not_their_number(
    english: list[str],
) -> None:
    lines = _lines(english)
    # The hidden rows after the shown ones, alphabetically: Vietnam (2) under Brazil (1).
    assert _row(lines, "Türkiye", 3) == ["4", "11.8%", "Brazil"]
    assert _row(lines, "Brazil", 2) == ["< 3", "Vietnam"]  # no count, no share
    vietnam = _row(lines, "Vietnam", 2)  # the last row: the definition follows
    assert vietnam[0] == "< 3"
    assert vietnam[1].startswith("Enquiries worked whose client is a person")
    assert _row(lines, "Syria", 2) == ["12", "35.3%"]


def test_a_breakdown_too_small_to_protect_is_withheld_with_a_sentence() -> None:
    stats = dataclasses.replace(sample_statistics(), by_municipality=(("meerane", 2),))
    pages = _pages(sample_content("en", stats))
    lines = _lines(pages)
    assert _row(lines, "Municipalities", 1) == ["Not shown: too few records."]
    assert "Meerane" not in " ".join(pages)


def test_definitions_appendix_has_every_figure_and_the_suppression_note(
    english: list[str],
) -> None:
    # The appendix starts on a page of its own and may run over more than one.
    first = next(i for i, page in enumerate(english) if "\nDefinitions\n" in page)
    appendix = _flat(english[first:])
    assert appendix.startswith(f"{OFFICE} Statistics report March 2026")
    for key in ("active", "enquiries_received", "cases_worked", "by_nationality", "trend",
                "since_start", "events", "referrals_by_status", "not_recorded"):  # fmt: skip
        assert figures.definition(key) in appendix, key
    assert figures.suppression_note(3) in appendix


def test_all_fonts_in_the_pdf_are_dejavu() -> None:
    with i18n.using("de"):
        data = render_pdf(sample_content("de"))
    names = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    assert names == {"DejaVuSans", "DejaVuSans-Bold"}
    assert b"Helvetica" not in data


def test_label_text_is_shown_literally_not_as_markup(english: list[str]) -> None:
    lines = _lines(english)
    assert _row(lines, "Müller & Söhne <GmbH>", 2) == ["2", "16.7%"]


def test_a_long_label_wraps_in_the_table_and_is_not_cut_off() -> None:
    long = "Anerkennung " + " ".join(f"Abschnitt{i}" for i in range(30)) + " Ende"
    content = sample_content("en")
    labels = {k: dict(v) for k, v in content.labels.items()}
    labels["by_topic"]["recognition"] = long
    pages = _pages(dataclasses.replace(content, labels=labels))
    assert long in _flat(pages)


def test_trend_has_short_month_labels_a_legend_and_a_table(english: list[str]) -> None:
    lines = _lines(english)
    trend = sample_statistics().trend
    i = lines.index("Month")
    assert lines[i + 1 : i + 13] == [
        *("Apr 25", "May 25", "Jun 25", "Jul 25", "Aug 25", "Sept 25"),
        *("Oct 25", "Nov 25", "Dec 25", "Jan 26", "Feb 26", "Mar 26"),
    ]
    j = lines.index("Enquiries received", i)
    assert lines[j + 1 : j + 13] == [str(m.enquiries_received) for m in trend]
    # key figures, the chart's legend and the trend table
    assert lines.count("Enquiries received") == 3
    assert lines.count("Cases worked") == 3


def test_an_empty_period_renders_with_no_records_sentences() -> None:
    months = Period.month(2026, 3).trend_months()
    zero = dataclasses.replace(
        sample_statistics(), by_topic=(), by_nationality=(), by_municipality=(),
        trend=tuple(TrendMonth(m.start, 0, 0) for m in months),
    )  # fmt: skip
    lines = _lines(_pages(sample_content("en", zero)))
    assert _row(lines, "Topics", 1) == ["No records in this period."]
    assert _row(lines, "Nationalities", 1) == ["No records in this period."]


@pytest.mark.parametrize(
    ("lang", "period", "text"),
    [
        ("de", Period.month(2026, 3), "März 2026"),
        ("en", Period.month(2026, 3), "March 2026"),
        ("de", Period.year(2025), "2025"),
        ("de", Period(date(2026, 3, 1), date(2026, 5, 31)), "1. März 2026 – 31. Mai 2026"),
        ("en", Period(date(2026, 3, 1), date(2026, 5, 31)), "1 March 2026 – 31 May 2026"),
    ],
)
def test_the_period_reads_as_a_month_a_year_or_a_range(
    lang: str, period: Period, text: str
) -> None:
    with i18n.using(lang):
        assert period_text(period) == text


def test_a_year_report_names_the_year_in_the_header() -> None:
    stats = dataclasses.replace(sample_statistics(), period=Period.year(2025))
    pages = _pages(sample_content("en", stats))
    assert all("Statistics report 2025" in page for page in pages)


def test_chart_labels_wrap_onto_two_lines_and_shorten_what_does_not_fit() -> None:
    fonts.register()
    assert charts.wrap_label("Studies", 150) == "Studies"
    two = charts.wrap_label("Wohnen, Kinderbetreuung, Schule, Gesundheit, Freizeit", 150)
    assert two == "Wohnen, Kinderbetreuung, Schule,\nGesundheit, Freizeit"
    long = charts.wrap_label(" ".join(["Fachkräftegewinnung"] * 8), 150)
    lines = long.split("\n")
    assert len(lines) == 2
    assert lines[-1].endswith("…")
    assert all(stringWidth(line, fonts.REGULAR, charts.AXIS_SIZE) <= 150 for line in lines)


def test_a_long_office_name_stands_whole_in_every_page_header() -> None:
    long_name = "Welcome Center Region Zwickau – Außenstelle Glauchau (Beispieldaten)"
    pages = _pages(dataclasses.replace(sample_content("de"), office_name=long_name))
    for text in pages[1:]:  # pages after the first carry only the header's copy of the name
        assert long_name in text, text[:300]


def test_page_one_is_an_overview_with_a_year_earlier_and_the_parts_follow() -> None:
    stats = dataclasses.replace(
        sample_statistics(), consultation_hours=38.6, consultations_first=20,
        consultations_follow_up=37, third_country_persons=21,
    )  # fmt: skip
    earlier = dataclasses.replace(
        stats, period=Period.month(2025, 3), consultations=40, persons_advised=30, events=2
    )
    content = dataclasses.replace(sample_content("en", stats), previous_period=earlier)
    pages = _pages(content)
    first = _lines(pages[:1])
    # The column of the same month a year earlier, its head "March 2025" on two lines.
    assert _row(first, "Number", 2) == ["March", "2025"]
    assert _row(first, "Consultations", 2) == ["57", "40"]
    assert _row(first, "Consultation hours", 2) == ["38.6", "38.6"]
    assert _row(first, "Persons advised", 2) == ["36", "30"]
    assert _row(first, "Organisations advised", 2) == ["7", "7"]
    assert _row(first, "Events", 2) == ["3", "2"]
    assert _row(first, "Event participants", 2) == ["64", "64"]
    # The detailed figures stand in their part, not on the overview.
    assert "of which first consultations" not in first
    assert "of which third-country nationals" not in first
    lines = _lines(pages[1:])
    parts = ["Who was advised", "Consultations", "Referrals", "Recognition", "Events"]
    where = [lines.index(title) for title in parts]
    assert where == sorted(where)
    assert _row(lines, "of which first consultations", 2) == ["20", "20"]


def test_many_topics_draw_the_largest_in_the_chart_and_list_all_in_the_table() -> None:
    # An office's own topics: 60 of them made a chart taller than a page, and no PDF at all.
    stats = sample_statistics()
    many = tuple((f"topic_{i:02d}", 200 - i) for i in range(60))
    content = sample_content("en", dataclasses.replace(stats, by_topic=many))
    labels = {k: dict(v) for k, v in content.labels.items()}
    labels["by_topic"] = {code: f"Own topic {code[-2:]}" for code, _n in many}
    text = _flat(_pages(dataclasses.replace(content, labels=labels)))
    assert "The chart shows the 25 largest of 60; the table lists them all." in text
    assert all(f"Own topic {i:02d}" in text for i in range(60))
