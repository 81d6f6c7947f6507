"""Reading a CSV or XLSX import file as a stream of rows, and helpers for its cells.

A file is checked against the limits before its rows are read (its size, and for a workbook
the size it unpacks to), and its rows are streamed: nothing holds the whole file. A CSV file's
quoting is read strictly, so that a quote left open is refused instead of joining rows.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TextIO, TypeVar

from welcome_center.domain.dates import parse_date
from welcome_center.domain.text import fold
from welcome_center.i18n import _, format_number

# A cell is kept as the file holds it: a text that looks like a spreadsheet formula (``=SUM(A1)``)
# stays that text, never evaluated.
Cell = str | int | float | date | None
Row = tuple[int, tuple[Cell, ...]]  # (line, cells)
V = TypeVar("V")

MAX_FILE_MB = 50  # the size of a file, as stored
MAX_ROWS = 100_000  # data rows (not counting the header and blank rows)
MAX_LINE_CHARS = 100_000  # one line of a CSV file; a row of the longest cells is < 10,000
_MB = 1024 * 1024
_CHUNK = _MB
_XLSX_MAGIC = b"PK\x03\x04"


class UnreadableFileError(Exception):
    """The file, or its ``line``, cannot be read as a table; ``message`` is translated."""

    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True)
class Sheet:
    """The header cells (line 1) and the non-blank data rows with their line numbers, read as
    they are iterated (once). ``rows`` raises :class:`UnreadableFileError` where the file cannot
    be read on, or when it has more than :data:`MAX_ROWS` rows. ``is_csv``: a line of the file
    is a line of text (a cell that spans lines is a quote left open)."""

    header: tuple[Cell, ...]
    rows: Iterator[Row]
    is_csv: bool


def megabytes(size: int) -> str:
    """A size in bytes as megabytes with one decimal, in the user's language."""
    return format_number(round(size / _MB, 1))


# --- reading files -----------------------------------------------------------------------------


@contextmanager
def open_sheet(path: Path) -> Iterator[Sheet]:
    """The header and the streamed rows of a CSV or XLSX file (told apart by content)."""
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            is_xlsx = f.read(4) == _XLSX_MAGIC
    except OSError as exc:
        raise _os_error(path.name, exc) from exc
    if size > MAX_FILE_MB * _MB:
        raise UnreadableFileError(
            _(
                "%(file)s is %(size)s MB large; at most %(max)s MB can be imported at once. "
                "Split it into smaller files."
            )
            % {"file": path.name, "size": megabytes(size), "max": format_number(MAX_FILE_MB)}
        )
    if is_xlsx:
        from welcome_center.services.import_xlsx import xlsx_rows  # loads openpyxl

        opened = xlsx_rows(path)
    else:
        try:
            opened = _csv_rows(path.open(encoding=_encoding(path), newline=""))
        except OSError as exc:
            raise _os_error(path.name, exc) from exc
    with opened as rows:
        capped = _capped(rows, path.name)
        first = next(capped, None)
        if first is None:
            raise UnreadableFileError(_("%(file)s is empty.") % {"file": path.name})
        if first[0] != 1:
            raise UnreadableFileError(
                _("%(file)s: line 1 must hold the column headers.") % {"file": path.name}
            )
        yield Sheet(first[1], capped, not is_xlsx)


def _os_error(name: str, exc: OSError, line: int = 1) -> UnreadableFileError:
    reason = _("%(file)s cannot be read: %(reason)s")
    return UnreadableFileError(reason % {"file": name, "reason": exc.strerror or exc}, line)


def is_blank(cells: tuple[Cell, ...]) -> bool:
    """Whether a row has no value (empty cells or spaces only)."""
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _capped(rows: Iterator[Row], name: str) -> Iterator[Row]:
    """The non-blank rows, refused past the header and :data:`MAX_ROWS` data rows."""
    count, line = 0, 1
    while True:
        try:
            line, cells = next(rows)
        except StopIteration:
            return
        except OSError as exc:  # the file is gone or its disk fails while it is read
            raise _os_error(name, exc, line) from exc
        if is_blank(cells):
            continue
        count += 1
        if count > MAX_ROWS + 1:
            raise UnreadableFileError(
                _(
                    "%(file)s has more than %(max)s rows; at most %(max)s rows can be imported "
                    "at once. Split it into smaller files."
                )
                % {"file": name, "max": format_number(MAX_ROWS)},
            )
        yield line, cells


# --- CSV ---------------------------------------------------------------------------------------


def _encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) when the whole file is, else Windows-1252; read in chunks."""
    for encoding in ("utf-8-sig", "cp1252"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with path.open("rb") as f:
                while chunk := f.read(_CHUNK):
                    decoder.decode(chunk)
            decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError:
            continue
    raise UnreadableFileError(
        _("%(file)s is neither UTF-8 nor Windows-1252 text.") % {"file": path.name}
    )


def _lines(f: TextIO) -> Iterator[str]:
    """The lines of ``f``, none longer than :data:`MAX_LINE_CHARS` (a file of one endless line
    would otherwise be read whole)."""
    line = 0
    while text := f.readline(MAX_LINE_CHARS + 1):
        line += 1
        if len(text) > MAX_LINE_CHARS:
            reason = _("The line is longer than %(max)s characters.")
            raise UnreadableFileError(reason % {"max": format_number(MAX_LINE_CHARS)}, line)
        yield text


@contextmanager
def _csv_rows(f: TextIO) -> Iterator[Iterator[Row]]:
    with f:
        yield _read_csv(f)


def _read_csv(f: TextIO) -> Iterator[Row]:
    """The rows of a CSV file, each with the line it starts in."""
    lines = _lines(f)
    first = next(lines, "")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    # strict: text after a closing quote, or a quote open at the end, is an error.
    reader = csv.reader(itertools.chain([first], lines), delimiter=delimiter, strict=True)
    start = 1
    try:
        for values in reader:
            yield start, tuple[Cell, ...](values)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise _quoting_error(str(exc), start, reader.line_num) from exc


def _quoting_error(error: str, start: int, line: int) -> UnreadableFileError:
    """What the csv module's complaint about the row starting in ``start`` means."""
    values = {"start": start, "line": line, "max": format_number(csv.field_size_limit())}
    if "end of data" in error:
        reason = _(
            "A quote opens a cell and is never closed; an unclosed quote probably starts "
            "in line %(start)d."
        )
        return UnreadableFileError(reason % values, start)
    if "field larger" in error:
        reason = _(
            "A cell is longer than %(max)s characters; an unclosed quote probably starts "
            "in line %(start)d."
        )
        return UnreadableFileError(reason % values, start)
    if "expected after" in error:
        reason = _(
            "Text follows the closing quote of a cell. A cell that starts with a quote must "
            'end with one, and a quote inside it is written twice ("").'
        )
        if start != line:
            reason += " " + _(
                "The cell starts in line %(start)d: an unclosed quote probably starts there."
            )
        return UnreadableFileError(reason % values, line)
    reason = _("The line is not readable as CSV: %(reason)s")
    return UnreadableFileError(reason % {"reason": error}, line)


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


def visible(text: str) -> str:
    """``text`` with its control characters written as ``<U+001B>``: a value quoted in a
    message must not ring, erase or recolour the terminal it is printed to."""
    if text.isprintable():
        return text
    return "".join(f"<U+{ord(c):04X}>" if unicodedata.category(c) == "Cc" else c for c in text)


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
