"""A person's age from a birth date or only a birth year, and the age bands funders count.

A person has ``birth_year`` whenever anything about the birth is known: a full ``birth_date``
sets it to the date's year (the service keeps both together), and a counsellor who hears only a
year enters the year alone. So a report can group by ``birth_year`` in SQL and needs the date
only for the birthday. The age on a day (DOMAIN.md: the value "at ``to``") is exact with a full
date; with only a year it is the age reached in that day's year (``year - birth_year``), as
age-cohort statistics count it.
"""

from __future__ import annotations

from datetime import date

# (code, lowest age, highest age or None) in order; DOMAIN.md "Who was advised".
AGE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("under_18", 0, 17),
    ("18_29", 18, 29),
    ("30_54", 30, 54),
    ("55_64", 55, 64),
    ("65_plus", 65, None),
)
NOT_RECORDED = "not_recorded"

# The EU member states, the other EEA states (Iceland, Liechtenstein, Norway) and Switzerland:
# a person whose first nationality is none of these is a third-country national (ESF+).
EU_EEA_CH: frozenset[str] = frozenset(
    {
        "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
        "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
        "IS", "LI", "NO",
        "CH",
    }
)  # fmt: skip


def birth_year_of(birth_date: date | None, birth_year: int | None) -> int | None:
    """The year to store: a full date's year wins over a separately given year."""
    return birth_date.year if birth_date is not None else birth_year


def age_on(day: date, birth_date: date | None, birth_year: int | None) -> int | None:
    """Age in whole years on ``day``; None when neither a date nor a year is known."""
    if birth_date is not None:
        before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
        return day.year - birth_date.year - (1 if before_birthday else 0)
    if birth_year is not None:
        return day.year - birth_year
    return None


def statistics_age(day: date, birth_year: int | None) -> int | None:
    """The age the statistics count (DOMAIN.md, "age at `to`"): the age reached in ``day``'s
    year, from the birth year alone. Anonymisation keeps the year and drops the day and month
    (DOMAIN.md, retention): an age from the full date would move a person to another band
    when their record is anonymised, and the figures must stay as they were."""
    return day.year - birth_year if birth_year is not None else None


def age_band(age: int | None) -> str:
    """The band code of an age (``not_recorded`` for an unknown one)."""
    if age is None:
        return NOT_RECORDED
    for code, low, high in AGE_BANDS:
        if age >= low and (high is None or age <= high):
            return code
    return AGE_BANDS[0][0]  # a negative age (a year after the day) counts as the youngest


def plausible_year(value: int, today: date, *, oldest: int = 120) -> bool:
    """Birth and arrival years lie between ``oldest`` years ago and this year."""
    return today.year - oldest <= value <= today.year
