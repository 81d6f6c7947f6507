"""The manager's statistics report as a PDF: A4, DejaVu fonts, the tables of ``sections`` (the
same rows and suppression as XLSX and CSV), two charts and an appendix of definitions."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from welcome_center.domain.breakdowns import ADVISED, PARTS, REGISTRY, ReportPart
from welcome_center.domain.dates import OFFICE_TZ
from welcome_center.domain.quarters import quarter_of
from welcome_center.domain.statistics import Period, ReportContent, TrendMonth
from welcome_center.domain.suppression import Hidden
from welcome_center.i18n import _, figures, format_date, format_number, format_share, pgettext
from welcome_center.reports import charts, fonts, sections
from welcome_center.reports.figures_export import previous_title, previous_value
from welcome_center.reports.fonts import BOLD, REGULAR

PAGE_W, PAGE_H = A4
MARGIN = 20 * mm
WIDTH = PAGE_W - 2 * MARGIN
TOP, BOTTOM = 28 * mm, 20 * mm
FRAME_H = PAGE_H - TOP - BOTTOM
TEXT = charts.TEXT
MUTED = colors.HexColor("#5F6B78")
ZEBRA = colors.HexColor("#F3F5F8")
INTERNAL = colors.HexColor("#B00020")  # the mark of an internal report
NUMBER_COL = 62.0
CELL_PADDING = 4.0  # points left and right of a table cell's text
BODY_SIZE = 9.0  # points: the text's type, a table's cells' too
CELL_LEADING = 11.5  # points from line to line in a table's cell
CODE_COL = 52.0
# How the tables flow (see _kept): a heading starts a page's last part only with what follows
# it: the whole block when it takes at most a third of a page, else its table's header and
# first rows; longer tables go on on the next page under their repeated header row.
KEEP_WHOLE = FRAME_H / 3
LEAD_ROWS = 3
CHART_BARS = 25  # a chart's bars at most (about half a page); its table lists every row
DEFINITIONS_LEAD = 4  # the appendix's heading with its first definitions
# Figures that are part of the one above them ("of which ..."), indented.
INDENTED = frozenset(
    {
        "cases_worked_persons",
        "cases_worked_organisations",
        "third_country_persons",
        "smes_advised",
        "consultations_first",
        "consultations_follow_up",
        "recognition_regulated",
        "event_participants_persons",
        "event_participants_organisations",
    }
)
# A table row cannot go on over a page: a label (a topic, a partner's name) is cut with "…"
# after this many characters, some seventeen lines of its column (a third of a page).
LABEL_CHARS = 1_000

Styles = dict[str, ParagraphStyle]


def render_pdf(content: ReportContent) -> bytes:
    """The report as PDF bytes, in the active language (the caller chooses it with
    ``i18n.using(content.language)``)."""
    fonts.register()
    out = io.BytesIO()
    title = _("Statistics report") + " " + period_text(content.statistics.period)
    doc = BaseDocTemplate(
        out,
        pagesize=A4,
        title=f"{title} ({figures.internal_note()})" if content.internal else title,
        author=clip(content.office_name),
        lang=content.language,
        initialFontName=REGULAR,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=TOP,
        bottomMargin=BOTTOM,
    )
    frame = Frame(MARGIN, BOTTOM, WIDTH, PAGE_H - TOP - BOTTOM, 0, 0, 0, 0, id="body")
    header = _header(content.office_name, title, _created_text(content))
    doc.addPageTemplates([PageTemplate("page", [frame], onPage=header)])
    footer = _internal_page_text if content.internal else _page_text
    canvas = _numbered_canvas(footer, marked=content.internal)
    doc.build(_story(content, _styles()), canvasmaker=canvas)
    return out.getvalue()


def period_text(period: Period) -> str:
    """The period as a title says it: "März 2026", "2025", "1. März 2026 – 31. Mai 2026"."""
    if period.is_month():
        return format_date(period.start, "MMMM yyyy")
    if period.is_year():
        return str(period.start.year)
    if quarter := quarter_of(period):
        return _("Q%(quarter)d %(year)d") % {"quarter": quarter, "year": period.start.year}
    return f"{format_date(period.start, 'long')} – {format_date(period.end, 'long')}"


def _created_text(content: ReportContent) -> str:
    created = content.created_at
    if created.tzinfo is not None:
        created = created.astimezone(OFFICE_TZ)
    return _("Created on %(date)s") % {"date": format_date(created.date(), "long")}


def _page_text(page: int, pages: int) -> str:
    return _("Page %(page)d of %(pages)d") % {"page": page, "pages": pages}


def _internal_page_text(page: int, pages: int) -> str:
    return f"{figures.internal_note()} · {_page_text(page, pages)}"


# Page furniture -------------------------------------------------------------------------------


def _header(office: str, title: str, created: str) -> Callable[[Any, Any], None]:
    """The callback that draws the header of every page: office, title and period, creation."""

    def draw(canvas: Any, _doc: Any) -> None:
        canvas.saveState()
        top = PAGE_H - 12 * mm
        canvas.setFillColor(TEXT)
        # The office on a line of its own (an office's name is long: it was cut at half the
        # width); under it the title on the left and when it was made on the right.
        canvas.setFont(BOLD, 9)
        canvas.drawString(MARGIN, top, fonts.shorten(office, WIDTH, BOLD, 9))
        canvas.setFont(REGULAR, 8.5)
        canvas.drawString(MARGIN, top - 11, fonts.shorten(title, WIDTH * 0.6, REGULAR, 8.5))
        canvas.setFillColor(MUTED)
        canvas.setFont(REGULAR, 7.5)
        canvas.drawRightString(
            PAGE_W - MARGIN, top - 11, fonts.shorten(created, WIDTH * 0.38, REGULAR, 7.5)
        )
        canvas.setStrokeColor(charts.GRID)
        canvas.setLineWidth(0.6)
        canvas.line(MARGIN, top - 16, PAGE_W - MARGIN, top - 16)
        canvas.restoreState()

    return draw


def _numbered_canvas(footer: Callable[[int, int], str], marked: bool = False) -> type:
    """A canvas that keeps its pages until the end, to write "Page N of M" on each (``marked``:
    in the colour of the internal report's mark)."""

    class NumberedCanvas(Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self.setFillColor(INTERNAL if marked else MUTED)
                self.setFont(BOLD if marked else REGULAR, 8)
                self.drawCentredString(PAGE_W / 2, 10 * mm, footer(number, len(self._pages)))
                super().showPage()
            super().save()

    return NumberedCanvas


# Styles and tables ----------------------------------------------------------------------------


def _styles() -> Styles:
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=BODY_SIZE, leading=12, textColor=TEXT)

    def style(name: str, **kw: Any) -> ParagraphStyle:
        return ParagraphStyle(name, parent=body, **kw)

    return {
        "body": body,
        "title": style("title", fontName=BOLD, fontSize=20, leading=25, spaceAfter=2),
        "period": style("period", fontSize=14, leading=18, textColor=charts.PRIMARY),
        "internal": style(
            "internal", fontName=BOLD, fontSize=12, leading=16, spaceAfter=4, textColor=INTERNAL
        ),
        "meta": style("meta", textColor=MUTED, spaceAfter=10),
        "h2": style(
            "h2",
            fontName=BOLD,
            fontSize=12.5,
            leading=16,
            spaceBefore=14,
            spaceAfter=6,
            textColor=charts.PRIMARY,
        ),
        "h3": style(
            "h3",
            fontName=BOLD,
            fontSize=10.5,
            leading=14,
            spaceBefore=10,
            spaceAfter=4,
        ),
        "cell": style("cell", leading=CELL_LEADING),
        "indented": style("indented", leading=CELL_LEADING, leftIndent=12),
        "head": style("head", fontName=BOLD, leading=11.5),
        "head_number": style("head_number", fontName=BOLD, leading=11.5, alignment=TA_RIGHT),
        "small_head": style("small_head", fontSize=7, leading=9.5, alignment=TA_RIGHT),
        "note": style("note", fontSize=8, leading=10.5, textColor=MUTED, spaceBefore=4),
        "definition": style("definition", fontSize=8.5, leading=11.5, spaceAfter=5),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text: user text is data, never markup."""
    return Paragraph(escape(text), style)


def _label(text: str, st: Styles, width: float) -> Paragraph | str:
    """A label cell of a table column ``width`` wide: a plain string where it fits on one line
    (drawn as the paragraph would draw it, at a fraction of the cost), else a paragraph that
    wraps it. Neither reads markup."""
    style = st["cell"]
    room = width - 2 * CELL_PADDING
    if "\n" not in text and stringWidth(text, style.fontName, style.fontSize) <= room:
        return " ".join(text.split())  # spaces as a paragraph sets them
    return _p(text, style)


def clip(text: str, limit: int = LABEL_CHARS) -> str:
    """``text``, or its first ``limit`` characters and "…" (visibly shortened, never cut)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _table(
    rows: Sequence[Sequence[Paragraph | str]],
    widths: Sequence[float],
    extra: Sequence[Any] = (),
    numbers: tuple[int, float, float] = (1, BODY_SIZE, CELL_LEADING),
) -> Table:
    """A table whose first row is its header (repeated on the next page), rows striped. Its
    body's cells from column ``numbers[0]`` on are numbers, given as plain strings (not
    paragraphs: a report's 600 number cells took a quarter of its rendering as paragraphs),
    right-aligned in ``numbers[1]`` points on a line of ``numbers[2]`` (as the body's text)."""
    first, size, leading = numbers
    table = Table(rows, colWidths=list(widths), repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), REGULAR),
                ("FONTNAME", (0, 0), (-1, 0), BOLD),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, charts.PRIMARY),
                ("LINEBELOW", (0, -1), (-1, -1), 0.5, charts.GRID),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, ZEBRA]),
                ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
                ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
                ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
                ("TEXTCOLOR", (0, 0), (-1, -1), TEXT),
                ("FONTSIZE", (0, 1), (-1, -1), BODY_SIZE),
                ("LEADING", (0, 1), (-1, -1), CELL_LEADING),
                ("ALIGN", (first, 1), (-1, -1), "RIGHT"),
                ("FONTSIZE", (first, 1), (-1, -1), size),
                ("LEADING", (first, 1), (-1, -1), leading),
                *extra,
            ]
        )
    )
    return table


