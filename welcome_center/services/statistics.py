"""The office's figures, computed in SQL: one function per figure of DOMAIN.md's "Statistics: one
definition each", used by the reports, the Reports page and the Today page alike.

A record is *active* in a period when it was opened, consulted, referred, promoted or closed on a
day of it. A record counts as a case in a period when it is a case now and became one (opened as a
case, or promoted) on or before the period's last day, so that a later promotion does not change
the figures of a month already reported.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    CompoundSelect,
    Integer,
    MetaData,
    Select,
    Table,
    and_,
    exists,
    func,
    or_,
    select,
    union,
)
from sqlalchemy.orm import Session

from welcome_center.db.models import (
    Consultation,
    Event,
    Organisation,
    Person,
    Record,
    RecordService,
    RecordTopic,
    Referral,
    User,
)
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.enums import RecordKind
from welcome_center.domain.permissions import Permission
from welcome_center.domain.statistics import (
    NOT_RECORDED,
    Breakdown,
    KeyFigures,
    Period,
    SinceStart,
    Statistics,
    TrendMonth,
    ordered,
)
from welcome_center.services import settings
from welcome_center.services.context import Actor


def _in(column: Any, p: Period) -> ColumnElement[bool]:
    return column.between(p.start, p.end)  # type: ignore[no-any-return]


def _active(p: Period) -> CompoundSelect[Any]:
    """The ids of the records active in ``p`` (opened, promoted, closed, consulted, referred)."""
    return union(
        select(Record.id).where(_in(Record.opened_on, p)),
        select(Record.id).where(_in(Record.promoted_on, p)),
        select(Record.id).where(_in(Record.closed_on, p)),
        select(Consultation.record_id).where(_in(Consultation.held_on, p)),
        select(Referral.record_id).where(_in(Referral.referred_on, p)),
    )


@dataclass(frozen=True)
class Scope:
    """A period, and where its active records' ids come from: the union query, or a temporary
    table that ``compute`` fills once so that the breakdowns do not each repeat the union."""

    period: Period
    ids: Select[Any] | CompoundSelect[Any] | None = None

    @property
    def active_ids(self) -> Select[Any] | CompoundSelect[Any]:
        return self.ids if self.ids is not None else _active(self.period)


def _worked(scope: Scope) -> ColumnElement[bool]:
    """Records active in the period: the enquiries worked."""
    return Record.id.in_(scope.active_ids)


# Defined once, so that the statements over it are compiled once (SQLAlchemy caches by table).
_ACTIVE_IDS = Table(
    "statistics_active", MetaData(), Column("id", Integer, primary_key=True),
    prefixes=["TEMPORARY"],
)  # fmt: skip


@contextmanager
def _materialised(s: Session, p: Period) -> Iterator[Scope]:
    """A Scope over a temporary table of the active records' ids (SQLite and PostgreSQL alike)."""
    table = _ACTIVE_IDS
    conn = s.connection()
    # Kept on the connection for the next call: SQLite's driver runs the DDL outside the read
    # transaction, whose rollback would otherwise undo a DROP but not the CREATE.
    table.create(conn, checkfirst=True)
    conn.execute(table.delete())
    try:
        conn.execute(table.insert().from_select(["id"], _active(p)))
        yield Scope(p, select(table.c.id))
    finally:
        conn.execute(table.delete())


def _case_by(p: Period) -> ColumnElement[bool]:
    """A case by the end of ``p``: a case now, and one since a day on or before ``p.end``."""
    return and_(Record.kind == RecordKind.CASE, Record.promoted_on <= p.end)


def _count(s: Session, stmt: Select[Any]) -> int:
    return int(s.scalar(stmt) or 0)


def _grouped(s: Session, stmt: Select[str | None, int]) -> Breakdown:
    counts: dict[str, int] = {}
    for code, n in s.execute(stmt):
        key = code if code else NOT_RECORDED
        counts[key] = counts.get(key, 0) + int(n)
    return ordered(counts)


# --- the figures, one definition each ----------------------------------------------------------


def enquiries_received(s: Session, p: Period) -> int:
    """Records of either kind opened in the period."""
    return _count(s, select(func.count()).select_from(Record).where(_in(Record.opened_on, p)))


def enquiries_worked(s: Session, scope: Scope) -> int:
    """Records of either kind active in the period."""
    return _count(s, select(func.count()).select_from(Record).where(_worked(scope)))


