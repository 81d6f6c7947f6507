"""Dates in the office's time zone: figures are per day in Europe/Berlin (DOMAIN.md)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

OFFICE_TZ = ZoneInfo("Europe/Berlin")


def office_today() -> date:
    """Today in Europe/Berlin."""
    return datetime.now(OFFICE_TZ).date()


def parse_date(text: str) -> date:
    """Read ``YYYY-MM-DD`` or ``DD.MM.YYYY``; raises ValueError otherwise."""
    value = text.strip()
    if "." in value:
        day, month, year = value.split(".")
        if len(year) != 4:
            raise ValueError(text)
        return date(int(year), int(month), int(day))
    return date.fromisoformat(value)