def _count(value: int | Hidden, threshold: int) -> str:
    if isinstance(value, Hidden):
        return sections.cell_text(value, threshold)
    return format_number(value)


def _figure_table(
    figs: Iterable[sections.KeyFigure],
    head: str,
    st: Styles,
    content: ReportContent | None = None,
) -> Table:
    """Figures and their numbers; given the ``content`` of a month's or a year's report, the
    same figures one year earlier beside them."""
    previous = content is not None and content.previous_period is not None
    rows: list[list[Paragraph | str]] = [
        [_p(head, st["head"]), _p(pgettext("report", "Number"), st["head_number"])]
    ]
    if content is not None and previous:
        rows[0].append(_p(previous_title(content), st["head_number"]))
    label_width = WIDTH - (2 if previous else 1) * NUMBER_COL
    for f in figs:
        label = (
            _p(f.title, st["indented"]) if f.key in INDENTED else _label(f.title, st, label_width)
        )
        rows.append([label, format_number(f.value)])
        if content is not None and previous:
            earlier = previous_value(content, f.key)
            text = "" if earlier is None else format_number(earlier)
            rows[-1].append(text)
    if previous:
        return _table(rows, (WIDTH - 2 * NUMBER_COL, NUMBER_COL, NUMBER_COL))
    return _table(rows, (WIDTH - NUMBER_COL, NUMBER_COL))


