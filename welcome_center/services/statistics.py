"""The office's figures, computed in SQL: one function per figure of DOMAIN.md's "Statistics: one
definition each", used by the reports, the Reports page and the Today page alike. The
breakdowns are declared in ``domain.breakdowns``; their SQL is in ``statistics_breakdowns``.

A record is *active* in a period when it was opened, consulted, referred, promoted or closed on a
day of it. A record counts as a case in a period when it is a case now and became one (opened as a
case, or promoted) on or before the period's last day, so that a later promotion does not change
the figures of a month already reported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar

from sqlalchemy import Table, func, or_, select
from sqlalchemy.orm import Session

from welcome_center.db.models import Consultation, Event, Record, Referral
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.enums import RecordKind
from welcome_center.domain.errors import PermissionDeniedError
from welcome_center.domain.permissions import Permission
from welcome_center.domain.statistics import (
    KeyFigures,
    Period,
    SinceStart,
    Statistics,
    TrendMonth,
    hours,
)
from welcome_center.i18n import _
from welcome_center.services import settings
from welcome_center.services.context import Actor
from welcome_center.services.statistics_breakdowns import (
    check_complete,
    compute_all,
    partner_code,
    partner_without_code,
)
from welcome_center.services.statistics_funders import (
    consultation_kinds,
    event_participants_split,
    recognition,
    smes_advised,
    third_country_persons,
)
from welcome_center.services.statistics_scope import (
    Scope,
    active,
    case_by,
    cases_by,
    count,
    materialised,
    within,
)
from welcome_center.services.visibility import figures_read, reads_figures, sees_all

__all__ = [
    "Scope",
    "compute",
    "compute_at_once",
    "key_figures",
    "partner_code",
    "partner_without_code",
    "statistics",
]
T = TypeVar("T")
check_complete()  # a breakdown declared without its SQL stops here, not in a report


# --- the figures, one definition each ----------------------------------------------------------


def enquiries_received(s: Session, p: Period) -> int:
    """Records of either kind opened in the period."""
    return count(s, select(func.count()).select_from(Record).where(within(Record.opened_on, p)))


def enquiries_worked(s: Session, scope: Scope) -> int:
    """Records of either kind active in the period."""
    return count(s, select(func.count()).select_from(scope.records))


def cases_worked(s: Session, scope: Scope) -> tuple[int, int, int]:
    """Cases active in the period: (all, with a person client, with an organisation client)."""
    r = scope.records
    row = s.execute(
        select(
            func.count(),
            func.count(r.c.client_person_id),
            func.count(r.c.client_organisation_id),
        ).where(case_by(scope.period, r))
    ).one()
    return int(row[0]), int(row[1]), int(row[2])


def cases_new(s: Session, p: Period) -> int:
    """Records that became cases in the period (opened as a case, or promoted)."""
    stmt = (
        select(func.count())
        .select_from(Record)
        .where(Record.kind == RecordKind.CASE, within(Record.promoted_on, p))
    )
    return count(s, stmt)


def closed(s: Session, p: Period) -> int:
    """Records closed in the period."""
    return count(s, select(func.count()).select_from(Record).where(within(Record.closed_on, p)))


def open_at_end(s: Session, p: Period) -> int:
    """Records opened on or before the period's last day and not closed by then."""
    stmt = (
        select(func.count())
        .select_from(Record)
        .where(Record.opened_on <= p.end, or_(Record.closed_on.is_(None), Record.closed_on > p.end))
    )
    return count(s, stmt)


def consultations(s: Session, p: Period) -> tuple[int, int]:
    """Consultations dated in the period, and their minutes."""
    row = s.execute(
        select(func.count(), func.coalesce(func.sum(Consultation.duration_minutes), 0)).where(
            within(Consultation.held_on, p)
        )
    ).one()
    return int(row[0]), int(row[1])


def clients_advised(s: Session, scope: Scope) -> tuple[int, int]:
    """Distinct clients of the enquiries worked: (persons, organisations)."""
    r = scope.records
    row = s.execute(
        select(
            func.count(func.distinct(r.c.client_person_id)),
            func.count(func.distinct(r.c.client_organisation_id)),
        )
    ).one()
    return int(row[0]), int(row[1])


