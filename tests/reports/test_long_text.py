"""Long text in every report format: wrapped, or shortened visibly with "…", never cut silently
and never a failed report (a 1,000-character topic, a partner's name of pages, a 40,000-character
name or office)."""

from __future__ import annotations

import csv
import dataclasses
import io
from datetime import date
from pathlib import Path

from openpyxl import load_workbook
from pypdf import PdfReader

from tests.reports import sample_content
from welcome_center import i18n
from welcome_center.domain.statistics import ReportContent
from welcome_center.reports import charts, figures_export, fonts
from welcome_center.reports.pdf import LABEL_CHARS, render_pdf
from welcome_center.reports.table_export import EXCEL_CELL_CHARS, fit_cell, write_table

TOPIC = ("Recognition of a foreign degree " * 40)[:1000]
PARTNER = "Partner " * 5000
NAME = "N" * 40_000


def _long_content() -> ReportContent:
    content = sample_content("en")
    labels = {key: dict(mapping) for key, mapping in content.labels.items()}
    labels["by_topic"]["recognition"] = TOPIC
    labels["by_topic"]["residence"] = "X" * 1000  # one word: broken inside the column
    labels["referrals_by_partner"]["fizuz"] = PARTNER
    labels["by_municipality"]["zwickau"] = NAME
    return dataclasses.replace(content, labels=labels, office_name="O" * 40_000)


def _pdf_text(content: ReportContent) -> str:
    with i18n.using("en"):
        data = render_pdf(content)
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_pdf_builds_and_shortens_long_labels_visibly() -> None:
    text = _pdf_text(_long_content())
    flat = "".join(text.split())
    assert "Statistics report" in text
    # The table shows a long label wrapped in full, a longer one's beginning and "…"; the
    # chart the first two lines of each.
    assert "".join(TOPIC.split()) in flat
    assert "N" * (LABEL_CHARS - 1) + "…" in flat
    assert "N" * (LABEL_CHARS + 1) not in flat
    assert "PartnerPartner" in flat and flat.count("Partner") < LABEL_CHARS
    assert "O" * 20 + "…" in flat  # the office in the page header


def test_chart_labels_and_header_lines_are_shortened_with_an_ellipsis() -> None:
    fonts.register()
    label = charts.wrap_label(TOPIC, charts.LABEL_WIDTH)
    assert label.count("\n") == 1 and label.endswith("…")
    assert charts.wrap_label("X" * 1000, charts.LABEL_WIDTH).endswith("…")
    short = fonts.shorten(NAME, 200)
    assert short.endswith("…") and len(short) < 100


def test_the_figures_workbook_shows_a_too_long_label_shortened_with_an_ellipsis() -> None:
    with i18n.using("en"):
        data = figures_export.render_xlsx(_long_content())
    book = load_workbook(io.BytesIO(data), read_only=True)
    overview = book.worksheets[0]
    office = next(overview.iter_rows(max_row=1, values_only=True))[0]
    assert office == "O" * (EXCEL_CELL_CHARS - 1) + "…"
    cells = [c for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row]
    names = [c for c in cells if isinstance(c, str) and c.startswith("NNNN")]
    assert names == ["N" * (EXCEL_CELL_CHARS - 1) + "…"]
    assert TOPIC in cells  # fits a cell: in full
    partner = [c for c in cells if isinstance(c, str) and c.startswith("Partner Partner")]
    assert partner == [PARTNER[: EXCEL_CELL_CHARS - 1] + "…"]


def test_the_desks_table_export_never_cuts_silently(tmp_path: Path) -> None:
    rows = [(NAME, "Thi Lan", date(2026, 3, 4)), ("Müller", TOPIC, None)]
    header = ("Family name", "Given name", "Born")
    xlsx = tmp_path / "people.xlsx"
    write_table(xlsx, "People " * 10, header, rows, lambda d: d.isoformat())
    ws = load_workbook(xlsx).worksheets[0]
    assert ws.title.endswith("…") and len(ws.title) == 31
    assert ws["A2"].value == "N" * (EXCEL_CELL_CHARS - 1) + "…"
    assert ws["B3"].value == TOPIC and ws["B3"].alignment.wrap_text
    out = tmp_path / "people.csv"
    write_table(out, "People", header, rows, lambda d: d.isoformat())
    with out.open(encoding="utf-8-sig", newline="") as f:
        read = list(csv.reader(f, delimiter=";"))
    assert read[1][0] == NAME and read[2][1] == TOPIC  # CSV has no cell limit: kept in full


def test_fit_cell_counts_as_excel_does() -> None:
    assert fit_cell("abc") == "abc"
    assert fit_cell("x" * EXCEL_CELL_CHARS) == "x" * EXCEL_CELL_CHARS
    emoji = fit_cell("😀" * 20_000)
    assert emoji.endswith("…")
    assert len(emoji.encode("utf-16-le")) // 2 <= EXCEL_CELL_CHARS
