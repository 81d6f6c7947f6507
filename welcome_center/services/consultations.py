"""Consultations (Beratungskontakte): record, edit and remove one contact on a record."""

from __future__ import annotations

from sqlalchemy.orm import Session

from welcome_center.db.models import Consultation, ConsultationTopic, Record, User
from welcome_center.db.types import utcnow
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.audit import AuditAction
from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import ConsultationDraft
from welcome_center.domain.enums import RecordStatus, Vocabulary
from welcome_center.domain.errors import NotFoundError, ValidationError
from welcome_center.domain.permissions import Permission
from welcome_center.domain.views import ConsultationView
from welcome_center.i18n import _
from welcome_center.services import audit, cases, record_views, vocabularies
from welcome_center.services.context import Actor, Saved, record_changed
from welcome_center.services.locking import check_unchanged

MAX_MINUTES = 24 * 60


def _check(s: Session, r: Record, d: ConsultationDraft, old: Consultation | None = None) -> None:
    if d.held_on < r.opened_on:
        raise ValidationError(
            _("The consultation lies before the record was opened."), field="held_on"
        )
    if d.held_on > office_today():
        raise ValidationError(_("The consultation lies in the future."), field="held_on")
    if not 0 <= d.duration_minutes <= MAX_MINUTES:
        raise ValidationError(
            _("The duration must be between 0 and 1440 minutes."), field="duration_minutes"
        )
    if d.counsellor_id is not None and s.get(User, d.counsellor_id) is None:
        raise ValidationError(_("This counsellor does not exist."), field="counsellor")
    # Codes a consultation had before may stay even if retired since; new ones must be active.
    kept_channel = frozenset({old.channel}) if old is not None and old.channel else frozenset()
    kept_topics = frozenset(t.topic for t in old.topics) if old is not None else frozenset()
    if d.channel:
        vocabularies.require_codes(s, Vocabulary.CHANNEL, [d.channel], "channel", kept_channel)
    vocabularies.require_codes(s, Vocabulary.TOPIC, list(d.topics), "topics", kept_topics)


def _apply(c: Consultation, d: ConsultationDraft, actor: Actor) -> None:
    c.held_on = d.held_on
    c.duration_minutes = d.duration_minutes
    c.channel = d.channel or None
    c.counsellor_id = d.counsellor_id if d.counsellor_id is not None else actor.user_id
    c.is_first = d.is_first
    c.language = d.language.strip()
    c.interpreter = d.interpreter
    c.notes = d.notes
    c.topics = [ConsultationTopic(topic=t) for t in dict.fromkeys(d.topics)]


def record_consultation(
    uow: UnitOfWork, actor: Actor, record_id: int, draft: ConsultationDraft
) -> Saved[ConsultationView]:
    """Add a consultation to a record; a new record moves to "in progress"."""
    actor.require(Permission.WORK_RECORDS)
    with uow.begin() as s:
        r = cases.load(s, record_id)
        _check(s, r, draft)
        c = Consultation(record_id=r.id)
        _apply(c, draft, actor)
        s.add(c)
        if r.status is RecordStatus.NEW:
            r.status = RecordStatus.IN_PROGRESS
            r.updated_at, r.updated_by_id = utcnow(), actor.user_id
        s.flush()
        audit.log(
            s, actor, AuditAction.ADD_CONSULTATION, "record", r.id, detail=f"consultation={c.id}"
        )
        names = record_views.user_names(s)
        return Saved(record_views.consultation_view(c, names), record_changed(r.id))


def _load_unchanged(s: Session, consultation_id: int, expected_version: int) -> Consultation:
    """The consultation, if nobody changed it since the caller read ``expected_version``."""
    c = s.get(Consultation, consultation_id)
    if c is None:
        raise NotFoundError(_("This consultation does not exist."))
    check_unchanged(s, _("This consultation"), c, expected_version)
    return c


def update_consultation(
    uow: UnitOfWork,
    actor: Actor,
    consultation_id: int,
    draft: ConsultationDraft,
    expected_version: int,
) -> Saved[ConsultationView]:
    """Correct a consultation; a concurrent change by someone else raises ConflictError."""
    actor.require(Permission.WORK_RECORDS)
    with uow.begin() as s:
        c = _load_unchanged(s, consultation_id, expected_version)
        r = cases.load(s, c.record_id)
        _check(s, r, draft, old=c)
        _apply(c, draft, actor)
        c.updated_at, c.updated_by_id = utcnow(), actor.user_id
        s.flush()
        audit.log(
            s, actor, AuditAction.EDIT_CONSULTATION, "record", r.id, detail=f"consultation={c.id}"
        )
        names = record_views.user_names(s)
        return Saved(record_views.consultation_view(c, names), record_changed(r.id))


def delete_consultation(
    uow: UnitOfWork, actor: Actor, consultation_id: int, expected_version: int
) -> Saved[int]:
    """Remove a consultation entered by mistake, unless someone changed it meanwhile."""
    actor.require(Permission.WORK_RECORDS)
    with uow.begin() as s:
        c = _load_unchanged(s, consultation_id, expected_version)
        record_id = c.record_id
        s.delete(c)
        audit.log(
            s,
            actor,
            AuditAction.DELETE_CONSULTATION,
            "record",
            record_id,
            detail=f"consultation={consultation_id}",
        )
        return Saved(consultation_id, record_changed(record_id))
