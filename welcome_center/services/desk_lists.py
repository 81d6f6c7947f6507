"""Lists for the desk's overview pages: the open follow-ups of anyone (or of no one), and the
residence titles expiring soon with the record each belongs to. Reading a list never writes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.orm import Session

from welcome_center.db.models import FollowUp, Person, Record, ResidenceTitle, User
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.dates import office_today
from welcome_center.domain.enums import ClientKind, RecordStatus
from welcome_center.domain.permissions import Permission
from welcome_center.domain.views import ClientRef, FollowUpView, ResidenceTitleView
from welcome_center.services import follow_ups, record_views, settings, visibility
from welcome_center.services.context import Actor

MAX_FOLLOW_UPS = 2000
MAX_TITLES = 500


@dataclass(frozen=True)
class FollowUpFilter:
    """Which open follow-ups to list.

    ``counsellor_id`` names the assignee; ``unassigned`` selects follow-ups that no active user
    is assigned to (none, or a deactivated one), e.g. those raised on records without a
    counsellor; neither lists everyone's. ``until`` is the last due day (None: every one)."""

    counsellor_id: int | None = None
    unassigned: bool = False
    until: date | None = None


@dataclass(frozen=True)
class FollowUpList:
    """Open follow-ups in order of their due day (the overdue ones so come first), at most
    ``limit`` of them; ``total`` counts every match."""

    items: tuple[FollowUpView, ...]
    total: int


def _follow_up_query(s: Session, actor: Actor, f: FollowUpFilter) -> Select[FollowUp]:
    seen = select(Record.id).where(visibility.visible_records(s, actor))
    stmt = select(FollowUp).where(
        FollowUp.done_on.is_(None), follow_ups.listed(), FollowUp.record_id.in_(seen)
    )
    if f.until is not None:
        stmt = stmt.where(FollowUp.due_on <= f.until)
    if f.unassigned:
        # A column, not *: on a team server the password hashes are not every login's to read.
        active = (
            select(User.id)
            .where(User.id == FollowUp.assigned_to_id, User.active.is_(True))
            .exists()
        )
        stmt = stmt.where(~active)
    elif f.counsellor_id is not None:
        stmt = stmt.where(FollowUp.assigned_to_id == f.counsellor_id)
    return stmt


def open_follow_ups(
    uow: UnitOfWork, actor: Actor, which: FollowUpFilter, limit: int = MAX_FOLLOW_UPS
) -> FollowUpList:
    """The open follow-ups ``which`` selects on records the actor sees, soonest due first,
    without the residence follow-ups of closed records (:func:`follow_ups.listed`). Reads
    only."""
    actor.require(Permission.WORK_RECORDS)
    with uow.read() as s:
        stmt = _follow_up_query(s, actor, which)
        total = s.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        rows = s.scalars(stmt.order_by(FollowUp.due_on, FollowUp.id).limit(limit)).all()
        names = record_views.client_names(s, [f.record_id for f in rows])
        items = tuple(record_views.follow_up_view(f, *names[f.record_id]) for f in rows)
        return FollowUpList(items, total)


@dataclass(frozen=True)
class ExpiringTitle:
    """A residence title expiring soon, its holder, and the record it belongs to: the holder's
    latest record (open ones first), the one its follow-up is raised on; None if the holder has
    no record."""

    title: ResidenceTitleView
    person: ClientRef
    record_id: int | None
    record_number: str | None
    counsellor_id: int | None


def _latest_records(person_ids: Select[int]) -> Select[int, str, int | None, int]:
    """Each person's latest open record, ranked as the residence follow-ups choose it."""
    rank = func.row_number().over(
        partition_by=Record.client_person_id,
        order_by=(Record.opened_on.desc(), Record.id.asc()),
    )
    ranked = (
        select(
            Record.id,
            Record.number,
            Record.counsellor_id,
            Record.client_person_id,
            rank.label("n"),
        )
        .where(Record.client_person_id.in_(person_ids), Record.status != RecordStatus.CLOSED)
        .subquery("ranked")
    )
    c = ranked.c
    return select(c.id, c.number, c.counsellor_id, c.client_person_id).where(c.n == 1)


def _title_rows(
    s: Session, actor: Actor, today: date, days: int, counsellor_id: int | None, limit: int
) -> list[tuple[ResidenceTitle, str, str, int | None, str | None, int | None]]:
    # Holders whose records are all closed are left out: the office's work with them is over.
    only_closed = and_(
        exists().where(Record.client_person_id == ResidenceTitle.person_id),
        ~exists().where(
            Record.client_person_id == ResidenceTitle.person_id,
            Record.status != RecordStatus.CLOSED,
        ),
    )
    window = and_(
        ResidenceTitle.expires_on >= today,
        ResidenceTitle.expires_on <= today + timedelta(days=days),
        Person.anonymised_at.is_(None),
        ~only_closed,
        visibility.visible_persons(s, actor),
    )
    holders = select(ResidenceTitle.person_id).join(Person).where(window)
    latest = _latest_records(holders).subquery("latest")
    stmt = (
        select(
            ResidenceTitle,
            Person.family_name,
            Person.given_name,
            latest.c.id,
            latest.c.number,
            latest.c.counsellor_id,
        )
        .join(Person, Person.id == ResidenceTitle.person_id)
        .outerjoin(latest, latest.c.client_person_id == ResidenceTitle.person_id)
        .where(window)
    )
    if counsellor_id is not None:
        stmt = stmt.where(
            or_(latest.c.counsellor_id == counsellor_id, latest.c.counsellor_id.is_(None))
        )
    stmt = stmt.order_by(ResidenceTitle.expires_on, ResidenceTitle.id).limit(limit)
    return [tuple(row) for row in s.execute(stmt)]


def expiring_titles(
    uow: UnitOfWork,
    actor: Actor,
    counsellor_id: int | None = None,
    within_days: int | None = None,
    limit: int = MAX_TITLES,
) -> list[ExpiringTitle]:
    """Residence titles expiring from today within ``within_days`` (default: the office's
    window), soonest first, each with its record. With ``counsellor_id``: those whose record is
    that counsellor's, or has no counsellor, or whose holder has no record (no one else sees
    them). Holders who are anonymised, or whose records are all closed, or whom the actor does
    not see, are left out. Reads only."""
    actor.require(Permission.WORK_RECORDS)
    with uow.read() as s:
        days = (
            within_days
            if within_days is not None
            else settings.current(s).residence_expiry_window_days
        )
        rows = _title_rows(s, actor, office_today(), days, counsellor_id, limit)
        out = []
        for t, family, given, record_id, number, counsellor in rows:
            name = f"{family}, {given}" if given else family
            person = ClientRef(ClientKind.PERSON, t.person_id, name)
            view = record_views.residence_view(t)
            out.append(ExpiringTitle(view, person, record_id, number, counsellor))
        return out
