"""Recognition procedures (Anerkennungsverfahren): one per foreign qualification on a record."""

from __future__ import annotations

from dataclasses import asdict, replace

from sqlalchemy.orm import Session

from welcome_center.db.models import RecognitionProcedure
from welcome_center.db.types import utcnow
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.audit import AuditAction
from welcome_center.domain.drafts import RecognitionDraft
from welcome_center.domain.enums import RecognitionDecision, RecognitionState
from welcome_center.domain.errors import NotFoundError, ValidationError
from welcome_center.domain.permissions import Permission
from welcome_center.domain.views import RecognitionView
from welcome_center.i18n import _
from welcome_center.services import audit, cases, countries, record_views, visibility
from welcome_center.services.context import Actor, Saved, record_changed
from welcome_center.services.locking import check_unchanged

_DECIDED = {
    RecognitionState.DECIDED,
    RecognitionState.COMPENSATION_MEASURE,
    RecognitionState.CLOSED,
}


def _check(d: RecognitionDraft) -> RecognitionDraft:
    """The draft as stored (the training country as an upper-case code), or a ValidationError."""
    if not d.qualification.strip():
        raise ValidationError(_("Enter the foreign qualification."), field="qualification")
    if d.decision is not None and d.state not in _DECIDED:
        raise ValidationError(
            _("A decision needs the state \u201cdecided\u201d or later."), field="decision"
        )
    if d.decision is RecognitionDecision.ZAB_STATEMENT and d.regulated:
        raise ValidationError(
            _("A ZAB statement is for degrees in non-regulated occupations."), field="decision"
        )
    if d.submitted_on and d.decided_on and d.decided_on < d.submitted_on:
        raise ValidationError(_("The decision lies before the submission."), field="decided_on")
    country = (d.training_country or "").strip().upper() or None
    if country and not countries.is_country(country):
        raise ValidationError(
            _("%(code)s is not a country code (ISO 3166-1, e.g. DE, VN, UA).") % {"code": country},
            field="training_country",
        )
    return replace(d, training_country=country)


def add_procedure(
    uow: UnitOfWork, actor: Actor, record_id: int, draft: RecognitionDraft
) -> Saved[RecognitionView]:
    """Start tracking the recognition of a qualification on a record."""
    actor.require(Permission.WORK_RECORDS)
    draft = _check(draft)
    with uow.begin() as s:
        r = cases.load(s, record_id, actor)
        cases.require_client(
            r,
            _(
                "A recognition procedure is followed for a client over time: assign a client "
                "to the anonymous enquiry first."
            ),
        )
        p = RecognitionProcedure(record_id=r.id, person_id=r.client_person_id, **asdict(draft))
        s.add(p)
        s.flush()
        audit.log(
            s, actor, AuditAction.ADD_RECOGNITION, "record", r.id, detail=f"recognition={p.id}"
        )
        return Saved(record_views.recognition_view(p), record_changed(r.id))


def _load(s: Session, procedure_id: int) -> RecognitionProcedure:
    p = s.get(RecognitionProcedure, procedure_id)
    if p is None:
        raise NotFoundError(_("This recognition procedure does not exist."))
    return p


def update_procedure(
    uow: UnitOfWork,
    actor: Actor,
    procedure_id: int,
    draft: RecognitionDraft,
    expected_version: int,
) -> Saved[RecognitionView]:
    """Change a procedure's state, decision or details; a concurrent change by someone else
    raises ConflictError."""
    actor.require(Permission.WORK_RECORDS)
    draft = _check(draft)
    with uow.begin() as s:
        p = _load(s, procedure_id)
        visibility.check_record(s, actor, p.record_id)
        check_unchanged(s, _("This recognition procedure"), p, expected_version)
        before = audit.snapshot(p, asdict(draft))
        for k, v in asdict(draft).items():
            setattr(p, k, v)
        p.updated_at, p.updated_by_id = utcnow(), actor.user_id
        s.flush()
        audit.log(
            s,
            actor,
            AuditAction.EDIT_RECOGNITION,
            "record",
            p.record_id,
            audit.changed_fields(before, asdict(draft)),
            detail=f"recognition={p.id}",
        )
        return Saved(record_views.recognition_view(p), record_changed(p.record_id))
