"""A plain table to XLSX or CSV (semicolon, UTF-8 with BOM, for German Excel), formula-safe.

User text is data: a cell that starts like a formula (``=``, ``+``, ``-``, ``@``, a tab or a
carriage return) is written with a leading apostrophe in CSV and as a string in XLSX, so that a
spreadsheet never runs it (ARCHITECTURE.md rule 9). A text longer than an Excel cell holds is
shortened visibly with "…" (XlsxWriter would cut it without a sign), and long text wraps.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from welcome_center.reports.files import atomic_path

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
EXCEL_CELL_CHARS = 32_767  # the most characters an Excel cell holds
SHEET_NAME_CHARS = 31
WRAP_FROM = 60  # characters: a longer text wraps within its column


def fit_cell(text: str, limit: int = EXCEL_CELL_CHARS) -> str:
    """``text`` as it fits a cell: unchanged, or its beginning and "…" when too long (Excel
    counts UTF-16 units: a character beyond the Basic Multilingual Plane takes two)."""
    if len(text) <= limit // 2 or _units(text) <= limit:
        return text
    cut = text[: limit - 1]
    while (excess := _units(cut) - (limit - 1)) > 0:
        cut = cut[: -max(1, excess // 2)]
    return cut + "…"


def _units(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


# The characters Excel forbids in a sheet's name, each with a readable stand-in: "Berater/innen"
# stays "Berater-innen", "Closed: by reason" becomes "Closed - by reason".
_SHEET_NAME_STAND_INS = str.maketrans({"/": "-", "\\": "-", ":": " -", "?": "", "*": "",
                                       "[": "(", "]": ")"})  # fmt: skip


def sheet_name(title: str) -> str:
    """A worksheet name from ``title``: the characters Excel forbids replaced by readable
    stand-ins, shortened visibly to Excel's 31 characters."""
    name = " ".join(title.translate(_SHEET_NAME_STAND_INS).split()).strip("'") or "-"
    return fit_cell(name, SHEET_NAME_CHARS)


def guard(text: str) -> str:
    """``text`` as a spreadsheet shows it but never evaluates it."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def write_table(
    path: Path,
    title: str,
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    date_text: Callable[[date], str],
) -> None:
    """Write ``rows`` under ``header`` to ``path``; the suffix chooses XLSX or CSV. The file
    appears whole or not at all (reports/files.py: no half-written file stays behind)."""
    with atomic_path(path) as temp:
        if path.suffix.lower() == ".xlsx":
            _xlsx(temp, title, header, rows)
        else:
            _csv(temp, header, rows, date_text)


def _csv(
    path: Path,
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    date_text: Callable[[date], str],
) -> None:
    def cell(v: object) -> str:
        if v is None:
            return ""
        if isinstance(v, date):
            return date_text(v)
        return v if isinstance(v, int | float) else guard(str(v))  # type: ignore[return-value]

    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow([guard(h) for h in header])
        for row in rows:
            w.writerow([cell(v) for v in row])


def _xlsx(path: Path, title: str, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False})
    try:
        ws = wb.add_worksheet(sheet_name(title))
        bold = wb.add_format({"bold": True})
        dates = wb.add_format({"num_format": "dd.mm.yyyy"})
        wrap = wb.add_format({"text_wrap": True, "valign": "top"})
        widths = [max(10, len(h) + 2) for h in header]
        for c, h in enumerate(header):
            ws.write_string(0, c, fit_cell(h), bold)
        for r, row in enumerate(rows, start=1):
            for c, v in enumerate(row):
                if v is None:
                    continue
                if isinstance(v, date):
                    ws.write_datetime(r, c, v, dates)
                elif isinstance(v, int | float):
                    ws.write_number(r, c, v)
                else:
                    text = fit_cell(str(v))
                    ws.write_string(r, c, text, wrap if len(text) > WRAP_FROM else None)
                    if r <= 200:
                        widths[c] = min(60, max(widths[c], len(text) + 2))
        for c, w in enumerate(widths):
            ws.set_column(c, c, w)
        ws.freeze_panes(1, 0)
    finally:
        wb.close()
