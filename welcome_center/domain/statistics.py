"""The office's figures for a date range, as DOMAIN.md "Statistics: one definition each" defines
them: plain frozen data, computed by ``services.statistics`` and rendered by ``reports``."""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from welcome_center.domain.breakdowns import REGISTRY

NOT_RECORDED = "not_recorded"  # a breakdown's row for records without a value

# A breakdown: (code, count) pairs, largest first, ``not_recorded`` last; no zero rows.
Breakdown = tuple[tuple[str, int], ...]

# The breakdowns' JSON keys in report order, and those whose small counts could point to a
# person (shown as "< threshold" when they leave the office, DOMAIN.md): read from their
# declarations in ``domain.breakdowns``.
BREAKDOWNS = tuple(REGISTRY)
SUPPRESSED_BREAKDOWNS = tuple(key for key, b in REGISTRY.items() if b.suppressed)


class ReportFormat(StrEnum):
    PDF = "pdf"
    XLSX = "xlsx"
    CSV = "csv"
    JSON = "json"


# The trend shows at least 12 and at most 24 months: a longer period shows its last 24.
TREND_MONTHS = (12, 24)


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

    def whole_months(self) -> bool:
        """Whether the period is one or more calendar months, each in full."""
        return self.start.day == 1 and self.end == Period.month(self.end.year, self.end.month).end

    def months(self) -> tuple[Period, ...]:
        """The calendar months the period touches, each in full."""
        out, y, m = [], self.start.year, self.start.month
        while (y, m) <= (self.end.year, self.end.month):
            out.append(Period.month(y, m))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return tuple(out)

    def trend_months(self) -> tuple[Period, ...]:
        """The months of the trend: those the period touches, at least the 12 up to and
        including the month of ``end`` and at most the last 24 (TREND_MONTHS)."""
        n = min(max(len(self.months()), TREND_MONTHS[0]), TREND_MONTHS[1])
        y, m = divmod(self.end.year * 12 + self.end.month - 1 - (n - 1), 12)
        return Period(date(y, m + 1, 1), self.end).months()

    def year_earlier(self) -> Period | None:
        """The same month or year one year earlier, shown beside a month's or a year's figures;
        None for any other period."""
        if self.is_month():
            return Period.month(self.start.year - 1, self.start.month)
        if self.is_year():
            return Period.year(self.start.year - 1)
        return None

    def is_month(self) -> bool:
        return self == Period.month(self.start.year, self.start.month)

    def is_year(self) -> bool:
        return self == Period.year(self.start.year)


@dataclass(frozen=True)
class TrendMonth:
    """One month of the trend (``month`` is its first day; ``Period.trend_months``)."""

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
    # False: of the records the user sees, not the office's (a counsellor's login on a server,
    # where the office shows each counsellor only their own records: row-level security).
    whole_office: bool = True


@dataclass(frozen=True, init=False)
class Statistics:
    """Every figure of DOMAIN.md for one period; field names are the JSON keys, and
    ``breakdowns`` holds every declared breakdown (``domain.breakdowns``) by its JSON key.

    A breakdown may also be given as a keyword of its own (``by_topic=...``, as
    ``dataclasses.replace`` does) and read as an attribute (``stats.by_topic``); the package's
    code reads :meth:`breakdown`. A declared breakdown not given is empty."""

    period: Period
    enquiries_received: int
    enquiries_worked: int
    cases_worked: int
    cases_worked_persons: int
    cases_worked_organisations: int
    cases_new: int
    closed: int
    open_at_end: int
    consultations: int
    consultation_minutes: int
    persons_advised: int
    organisations_advised: int
    referrals: int
    since_start: SinceStart
    trend: tuple[TrendMonth, ...]
    events: int  # information events, workshops, trainings held in the period (not enquiries)
    event_participants: int
    # DOMAIN.md "Who was advised": 0 when a hand-built Statistics leaves them out.
    third_country_persons: int = 0
    smes_advised: int = 0
    consultations_first: int = 0
    consultations_follow_up: int = 0
    consultation_hours: float = 0.0  # consultation_minutes / 60, one decimal (hours())
    consultations_with_interpreter: int = 0
    recognition_active: int = 0
    recognition_regulated: int = 0
    event_participants_persons: int = 0
    event_participants_organisations: int = 0
    breakdowns: Mapping[str, Breakdown] = field(default_factory=dict)

    def __init__(self, **figures: Any) -> None:
        given = dict(figures.pop("breakdowns", None) or {})
        for key in [k for k in figures if k in REGISTRY]:
            given[key] = figures.pop(key)
        unknown = sorted(set(given) - set(REGISTRY))
        declared = {f: d for f, d in self.__dataclass_fields__.items() if f != "breakdowns"}
        unknown += sorted(set(figures) - set(declared))
        missing = [f for f, d in declared.items() if f not in figures and d.default is MISSING]
        if unknown or missing:
            raise TypeError(f"Statistics: unknown {unknown}, missing {missing}")
        for name, d in declared.items():
            object.__setattr__(self, name, figures.get(name, d.default))
        ordered_keys = {key: tuple(given.get(key, ())) for key in REGISTRY}
        object.__setattr__(self, "breakdowns", ordered_keys)

    if not TYPE_CHECKING:  # the package reads breakdown(key); tests read stats.by_topic

        def __getattr__(self, name: str) -> Breakdown:
            if name in REGISTRY:
                return self.__dict__["breakdowns"][name]
            raise AttributeError(name)

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
        if key not in REGISTRY:
            raise KeyError(key)
        return self.breakdowns[key]


def ordered(counts: dict[str, int]) -> Breakdown:
    """Counts as a breakdown: largest first, then by code; ``not_recorded`` last; no zero rows."""
    rows = sorted(
        ((code, n) for code, n in counts.items() if n > 0 and code != NOT_RECORDED),
        key=lambda row: (-row[1], row[0]),
    )
    if counts.get(NOT_RECORDED, 0) > 0:
        rows.append((NOT_RECORDED, counts[NOT_RECORDED]))
    return tuple(rows)


def hours(minutes: int) -> float:
    """Minutes as hours with one decimal, rounded half up on the exact fraction (90 minutes are
    1.5 hours, 3 are 0.1): a plain number in every format, like a count."""
    return float((Decimal(minutes) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def in_code_order(rows: Breakdown, codes: tuple[str, ...]) -> Breakdown:
    """A breakdown's rows in the order of ``codes`` (age bands, levels); a code not among them
    after those, largest first; ``not_recorded`` last."""
    place = {code: i for i, code in enumerate(codes) if code != NOT_RECORDED}
    last = len(place)
    return tuple(
        sorted(
            rows,
            key=lambda row: (row[0] == NOT_RECORDED, place.get(row[0], last), -row[1], row[0]),
        )
    )


@dataclass(frozen=True)
class ReportContent:
    """What a report shows: the figures, and what the renderers need around them.

    ``labels`` maps a breakdown's key to {code: label} in the report's language (vocabulary
    labels, partner and counsellor names, country names, "not recorded"); ``threshold`` is the
    small-cell threshold of the nationality and municipality breakdowns. ``internal``: the
    office's own workload report, with the counsellor breakdown (never published).
    ``previous_period``: the figures of the same month or year one year earlier, shown beside
    the key figures (``Period.year_earlier``); None for any other period."""

    office_name: str
    created_at: datetime
    language: str
    statistics: Statistics
    threshold: int
    labels: Mapping[str, Mapping[str, str]]
    internal: bool = False
    previous_period: Statistics | None = None

    def label(self, key: str, code: str) -> str:
        return self.labels.get(key, {}).get(code, code)
