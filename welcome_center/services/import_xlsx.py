"""Reading an XLSX import file safely: its zip checked before it is unpacked, its XML parsed
without entities (openpyxl uses defusedxml when it is installed), its rows streamed."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

from defusedxml import DefusedXmlException

from welcome_center.i18n import _, format_number
from welcome_center.services.import_reading import (
    Cell,
    Row,
    UnreadableFileError,
    megabytes,
)

MAX_UNPACKED_MB = 500  # all parts of a workbook, unpacked
MAX_RATIO = 1000  # unpacked / packed size of one part: XML packs well, but not this well
MAX_PARTS = 10_000
# openpyxl streams the sheet, but reads other XML parts (shared strings, styles) whole
MAX_PART_MB = 100
_HEAD = 64 * 1024  # a DTD stands before the first element, at the head of a part
_MB = 1024 * 1024


def _is_attack(exc: BaseException | None) -> bool:
    """Whether defusedxml refused the XML (openpyxl wraps its exception in its own)."""
    for _depth in range(10):  # a chain of causes, not a loop
        if exc is None or isinstance(exc, DefusedXmlException):
            return exc is not None
        exc = exc.__cause__ or exc.__context__
    return False


def _refused(path: Path, exc: Exception | None = None) -> UnreadableFileError:
    if _is_attack(exc):
        return _attack(path, "")
    return UnreadableFileError(_("%(file)s is not a readable XLSX workbook.") % {"file": path.name})


def _attack(path: Path, part: str) -> UnreadableFileError:
    reason = _(
        "%(file)s declares a document type or XML entities%(part)s, which spreadsheet programs "
        "never write: it is the way of XML entity attacks, so the file is refused. Save it "
        "again from the spreadsheet program."
    )
    where = " " + _("(in %(part)s)") % {"part": part} if part else ""
    return UnreadableFileError(reason % {"file": path.name, "part": where})


def check_zip(path: Path) -> None:
    """Refuse a workbook that would unpack to too much (a zip bomb) or whose XML declares a
    document type (the way to entity attacks; spreadsheet programs never write one)."""
    try:
        with zipfile.ZipFile(path) as z:
            parts = z.infolist()
            if len(parts) > MAX_PARTS:
                raise _refused(path)
            _check_sizes(path, parts)
            for part in parts:
                if part.filename.endswith((".xml", ".rels")) and _has_dtd(z, part):
                    raise _attack(path, part.filename)
    except UnreadableFileError:
        raise
    except Exception as exc:  # (zipfile, zlib: whatever a broken zip raises)
        raise _refused(path) from exc


def _check_sizes(path: Path, parts: list[zipfile.ZipInfo]) -> None:
    total = sum(p.file_size for p in parts)
    if total > MAX_UNPACKED_MB * _MB:
        reason = _(
            "%(file)s unpacks to %(size)s MB; at most %(max)s MB can be imported at once. "
            "Split it into smaller files."
        )
        values = {"size": megabytes(total), "max": format_number(MAX_UNPACKED_MB)}
        raise UnreadableFileError(reason % {"file": path.name, **values})
    for p in parts:
        whole = p.filename.endswith(".xml") and not p.filename.startswith("xl/worksheets/")
        if whole and p.file_size > MAX_PART_MB * _MB:
            reason = _(
                "%(file)s is refused: its part %(part)s unpacks to %(size)s MB, at most %(max)s "
                "MB are read."
            )
            values = {"size": megabytes(p.file_size), "max": format_number(MAX_PART_MB)}
            raise UnreadableFileError(reason % {"file": path.name, "part": p.filename, **values})
        if p.file_size > _MB and p.file_size > MAX_RATIO * max(p.compress_size, 1):
            reason = _(
                "%(file)s is refused: its part %(part)s unpacks to %(ratio)s times its size, "
                "as a zip bomb does."
            )
            ratio = format_number(p.file_size // max(p.compress_size, 1))
            raise UnreadableFileError(
                reason % {"file": path.name, "part": p.filename, "ratio": ratio}
            )


def _has_dtd(z: zipfile.ZipFile, part: zipfile.ZipInfo) -> bool:
    with z.open(part) as f:
        head = f.read(_HEAD)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16
        head = head.replace(b"\x00", b"")
    return b"<!doctype" in head.lower() or b"<!entity" in head.lower()


@contextmanager
def xlsx_rows(path: Path) -> Iterator[Iterator[Row]]:
    """The rows of the workbook's first sheet, streamed (openpyxl's read-only mode)."""
    check_zip(path)
    from openpyxl import load_workbook  # only an XLSX import pays for loading openpyxl

    try:
        # data_only=False: a formula cell yields its formula text, which is kept as written.
        wb = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # (a hostile workbook can make openpyxl raise anything)
        raise _refused(path, exc) from exc
    try:
        sheet = wb.worksheets[0] if wb.worksheets else None  # the first sheet, not the last seen
        yield _rows(path, sheet.iter_rows(values_only=True) if sheet else iter(()))
    finally:
        wb.close()


def _rows(path: Path, values: Iterator[tuple[Any, ...]]) -> Iterator[Row]:
    line = 0
    while True:
        try:
            row = next(values, None)
        except Exception as exc:  # (XML refused by defusedxml, broken parts, ...)
            if _is_attack(exc):
                raise _attack(path, "") from exc
            reason = _("%(file)s is not a readable XLSX workbook from line %(line)d on.")
            raise UnreadableFileError(reason % {"file": path.name, "line": line + 1}) from exc
        if row is None:
            return
        line += 1
        yield line, tuple(_cell(v) for v in row)


def _cell(value: object) -> Cell:
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