def _breakdown_table(section: sections.Section, threshold: int, st: Styles) -> Table:
    head = [_p(section.title, st["head"]), _p(pgettext("report", "Number"), st["head_number"]),
            _p(_("Share"), st["head_number"])]  # fmt: skip
    rows: list[list[Paragraph | str]] = [head]
    for r in section.rows:
        label = _label(clip(r.label), st, WIDTH - 2 * NUMBER_COL)
        rows.append([label, _count(r.value, threshold), format_share(r.share)])
    return _table(rows, (WIDTH - 2 * NUMBER_COL, NUMBER_COL, NUMBER_COL))


# The story ------------------------------------------------------------------------------------


def _story(content: ReportContent, st: Styles) -> list[Flowable]:
    """Title, key figures, then each part of the report (``domain.breakdowns.PARTS``) with its
    breakdowns in their declared order, the trend and the definitions."""
    shown = sections.breakdowns(content)
    figs = {f.key: f for f in sections.key_figures(content)}
    story = _title_block(content, st) + _key_figures(content, figs, st)
    for part in PARTS:
        story += _part(part, [s for s in shown if REGISTRY[s.key].part == part], figs, content, st)
    story += _trend(content, st)
    story += _definitions(content, st)
    return story


def _height(flowable: Flowable) -> float:
    """The height ``flowable`` takes in the frame, its space before and after included."""
    _width, height = flowable.wrap(WIDTH, FRAME_H)
    return float(height + flowable.getSpaceBefore() + flowable.getSpaceAfter())