def cases_worked(s: Session, scope: Scope) -> tuple[int, int, int]:
    """Cases active in the period: (all, with a person client, with an organisation client)."""
    row = s.execute(
        select(
            func.count(),
            func.count(Record.client_person_id),
            func.count(Record.client_organisation_id),
        ).where(_worked(scope), _case_by(scope.period))
    ).one()
    return int(row[0]), int(row[1]), int(row[2])


def cases_new(s: Session, p: Period) -> int:
    """Records that became cases in the period (opened as a case, or promoted)."""
    stmt = (
        select(func.count())
        .select_from(Record)
        .where(Record.kind == RecordKind.CASE, _in(Record.promoted_on, p))
    )
    return _count(s, stmt)


def closed(s: Session, p: Period) -> int:
    """Records closed in the period."""
    return _count(s, select(func.count()).select_from(Record).where(_in(Record.closed_on, p)))


def closed_by_reason(s: Session, p: Period) -> Breakdown:
    """Records closed in the period, by closing reason."""
    stmt = (
        select(Record.closing_reason, func.count())
        .where(_in(Record.closed_on, p))
        .group_by(Record.closing_reason)
    )
    return _grouped(s, stmt)


def open_at_end(s: Session, p: Period) -> int:
    """Records opened on or before the period's last day and not closed by then."""
    stmt = (
        select(func.count())
        .select_from(Record)
        .where(Record.opened_on <= p.end, or_(Record.closed_on.is_(None), Record.closed_on > p.end))
    )
    return _count(s, stmt)


def consultations(s: Session, p: Period) -> tuple[int, int]:
    """Consultations dated in the period, and their minutes."""
    row = s.execute(
        select(func.count(), func.coalesce(func.sum(Consultation.duration_minutes), 0)).where(
            _in(Consultation.held_on, p)
        )
    ).one()
    return int(row[0]), int(row[1])


def clients_advised(s: Session, scope: Scope) -> tuple[int, int]:
    """Distinct clients of the enquiries worked: (persons, organisations)."""
    row = s.execute(
        select(
            func.count(func.distinct(Record.client_person_id)),
            func.count(func.distinct(Record.client_organisation_id)),
        ).where(_worked(scope))
    ).one()
    return int(row[0]), int(row[1])


def _by_many(s: Session, scope: Scope, table: type[RecordTopic] | type[RecordService]) -> Breakdown:
    """Enquiries worked per code of a many-valued attribute: a record counts under each of its
    codes; records without any are the ``not_recorded`` row."""
    column = table.topic if table is RecordTopic else table.service  # type: ignore[union-attr]
    stmt = (
        select(column, func.count()).where(table.record_id.in_(scope.active_ids)).group_by(column)
    )
    counts = dict(_grouped(s, stmt))
    none = (
        select(func.count())
        .select_from(Record)
        .where(_worked(scope), ~exists().where(table.record_id == Record.id))
    )
    counts[NOT_RECORDED] = _count(s, none)
    return ordered(counts)


def by_topic(s: Session, scope: Scope) -> Breakdown:
    """Enquiries worked per topic; a record counts under each of its topics."""
    return _by_many(s, scope, RecordTopic)


def by_service(s: Session, scope: Scope) -> Breakdown:
    """Enquiries worked per service; a record counts under each of its services."""
    return _by_many(s, scope, RecordService)


def _by_column(s: Session, scope: Scope, column: ColumnElement[str | None]) -> Breakdown:
    return _grouped(s, select(column, func.count()).where(_worked(scope)).group_by(column))


def by_requester_type(s: Session, scope: Scope) -> Breakdown:
    """Enquiries worked per requester type."""
    return _by_column(s, scope, Record.requester_type)  # type: ignore[arg-type]


def by_channel(s: Session, scope: Scope) -> Breakdown:
    """Enquiries worked per channel (of the record)."""
    return _by_column(s, scope, Record.channel)  # type: ignore[arg-type]


def by_municipality(s: Session, scope: Scope) -> Breakdown:
    """Enquiries worked per municipality (of the record)."""
    return _by_column(s, scope, Record.municipality)  # type: ignore[arg-type]


def by_nationality(s: Session, scope: Scope) -> Breakdown:
    """Enquiries worked whose client is a person, per nationality of that person."""
    stmt = (
        select(Person.nationality, func.count())
        .select_from(Record)
        .join(Person, Person.id == Record.client_person_id)
        .where(_worked(scope))
        .group_by(Person.nationality)
    )
    return _grouped(s, stmt)


