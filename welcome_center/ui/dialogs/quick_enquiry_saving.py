"""The quick enquiry's writes of a new client: the person, or the organisation with its contact
person, created when the enquiry is saved (:mod:`welcome_center.ui.dialogs.quick_enquiry`)."""

from __future__ import annotations

from welcome_center.domain.drafts import ContactDraft, OrganisationDraft, PersonDraft
from welcome_center.domain.enums import ClientKind
from welcome_center.domain.views import ClientRef, DuplicateCandidate, OrganisationView
from welcome_center.services import people
from welcome_center.services.context import Actor, Saved, UnitOfWork


def create_client(
    uow: UnitOfWork,
    actor: Actor,
    draft: PersonDraft | OrganisationDraft,
    accept: bool,
    contacts: tuple[ContactDraft, ...] = (),
) -> Saved[ClientRef | list[DuplicateCandidate]]:
    """Create the person, or the organisation with its ``contacts`` (one transaction); possible
    duplicates come back as the value (with no changes) instead of an error, so that the form
    can list them."""
    try:
        if isinstance(draft, PersonDraft):
            person = people.create_person(uow, actor, draft, accept_duplicates=accept)
            ref = ClientRef(ClientKind.PERSON, person.value.id, person.value.display_name)
            return Saved(ref, person.changes)
        org = people.create_organisation(
            uow, actor, draft, accept_duplicates=accept, contacts=contacts
        )
    except people.DuplicateCandidatesError as exc:
        return Saved(list(exc.candidates))
    return Saved(ClientRef(ClientKind.ORGANISATION, org.value.id, org.value.name), org.changes)


def add_contacts(
    uow: UnitOfWork, actor: Actor, org_id: int, contacts: tuple[ContactDraft, ...]
) -> Saved[OrganisationView]:
    """Add ``contacts`` to an existing organisation's contact persons (one of the same name is
    not added twice): the contact person typed for a new organisation that turned out to be
    recorded already is not lost."""
    org = people.get_organisation(uow, actor, org_id)
    known = {c.name.casefold() for c in org.contacts}
    new = [c for c in contacts if c.name.strip().casefold() not in known]
    if not new:
        return Saved(org)
    kept = [
        ContactDraft(name=c.name, function=c.function, email=c.email, phone=c.phone, id=c.id)
        for c in org.contacts
    ]
    versions = {c.id: c.version for c in org.contacts}
    return people.set_contacts(uow, actor, org_id, [*kept, *new], versions)
