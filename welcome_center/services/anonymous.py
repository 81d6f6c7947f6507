"""Anonymous enquiries (DOMAIN.md): a caller who gave no name is recorded without a client, and
gets one when they come back and give it."""

from __future__ import annotations

from welcome_center.db.models import Organisation, Person
from welcome_center.db.types import utcnow
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.audit import AuditAction
from welcome_center.domain.drafts import ClientChoice
from welcome_center.domain.enums import ClientKind
from welcome_center.domain.errors import StateError, ValidationError
from welcome_center.domain.permissions import Permission
from welcome_center.domain.views import RecordDetails
from welcome_center.i18n import _
from welcome_center.services import audit, cases, record_views, visibility
from welcome_center.services.context import Actor, Changes, Saved, record_changed
from welcome_center.services.locking import check_unchanged


def assign_client(
    uow: UnitOfWork, actor: Actor, record_id: int, client: ClientChoice, expected_version: int
) -> Saved[RecordDetails]:
    """The caller of an anonymous enquiry gave a name: the person or organisation becomes the
    record's client and the record is anonymous no more (audited as ``assign_client``). Only an
    anonymous record, not yet anonymised by the retention rules, takes a client this way."""
    actor.require(Permission.WORK_RECORDS)
    with uow.begin() as s:
        r = cases.load(s, record_id, actor)
        check_unchanged(s, _("This record"), r, expected_version)
        if not r.anonymous:
            raise StateError(_("This record has a client already."))
        if r.anonymised_at is not None:
            raise StateError(_("This record is anonymised; it can no longer be given a client."))
        if client.kind is ClientKind.PERSON:
            exists = s.get(Person, client.id) is not None
            visibility.check_person(s, actor, client.id)
        else:
            exists = s.get(Organisation, client.id) is not None
            visibility.check_organisation(s, actor, client.id)
        if not exists:
            raise ValidationError(
                _("Choose the client again; it no longer exists."), field="client"
            )
        cases.set_client(r, client)
        r.updated_at, r.updated_by_id = utcnow(), actor.user_id
        s.flush()
        audit.log(
            s, actor, AuditAction.ASSIGN_CLIENT, "record", r.id, cases.CLIENT_FIELDS, client.kind
        )
        person = client.kind is ClientKind.PERSON
        their = Changes(
            persons=frozenset({client.id}) if person else frozenset(),
            organisations=frozenset() if person else frozenset({client.id}),
        )
        return Saved(record_views.details(s, r), record_changed(r.id) | their)
