"""What a consultation must satisfy and how one is added to a record, inside the caller's
transaction: used by :mod:`consultations` (a contact recorded on its own) and by
:func:`cases.open_record` (the contact that brought an enquiry, saved with it)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from welcome_center.db.models import Consultation, ConsultationTopic, Record, User
from welcome_center.db.types import utcnow
from welcome_center.domain.audit import AuditAction
from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import ConsultationDraft
from welcome_center.domain.enums import RecordStatus, Vocabulary
from welcome_center.domain.errors import ValidationError
from welcome_center.i18n import _
from welcome_center.services import audit, vocabularies
from welcome_center.services.context import Actor

MAX_MINUTES = 24 * 60


def check(s: Session, r: Record, d: ConsultationDraft, old: Consultation | None = None) -> None:
    """ValidationError (with its field) unless ``d`` may be a consultation of ``r``; ``old`` is
    the consultation being corrected, whose retired codes may stay."""
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


def apply(c: Consultation, d: ConsultationDraft, actor: Actor) -> None:
    """Write ``d`` onto ``c`` (the counsellor defaults to the actor)."""
    c.held_on = d.held_on
    c.duration_minutes = d.duration_minutes
    c.channel = d.channel or None
    c.counsellor_id = d.counsellor_id if d.counsellor_id is not None else actor.user_id
    c.is_first = d.is_first
    c.language = d.language.strip()
    c.interpreter = d.interpreter
    c.notes = d.notes
    c.topics = [ConsultationTopic(topic=t) for t in dict.fromkeys(d.topics)]


def add(s: Session, actor: Actor, r: Record, d: ConsultationDraft) -> Consultation:
    """Check ``d`` and add it to ``r`` (flushed and audited); a new record moves to "in
    progress", as after any contact."""
    check(s, r, d)
    c = Consultation(record_id=r.id)
    apply(c, d, actor)
    s.add(c)
    if r.status is RecordStatus.NEW:
        r.status = RecordStatus.IN_PROGRESS
        r.updated_at, r.updated_by_id = utcnow(), actor.user_id
    s.flush()
    audit.log(s, actor, AuditAction.ADD_CONSULTATION, "record", r.id, detail=f"consultation={c.id}")
    return c
