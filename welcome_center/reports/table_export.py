"""A plain table to XLSX or CSV (semicolon, UTF-8 with BOM, for German Excel), formula-safe.

User text is data: a cell that starts like a formula (``=``, ``+``, ``-``, ``@``, a tab or a
carriage return) is written with a leading apostrophe in CSV and as a string in XLSX, so that a
spreadsheet never runs it (ARCHITECTURE.md rule 9).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


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
    """Write ``rows`` under ``header`` to ``path``; the suffix chooses XLSX or CSV."""
    if path.suffix.lower() == ".xlsx":
        _xlsx(path, title, header, rows)
    else:
        _csv(path, header, rows, date_text)


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
        ws = wb.add_worksheet(title[:31])
        bold = wb.add_format({"bold": True})
        dates = wb.add_format({"num_format": "dd.mm.yyyy"})
        widths = [max(10, len(h) + 2) for h in header]
        for c, h in enumerate(header):
            ws.write_string(0, c, h, bold)
        for r, row in enumerate(rows, start=1):
            for c, v in enumerate(row):
                if v is None:
                    continue
                if isinstance(v, date):
                    ws.write_datetime(r, c, v, dates)
                elif isinstance(v, int | float):
                    ws.write_number(r, c, v)
                else:
                    text = str(v)
                    ws.write_string(r, c, text)
                    if r <= 200:
                        widths[c] = min(60, max(widths[c], len(text) + 2))
        for c, w in enumerate(widths):
            ws.set_column(c, c, w)
        ws.freeze_panes(1, 0)
    finally:
        wb.close()
