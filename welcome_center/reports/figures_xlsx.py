"""A report's figures as a workbook that reads and prints well: a sheet per section of the report
(the key figures, each breakdown that stands under its own heading, each titled part of the
report with its figures and breakdowns, the ESF+ indicators after the part on who was advised,
the trend), and the definitions.

Every sheet has a width for every column (from its longest text, capped: longer text wraps),
and prints on A4, one page wide, its header row repeated on every page, the office and the
period in the page header. Numbers are numbers, dates are dates, user text is never a formula.
"""

from __future__ import annotations

import io
import math
from datetime import date, datetime
from typing import Any

import xlsxwriter

from welcome_center.domain.breakdowns import ADVISED, PARTS, REGISTRY
from welcome_center.domain.statistics import ReportContent
from welcome_center.domain.suppression import Hidden
from welcome_center.i18n import _, figures
from welcome_center.reports import sections
from welcome_center.reports.table_export import fit_cell, sheet_name

MIN_WIDTH = 8  # characters
MAX_WIDTH = 60  # a longer text wraps within its column
NOTE_WIDTH = 90  # a sheet's notes wrap within at least this many characters
HEADER_CHARS = 80  # the office's name in the page header, at most
A4 = 9  # Excel's paper size code


class _Sheet:
    """A worksheet that remembers the longest text of each column, so that every column gets a
    width, and the notes (definitions) written across the table's columns below it."""

    def __init__(self, book: Any, fmt: dict[str, Any], name: str) -> None:
        self.ws = book.add_worksheet(name)
        self.fmt = fmt
        self.widths: dict[int, int] = {}
        self.header_row = 0
        self.last_row = 0
        self.pending: list[tuple[int, str]] = []

    def _measure(self, row: int, col: int, text: str) -> None:
        self.widths[col] = max(self.widths.get(col, MIN_WIDTH), min(MAX_WIDTH, len(text) + 2))
        self.last_row = max(self.last_row, row)

    def title(self, row: int, text: str) -> None:
        """A heading: it may stand over empty cells, so it sets no column's width."""
        self.ws.write_string(row, 0, fit_cell(text), self.fmt["title"])
        self.last_row = max(self.last_row, row)

    def text(self, row: int, col: int, text: str, style: str | None = None) -> None:
        text = fit_cell(text)
        if style is None and len(text) > MAX_WIDTH - 2:
            style = "wrap"
        self.ws.write_string(row, col, text, self.fmt[style] if style else None)
        self._measure(row, col, text)

    def number(self, row: int, col: int, value: float, style: str | None = None) -> None:
        self.ws.write_number(row, col, value, self.fmt[style] if style else None)
        self._measure(row, col, f"{value:,}")

    def day(self, row: int, col: int, value: date, style: str = "date") -> None:
        self.ws.write_datetime(row, col, datetime(value.year, value.month, value.day),
                               self.fmt[style])  # fmt: skip
        self._measure(row, col, "00.00.0000")

    def cell(self, row: int, col: int, value: object, threshold: int) -> None:
        """A count, or how a hidden cell is shown ("< 3", "x"), right-aligned like a number."""
        if isinstance(value, Hidden):
            self.text(row, col, sections.cell_text(value, threshold), "right")
        elif isinstance(value, int | float):
            self.number(row, col, value)
        else:
            self.text(row, col, str(value))

    def header(self, row: int, texts: list[str]) -> None:
        """The table's header row: bold, frozen on screen and repeated on every printed page."""
        for col, text in enumerate(texts):
            self.text(row, col, text, "bold")
        self.header_row = row
        self.ws.freeze_panes(row + 1, 0)

    def note(self, row: int, text: str) -> None:
        """A paragraph at ``row`` across the table's columns, wrapped (written on finishing,
        when the columns' widths are known)."""
        self.pending.append((row, fit_cell(text)))
        self.last_row = max(self.last_row, row)

    def notes(self, texts: list[str]) -> None:
        """Paragraphs below the table."""
        row = self.last_row + 2
        for text in filter(None, texts):
            self.note(row, text)
            row += 1

    def _write_notes(self) -> None:
        columns = max(self.widths, default=0) + 1
        width = max(NOTE_WIDTH, sum(self.widths.get(c, MIN_WIDTH) for c in range(columns)))
        for row, text in self.pending:
            if columns > 1:
                self.ws.merge_range(row, 0, row, columns - 1, text, self.fmt["note"])
            else:
                self.ws.write_string(row, 0, text, self.fmt["note"])
            lines = sum(max(1, math.ceil(len(part) * 1.1 / width)) for part in text.split("\n"))
            self.ws.set_row(row, 15 * lines)

    def finish(self, content: ReportContent, landscape: bool = False) -> None:
        """Widths and print settings: A4, one page wide, header row on every page, office and
        period in the page header, page numbers in the footer."""
        for col, width in sorted(self.widths.items()):
            self.ws.set_column(col, col, width)
        self._write_notes()
        ws = self.ws
        ws.set_paper(A4)
        if landscape:
            ws.set_landscape()
        else:
            ws.set_portrait()
        ws.fit_to_pages(1, 0)  # one page wide, as many pages long as needed
        ws.repeat_rows(self.header_row)
        ws.set_margins(left=0.6, right=0.6, top=0.9, bottom=0.8)
        ws.set_header(page_header(content), {"margin": 0.3})
        ws.set_footer("&C&P / &N", {"margin": 0.3})


