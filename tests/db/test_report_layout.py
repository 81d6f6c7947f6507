"""The PDF report of a demo office's year (and of a month) reads as a report should: no page but
the last is left less than about half full, and no heading stands alone at a page's foot.

How it is checked, robustly and from the file a reader gets: pypdf walks each page's text and
gives every piece of text with its position and font. The page body is the frame between the
header and the footer; how far down a page is used is the baseline of the lowest text in the
body (every table row, chart axis and note has text, so nothing that fills a page is missed).
A heading is text in the bold font at a heading's size (10 points or more: the report's title
and its part and section headings; table heads and terms are smaller). Below a heading on the
same page there must be at least two lines of other text (a table's header and its first row,
or a sentence and its definition). No layout internals are read, so any way of building the
story that gives the same pages passes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from pypdf import PdfReader

from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.statistics import Period, ReportFormat
from welcome_center.reports.pdf import BOTTOM, FRAME_H, PAGE_H, TOP
from welcome_center.services import reporting
from welcome_center.services.context import Actor
from welcome_center.services.demo import generate_demo

HALF_FULL = 0.5
HEADING_SIZE = 10.0
BODY_TOP, BODY_BOTTOM = PAGE_H - TOP, BOTTOM


@dataclass(frozen=True)
class Text:
    y: float  # the baseline, in points from the page's foot
    bold: bool
    size: float
    text: str


def _texts(page: Any) -> list[Text]:
    """The pieces of text in the page's body, each with its baseline and font."""
    found: list[Text] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if not text.strip():
            return
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]  # the text matrix in page space
        if BODY_BOTTOM - 1 <= y <= BODY_TOP + 1:
            name = str(font.get("/BaseFont", "")) if font else ""
            found.append(Text(y, name.endswith("Bold"), size, text.strip()))

    page.extract_text(visitor_text=visit)
    return found


def _pages(pdf: bytes) -> list[list[Text]]:
    return [_texts(page) for page in PdfReader(io.BytesIO(pdf)).pages]


def _fill(texts: list[Text]) -> float:
    """How much of the body the page uses: from its top down to its lowest text."""
    return (BODY_TOP - min(t.y for t in texts)) / FRAME_H


def _lonely_headings(texts: list[Text]) -> list[str]:
    """Headings on the page with fewer than two lines of other text below them."""
    headings = [t for t in texts if t.bold and t.size >= HEADING_SIZE]
    lonely = []
    for heading in headings:
        below = {round(t.y) for t in texts if t.y < heading.y - 1 and t not in headings}
        if len(below) < 2:
            lonely.append(heading.text)
    return lonely


@pytest.fixture
def demo_year(uow: UnitOfWork) -> UnitOfWork:
    """The demo office as the desk's demo makes it (400 records), up to the end of 2025."""
    generate_demo(uow, Actor.system("test"), records=400, seed=1, today=date(2025, 12, 31))
    return uow


@pytest.mark.parametrize(
    ("period", "lang"),
    [(Period.year(2025), "de"), (Period.year(2025), "en"), (Period.month(2025, 11), "de")],
)
def test_pages_are_full_and_no_heading_stands_alone(
    demo_year: UnitOfWork, manager: Actor, period: Period, lang: str
) -> None:
    report = reporting.content(demo_year, manager, period, lang)
    pages = _pages(reporting.render(report, ReportFormat.PDF))
    assert len(pages) >= 8  # the demo fills every section
    for number, texts in enumerate(pages, start=1):
        assert texts, f"page {number} is empty"
        assert _lonely_headings(texts) == [], f"page {number}"
        if number < len(pages):
            assert _fill(texts) >= HALF_FULL, f"page {number} is {_fill(texts):.0%} full"


def test_the_checks_see_a_lonely_heading_and_a_half_empty_page() -> None:
    """The two checks themselves, on a page made by hand: a heading at the foot with nothing
    under it, and a body used down to its middle only."""
    top = BODY_TOP - 20
    page = [
        Text(top, True, 12.5, "Topics"),
        Text(top - 20, True, 9, "Topics"),
        Text(top - 35, False, 9, "Residence"),
        Text(BODY_BOTTOM + FRAME_H * 0.6, True, 12.5, "Channels"),
        Text(BODY_BOTTOM + FRAME_H * 0.6 - 15, False, 9, "E-mail"),
    ]
    assert _lonely_headings(page) == ["Channels"]
    assert _fill(page) == pytest.approx(0.4 + 15 / FRAME_H)
    assert _fill(page) < HALF_FULL