def referrals(s: Session, p: Period) -> int:
    """Referrals dated in the period."""
    stmt = select(func.count()).select_from(Referral).where(within(Referral.referred_on, p))
    return count(s, stmt)


def project_start(s: Session) -> SinceStart | None:
    """The project start: the setting, else the opening day of the earliest record."""
    start = settings.current(s).project_start or s.scalar(select(func.min(Record.opened_on)))
    return SinceStart(start, 0, 0) if start else None


def since_start(s: Session, p: Period) -> SinceStart:
    """Records opened, and records that became cases, from the project start to ``p.end``."""
    base = project_start(s)
    if base is None or base.start is None or base.start > p.end:
        return SinceStart(base.start if base else None, 0, 0)
    whole = Period(base.start, p.end)
    return SinceStart(base.start, enquiries_received(s, whole), cases_new(s, whole))


def trend(s: Session, p: Period) -> tuple[TrendMonth, ...]:
    """Enquiries received and cases worked in each of the 12 months up to the month of p.end
    (the cases worked as :func:`cases_worked` counts them, among the cases by the last month's
    end)."""
    months = p.trend_months()
    with cases_by(s, months[-1].end) as cases:
        return tuple(
            TrendMonth(m.start, enquiries_received(s, m), _cases_active(s, m, cases))
            for m in months
        )


def _cases_active(s: Session, m: Period, cases: Table) -> int:
    stmt = select(func.count()).where(cases.c.promoted_on <= m.end, cases.c.id.in_(active(m)))
    return count(s, stmt)


def events(s: Session, p: Period) -> tuple[int, int]:
    """Events held in the period, and their participants."""
    row = s.execute(
        select(func.count(), func.coalesce(func.sum(Event.participants), 0)).where(
            within(Event.held_on, p)
        )
    ).one()
    return int(row[0]), int(row[1])


# --- the public calls --------------------------------------------------------------------------


def compute(
    s: Session, p: Period, *, breakdowns: bool = True, with_trend: bool | None = None
) -> Statistics:
    """Every figure for ``p`` inside a caller's transaction; without ``breakdowns`` the plain
    figures only (no trend, no breakdown: the year-earlier column of a report). ``with_trend``
    (default: as ``breakdowns``) False leaves the trend to the caller (:func:`compute_at_once`)."""
    trend_too = breakdowns if with_trend is None else with_trend
    with materialised(s, p) as scope:
        return _compute(s, scope, breakdowns, trend_too)


def compute_at_once(
    uow: UnitOfWork, actor: Actor, p: Period, earlier: Period | None = None,
    then: Callable[[Session, Statistics], T] | None = None,
) -> tuple[Statistics, Statistics | None, T | None]:  # fmt: skip
    """Every figure of ``p``, the plain figures of ``earlier`` (if given), and ``then``'s
    result (called with the session and ``p``'s figures, in the calling thread: the labels of
    a report), as ``actor`` counts them (:func:`figures_read`). The period's figures on one
    connection, the trend and then the earlier period on another, at once on one moment of the
    data (:meth:`UnitOfWork.alongside`); the figures are those of :func:`compute` either way.

    Two parts, not three: the period's figures take the longest (at 300,000 records 584 ms on
    a server, the trend 247 ms, the earlier month 268 ms, one after the other), so the trend
    and the earlier period together still end before them, and on a machine of two cores three
    parts at once slowed the longest one down by sharing its core (a month's figures 859 ms)."""
    actor.require(Permission.VIEW_STATISTICS)

    def figures(s: Session) -> tuple[Statistics, T | None]:
        _office_only(uow, s, actor)  # the other parts' figures are then dropped
        stats = compute(s, p, with_trend=False)
        return stats, then(s, stats) if then else None

    def beside(s: Session) -> tuple[tuple[TrendMonth, ...], Statistics | None]:
        months = trend(s, p)
        return months, compute(s, earlier, breakdowns=False) if earlier is not None else None

    (stats, extra), (months, previous) = uow.alongside(
        [figures, beside], figures=reads_figures(actor)
    )
    return replace(stats, trend=months), previous, extra


