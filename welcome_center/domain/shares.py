"""A share as every report and the desk show it: a percentage with one decimal, rounded half up.

Computed on the exact fraction in integers, never in floats: ``round(0.0625 * 100, 1)`` gives
6.2 (binary floats and Python's rounding half to even), while a reader, a funder and a
spreadsheet expect 1 of 16 to be 6.3 %. Every format (PDF, XLSX, CSV, JSON) and the desk take
their shares from :func:`share`, so that no two show the same share differently."""

from __future__ import annotations

from decimal import Decimal

ONE_DECIMAL = Decimal("0.1")


def share(part: int, whole: int) -> Decimal | None:
    """``part`` of ``whole`` in percent, one decimal, half up: 1 of 16 is ``Decimal("6.3")``,
    2 of 3 is ``66.7``. None when ``whole`` is 0 (there is no share of nothing; the formats
    then show an empty cell, JSON ``null``)."""
    if whole == 0:
        return None
    if whole < 0 or part < 0:
        raise ValueError(f"a share of counts needs counts, not {part} of {whole}")
    # tenths of a percent = part * 1000 / whole, rounded half up: floor((2 * x + 1) / 2).
    tenths = (2 * part * 1000 + whole) // (2 * whole)
    return Decimal(tenths).scaleb(-1).quantize(ONE_DECIMAL)
