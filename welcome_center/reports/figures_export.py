"""A report's figures as JSON (DOMAIN.md's keys), CSV (semicolon, UTF-8 with BOM, for German
Excel) and XLSX (a sheet per breakdown, numbers as numbers, dates as dates).

Every format shows the published figures: every breakdown of ``domain.breakdowns`` in its
declared order, the suppressed ones with their small cells hidden, exactly as ``reports.sections``
prepares them for the PDF. A breakdown that names staff only in the office's internal report,
which says on its first line that it is internal.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from typing import Any

import xlsxwriter

from welcome_center.domain.breakdowns import REGISTRY
from welcome_center.domain.quarters import quarter_of
from welcome_center.domain.statistics import ReportContent
from welcome_center.domain.suppression import Hidden
from welcome_center.i18n import _, figures, format_date, format_share
from welcome_center.reports import sections
from welcome_center.reports.table_export import fit_cell, guard, sheet_name


def published_figures(content: ReportContent) -> dict[str, Any]:
    """The figures as they leave the office, keyed as DOMAIN.md says; a hidden cell is ``null``
    and named under ``suppression``. This is also what the archive keeps. An internal report
    says so (``"internal": true``) and holds ``by_counsellor``; any other has no staff in it."""
    stats = content.statistics
    out: dict[str, Any] = {
        "office": content.office_name,
        "period": {"from": stats.period.start.isoformat(), "to": stats.period.end.isoformat()},
        "created_at": content.created_at.isoformat(timespec="seconds"),
        "language": content.language,
    }
    if content.internal:
        out["internal"] = True
    for key in sections.KEY_FIGURES:
        out[key] = int(getattr(stats, key))
    hidden: dict[str, dict[str, str]] = {}
    withheld: list[str] = []
    for section in sections.breakdowns(content):
        out[section.key] = {
            r.code: None if isinstance(r.value, Hidden) else r.value for r in section.rows
        }
        cells = {
            r.code: sections.cell_text(r.value, content.threshold)
            for r in section.rows
            if isinstance(r.value, Hidden)
        }
        if cells:
            hidden[section.key] = cells
        if section.withheld:
            withheld.append(section.key)
    start = stats.since_start
    out["since_start"] = {
        "from": start.start.isoformat() if start.start else None,
        "enquiries": start.enquiries,
        "cases": start.cases,
    }
    out["trend"] = [
        {
            "month": m.month.strftime("%Y-%m"),
            "enquiries_received": m.enquiries_received,
            "cases_worked": m.cases_worked,
        }
        for m in stats.trend
    ]
    out["suppression"] = {"threshold": content.threshold, "hidden": hidden, "withheld": withheld}
    out["shares"] = _shares(content)
    assert {key for key, b in REGISTRY.items() if not b.internal} <= set(out)
    return out


def _shares(content: ReportContent) -> dict[str, dict[str, float | None]]:
    """{breakdown: {code: percent}}: each row's share of its base figure, one decimal, rounded
    half up (``domain.shares``); ``null`` for a hidden cell or a base of 0."""
    return {
        s.key: {r.code: None if r.share is None else float(r.share) for r in s.rows}
        for s in sections.breakdowns(content)
    }


def render_json(content: ReportContent) -> bytes:
    """The published figures as UTF-8 JSON."""
    text = json.dumps(published_figures(content), ensure_ascii=False, indent=2)
    return (text + "\n").encode("utf-8")


def period_text(content: ReportContent) -> str:
    """The period as a reader says it: "März 2026", "2025", or "01.03.2026 – 31.05.2026"."""
    p = content.statistics.period
    if p.is_month():
        return format_date(p.start, "MMMM yyyy")
    if p.is_year():
        return str(p.start.year)
    if quarter := quarter_of(p):
        return _("Q%(quarter)d %(year)d") % {"quarter": quarter, "year": p.start.year}
    return f"{format_date(p.start)} – {format_date(p.end)}"


def _rows(content: ReportContent) -> list[tuple[str, str, str, object, str]]:
    """(section, code, label, value, share) for every published number, in report order."""
    out: list[tuple[str, str, str, object, str]] = []
    overview = _("Key figures")
    for f in sections.key_figures(content) + sections.since_start(content):
        out.append((overview, f.key, f.title, f.value, ""))
    for section in sections.breakdowns(content):
        if section.withheld:
            out.append((section.title, "", _("Not shown: too few records."), "", ""))
        for r in section.rows:
            value: object = (
                sections.cell_text(r.value, content.threshold)
                if isinstance(r.value, Hidden)
                else r.value
            )
            out.append((section.title, r.code, r.label, value, format_share(r.share)))
    trend = figures.title("trend")
    received, worked = _("enquiries received"), _("cases worked")
    for m in content.statistics.trend:
        month, code = format_date(m.month, "MMMM yyyy"), m.month.strftime("%Y-%m")
        out.append((trend, code, f"{month}: {received}", m.enquiries_received, ""))
        out.append((trend, code, f"{month}: {worked}", m.cases_worked, ""))
    return out


def render_csv(content: ReportContent) -> bytes:
    """The published figures as one long CSV table: section; code; label; value; share."""
    buffer = io.StringIO()
    w = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    if content.internal:
        w.writerow([figures.internal_note()])
    w.writerow([_("Office"), guard(content.office_name)])
    w.writerow([_("Period"), period_text(content)])
    w.writerow([_("Created"), format_date(content.created_at.date())])
    w.writerow([])
    w.writerow([_("Section"), _("Code"), _("Label"), _("Count"), _("Share")])
    for section, code, label, value, share in _rows(content):
        w.writerow([guard(section), guard(code), guard(label), value, share])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _sheet_name(title: str, used: set[str]) -> str:
    name = sheet_name(title)
    base, n = name, 2
    while name.lower() in used:
        suffix = f" {n}"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name.lower())
    return name


def render_xlsx(content: ReportContent) -> bytes:
    """The published figures as a workbook: an overview, a sheet per breakdown, the trend, and
    the definitions."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    fmt = {
        "bold": book.add_format({"bold": True}),
        "title": book.add_format({"bold": True, "font_size": 14}),
        "date": book.add_format({"num_format": "dd.mm.yyyy", "align": "left"}),
        "month": book.add_format({"num_format": "mmm yyyy", "align": "left"}),
        "pct": book.add_format({"num_format": "0.0%"}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
        "right": book.add_format({"align": "right"}),
        "internal": book.add_format({"bold": True, "font_color": "#B00020"}),
    }
    used: set[str] = set()
    _overview_sheet(book, fmt, content, used)
    for section in sections.breakdowns(content):
        _breakdown_sheet(book, fmt, content, section, used)
    _trend_sheet(book, fmt, content, used)
    _definitions_sheet(book, fmt, content, used)
    book.close()
    return buffer.getvalue()


