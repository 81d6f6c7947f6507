"""Consultations (Beratungskontakte): record, edit and remove one contact on a record."""

from __future__ import annotations

from sqlalchemy.orm import Session

from welcome_center.db.models import Consultation
from welcome_center.db.types import utcnow
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.audit import AuditAction
from welcome_center.domain.drafts import ConsultationDraft
from welcome_center.domain.errors import NotFoundError
from welcome_center.domain.permissions import Permission
from welcome_center.domain.views import ConsultationView
from welcome_center.i18n import _
from welcome_center.services import (
    audit,
    cases,
    consultation_rules,
    record_views,
    visibility,
)
from welcome_center.services.context import Actor, Saved, record_changed
from welcome_center.services.locking import check_unchanged


def record_consultation(
    uow: UnitOfWork, actor: Actor, record_id: int, draft: ConsultationDraft
) -> Saved[ConsultationView]:
    """Add a consultation to a record; a new record moves to "in progress"."""
    actor.require(Permission.WORK_RECORDS)
    with uow.begin() as s:
        r = cases.load(s, record_id, actor)
        c = consultation_rules.add(s, actor, r, draft)
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
        r = cases.load(s, c.record_id, actor)
        consultation_rules.check(s, r, draft, old=c)
        consultation_rules.apply(c, draft, actor)
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
        visibility.check_record(s, actor, record_id)
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
