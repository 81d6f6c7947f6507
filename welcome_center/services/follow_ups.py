"""Follow-ups (Wiedervorlagen) and the due list per counsellor, including residence titles that
expire within the office's window."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select
from sqlalchemy.orm import Session

from welcome_center.db import bulk
from welcome_center.db.models import FollowUp, Person, Record, ResidenceTitle, User
from welcome_center.db.types import utcnow
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.audit import AuditAction
from welcome_center.domain.dates import office_today
from welcome_center.domain.enums import FollowUpSource, RecordStatus
from welcome_center.domain.errors import NotFoundError, StateError, ValidationError
from welcome_center.domain.permissions import Permission
from welcome_center.domain.views import FollowUpView
from welcome_center.i18n import _
from welcome_center.services import audit, cases, record_views, settings, visibility
from welcome_center.services.context import Actor, Changes, Saved, record_changed
from welcome_center.services.locking import check_unchanged


def _view(s: Session, f: FollowUp) -> FollowUpView:
    number, client = record_views.client_names(s, [f.record_id])[f.record_id]
    return record_views.follow_up_view(f, number, client)


def add_follow_up(
    uow: UnitOfWork,
    actor: Actor,
    record_id: int,
    due_on: date,
    note: str = "",
    assigned_to_id: int | None = None,
) -> Saved[FollowUpView]:
    """Set a dated reminder on a record, for the actor unless someone else is named."""
    actor.require(Permission.WORK_RECORDS)
    with uow.begin() as s:
        r = cases.load(s, record_id, actor)
        assignee = assigned_to_id if assigned_to_id is not None else actor.user_id
        if assignee is not None and s.get(User, assignee) is None:
            raise ValidationError(_("This counsellor does not exist."), field="assigned_to")
        if due_on < r.opened_on:
            raise ValidationError(
                _("The follow-up lies before the record was opened."), field="due_on"
            )
        f = FollowUp(
            record_id=r.id,
            due_on=due_on,
            note=note,
            assigned_to_id=assignee,
            source=FollowUpSource.MANUAL,
        )
        s.add(f)
        s.flush()
        audit.log(s, actor, AuditAction.ADD_FOLLOW_UP, "record", r.id, detail=f"follow_up={f.id}")
        return Saved(_view(s, f), record_changed(r.id, follow_ups=True))


def _load_unchanged(s: Session, follow_up_id: int, expected_version: int) -> FollowUp:
    """The follow-up, if nobody changed it since the caller read ``expected_version``."""
    f = s.get(FollowUp, follow_up_id)
    if f is None:
        raise NotFoundError(_("This follow-up does not exist."))
    check_unchanged(s, _("This follow-up"), f, expected_version)
    return f


def complete(
    uow: UnitOfWork,
    actor: Actor,
    follow_up_id: int,
    on: date | None = None,
    *,
    expected_version: int,
) -> Saved[FollowUpView]:
    """Mark a follow-up done; a concurrent change by someone else raises ConflictError."""
    actor.require(Permission.WORK_RECORDS)
    with uow.begin() as s:
        f = _load_unchanged(s, follow_up_id, expected_version)
        visibility.check_record(s, actor, f.record_id)
        if f.done_on is not None:
            raise StateError(_("The follow-up is done already."))
        f.done_on, f.done_by_id = on or office_today(), actor.user_id
        f.updated_at, f.updated_by_id = utcnow(), actor.user_id
        s.flush()
        audit.log(
            s,
            actor,
            AuditAction.COMPLETE_FOLLOW_UP,
            "record",
            f.record_id,
            detail=f"follow_up={f.id}",
        )
        return Saved(_view(s, f), record_changed(f.record_id, follow_ups=True))


def reschedule(
    uow: UnitOfWork, actor: Actor, follow_up_id: int, due_on: date, expected_version: int
) -> Saved[FollowUpView]:
    """Move an open follow-up to another day; a concurrent change by someone else raises
    ConflictError."""
    actor.require(Permission.WORK_RECORDS)
    with uow.begin() as s:
        f = _load_unchanged(s, follow_up_id, expected_version)
        visibility.check_record(s, actor, f.record_id)
        if f.done_on is not None:
            raise StateError(_("The follow-up is done already."))
        f.due_on = due_on
        f.updated_at, f.updated_by_id = utcnow(), actor.user_id
        s.flush()
        audit.log(
            s,
            actor,
            AuditAction.RESCHEDULE_FOLLOW_UP,
            "record",
            f.record_id,
            detail=f"follow_up={f.id}",
        )
        return Saved(_view(s, f), record_changed(f.record_id, follow_ups=True))


def raise_residence_follow_ups(uow: UnitOfWork, actor: Actor) -> Saved[int]:
    """Raise the follow-ups of residence titles that entered the expiry window since the last
    time (a day passed, the window was widened): the desk's explicit step at its start and
    on refreshing Today, since reading a list never writes. Its value is how many were raised."""
    actor.require(Permission.WORK_RECORDS)
    with uow.begin() as s:
        raised = sync_residence_follow_ups(s, actor, office_today())
        return Saved(raised, Changes(follow_ups=raised > 0))


def sync_residence_follow_ups(s: Session, actor: Actor, today: date | None = None) -> int:
    """Raise a follow-up for every residence title that expires within the office's window and
    has none yet; it goes on the person's latest open record, to that record's counsellor (a
    person whose records are all closed gets none: the office's work with them is over).
    Returns how many were raised."""
    today = today or office_today()
    window = settings.current(s).residence_expiry_window_days
    rows = s.execute(_expiring_without_follow_up(today, window)).all()
    if not rows:
        return 0
    now = utcnow()
    raised = [
        {
            "record_id": row.record_id,
            "due_on": today,
            "assigned_to_id": row.counsellor_id,
            "note": _expiry_note(row.expires_on),
            "source": FollowUpSource.RESIDENCE_EXPIRY,
            "residence_title_id": row.title_id,
            "created_at": now,
        }
        for row in rows
    ]
    bulk.bulk_insert(s, FollowUp, raised)
    records = [row.record_id for row in rows]
    audit.log_many(
        s, actor, AuditAction.ADD_FOLLOW_UP, "record", records, detail="residence_expiry"
    )
    return len(rows)


def _expiry_note(expires_on: date) -> str:
    """What a raised follow-up stores: the expiry day alone (ISO), so that every reader sees
    the sentence in their own language (``record_views.follow_up_note``)."""
    return expires_on.isoformat()


def _expiring_without_follow_up(
    today: date, window: int
) -> Select[tuple[int, date, int, int | None]]:
    """Each title expiring within ``window`` days that has no follow-up, of a person who is not
    anonymised, with the person's latest open record (the newest opening date, then the first
    opened) and its counsellor; titles of people without an open record are left out. In
    order of expiry, then of the titles' ids."""
    has_one = exists().where(FollowUp.residence_title_id == ResidenceTitle.id)
    latest_first = func.row_number().over(
        partition_by=ResidenceTitle.id,
        order_by=(Record.opened_on.desc(), Record.id.asc()),
    )
    candidates = (
        select(
            ResidenceTitle.id.label("title_id"),
            ResidenceTitle.expires_on,
            Record.id.label("record_id"),
            Record.counsellor_id,
            latest_first.label("n"),
        )
        .join(Person, Person.id == ResidenceTitle.person_id)
        .join(Record, Record.client_person_id == ResidenceTitle.person_id)
        .where(
            ResidenceTitle.expires_on.is_not(None),
            ResidenceTitle.expires_on >= today,
            ResidenceTitle.expires_on <= today + timedelta(days=window),
            Person.anonymised_at.is_(None),
            Record.status != RecordStatus.CLOSED,
            ~has_one,
        )
        .subquery("candidates")
    )
    c = candidates.c
    return (
        select(c.title_id, c.expires_on, c.record_id, c.counsellor_id)
        .where(c.n == 1)
        .order_by(c.expires_on, c.title_id)
    )


