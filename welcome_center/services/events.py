"""Events (Veranstaltungen): counted in reports, not as enquiries."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from welcome_center.db.models import Event, EventPartner, Organisation
from welcome_center.db.types import utcnow
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.audit import AuditAction
from welcome_center.domain.drafts import EventDraft
from welcome_center.domain.enums import EventKind
from welcome_center.domain.errors import NotFoundError, ValidationError
from welcome_center.domain.permissions import Permission
from welcome_center.domain.views import EventView
from welcome_center.i18n import _
from welcome_center.services import audit
from welcome_center.services.context import Actor, Changes, Saved
from welcome_center.services.locking import check_unchanged


def _view(e: Event) -> EventView:
    return EventView(
        e.id,
        e.title,
        e.kind.value,
        e.held_on,
        e.target_group,
        e.participants,
        tuple(sorted(p.organisation_id for p in e.partners)),
        e.notes,
        e.version,
    )


def _apply(s: Session, e: Event, d: EventDraft) -> None:
    if not d.title.strip():
        raise ValidationError(_("Enter the event's title."), field="title")
    try:
        kind = EventKind(d.kind)
    except ValueError:
        raise ValidationError(_("Choose the kind of event."), field="kind") from None
    if d.participants < 0:
        raise ValidationError(
            _("The number of participants cannot be negative."), field="participants"
        )
    for pid in d.partner_ids:
        o = s.get(Organisation, pid)
        if o is None or not o.is_partner:
            raise ValidationError(
                _("Choose partners from the partner directory."), field="partners"
            )
    e.title, e.kind, e.held_on = d.title.strip(), kind, d.held_on
    e.target_group, e.participants, e.notes = d.target_group.strip(), d.participants, d.notes
    e.partners = [EventPartner(organisation_id=p) for p in dict.fromkeys(d.partner_ids)]


def add_event(uow: UnitOfWork, actor: Actor, draft: EventDraft) -> Saved[EventView]:
    """Record an information event, workshop or training."""
    actor.require(Permission.WORK_RECORDS)
    with uow.begin() as s:
        e = Event(partners=[])
        _apply(s, e, draft)
        s.add(e)
        s.flush()
        audit.log(s, actor, AuditAction.CREATE, "event", e.id)
        return Saved(_view(e), Changes())


def update_event(
    uow: UnitOfWork, actor: Actor, event_id: int, draft: EventDraft, expected_version: int
) -> Saved[EventView]:
    """Correct an event; a concurrent change by someone else raises ConflictError."""
    actor.require(Permission.WORK_RECORDS)
    with uow.begin() as s:
        e = s.get(Event, event_id)
        if e is None:
            raise NotFoundError(_("This event does not exist."))
        check_unchanged(s, _("This event"), e, expected_version)
        _apply(s, e, draft)
        e.updated_at, e.updated_by_id = utcnow(), actor.user_id
        s.flush()
        audit.log(s, actor, AuditAction.UPDATE, "event", e.id)
        return Saved(_view(e), Changes())


def list_events(uow: UnitOfWork, actor: Actor) -> list[EventView]:
    """All events, newest first."""
    actor.require(Permission.WORK_RECORDS)
    with uow.read() as s:
        rows = s.scalars(
            select(Event)
            .options(selectinload(Event.partners))
            .order_by(Event.held_on.desc(), Event.id.desc())
        )
        return [_view(e) for e in rows]