def _kept(block: Sequence[Flowable], lead: int | None = None) -> list[Flowable]:
    """``block`` (a heading and what it heads) after a conditional page break: it starts on
    this page only if there is room for all of it when it is small (at most a third of a
    page), else for its first ``lead`` flowables, or for everything up to its first table
    and that table's header and first rows. Nothing else is kept together: a longer table
    goes on on the next page under its repeated header row, so no page is left half empty
    for a block that would not fit whole, and no heading stands alone at a page's foot."""
    total, needed = 0.0, None
    for i, flowable in enumerate(block):
        if lead is not None and i == lead:
            needed = total
        if needed is None and isinstance(flowable, Table):
            flowable.wrap(WIDTH, FRAME_H)
            rows = flowable._rowHeights[: 1 + LEAD_ROWS]
            needed = total + flowable.getSpaceBefore() + sum(rows)
        total += _height(flowable)
    if total <= KEEP_WHOLE or needed is None:
        needed = total
    return [CondPageBreak(min(needed, FRAME_H)), *block]


def _part(
    part: ReportPart,
    shown: Sequence[sections.Section],
    figs: dict[str, sections.KeyFigure],
    content: ReportContent,
    st: Styles,
) -> list[Flowable]:
    """A part: its heading and figures when it has them, then its breakdowns (under its heading
    one level down, else each under a heading of its own)."""
    story: list[Flowable] = []
    level = "h2"
    if part.title is not None:
        if not shown and not part.figures:
            return story
        head: list[Flowable] = [_p(figures.part_title(part), st["h2"])]
        if part.figures:
            figure_rows = [figs[k] for k in part.figures]
            head.append(_figure_table(figure_rows, _("Figure"), st, content))
        story += _kept(head)
        if part is ADVISED:
            story += _esf_indicators(content, st)
        level = "h3"
    for section in shown:
        if REGISTRY[section.key].chart:
            story += _charted(section, content.threshold, st, level)
        else:
            story += _section(section, content.threshold, st, level)
    return story


def _title_block(content: ReportContent, st: Styles) -> list[Flowable]:
    internal = [_p(figures.internal_note(), st["internal"])] if content.internal else []
    return [
        _p(_("Statistics report"), st["title"]),
        *internal,
        _p(period_text(content.statistics.period), st["period"]),
        _p(f"{clip(content.office_name)} · {_created_text(content)}", st["meta"]),
    ]


def _key_figures(
    content: ReportContent, figs: dict[str, sections.KeyFigure], st: Styles
) -> list[Flowable]:
    """Page 1: the overview's figures (``sections.OVERVIEW``) beside a year earlier."""
    rows = [figs[key] for key in sections.OVERVIEW]
    start = content.statistics.since_start.start
    for f in sections.since_start(content):
        title = f"{f.title} ({format_date(start, 'long')})" if start else f.title
        rows.append(sections.KeyFigure(f.key, title, f.value, f.definition))
    note = _p(_("The definitions of all figures are in the appendix."), st["note"])
    table = _figure_table(rows, _("Figure"), st, content)
    return [_p(_("Key figures"), st["h2"]), table, note]


def _esf_indicators(content: ReportContent, st: Styles) -> list[Flowable]:
    """The ESF+ common output indicators: code, indicator, number (hidden as the breakdown's
    cells it sums), and what the table does not say."""
    head = [_p(_("Code"), st["head"]), _p(_("Indicator"), st["head"]),
            _p(pgettext("report", "Number"), st["head_number"])]  # fmt: skip
    rows: list[list[Paragraph | str]] = [head]
    for r in sections.esf_indicators(content):
        rows.append([_p(r.code, st["cell"]), _p(r.title, st["cell"]),
                     _count(r.value, content.threshold)])  # fmt: skip
    table = _table(
        rows,
        (CODE_COL, WIDTH - CODE_COL - NUMBER_COL, NUMBER_COL),
        numbers=(2, BODY_SIZE, CELL_LEADING),
    )
    notes = [_p(text, st["note"]) for text in sections.esf_notes()]
    return _kept([_p(sections.esf_title(), st["h3"]), table, *notes])


