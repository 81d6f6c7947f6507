"""Calendar quarters as reports name them: ``2024-Q2`` on the command line, "Q2 2024" in a
report's title, ``report_2024-Q2.pdf`` as a file name. A quarter is a :class:`Period` like any
other range; these functions only recognise and name it."""

from __future__ import annotations

import re

from welcome_center.domain.statistics import Period

_QUARTER = re.compile(r"\s*(\d{4})-[Qq]([1-4])\s*")


def parse_quarter(text: str) -> Period:
    """``2024-Q2`` (or ``2024-q2``): 1 April to 30 June 2024. ValueError for anything else."""
    match = _QUARTER.fullmatch(text)
    if match is None:
        raise ValueError(f"not a quarter: {text!r}")
    return Period.quarter(int(match[1]), int(match[2]))


def quarter_of(period: Period) -> int | None:
    """1 to 4 when ``period`` is exactly a calendar quarter, else None."""
    number = (period.start.month - 1) // 3 + 1
    return number if period == Period.quarter(period.start.year, number) else None
