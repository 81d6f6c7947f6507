"""Dates in the office's time zone: figures are per day in Europe/Berlin (DOMAIN.md)."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

OFFICE_TZ = ZoneInfo("Europe/Berlin")


def office_today() -> date:
    """Today in Europe/Berlin."""
    return datetime.now(OFFICE_TZ).date()


_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
_GERMAN = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", re.ASCII)


def parse_date(text: str) -> date:
    """Read ``YYYY-MM-DD`` or ``DD.MM.YYYY``; raises ValueError otherwise."""
    value = text.strip()
    # Only these two forms: date.fromisoformat would also take "20240304" or "2024-W10-1",
    # and int() would take digits of other scripts.
    if m := _ISO.fullmatch(value):
        year, month, day = m.groups()
    elif m := _GERMAN.fullmatch(value):
        day, month, year = m.groups()
    else:
        raise ValueError(text)
    return date(int(year), int(month), int(day))