def _overview_sheet(book: Any, fmt: dict[str, Any], content: ReportContent, used: set[str]) -> None:
    ws = book.add_worksheet(_sheet_name(_("Overview"), used))
    ws.set_column(0, 0, 48)
    ws.set_column(1, 1, 16)
    ws.write_string(0, 0, fit_cell(content.office_name), fmt["title"])
    if content.internal:
        ws.write_string(0, 1, figures.internal_note(), fmt["internal"])
    ws.write_string(1, 0, _("Period"))
    ws.write_string(1, 1, period_text(content))
    ws.write_string(2, 0, _("From"))
    ws.write_datetime(2, 1, _midnight(content.statistics.period.start), fmt["date"])
    ws.write_string(3, 0, _("To"))
    ws.write_datetime(3, 1, _midnight(content.statistics.period.end), fmt["date"])
    ws.write_string(4, 0, _("Created"))
    ws.write_datetime(4, 1, _midnight(content.created_at.date()), fmt["date"])
    row = 6
    ws.write_string(row, 0, _("Key figures"), fmt["bold"])
    for f in sections.key_figures(content) + sections.since_start(content):
        row += 1
        ws.write_string(row, 0, f.title)
        ws.write_number(row, 1, f.value)
    start = content.statistics.since_start.start
    if start is not None:
        row += 1
        ws.write_string(row, 0, _("Project start"))
        ws.write_datetime(row, 1, _midnight(start), fmt["date"])


def _breakdown_sheet(
    book: Any,
    fmt: dict[str, Any],
    content: ReportContent,
    section: sections.Section,
    used: set[str],
) -> None:
    ws = book.add_worksheet(_sheet_name(section.title, used))
    ws.set_column(0, 0, 44)
    ws.set_column(1, 1, 24)
    ws.set_column(2, 3, 12)
    ws.write_string(0, 0, section.title, fmt["title"])
    ws.write_string(1, 0, section.definition)
    header = [_("Label"), _("Code"), _("Count"), _("Share")]
    for col, text in enumerate(header):
        ws.write_string(3, col, text, fmt["bold"])
    if section.withheld:
        ws.write_string(4, 0, _("Not shown: too few records."))
    for i, r in enumerate(section.rows, start=4):
        ws.write_string(i, 0, fit_cell(r.label), fmt["wrap"])
        ws.write_string(i, 1, fit_cell(r.code))
        if isinstance(r.value, Hidden):
            ws.write_string(i, 2, sections.cell_text(r.value, content.threshold), fmt["right"])
        else:
            ws.write_number(i, 2, r.value)
        if r.share is not None:
            ws.write_number(i, 3, float(r.share) / 100, fmt["pct"])  # 6.3 shows as 6.3 %
    ws.freeze_panes(4, 0)


def _trend_sheet(book: Any, fmt: dict[str, Any], content: ReportContent, used: set[str]) -> None:
    ws = book.add_worksheet(_sheet_name(figures.title("trend"), used))
    ws.set_column(0, 0, 14)
    ws.set_column(1, 2, 24)
    for col, text in enumerate([_("Month"), _("Enquiries received"), _("Cases worked")]):
        ws.write_string(0, col, text, fmt["bold"])
    for i, m in enumerate(content.statistics.trend, start=1):
        ws.write_datetime(i, 0, _midnight(m.month), fmt["month"])
        ws.write_number(i, 1, m.enquiries_received)
        ws.write_number(i, 2, m.cases_worked)
    ws.freeze_panes(1, 0)


def _definitions_sheet(
    book: Any, fmt: dict[str, Any], content: ReportContent, used: set[str]
) -> None:
    ws = book.add_worksheet(_sheet_name(_("Definitions"), used))
    ws.set_column(0, 0, 36)
    ws.set_column(1, 1, 100)
    keys = ["active", *sections.KEY_FIGURES[:-1], "since_start", "trend"]
    keys += [*sections.breakdown_keys(content), "not_recorded"]
    row = 0
    for key in keys:
        name = figures.title(key) if key not in ("active", "not_recorded") else ""
        ws.write_string(row, 0, name, fmt["bold"])
        ws.write_string(row, 1, figures.definition(key), fmt["wrap"])
        row += 1
    ws.write_string(row, 1, figures.suppression_note(content.threshold), fmt["wrap"])


def _midnight(d: date) -> datetime:
    return datetime(d.year, d.month, d.day)