def _section(section: sections.Section, threshold: int, st: Styles, level: str) -> list[Flowable]:
    """A breakdown: heading, table (or why there is none) and its definition."""
    return _kept([_p(section.title, st[level]), *_section_body(section, threshold, st)])


def _section_body(section: sections.Section, threshold: int, st: Styles) -> list[Flowable]:
    if section.withheld:
        table: Flowable = _p(_("Not shown: too few records."), st["body"])
    elif not section.rows:
        table = _p(_("No records in this period."), st["body"])
    else:
        table = _breakdown_table(section, threshold, st)
    return [table, _p(section.definition, st["note"])]


def _charted(section: sections.Section, threshold: int, st: Styles, level: str) -> list[Flowable]:
    """A breakdown declared with a chart (the topics): the chart first (short labels), then the
    table with the full labels."""
    bars = [(r.label, r.value) for r in section.rows if isinstance(r.value, int)]
    if not bars or section.withheld:
        return _section(section, threshold, st, level)
    # An office may keep many topics: more bars than fit on a page made the PDF fail to build.
    drawn = bars[:CHART_BARS]
    chart = [_p(section.title, st[level]), charts.topic_chart(drawn, WIDTH), Spacer(1, 6)]
    if len(drawn) < len(bars):
        note = _("The chart shows the %(shown)d largest of %(total)d; the table lists them all.")
        chart.append(_p(note % {"shown": len(drawn), "total": len(bars)}, st["note"]))
    return _kept(chart) + _section_body(section, threshold, st)


def _trend(content: ReportContent, st: Styles) -> list[Flowable]:
    months = content.statistics.trend
    if not months:
        return []
    heading = _p(figures.title("trend"), st["h2"])
    chart = charts.trend_chart(months, WIDTH)
    note = _p(figures.definition("trend"), st["note"])
    # A longer trend (up to 24 months) in tables of 12 months, one below the other.
    tables = [_trend_table(months[i : i + 12], st) for i in range(0, len(months), 12)]
    spaced = [x for t in tables for x in (Spacer(1, 6), t)]
    return _kept([heading, chart, Spacer(1, 2), *spaced, note])


def _trend_table(months: Sequence[TrendMonth], st: Styles) -> Table:
    """Months as columns: up to twelve narrow columns, so "Sept 25" needs small type and
    padding."""
    first = 92.0
    head = [_p(_("Month"), st["head"])]
    head += [_p(format_date(m.month, "LLL yy"), st["small_head"]) for m in months]
    rows: list[list[Paragraph | str]] = [head]
    for key in ("enquiries_received", "cases_worked"):
        cells = [format_number(getattr(m, key)) for m in months]
        rows.append([_p(figures.title(key), st["cell"]), *cells])
    narrow = [("LEFTPADDING", (1, 0), (-1, -1), 1.5), ("RIGHTPADDING", (1, 0), (-1, -1), 1.5)]
    column = (WIDTH - first) / 12
    return _table(rows, [first] + [column] * len(months), narrow, numbers=(1, 7.5, 9.5))


def _definitions(content: ReportContent, st: Styles) -> list[Flowable]:
    """The appendix: every figure shown, with its definition (shared ones once)."""
    terms: list[tuple[str, str]] = [(_("Active record"), figures.definition("active"))]
    for f in sections.key_figures(content) + sections.since_start(content):
        terms.append((f.title, f.definition))
    for s in sections.breakdowns(content):
        terms.append((s.title, s.definition))
    terms.append((sections.esf_title(), sections.esf_definition()))
    terms.append((figures.title("trend"), figures.definition("trend")))
    terms.append((_("Not recorded"), figures.definition("not_recorded")))
    terms.append((_("Small numbers"), figures.suppression_note(content.threshold)))
    merged: dict[str, list[str]] = {}
    for term, text in terms:
        merged.setdefault(text, []).append(term)
    story: list[Flowable] = [_p(_("Definitions"), st["h2"])]
    for text, names in merged.items():
        term = escape("; ".join(names))
        story.append(Paragraph(f"<b>{term}</b>: {escape(text)}", st["definition"]))
    return _kept(story, lead=1 + DEFINITIONS_LEAD)