def _compute(
    s: Session, scope: Scope, with_breakdowns: bool = True, with_trend: bool = True
) -> Statistics:
    p = scope.period
    cases, cases_persons, cases_orgs = cases_worked(s, scope)
    n_consultations, minutes = consultations(s, p)
    persons, organisations = clients_advised(s, scope)
    n_events, participants = events(s, p)
    first, interpreted = consultation_kinds(s, p)
    procedures, regulated = recognition(s, p)
    event_persons, event_organisations = event_participants_split(s, p)
    return Statistics(
        period=p,
        enquiries_received=enquiries_received(s, p),
        enquiries_worked=enquiries_worked(s, scope),
        cases_worked=cases,
        cases_worked_persons=cases_persons,
        cases_worked_organisations=cases_orgs,
        cases_new=cases_new(s, p),
        closed=closed(s, p),
        open_at_end=open_at_end(s, p),
        consultations=n_consultations,
        consultation_minutes=minutes,
        persons_advised=persons,
        organisations_advised=organisations,
        referrals=referrals(s, p),
        since_start=since_start(s, p),
        trend=trend(s, p) if with_trend else (),
        events=n_events,
        event_participants=participants,
        third_country_persons=third_country_persons(s, scope),
        smes_advised=smes_advised(s, scope),
        consultations_first=first,
        consultations_follow_up=n_consultations - first,
        consultation_hours=hours(minutes),
        consultations_with_interpreter=interpreted,
        recognition_active=procedures,
        recognition_regulated=regulated,
        event_participants_persons=event_persons,
        event_participants_organisations=event_organisations,
        breakdowns=compute_all(s, scope) if with_breakdowns else {},
    )


def counts_whole_office(uow: UnitOfWork, s: Session, actor: Actor) -> bool:
    """Whether ``actor``'s figures are the whole office's. Not so for a counsellor's own login
    on a server where the office shows each counsellor only their own records: the server's
    row-level security shows her login those alone, and she reads no figures' views (rows of
    colleagues' clients, without names but one by one). On a file the program counts every
    record, as her figures are aggregates."""
    if uow.db.is_sqlite or reads_figures(actor) or sees_all(s, actor):
        return True
    # The owner's URL (the command line's) is not held to the policies: every record.
    return not s.scalar(select(func.row_security_active(Record.__tablename__)))


def _office_only(uow: UnitOfWork, s: Session, actor: Actor) -> None:
    """Refuse the office's figures to a login that would count only its own records."""
    if not counts_whole_office(uow, s, actor):
        raise PermissionDeniedError(
            _(
                "In this office each counsellor sees only their own records, on the server "
                "too, so the office's figures would leave out your colleagues' records. A "
                "manager or an administrator counts them."
            )
        )


def statistics(uow: UnitOfWork, actor: Actor, p: Period) -> Statistics:
    """Every figure of DOMAIN.md for the inclusive period ``p``."""
    actor.require(Permission.VIEW_STATISTICS)
    with figures_read(uow, actor) as s:
        _office_only(uow, s, actor)
        return compute(s, p)


def key_figures(uow: UnitOfWork, actor: Actor, p: Period) -> KeyFigures:
    """The headline figures of ``p`` (the Today page), with the same definitions as a report."""
    actor.require(Permission.VIEW_STATISTICS)
    scope = Scope(p)
    with figures_read(uow, actor) as s:
        return KeyFigures(
            period=p,
            enquiries_received=enquiries_received(s, p),
            enquiries_worked=enquiries_worked(s, scope),
            cases_worked=cases_worked(s, scope)[0],
            cases_new=cases_new(s, p),
            closed=closed(s, p),
            open_at_end=open_at_end(s, p),
            consultations=consultations(s, p)[0],
            referrals=referrals(s, p),
            whole_office=counts_whole_office(uow, s, actor),
        )
