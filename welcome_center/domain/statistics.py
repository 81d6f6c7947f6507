"""The office's figures for a date range, as DOMAIN.md "Statistics: one definition each" defines
them: plain frozen data, computed by ``services.statistics`` and rendered by ``reports``."""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

NOT_RECORDED = "not_recorded"  # a breakdown's row for records without a value

# A breakdown: (code, count) pairs, largest first, ``not_recorded`` last; no zero rows.
Breakdown = tuple[tuple[str, int], ...]

BREAKDOWNS = (
    "by_topic",
    "by_requester_type",
    "by_service",
    "by_channel",
    "by_nationality",
    "by_municipality",
    "by_counsellor",
    "closed_by_reason",
    "referrals_by_partner",
    "referrals_by_status",
)
# Breakdowns whose small counts could point to a person: shown as "< threshold" when they leave
# the office (DOMAIN.md).
SUPPRESSED_BREAKDOWNS = ("by_nationality", "by_municipality")


class ReportFormat(StrEnum):
    PDF = "pdf"
    XLSX = "xlsx"
    CSV = "csv"
    JSON = "json"


@dataclass(frozen=True, order=True)
class Period:
    """An inclusive range of days [start, end]."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("a period ends before it starts")

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        first = 3 * (quarter - 1) + 1
        return cls(date(year, first, 1), cls.month(year, first + 2).end)

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31))

    def months(self) -> tuple[Period, ...]:
        """The calendar months the period touches, each in full."""
        out, y, m = [], self.start.year, self.start.month
        while (y, m) <= (self.end.year, self.end.month):
            out.append(Period.month(y, m))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return tuple(out)

    def trend_months(self) -> tuple[Period, ...]:
        """The 12 calendar months up to and including the month of ``end``."""
        y, m = self.end.year, self.end.month - 11
        if m < 1:
            y, m = y - 1, m + 12
        return Period(date(y, m, 1), self.end).months()

    def is_month(self) -> bool:
        return self == Period.month(self.start.year, self.start.month)

    def is_year(self) -> bool:
        return self == Period.year(self.start.year)


@dataclass(frozen=True)
class TrendMonth:
    """One month of the 12-month trend (``month`` is its first day)."""

    month: date
    enquiries_received: int
    cases_worked: int


@dataclass(frozen=True)
class SinceStart:
    """Records opened, and records that became cases, from the project start to the period's end.
    ``start`` is None when the database holds no record and no start is set."""

    start: date | None
    enquiries: int
    cases: int


@dataclass(frozen=True)
class KeyFigures:
    """The headline figures of a period (the Today page, the report's first table)."""

    period: Period
    enquiries_received: int
    enquiries_worked: int
    cases_worked: int
    cases_new: int
    closed: int
    open_at_end: int
    consultations: int
    referrals: int


@dataclass(frozen=True)
class Statistics:
    """Every figure of DOMAIN.md for one period; field names are the JSON keys."""

    period: Period
    enquiries_received: int
    enquiries_worked: int
    cases_worked: int
    cases_worked_persons: int
    cases_worked_organisations: int
    cases_new: int
    closed: int
    closed_by_reason: Breakdown
    open_at_end: int
    consultations: int
    consultation_minutes: int
    persons_advised: int
    organisations_advised: int
    by_topic: Breakdown
    by_requester_type: Breakdown
    by_service: Breakdown
    by_channel: Breakdown
    by_nationality: Breakdown
    by_municipality: Breakdown
    by_counsellor: Breakdown
    referrals: int
    referrals_by_partner: Breakdown
    referrals_by_status: Breakdown
    since_start: SinceStart
    trend: tuple[TrendMonth, ...]
    events: int  # information events, workshops, trainings held in the period (not enquiries)
    event_participants: int

    @property
    def key_figures(self) -> KeyFigures:
        return KeyFigures(
            self.period,
            self.enquiries_received,
            self.enquiries_worked,
            self.cases_worked,
            self.cases_new,
            self.closed,
            self.open_at_end,
            self.consultations,
            self.referrals,
        )

    def breakdown(self, key: str) -> Breakdown:
        """A breakdown by its JSON key (one of ``BREAKDOWNS``)."""
        if key not in BREAKDOWNS:
            raise KeyError(key)
        value: Breakdown = getattr(self, key)
        return value


def ordered(counts: dict[str, int]) -> Breakdown:
    """Counts as a breakdown: largest first, then by code; ``not_recorded`` last; no zero rows."""
    rows = sorted(
        ((code, n) for code, n in counts.items() if n > 0 and code != NOT_RECORDED),
        key=lambda row: (-row[1], row[0]),
    )
    if counts.get(NOT_RECORDED, 0) > 0:
        rows.append((NOT_RECORDED, counts[NOT_RECORDED]))
    return tuple(rows)


@dataclass(frozen=True)
class ReportContent:
    """What a report shows: the figures, and what the renderers need around them.

    ``labels`` maps a breakdown's key to {code: label} in the report's language (vocabulary
    labels, partner and counsellor names, country names, "not recorded"); ``threshold`` is the
    small-cell threshold of the nationality and municipality breakdowns. ``internal``: the
    office's own workload report, with the counsellor breakdown (never published)."""

    office_name: str
    created_at: datetime
    language: str
    statistics: Statistics
    threshold: int
    labels: Mapping[str, Mapping[str, str]]
    internal: bool = False

    def label(self, key: str, code: str) -> str:
        return self.labels.get(key, {}).get(code, code)
