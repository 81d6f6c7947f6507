"""Reading a CSV or XLSX import file into a :class:`Sheet`, and helpers for its cells."""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TypeVar

from welcome_center.domain.dates import parse_date
from welcome_center.domain.text import fold
from welcome_center.i18n import _

# A cell is kept as the file holds it: a text that looks like a spreadsheet formula (``=SUM(A1)``)
# stays that text, never evaluated.
Cell = str | int | float | date | None
V = TypeVar("V")

_XLSX_MAGIC = b"PK\x03\x04"


class UnreadableFileError(Exception):
    """The file cannot be read as a table; ``message`` is translated."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Sheet:
    """The header cells (line 1) and the non-blank data rows with their line numbers."""

    header: tuple[Cell, ...]
    rows: tuple[tuple[int, tuple[Cell, ...]], ...]


# --- reading files -----------------------------------------------------------------------------


def read_sheet(path: Path) -> Sheet:
    """The header and the non-blank rows of a CSV or XLSX file (told apart by content)."""
    try:
        with path.open("rb") as f:
            is_xlsx = f.read(4) == _XLSX_MAGIC
    except OSError as exc:
        raise UnreadableFileError(
            _("%(file)s cannot be read: %(reason)s")
            % {"file": path.name, "reason": exc.strerror or exc}
        ) from exc
    rows = _read_xlsx(path) if is_xlsx else _read_csv(path)
    if not rows:
        raise UnreadableFileError(_("%(file)s is empty.") % {"file": path.name})
    if rows[0][0] != 1:
        raise UnreadableFileError(
            _("%(file)s: line 1 must hold the column headers.") % {"file": path.name}
        )
    return Sheet(rows[0][1], tuple(rows[1:]))


def _is_blank(cells: tuple[Cell, ...]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _decode(data: bytes, name: str) -> str:
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise UnreadableFileError(
            _("%(file)s is neither UTF-8 nor Windows-1252 text.") % {"file": name}
        ) from exc


def _read_csv(path: Path) -> list[tuple[int, tuple[Cell, ...]]]:
    text = _decode(path.read_bytes(), path.name)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        # A quoted cell may span lines; the spreadsheet's row number is the record's number.
        rows = [(line, tuple[Cell, ...](values)) for line, values in enumerate(reader, start=1)]
    except csv.Error as exc:
        raise UnreadableFileError(
            _("%(file)s is not a readable CSV file: %(reason)s")
            % {"file": path.name, "reason": exc}
        ) from exc
    return [(line, cells) for line, cells in rows if not _is_blank(cells)]


def _read_xlsx(path: Path) -> list[tuple[int, tuple[Cell, ...]]]:
    from openpyxl import load_workbook  # only an XLSX import pays for loading openpyxl

    try:
        # data_only=False: a formula cell yields its formula text, which is kept as written.
        wb = load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise UnreadableFileError(
            _("%(file)s is not a readable XLSX workbook.") % {"file": path.name}
        ) from exc
    try:
        out: list[tuple[int, tuple[Cell, ...]]] = []
        sheet = wb.worksheets[0] if wb.worksheets else None  # the first sheet, not the last seen
        for line, values in enumerate(sheet.iter_rows(values_only=True) if sheet else (), 1):
            cells = tuple(_xlsx_cell(v) for v in values)
            if not _is_blank(cells):
                out.append((line, cells))
        return out
    finally:
        wb.close()


def _xlsx_cell(value: object) -> Cell:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, (int, float, date)):
        return value
    text = getattr(value, "text", None)  # an array formula: keep its text
    return text if isinstance(text, str) else str(value)


# --- cells and lookups -------------------------------------------------------------------------


def text_of(cell: Cell) -> str:
    """A cell as text, surrounding spaces removed (a whole number without ``.0``)."""
    if cell is None:
        return ""
    if isinstance(cell, str):
        return cell.strip()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return cell.isoformat() if isinstance(cell, date) else str(cell)


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def keyed(pairs: Iterable[tuple[str, V]]) -> dict[str, V]:
    """A lookup from names, ignoring case; the first of equal names wins. :func:`find` also
    tries the folded spelling (accents and ``ue``/``ü`` ignored) when the exact one fails."""
    pairs = [(name, value) for name, value in pairs if name and name.strip()]
    out: dict[str, V] = {}
    for name, value in pairs:
        out.setdefault(_key(name), value)
    for name, value in pairs:
        out.setdefault("\0" + fold(name), value)
    return out


def find(lookup: dict[str, V], text: str) -> V | None:
    """The value for ``text`` in a :func:`keyed` lookup."""
    found = lookup.get(_key(text))
    return found if found is not None else lookup.get("\0" + fold(text))


def date_of(cell: Cell) -> date | None:
    """A date cell, or ``YYYY-MM-DD`` / ``DD.MM.YYYY`` text; None when empty. ValueError else."""
    if isinstance(cell, date):
        return cell
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None
    if isinstance(cell, str):
        return parse_date(cell)
    raise ValueError(cell)


def count_of(cell: Cell) -> int | None:
    """A whole number of at least 0; None when empty. ValueError else."""
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    if isinstance(cell, str) and cell.strip().isdigit():
        cell = int(cell.strip())
    if isinstance(cell, int) and not isinstance(cell, bool) and cell >= 0:
        return cell
    raise ValueError(cell)


def split_list(text: str) -> list[str]:
    """The non-empty parts of a ``;``-separated cell."""
    return [part.strip() for part in text.split(";") if part.strip()]
