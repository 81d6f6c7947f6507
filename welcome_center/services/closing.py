"""What closing a record does with its open work (follow-ups, referrals waiting for feedback),
in the closing's own transaction."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from welcome_center.db.models import FollowUp, Record, Referral
from welcome_center.db.types import utcnow
from welcome_center.domain.audit import AuditAction
from welcome_center.domain.drafts import ClosingChoices
from welcome_center.domain.enums import ReferralStatus
from welcome_center.domain.errors import ConflictError
from welcome_center.i18n import _
from welcome_center.services import audit
from welcome_center.services.context import Actor
from welcome_center.services.locking import check_unchanged


def open_follow_ups(s: Session, record_id: int) -> list[FollowUp]:
    """The record's follow-ups not done yet, in order of their ids."""
    stmt = select(FollowUp).where(FollowUp.record_id == record_id, FollowUp.done_on.is_(None))
    return list(s.scalars(stmt.order_by(FollowUp.id)))


def waiting_referrals(s: Session, record_id: int) -> list[Referral]:
    """The record's referrals still waiting for the partner's answer ("sent")."""
    stmt = select(Referral).where(
        Referral.record_id == record_id, Referral.status == ReferralStatus.SENT
    )
    return list(s.scalars(stmt.order_by(Referral.id)))


def _added_meanwhile() -> ConflictError:
    return ConflictError(
        _(
            "Someone added a follow-up or a referral to this record after you opened the "
            "closing. Close the dialog and close the record again to see it."
        )
    )


def settle(s: Session, actor: Actor, r: Record, choices: ClosingChoices, on: date) -> bool:
    """Mark the record's open follow-ups done and its waiting referrals "no feedback" as
    ``choices`` says, each audited; an item the user did not see, or saw in an older version,
    raises ConflictError. Returns whether anything was marked."""
    marked = False
    now = utcnow()
    if choices.follow_ups_done:
        seen = dict(choices.seen_follow_ups)
        for f in open_follow_ups(s, r.id):
            if f.id not in seen:
                raise _added_meanwhile()
            check_unchanged(s, _("A follow-up"), f, seen[f.id])
            f.done_on, f.done_by_id = on, actor.user_id
            f.updated_at, f.updated_by_id = now, actor.user_id
            audit.log(
                s, actor, AuditAction.COMPLETE_FOLLOW_UP, "record", r.id, detail=f"follow_up={f.id}"
            )
            marked = True
    if choices.referrals_no_feedback:
        seen = dict(choices.seen_referrals)
        for ref in waiting_referrals(s, r.id):
            if ref.id not in seen:
                raise _added_meanwhile()
            check_unchanged(s, _("A referral"), ref, seen[ref.id])
            ref.status, ref.feedback_on = ReferralStatus.NO_FEEDBACK, max(on, ref.referred_on)
            ref.updated_at, ref.updated_by_id = now, actor.user_id
            detail = f"referral={ref.id} status={ReferralStatus.NO_FEEDBACK.value}"
            audit.log(s, actor, AuditAction.REFERRAL_FEEDBACK, "record", r.id, detail=detail)
            marked = True
    return marked
