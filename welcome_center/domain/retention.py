"""Retention by the clock (DOMAIN.md, "Data protection"): when a record, a person and an audit
entry are due for anonymisation or deletion. Pure rules; the service reads the facts and acts.

Definitions the code uses (and docs/DOMAIN.md cites):

- **Months** are calendar months: ``add_months(2024-01-31, 1)`` is 2024-02-29, the last day
  of a shorter month; 29 February plus 12 months is 28 February. A record is *due on* that
  day and anonymised by the first run on or after it.
- **Last activity** of a record is the latest of: its opening, promotion and closing dates;
  the date of any consultation; the date and the feedback date of any referral; the due date
  and the done date of any follow-up (a follow-up planned for a later day keeps the record
  alive until then); the day of the record's last change (its ``updated_at`` in the office's
  time zone).
- **An enquiry that never became a case** (kind enquiry, never promoted) is due
  ``enquiry_months`` after its last activity, **once it is closed**: while it is open it may
  still become a case, so an open record is never due by the clock (the administrator sees the
  open ones without activity for longer than the period, to chase them).
- **A case** (or an enquiry promoted to one) is due ``case_months`` after its closing date.
- **A record on legal hold** is never due.
- **A person** is due when none of their records is left un-anonymised and none is open. Their
  records are those they are the client of, a further party to (a family member on someone's
  open case keeps their name while that case needs it) or the person of a recognition procedure
  on. The person is due on the latest due day of their records not anonymised yet; once all are
  anonymised, at once. A person without any record (entered, never linked) is due
  ``enquiry_months`` after their own last change.
- **An audit entry** is deleted once ``audit_months`` have passed since its day.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from welcome_center.domain.enums import RecordKind, RecordStatus


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` calendar months (negative: back), clamped to the last day of
    a shorter month: 31 January + 1 month = 28 or 29 February."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def latest_day_due(today: date, months: int) -> date:
    """The latest day ``d`` with ``add_months(d, months) <= today``: everything dated on or
    before it is due ``today`` (e.g. the audit entries to delete). Because of clamping, more
    than one day may map onto the same day: on 28 February 2025 with 12 months, 29 February 2024
    is due too."""
    d = add_months(today, -months)
    while add_months(d + timedelta(days=1), months) <= today:
        d += timedelta(days=1)
    return d


@dataclass(frozen=True)
class RetentionPeriods:
    """The office's periods (settings), in months."""

    enquiry_months: int = 12
    case_months: int = 36
    audit_months: int = 36


@dataclass(frozen=True)
class RecordFacts:
    """What the rules need to know about one record."""

    kind: RecordKind
    status: RecordStatus
    opened_on: date
    promoted_on: date | None = None
    closed_on: date | None = None
    legal_hold: bool = False
    # Every other dated activity: consultations, referrals and their feedback, follow-ups due
    # or done, the day of the last change.
    activity: tuple[date, ...] = field(default=())

    @property
    def is_case(self) -> bool:
        """A case, or an enquiry that became one (promoted)."""
        return self.kind is RecordKind.CASE or self.promoted_on is not None

    @property
    def is_open(self) -> bool:
        return self.status is not RecordStatus.CLOSED or self.closed_on is None


def last_activity(f: RecordFacts) -> date:
    """The latest dated thing that happened on the record (see the module's definition)."""
    days = [f.opened_on, *(d for d in (f.promoted_on, f.closed_on) if d is not None)]
    days.extend(f.activity)
    return max(days)


def record_due(f: RecordFacts, periods: RetentionPeriods) -> date | None:
    """The day the record is due for anonymisation; None while it is open or on legal hold."""
    if f.legal_hold or f.is_open:
        return None
    if f.is_case:
        assert f.closed_on is not None
        return add_months(f.closed_on, periods.case_months)
    return add_months(last_activity(f), periods.enquiry_months)


def stale_open(f: RecordFacts, periods: RetentionPeriods, today: date) -> bool:
    """An open record (not on hold) without any activity for longer than the enquiry period:
    the clock cannot anonymise it, a counsellor should close it."""
    return (
        f.is_open
        and not f.legal_hold
        and add_months(last_activity(f), periods.enquiry_months) <= today
    )


@dataclass(frozen=True)
class PersonRecord:
    """One record of a person (as client or further party), as the person's rule sees it."""

    due: date | None  # record_due of the record (None: open or on legal hold)
    anonymised: bool = False  # anonymised already: it holds the person back no longer
    is_open: bool = False  # open (again, after it was anonymised)


ALREADY = date.min
"""The due day of a person whose records are all anonymised already: due at once."""


def person_due(
    records: Sequence[PersonRecord], last_change: date, periods: RetentionPeriods
) -> date | None:
    """The day a person is due for anonymisation: the latest due day of their records not
    anonymised yet (:data:`ALREADY` when every one is); None while one of their records is open
    or on legal hold. A person without records: ``enquiry_months`` after their last change."""
    if not records:
        return add_months(last_change, periods.enquiry_months)
    days: list[date] = []
    for r in records:
        if r.is_open:
            return None
        if r.anonymised:
            continue
        if r.due is None:
            return None
        days.append(r.due)
    return max(days, default=ALREADY)


def is_due(due: date | None, today: date) -> bool:
    return due is not None and due <= today


def audit_cut_off(today: date, periods: RetentionPeriods) -> date:
    """Audit entries of this day and earlier are deleted ``today``."""
    return latest_day_due(today, periods.audit_months)


def month_of(day: date) -> date:
    return day.replace(day=1)


def next_months(today: date, n: int = 12) -> list[date]:
    """The first days of ``today``'s month and the ``n - 1`` months after it."""
    return [add_months(month_of(today), i) for i in range(n)]


# --- what the administrator sees -----------------------------------------------------------


@dataclass(frozen=True)
class DueRecord:
    """A record due now or later: its number and kind, never its client."""

    id: int
    number: str
    kind: RecordKind
    due: date


@dataclass(frozen=True)
class MonthDue:
    """How many records and persons fall due in one month (``month``: its first day)."""

    month: date
    records: int
    persons: int


@dataclass(frozen=True)
class HeldRecord:
    id: int
    number: str
    reason: str
    version: int = 0


@dataclass(frozen=True)
class RunView:
    """One run of the retention rules and its counts (``finished_at`` None: interrupted, or
    still running; the next run carries on where it stopped)."""

    id: int
    started_at: datetime
    finished_at: datetime | None
    actor: str
    records_anonymised: int
    persons_anonymised: int
    audit_rows_deleted: int
    backups_removed: int
    backups_anonymised: int = 0
    seconds: float | None = None
    wal_truncated: bool | None = None


@dataclass(frozen=True)
class RetentionStatus:
    """What is due now, and when the rest will be (DOMAIN.md: the administrator sees it)."""

    today: date
    periods: RetentionPeriods
    backups_keep: int
    records_due: int  # now
    persons_due: int  # now, once the records due now are anonymised
    audit_due: int  # entries of audit_cut_off and earlier
    audit_cut_off: date
    by_month: tuple[MonthDue, ...]  # after today: this month and the eleven after it
    later_records: int  # due after those twelve months
    open_records: int  # not due by the clock while open
    stale_records: tuple[str, ...]  # open, no activity for longer than the enquiry period
    held: tuple[HeldRecord, ...]
    due_list: tuple[DueRecord, ...]  # due now, then the next ones; at most DUE_LIST entries
    runs: tuple[RunView, ...]  # the last runs, newest first


DUE_LIST = 200