def _escape(text: str) -> str:
    """Text as Excel's page header shows it: "&" starts a code there."""
    return text.replace("&", "&&")


def page_header(content: ReportContent) -> str:
    """The printed page's header: the office on the left, the period on the right (the
    internal mark in the middle of an internal report)."""
    office = fit_cell(content.office_name, HEADER_CHARS)
    middle = f"&C&B{_escape(figures.internal_note())}" if content.internal else ""
    return f"&L{_escape(office)}{middle}&R{_escape(_period(content))}"


def _period(content: ReportContent) -> str:
    from welcome_center.reports.figures_export import period_text  # it imports this module

    return period_text(content)


def _sheet(book: Any, fmt: dict[str, Any], title: str, used: set[str]) -> _Sheet:
    name = sheet_name(title)
    base, n = name, 2
    while name.lower() in used:
        suffix = f" {n}"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name.lower())
    return _Sheet(book, fmt, name)


def render_xlsx(content: ReportContent) -> bytes:
    """The published figures as a workbook (see the module's docstring)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    fmt = {
        "bold": book.add_format({"bold": True, "valign": "top"}),
        "title": book.add_format({"bold": True, "font_size": 14}),
        "date": book.add_format({"num_format": "dd.mm.yyyy", "align": "left"}),
        "month": book.add_format({"num_format": "mmm yyyy", "align": "left"}),
        "pct": book.add_format({"num_format": "0.0%"}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
        "note": book.add_format({"text_wrap": True, "valign": "top", "italic": True}),
        "right": book.add_format({"align": "right"}),
        "internal": book.add_format({"bold": True, "font_color": "#B00020"}),
    }
    used: set[str] = set()
    _overview_sheet(book, fmt, content, used)
    shown = sections.breakdowns(content)
    for part in PARTS:
        mine = [s for s in shown if REGISTRY[s.key].part == part]
        if part.title is None:
            for section in mine:
                _breakdown_sheet(book, fmt, content, section, used)
        elif mine or part.figures:
            _part_sheet(book, fmt, content, figures.part_title(part), part.figures, mine, used)
        if part is ADVISED:
            _esf_sheet(book, fmt, content, used)
    _trend_sheet(book, fmt, content, used)
    _definitions_sheet(book, fmt, content, used)
    book.close()
    return buffer.getvalue()


def _overview_sheet(book: Any, fmt: dict[str, Any], content: ReportContent, used: set[str]) -> None:
    sheet = _sheet(book, fmt, _("Overview"), used)
    sheet.title(0, content.office_name)
    row = 1
    if content.internal:
        sheet.ws.write_string(row, 0, figures.internal_note(), fmt["internal"])
        row += 1
    stats = content.statistics
    sheet.text(row, 0, _("Period"))
    sheet.text(row, 1, _period(content))
    sheet.text(row + 1, 0, _("From"))
    sheet.day(row + 1, 1, stats.period.start)
    sheet.text(row + 2, 0, _("To"))
    sheet.day(row + 2, 1, stats.period.end)
    sheet.text(row + 3, 0, _("Created"))
    sheet.day(row + 3, 1, content.created_at.date())
    row += 4
    if stats.since_start.start is not None:
        sheet.text(row, 0, _("Project start"))
        sheet.day(row, 1, stats.since_start.start)
        row += 1
    from welcome_center.reports.figures_export import previous_title, previous_value

    head = [_("Key figures"), _("Count")]
    sheet.header(row + 1, head + ([previous_title(content)] if content.previous_period else []))
    row += 1
    for f in sections.key_figures(content) + sections.since_start(content):
        row += 1
        sheet.text(row, 0, f.title)
        sheet.number(row, 1, f.value)
        if (earlier := previous_value(content, f.key)) is not None:
            sheet.number(row, 2, earlier)
    sheet.notes([_("The definitions of all figures are on the sheet “%(sheet)s”.")
                 % {"sheet": _("Definitions")}])  # fmt: skip
    sheet.finish(content)


def _section_rows(
    sheet: _Sheet, content: ReportContent, section: sections.Section, row: int, col: int
) -> int:
    """A breakdown's rows from column ``col`` on (label, code, count, share); the next row."""
    if section.withheld:
        sheet.text(row, col, _("Not shown: too few records."))
        return row + 1
    if not section.rows:
        sheet.text(row, col, _("No records in this period."))
        return row + 1
    for r in section.rows:
        sheet.text(row, col, r.label)
        sheet.text(row, col + 1, r.code)
        sheet.cell(row, col + 2, r.value, content.threshold)
        if r.share is not None:
            sheet.number(row, col + 3, float(r.share) / 100, "pct")  # 6.3 shows as 6.3 %
        row += 1
    return row