def by_counsellor(s: Session, scope: Scope) -> Breakdown:
    """Enquiries worked per responsible counsellor (by user name)."""
    stmt = (
        select(User.username, func.count())
        .select_from(Record)
        .outerjoin(User, User.id == Record.counsellor_id)
        .where(_worked(scope))
        .group_by(User.username)
    )
    return _grouped(s, stmt)


_NO_CODE = "organisation-"


def partner_code(organisation_id: int, code: str | None) -> str:
    """The key of a partner in ``referrals_by_partner``: its stable code, else its id."""
    return code or f"{_NO_CODE}{organisation_id}"


def partner_without_code(key: str) -> int | None:
    """The organisation id in a key that :func:`partner_code` made from the id (else None)."""
    return int(key[len(_NO_CODE) :]) if key.startswith(_NO_CODE) else None


def referrals(s: Session, p: Period) -> int:
    """Referrals dated in the period."""
    return _count(s, select(func.count()).select_from(Referral).where(_in(Referral.referred_on, p)))


def referrals_by_partner(s: Session, p: Period) -> Breakdown:
    """Referrals dated in the period, per partner."""
    stmt = (
        select(Organisation.id, Organisation.code, func.count())
        .select_from(Referral)
        .join(Organisation, Organisation.id == Referral.partner_id)
        .where(_in(Referral.referred_on, p))
        .group_by(Organisation.id, Organisation.code)
    )
    return ordered({partner_code(i, c): int(n) for i, c, n in s.execute(stmt)})


def referrals_by_status(s: Session, p: Period) -> Breakdown:
    """Referrals dated in the period, per status (as it is now)."""
    stmt = (
        select(Referral.status, func.count())
        .where(_in(Referral.referred_on, p))
        .group_by(Referral.status)
    )
    return ordered({status.value: int(n) for status, n in s.execute(stmt)})


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
    """Enquiries received and cases worked in each of the 12 months up to the month of p.end."""
    return tuple(
        TrendMonth(m.start, enquiries_received(s, m), cases_worked(s, Scope(m))[0])
        for m in p.trend_months()
    )


def events(s: Session, p: Period) -> tuple[int, int]:
    """Events held in the period, and their participants."""
    row = s.execute(
        select(func.count(), func.coalesce(func.sum(Event.participants), 0)).where(
            _in(Event.held_on, p)
        )
    ).one()
    return int(row[0]), int(row[1])


# --- the public calls --------------------------------------------------------------------------


def compute(s: Session, p: Period) -> Statistics:
    """Every figure for ``p`` inside a caller's transaction."""
    with _materialised(s, p) as scope:
        return _compute(s, scope)


def _compute(s: Session, scope: Scope) -> Statistics:
    p = scope.period
    cases, cases_persons, cases_orgs = cases_worked(s, scope)
    n_consultations, minutes = consultations(s, p)
    persons, organisations = clients_advised(s, scope)
    n_events, participants = events(s, p)
    return Statistics(
        period=p,
        enquiries_received=enquiries_received(s, p),
        enquiries_worked=enquiries_worked(s, scope),
        cases_worked=cases,
        cases_worked_persons=cases_persons,
        cases_worked_organisations=cases_orgs,
        cases_new=cases_new(s, p),
        closed=closed(s, p),
        closed_by_reason=closed_by_reason(s, p),
        open_at_end=open_at_end(s, p),
        consultations=n_consultations,
        consultation_minutes=minutes,
        persons_advised=persons,
        organisations_advised=organisations,
        by_topic=by_topic(s, scope),
        by_requester_type=by_requester_type(s, scope),
        by_service=by_service(s, scope),
        by_channel=by_channel(s, scope),
        by_nationality=by_nationality(s, scope),
        by_municipality=by_municipality(s, scope),
        by_counsellor=by_counsellor(s, scope),
        referrals=referrals(s, p),
        referrals_by_partner=referrals_by_partner(s, p),
        referrals_by_status=referrals_by_status(s, p),
        since_start=since_start(s, p),
        trend=trend(s, p),
        events=n_events,
        event_participants=participants,
    )


def statistics(uow: UnitOfWork, actor: Actor, p: Period) -> Statistics:
    """Every figure of DOMAIN.md for the inclusive period ``p``."""
    actor.require(Permission.VIEW_STATISTICS)
    with uow.read() as s:
        return compute(s, p)


def key_figures(uow: UnitOfWork, actor: Actor, p: Period) -> KeyFigures:
    """The headline figures of ``p`` (the Today page), with the same definitions as a report."""
    actor.require(Permission.VIEW_STATISTICS)
    scope = Scope(p)
    with uow.read() as s:
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
        )
