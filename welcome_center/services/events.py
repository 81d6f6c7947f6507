"""Events (Veranstaltungen): counted in reports, not as enquiries.

Counsellors and administrators record and correct them (``MANAGE_EVENTS``); managers read the
list (``VIEW_STATISTICS``) without the notes, the one free text where a name could stand. Every
save is one transaction, checked against the version the user saw, and audited with the fields
it changed.
"""

from __future__ import annotations

from datetime import date

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

# What a change is compared on for the audit log (the partners as their ids).
_AUDITED = (
    "title",
    "kind",
    "held_on",
    "target_group",
    "participants",
    "participants_persons",
    "participants_organisations",
    "notes",
)
_CHANGED = Changes(events=True)


def _view(e: Event, notes: bool = True) -> EventView:
    """The event; without its notes (free text that may name someone) for a manager."""
    return EventView(
        id=e.id,
        title=e.title,
        kind=e.kind.value,
        held_on=e.held_on,
        target_group=e.target_group,
        participants=e.participants,
        participants_persons=e.participants_persons,
        participants_organisations=e.participants_organisations,
        partner_ids=tuple(sorted(p.organisation_id for p in e.partners)),
        notes=e.notes if notes else "",
        version=e.version,
    )


def split_message(total: int, persons: int | None, orgs: int | None) -> str:
    """Why a split of the participants is refused (the desk and the import say the same)."""
    return _(
        "Persons (%(persons)d) and organisations (%(orgs)d) together are more than the "
        "%(total)d participants in total."
    ) % {"persons": persons or 0, "orgs": orgs or 0, "total": total}


def _check_counts(d: EventDraft) -> None:
    if d.participants < 0:
        raise ValidationError(
            _("The number of participants cannot be negative."), field="participants"
        )
    for name, value in (
        ("participants_persons", d.participants_persons),
        ("participants_organisations", d.participants_organisations),
    ):
        if value is not None and value < 0:
            raise ValidationError(_("The number of participants cannot be negative."), field=name)
    split = (d.participants_persons or 0) + (d.participants_organisations or 0)
    if split > d.participants:
        raise ValidationError(
            split_message(d.participants, d.participants_persons, d.participants_organisations),
            field="participants_split",
        )


def _apply(s: Session, e: Event, d: EventDraft) -> None:
    if not d.title.strip():
        raise ValidationError(_("Enter the event's title."), field="title")
    try:
        kind = EventKind(d.kind)
    except ValueError:
        raise ValidationError(_("Choose the kind of event."), field="kind") from None
    _check_counts(d)
    for pid in d.partner_ids:
        o = s.get(Organisation, pid)
        if o is None or not o.is_partner:
            raise ValidationError(
                _("Choose partners from the partner directory."), field="partners"
            )
    e.title, e.kind, e.held_on = d.title.strip(), kind, d.held_on
    e.target_group, e.participants, e.notes = d.target_group.strip(), d.participants, d.notes
    e.participants_persons = d.participants_persons
    e.participants_organisations = d.participants_organisations
    wanted = list(dict.fromkeys(d.partner_ids))
    if [p.organisation_id for p in e.partners] != wanted:
        e.partners = [EventPartner(organisation_id=p) for p in wanted]


def create(s: Session, actor: Actor, draft: EventDraft) -> Event:
    """A new event in the caller's transaction, audited (the desk and the import)."""
    e = Event(partners=[])
    _apply(s, e, draft)
    s.add(e)
    s.flush()
    audit.log(s, actor, AuditAction.CREATE, "event", e.id)
    return e


def add_event(uow: UnitOfWork, actor: Actor, draft: EventDraft) -> Saved[EventView]:
    """Record an information event, workshop, training or job fair."""
    actor.require(Permission.MANAGE_EVENTS)
    with uow.begin() as s:
        return Saved(_view(create(s, actor, draft)), _CHANGED)


def update_event(
    uow: UnitOfWork, actor: Actor, event_id: int, draft: EventDraft, expected_version: int
) -> Saved[EventView]:
    """Correct an event; a concurrent change by someone else raises ConflictError."""
    actor.require(Permission.MANAGE_EVENTS)
    with uow.begin() as s:
        e = _event(s, event_id)
        check_unchanged(s, _("This event"), e, expected_version)
        before = audit.snapshot(e, _AUDITED) | {"partners": _view(e).partner_ids}
        _apply(s, e, draft)
        after = audit.snapshot(e, _AUDITED) | {"partners": tuple(sorted(set(draft.partner_ids)))}
        changed = audit.changed_fields(before, after)
        if changed:  # the row changes with its partners too, so that its version counts up
            e.updated_at, e.updated_by_id = utcnow(), actor.user_id
        s.flush()
        audit.log(s, actor, AuditAction.UPDATE, "event", e.id, changed)
        return Saved(_view(e), _CHANGED)


def get_event(uow: UnitOfWork, actor: Actor, event_id: int) -> EventView:
    """One event as saved now (to compare with a colleague's change)."""
    actor.require_any(Permission.MANAGE_EVENTS, Permission.VIEW_STATISTICS)
    with uow.read() as s:
        return _view(_event(s, event_id), actor.may(Permission.MANAGE_EVENTS))


def list_events(uow: UnitOfWork, actor: Actor, year: int | None = None) -> list[EventView]:
    """The events (of ``year``, or all), newest first."""
    actor.require_any(Permission.MANAGE_EVENTS, Permission.VIEW_STATISTICS)
    with uow.read() as s:
        stmt = select(Event).options(selectinload(Event.partners))
        if year is not None:
            stmt = stmt.where(Event.held_on.between(date(year, 1, 1), date(year, 12, 31)))
        rows = s.scalars(stmt.order_by(Event.held_on.desc(), Event.id.desc()))
        notes = actor.may(Permission.MANAGE_EVENTS)
        return [_view(e, notes) for e in rows]


def event_years(uow: UnitOfWork, actor: Actor) -> list[int]:
    """The years events were held in, newest first (the page's filter)."""
    actor.require_any(Permission.MANAGE_EVENTS, Permission.VIEW_STATISTICS)
    with uow.read() as s:
        days = s.scalars(select(Event.held_on).distinct())
        return sorted({d.year for d in days}, reverse=True)


def _event(s: Session, event_id: int) -> Event:
    e = s.get(Event, event_id, options=[selectinload(Event.partners)])
    if e is None:
        raise NotFoundError(_("This event does not exist."))
    return e