def _breakdown_sheet(
    book: Any,
    fmt: dict[str, Any],
    content: ReportContent,
    section: sections.Section,
    used: set[str],
) -> None:
    """A breakdown under its own heading: title, definition, and its table from row 5."""
    sheet = _sheet(book, fmt, section.title, used)
    sheet.title(0, section.title)
    sheet.note(1, section.definition)
    sheet.header(3, [_("Label"), _("Code"), _("Count"), _("Share")])
    _section_rows(sheet, content, section, 4, 0)
    sheet.finish(content)


def _part_sheet(
    book: Any,
    fmt: dict[str, Any],
    content: ReportContent,
    title: str,
    keys: tuple[str, ...],
    shown: list[sections.Section],
    used: set[str],
) -> None:
    """A titled part of the report (who was advised, consultations, referrals, ...): its figures
    and its breakdowns as one table, the first column saying which table a row belongs to."""
    sheet = _sheet(book, fmt, title, used)
    sheet.title(0, title)
    sheet.header(3, [_("Table"), _("Label"), _("Code"), _("Count"), _("Share")])
    row = 4
    figs = {f.key: f for f in sections.key_figures(content)}
    notes: dict[str, list[str]] = {}
    for key in keys:
        f = figs[key]
        sheet.text(row, 0, _("Figure"))
        sheet.text(row, 1, f.title)
        sheet.text(row, 2, f.key)
        sheet.number(row, 3, f.value)
        notes.setdefault(f.definition, []).append(f.title)
        row += 1
    for section in shown:
        start = row
        row = _section_rows(sheet, content, section, row, 1)
        for r in range(start, row):
            sheet.text(r, 0, section.title)
        notes.setdefault(section.definition, []).append(section.title)
    sheet.notes([f"{'; '.join(names)}: {text}" for text, names in notes.items()])
    sheet.finish(content, landscape=True)


def _esf_sheet(book: Any, fmt: dict[str, Any], content: ReportContent, used: set[str]) -> None:
    """The ESF+ common output indicators: code, indicator, count (hidden as the cells of the
    breakdown it sums), what they are and what the table does not say."""
    sheet = _sheet(book, fmt, _("ESF+ indicators"), used)
    sheet.title(0, sections.esf_title())
    sheet.note(1, sections.esf_definition())
    sheet.header(3, [_("Code"), _("Indicator"), _("Count")])
    row = 4
    for r in sections.esf_indicators(content):
        sheet.text(row, 0, r.code)
        sheet.text(row, 1, r.title)
        sheet.cell(row, 2, r.value, content.threshold)
        row += 1
    sheet.notes(list(sections.esf_notes()))
    sheet.finish(content)


def _trend_sheet(book: Any, fmt: dict[str, Any], content: ReportContent, used: set[str]) -> None:
    sheet = _sheet(book, fmt, figures.title("trend"), used)
    sheet.header(0, [_("Month"), _("Enquiries received"), _("Cases worked")])
    for i, m in enumerate(content.statistics.trend, start=1):
        sheet.day(i, 0, m.month, "month")
        sheet.number(i, 1, m.enquiries_received)
        sheet.number(i, 2, m.cases_worked)
    sheet.notes([figures.definition("trend")])
    sheet.finish(content)


def definitions(content: ReportContent) -> list[tuple[str, str]]:
    """(name, definition) of every term and figure the report shows, in report order."""
    terms = [(_("Active record"), figures.definition("active"))]
    for f in sections.key_figures(content) + sections.since_start(content):
        terms.append((f.title, f.definition))
    for s in sections.breakdowns(content):
        terms.append((s.title, s.definition))
    terms.append((sections.esf_title(), sections.esf_definition()))
    terms.append((figures.title("trend"), figures.definition("trend")))
    terms.append((_("Not recorded"), figures.definition("not_recorded")))
    terms.append((_("Small numbers"), figures.suppression_note(content.threshold)))
    return terms


def _definitions_sheet(
    book: Any, fmt: dict[str, Any], content: ReportContent, used: set[str]
) -> None:
    sheet = _sheet(book, fmt, _("Definitions"), used)
    sheet.header(0, [_("Term"), _("Definition")])
    for row, (name, text) in enumerate(definitions(content), start=1):
        sheet.text(row, 0, name, "bold")
        sheet.text(row, 1, text, "wrap")
    sheet.widths[1] = MAX_WIDTH + 20  # the definitions are long: a wide wrapped column
    sheet.finish(content)
