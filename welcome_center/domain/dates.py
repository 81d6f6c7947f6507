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


# What people type into a date field: day first, as written in Germany and Britain.
_TYPED = re.compile(r"(\d{1,2})[./-](\d{1,2})[./-](\d{2}|\d{4})", re.ASCII)
_DIGITS = re.compile(r"(\d{2})(\d{2})(\d{2}|\d{4})", re.ASCII)
TWO_DIGIT_YEARS_BACK = 80


def full_year(two_digits: int, today: date) -> int:
    """The year a two-digit year means: the one from 80 years back to 19 years ahead of
    today's year (in 2026: ``27`` is 2027, ``45`` is 2045, ``46`` is 1946)."""
    year = (today.year - TWO_DIGIT_YEARS_BACK) // 100 * 100 + two_digits
    if year < today.year - TWO_DIGIT_YEARS_BACK:
        year += 100
    return year


def parse_typed_date(text: str, today: date) -> date:
    """Read a date as a person types it, day first; raises ValueError when it is none.

    Accepted: ``15.01.2027``, ``15.1.2027``, ``15.1.27``, ``15/01/2027``, ``15-1-27``,
    ``15012027`` and ``150127`` (day and month with two digits each when no separator is
    typed), and ISO ``2027-01-15``. A two-digit year is read by :func:`full_year` relative to
    ``today`` (pass the office's day). An impossible day such as ``31.02.2027`` is refused,
    never moved to another day.
    """
    value = text.strip()
    if m := _ISO.fullmatch(value):
        year, month, day = (int(g) for g in m.groups())
    elif m := (_TYPED.fullmatch(value) or _DIGITS.fullmatch(value)):
        day, month, year = (int(g) for g in m.groups())
        if len(m.group(3)) == 2:
            year = full_year(year, today)
    else:
        raise ValueError(text)
    return date(year, month, day)
