"""A report's figures as JSON (DOMAIN.md's keys), CSV (semicolon, UTF-8 with BOM, for German
Excel) and XLSX (``reports.figures_xlsx``: a sheet per section, numbers as numbers, dates as
dates).

Every format shows the published figures: every breakdown of ``domain.breakdowns`` in its
declared order, the suppressed ones with their small cells hidden, exactly as ``reports.sections``
prepares them for the PDF. A breakdown that names staff only in the office's internal report,
which says on its first line that it is internal.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from welcome_center.domain.breakdowns import REGISTRY
from welcome_center.domain.quarters import quarter_of
from welcome_center.domain.statistics import Period, ReportContent, Statistics
from welcome_center.domain.suppression import Hidden
from welcome_center.i18n import _, figures, format_date, format_share
from welcome_center.reports import figures_xlsx, sections
from welcome_center.reports.table_export import guard


def published_figures(content: ReportContent) -> dict[str, Any]:
    """The figures as they leave the office, keyed as DOMAIN.md says (``esf_indicators``: the
    ESF+ common output indicators by code); a hidden cell is ``null`` and named under
    ``suppression``. This is also what the archive keeps. An internal report
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
        value = getattr(stats, key)  # counts; the consultation hours keep their one decimal
        out[key] = value if isinstance(value, float) else int(value)
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
    indicators = sections.esf_indicators(content)
    out["esf_indicators"] = {
        r.code: None if isinstance(r.value, Hidden) else r.value for r in indicators
    }
    if esf_hidden := {
        r.code: sections.cell_text(r.value, content.threshold)
        for r in indicators
        if isinstance(r.value, Hidden)
    }:
        hidden["esf_indicators"] = esf_hidden
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
    if (previous := content.previous_period) is not None:
        out["previous_period"] = {
            "from": previous.period.start.isoformat(),
            "to": previous.period.end.isoformat(),
        } | {key: _number(getattr(previous, key)) for key in sections.KEY_FIGURES}
    out["suppression"] = {"threshold": content.threshold, "hidden": hidden, "withheld": withheld}
    out["shares"] = _shares(content)
    assert {key for key, b in REGISTRY.items() if not b.internal} <= set(out)
    return out


def _number(value: float) -> int | float:
    return value if isinstance(value, float) else int(value)


def previous_value(content: ReportContent, key: str) -> int | float | None:
    """The key figure ``key`` (or a since-the-start count) of the same period one year earlier;
    None when the report has no such comparison."""
    previous: Statistics | None = content.previous_period
    if previous is None:
        return None
    if key in ("since_start_enquiries", "since_start_cases"):
        start = previous.since_start
        return start.enquiries if key == "since_start_enquiries" else start.cases
    return _number(getattr(previous, key))


def previous_title(content: ReportContent) -> str:
    """The head of the column of last year's figures: "März 2023", "2023"."""
    previous = content.previous_period
    return period_words(previous.period) if previous else _("A year earlier")


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
    return period_words(content.statistics.period)


def period_words(p: Period) -> str:
    """Any period as :func:`period_text` says it."""
    if p.is_month():
        return format_date(p.start, "MMMM yyyy")
    if p.is_year():
        return str(p.start.year)
    if quarter := quarter_of(p):
        return _("Q%(quarter)d %(year)d") % {"quarter": quarter, "year": p.start.year}
    return f"{format_date(p.start)} – {format_date(p.end)}"


# A row of the CSV: section, code, label, value, share, definition, a year earlier.
CsvRow = tuple[str, str, str, object, str, str, int | float | None]


def _rows(content: ReportContent) -> list[CsvRow]:
    """Every published number with its definition, in report order."""
    out: list[CsvRow] = []
    overview = _("Key figures")
    for f in sections.key_figures(content) + sections.since_start(content):
        earlier = previous_value(content, f.key)
        out.append((overview, f.key, f.title, f.value, "", f.definition, earlier))
    for section in sections.breakdowns(content):
        text = section.definition
        if section.withheld:
            out.append((section.title, "", _("Not shown: too few records."), "", "", text, None))
        for r in section.rows:
            value: object = (
                sections.cell_text(r.value, content.threshold)
                if isinstance(r.value, Hidden)
                else r.value
            )
            share = format_share(r.share)
            out.append((section.title, r.code, r.label, value, share, text, None))
    esf, text = sections.esf_title(), sections.esf_definition()
    for indicator in sections.esf_indicators(content):
        value = (
            sections.cell_text(indicator.value, content.threshold)
            if isinstance(indicator.value, Hidden)
            else indicator.value
        )
        out.append((esf, indicator.code, indicator.title, value, "", text, None))
    trend, text = figures.title("trend"), figures.definition("trend")
    received, worked = _("enquiries received"), _("cases worked")
    for m in content.statistics.trend:
        month, code = format_date(m.month, "MMMM yyyy"), m.month.strftime("%Y-%m")
        out.append((trend, code, f"{month}: {received}", m.enquiries_received, "", text, None))
        out.append((trend, code, f"{month}: {worked}", m.cases_worked, "", text, None))
    return out


def render_csv(content: ReportContent) -> bytes:
    """The published figures as one long CSV table (section; code; label; value; share;
    definition; for a month's or a year's key figures the same figure a year earlier) under
    rows of two cells that say what the figures are of: the office, the period in words, its
    first and last day and the project start as ISO dates (a spreadsheet reads them as dates),
    the day of the report. No comment lines: every line is a row."""
    buffer = io.StringIO()
    w = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    period, start = content.statistics.period, content.statistics.since_start.start
    if content.internal:
        w.writerow([figures.internal_note()])
    w.writerow([_("Office"), guard(content.office_name)])
    w.writerow([_("Period"), period_text(content)])
    w.writerow([_("Period from"), period.start.isoformat()])
    w.writerow([_("Period to"), period.end.isoformat()])
    w.writerow([_("Project start"), start.isoformat() if start else ""])
    w.writerow([_("Created"), content.created_at.date().isoformat()])
    w.writerow([])
    head = [_("Section"), _("Code"), _("Label"), _("Count"), _("Share"), _("Definition")]
    w.writerow([*head, previous_title(content)])
    for section, code, label, value, share, text, earlier in _rows(content):
        earlier_text = "" if earlier is None else earlier
        w.writerow([guard(section), guard(code), guard(label), value, share, guard(text),
                    earlier_text])  # fmt: skip
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def render_xlsx(content: ReportContent) -> bytes:
    """The published figures as a workbook (``reports.figures_xlsx``)."""
    return figures_xlsx.render_xlsx(content)
