"""Referrals (Verweise) to partners, and the partner's feedback; works without the partner
using this program."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session, selectinload

from welcome_center.db.models import Organisation, Record, Referral
from welcome_center.db.types import utcnow
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.audit import AuditAction
from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import ReferralDraft
from welcome_center.domain.enums import RecordStatus, ReferralStatus, Vocabulary
from welcome_center.domain.errors import NotFoundError, StateError, ValidationError
from welcome_center.domain.permissions import Permission
from welcome_center.domain.views import ReferralView
from welcome_center.i18n import _
from welcome_center.services import audit, cases, record_views, settings, visibility, vocabularies
from welcome_center.services.context import Actor, Saved, record_changed
from welcome_center.services.locking import check_unchanged
from welcome_center.services.privacy import consent


def _partner(s: Session, partner_id: int) -> Organisation:
    o = s.get(Organisation, partner_id)
    if o is None or not o.is_partner:
        raise ValidationError(_("Choose a partner from the partner directory."), field="partner")
    return o


def refer(
    uow: UnitOfWork,
    actor: Actor,
    record_id: int,
    draft: ReferralDraft,
    *,
    consent_override: str = "",
) -> Saved[ReferralView]:
    """Pass a record to a partner for a topic; the referral starts as "sent". It needs the
    client's consent to referrals to that partner (or to all partners) on the referral date;
    without one it is refused with ConsentMissingError, unless the office allows overrides and
    ``consent_override`` gives the reason (stored with the referral, and audited)."""
    actor.require(Permission.WORK_RECORDS)
    with uow.begin() as s:
        r = cases.load(s, record_id, actor)
        cases.require_client(
            r,
            _(
                "An anonymous enquiry cannot be referred: a referral passes the client's "
                "matter on to a partner and needs the client's consent. Assign a client first; "
                "until then, tell the caller where to turn."
            ),
        )
        partner = _partner(s, draft.partner_id)
        if not partner.active:
            raise ValidationError(_("This partner is no longer active."), field="partner")
        if draft.referred_on < r.opened_on or draft.referred_on > office_today():
            raise ValidationError(
                _("The referral date must lie between the opening date and today."),
                field="referred_on",
            )
        if draft.topic:
            vocabularies.require_codes(s, Vocabulary.TOPIC, [draft.topic], "topic")
        f = Referral(
            record_id=r.id,
            partner_id=partner.id,
            topic=draft.topic or None,
            referred_on=draft.referred_on,
            reason=draft.reason,
            status=ReferralStatus.SENT,
            created_by_id=actor.user_id,
        )  # its texts are checked as they are set: a bad reason is said before consent
        override = consent.check_referral(s, actor, r, partner, draft.referred_on, consent_override)
        f.consent_override_reason = override
        s.add(f)
        if r.status is RecordStatus.NEW:
            r.status = RecordStatus.IN_PROGRESS
        s.flush()
        audit.log(s, actor, AuditAction.REFER, "record", r.id, detail=f"referral={f.id}")
        if override is not None:
            consent.audit_override(s, actor, r.id, f.id)
        return Saved(record_views.referral_view(f), record_changed(r.id))


def record_feedback(
    uow: UnitOfWork,
    actor: Actor,
    referral_id: int,
    status: ReferralStatus,
    outcome: str = "",
    on: date | None = None,
    *,
    expected_version: int,
) -> Saved[ReferralView]:
    """Record what the partner answered: accepted, done, declined, or no feedback; a
    concurrent change by someone else raises ConflictError."""
    actor.require(Permission.WORK_RECORDS)
    if status is ReferralStatus.SENT:
        raise StateError(_("Choose what the partner answered."))
    on = on or office_today()
    with uow.begin() as s:
        f = s.get(Referral, referral_id)
        if f is None:
            raise NotFoundError(_("This referral does not exist."))
        visibility.check_record(s, actor, f.record_id)
        check_unchanged(s, _("This referral"), f, expected_version)
        if on < f.referred_on or on > office_today():
            raise ValidationError(
                _("The feedback date must lie between the referral date and today."),
                field="feedback_on",
            )
        f.status, f.outcome, f.feedback_on = status, outcome, on
        f.updated_at, f.updated_by_id = utcnow(), actor.user_id
        s.flush()
        audit.log(
            s,
            actor,
            AuditAction.REFERRAL_FEEDBACK,
            "record",
            f.record_id,
            detail=f"referral={f.id} status={status.value}",
        )
        return Saved(record_views.referral_view(f), record_changed(f.record_id))


def without_feedback(
    s: Session, today: date, older_than_days: int | None = None
) -> ColumnElement[bool]:
    """Referrals still "sent" for ``older_than_days`` (default: the office's feedback period)
    or longer on ``today``, of open records (a query joins ``Record`` for it)."""
    days = (
        older_than_days
        if older_than_days is not None
        else settings.current(s).referral_feedback_days
    )
    return and_(
        Referral.status == ReferralStatus.SENT,
        Referral.referred_on <= today - timedelta(days=days),
        Record.status != RecordStatus.CLOSED,
    )


def awaiting_feedback(
    uow: UnitOfWork,
    actor: Actor,
    counsellor_id: int | None = None,
    older_than_days: int | None = None,
) -> list[ReferralView]:
    """Referrals of open records still "sent" for the office's feedback period or longer
    (referred that many days ago or earlier), oldest first. A closed record's referrals are
    left out: its work is over, and closing offers to mark them "no feedback"; age alone would
    hide an open record's old referral, which is still worth chasing."""
    actor.require(Permission.WORK_RECORDS)
    with uow.read() as s:
        stmt = (
            select(Referral)
            .join(Record, Record.id == Referral.record_id)
            .where(
                without_feedback(s, office_today(), older_than_days),
                visibility.visible_records(s, actor),
            )
            .options(selectinload(Referral.partner))
            .order_by(Referral.referred_on, Referral.id)
        )
        if counsellor_id is not None:
            stmt = stmt.where(Record.counsellor_id == counsellor_id)
        return [record_views.referral_view(f) for f in s.scalars(stmt)]


def referrals_to_partner(
    uow: UnitOfWork, actor: Actor, partner_id: int, limit: int = 500
) -> list[ReferralView]:
    """The referrals sent to one partner from records the actor sees, newest first."""
    actor.require(Permission.WORK_RECORDS)
    with uow.read() as s:
        stmt = (
            select(Referral)
            .join(Record, Record.id == Referral.record_id)
            .where(Referral.partner_id == partner_id, visibility.visible_records(s, actor))
            .options(selectinload(Referral.partner))
            .order_by(Referral.referred_on.desc(), Referral.id.desc())
            .limit(limit)
        )
        return [record_views.referral_view(f) for f in s.scalars(stmt)]
