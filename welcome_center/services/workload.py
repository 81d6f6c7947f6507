"""The manager's workload view: per counsellor, the open enquiries and cases, the overdue
follow-ups and the referrals waiting for feedback, as counts (no client names).

The same definitions as the counsellor's Today page, from the same query pieces: open records
(:func:`record_list.is_open`, by the record's counsellor), overdue follow-ups
(:func:`follow_ups.overdue`, by the one they are assigned to), referrals without feedback for
the office's feedback period (:func:`referrals.without_feedback`, by the record's counsellor).
Counted in SQL over the whole office: a count names no client, so need-to-know does not narrow
it (the manager sees figures, not records)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from welcome_center.db.models import FollowUp, Record, Referral, User, UserRole
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.dates import office_today
from welcome_center.domain.enums import Role
from welcome_center.domain.permissions import Permission
from welcome_center.services import follow_ups, record_list, referrals, settings
from welcome_center.services.context import Actor
from welcome_center.services.visibility import figures_read


@dataclass(frozen=True, kw_only=True)
class CounsellorLoad:
    """One line: a counsellor's open work. ``user_id`` None: work with nobody responsible (no
    counsellor on the record, or a follow-up assigned to no one)."""

    user_id: int | None
    name: str
    active: bool
    open_records: int
    overdue_follow_ups: int
    referrals_without_feedback: int


@dataclass(frozen=True, kw_only=True)
class Workload:
    """Every counsellor's line (active counsellors even without work, anyone else with work),
    in alphabetical order, the line without a counsellor last; on ``today``, with the office's
    feedback period in days."""

    lines: tuple[CounsellorLoad, ...]
    today: date
    feedback_days: int

    @property
    def total(self) -> CounsellorLoad:
        """The sums of every line (each item counts once: in exactly one line)."""
        return CounsellorLoad(
            user_id=None,
            name="",
            active=True,
            open_records=sum(x.open_records for x in self.lines),
            overdue_follow_ups=sum(x.overdue_follow_ups for x in self.lines),
            referrals_without_feedback=sum(x.referrals_without_feedback for x in self.lines),
        )


def _counts(s: Session, today: date) -> tuple[dict[int | None, int], ...]:
    open_records = select(Record.counsellor_id, func.count()).where(record_list.is_open())
    overdue = select(FollowUp.assigned_to_id, func.count()).where(follow_ups.overdue(today))
    waiting = (
        select(Record.counsellor_id, func.count())
        .select_from(Referral)
        .join(Record, Record.id == Referral.record_id)
        .where(referrals.without_feedback(s, today))
    )
    return (
        {k: n for k, n in s.execute(open_records.group_by(Record.counsellor_id))},
        {k: n for k, n in s.execute(overdue.group_by(FollowUp.assigned_to_id))},
        {k: n for k, n in s.execute(waiting.group_by(Record.counsellor_id))},
    )


def workload(uow: UnitOfWork, actor: Actor, today: date | None = None) -> Workload:
    """The open work per counsellor on ``today`` (default: the office's today). Reads only."""
    actor.require(Permission.VIEW_WORKLOAD)
    today = today or office_today()
    with figures_read(uow, actor) as s:
        open_by, overdue_by, waiting_by = _counts(s, today)
        counsellors = set(
            s.scalars(
                select(User.id)
                .join(UserRole, UserRole.user_id == User.id)
                .where(UserRole.role == Role.COUNSELLOR, User.active.is_(True))
            )
        )
        with_work = {k for k in (*open_by, *overdue_by, *waiting_by) if k is not None}
        users = s.execute(
            select(User.id, User.display_name, User.username, User.active).where(
                User.id.in_(counsellors | with_work)
            )
        ).all()
        lines = [
            CounsellorLoad(
                user_id=uid,
                name=display or username,
                active=active,
                open_records=open_by.get(uid, 0),
                overdue_follow_ups=overdue_by.get(uid, 0),
                referrals_without_feedback=waiting_by.get(uid, 0),
            )
            for uid, display, username, active in users
        ]
        lines.sort(key=lambda x: (x.name.casefold(), x.user_id))
        if None in open_by or None in overdue_by or None in waiting_by:
            lines.append(
                CounsellorLoad(
                    user_id=None,
                    name="",
                    active=True,
                    open_records=open_by.get(None, 0),
                    overdue_follow_ups=overdue_by.get(None, 0),
                    referrals_without_feedback=waiting_by.get(None, 0),
                )
            )
        days = settings.current(s).referral_feedback_days
        return Workload(lines=tuple(lines), today=today, feedback_days=days)