def listed() -> ColumnElement[bool]:
    """Which open follow-ups the desk's lists show: all but the residence follow-ups of
    closed records (raised automatically, they belong to work that is over; a hand-made
    follow-up a counsellor kept on closing stays listed)."""
    # A column, not *: on a team server a manager's login reads the figures' columns only.
    closed = (
        select(Record.id)
        .where(Record.id == FollowUp.record_id, Record.status == RecordStatus.CLOSED)
        .exists()
    )
    return or_(FollowUp.source != FollowUpSource.RESIDENCE_EXPIRY, ~closed)


def overdue(today: date) -> ColumnElement[bool]:
    """The listed follow-ups that are overdue on ``today``: open and due before it (what the
    Today page and the follow-up list mark as overdue)."""
    return and_(FollowUp.done_on.is_(None), FollowUp.due_on < today, listed())


@dataclass(frozen=True)
class DueList:
    """A counsellor's open follow-ups up to a day: overdue first, then by due date."""

    items: tuple[FollowUpView, ...]

    @property
    def overdue(self) -> tuple[FollowUpView, ...]:
        return tuple(f for f in self.items if f.overdue)


def due_list(
    uow: UnitOfWork, actor: Actor, counsellor_id: int | None = None, until: date | None = None
) -> DueList:
    """Open follow-ups due by ``until`` (default today) for a counsellor (default the actor),
    on records the actor sees, without the residence follow-ups of closed records. Reads only:
    residence follow-ups are raised by :func:`raise_residence_follow_ups`."""
    actor.require(Permission.WORK_RECORDS)
    until = until or office_today()
    who = counsellor_id if counsellor_id is not None else actor.user_id
    with uow.read() as s:
        stmt = (
            select(FollowUp)
            .where(FollowUp.done_on.is_(None), FollowUp.due_on <= until, listed())
            .order_by(FollowUp.due_on, FollowUp.id)
        )
        stmt = stmt.where(FollowUp.assigned_to_id == who) if who is not None else stmt
        seen = select(Record.id).where(visibility.visible_records(s, actor))
        stmt = stmt.where(FollowUp.record_id.in_(seen))
        rows = s.scalars(stmt).all()
        names = record_views.client_names(s, [f.record_id for f in rows])
        return DueList(tuple(record_views.follow_up_view(f, *names[f.record_id]) for f in rows))
