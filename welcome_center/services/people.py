"""Persons and organisations: create, edit (conflicts detected), duplicate candidates, lookup."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict
from typing import Any

from sqlalchemy import ARRAY, Select, String, bindparam, func, inspect, or_, select
from sqlalchemy.orm import Session, defer
from sqlalchemy.orm.base import NO_VALUE

from welcome_center.db import search as db_search
from welcome_center.db.models import ContactPerson, Organisation, Person
from welcome_center.db.types import utcnow
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.audit import AuditAction
from welcome_center.domain.drafts import ContactDraft, OrganisationDraft, PersonDraft
from welcome_center.domain.enums import ClientKind
from welcome_center.domain.errors import DomainError, NotFoundError, ValidationError
from welcome_center.domain.permissions import Permission
from welcome_center.domain.rules import organisation_key, person_key
from welcome_center.domain.text import fold
from welcome_center.domain.views import (
    ClientHit,
    ClientRef,
    ContactPersonView,
    DuplicateCandidate,
    OrganisationView,
    PersonView,
)
from welcome_center.i18n import _, format_date
from welcome_center.services import audit, record_views, server_accounts, visibility
from welcome_center.services.client_checks import check_email, clean_org, clean_person
from welcome_center.services.client_facts import organisation_facts, person_facts
from welcome_center.services.context import Actor, Changes, Saved
from welcome_center.services.duplicates import person_candidates
from welcome_center.services.locking import check_unchanged, check_version


class DuplicateCandidatesError(DomainError):
    """Possible duplicates exist; show them, then save again with ``accept_duplicates=True``."""

    code = "duplicate_candidates"

    def __init__(self, candidates: list[DuplicateCandidate]) -> None:
        super().__init__(_("This may already be recorded. Check the candidates before saving."))
        self.candidates = candidates


# --- views -----------------------------------------------------------------------------------


def person_view(p: Person) -> PersonView:
    return PersonView(
        id=p.id,
        family_name=p.family_name,
        given_name=p.given_name,
        birth_date=p.birth_date,
        nationality=p.nationality,
        municipality=p.municipality,
        email=p.email,
        phone=p.phone,
        languages=p.languages,
        notes=p.notes,
        version=p.version,
        updated_at=p.updated_at,
        birth_year=p.birth_year,
        nationality_2=p.nationality_2,
        gender=p.gender,
        employment_status=p.employment_status,
        education=p.education,
        german_level=p.german_level,
        arrival_year=p.arrival_year,
    )


def organisation_view(o: Organisation, with_contacts: bool = True) -> OrganisationView:
    contacts = tuple(
        ContactPersonView(
            id=c.id,
            name=c.name,
            function=c.function,
            email=c.email,
            phone=c.phone,
            version=c.version,
        )
        for c in (o.contacts if with_contacts else ())
    )
    return OrganisationView(
        id=o.id,
        name=o.name,
        short_name=o.short_name,
        code=o.code,
        is_partner=o.is_partner,
        municipality=o.municipality,
        email=o.email,
        phone=o.phone,
        website=o.website,
        notes=_loaded(o, "notes", ""),
        active=o.active,
        contacts=contacts,
        version=o.version,
        updated_at=o.updated_at,
        kind=o.kind,
        size=o.size,
    )


def _loaded(o: object, name: str, default: str) -> str:
    """An attribute's value, or ``default`` where the query left it out (list_partners)."""
    value = inspect(o).attrs[name].loaded_value
    return default if value is NO_VALUE else str(value)


def person_name(family_name: str, given_name: str) -> str:
    return record_views.person_name(family_name, given_name)


def client_ref(kind: ClientKind, item: Person | Organisation) -> ClientRef:
    if isinstance(item, Person):
        return ClientRef(kind, item.id, person_name(item.family_name, item.given_name))
    return ClientRef(kind, item.id, item.name)


# --- duplicate candidates --------------------------------------------------------------------


def organisation_candidates(
    s: Session, name: str, exclude: int | None = None, actor: Actor | None = None
) -> list[DuplicateCandidate]:
    """Organisations whose name is the same, ignoring case, accents and the legal form; with
    ``actor``, those the actor sees."""
    stmt = select(Organisation).where(Organisation.name_key == organisation_key(name))
    if actor is not None:
        stmt = stmt.where(visibility.visible_organisations(s, actor))
    if exclude is not None:
        stmt = stmt.where(Organisation.id != exclude)
    found = list(s.scalars(stmt.order_by(Organisation.id)))
    facts = organisation_facts(s, found)
    return [
        DuplicateCandidate(
            kind=ClientKind.ORGANISATION,
            id=o.id,
            display_name=o.name,
            birth_date=None,
            reason=_("same name"),
            facts=facts[o.id],
        )
        for o in found
    ]


def find_duplicates(
    uow: UnitOfWork,
    actor: Actor,
    draft: PersonDraft | OrganisationDraft,
    exclude: int | None = None,
) -> list[DuplicateCandidate]:
    """Candidates an entry may duplicate, to show before it is saved."""
    actor.require(Permission.WORK_RECORDS)
    with uow.read() as s:
        if isinstance(draft, PersonDraft):
            return person_candidates(s, draft, exclude, actor)
        return organisation_candidates(s, draft.name, exclude, actor)


# --- persons ---------------------------------------------------------------------------------


def create_person(
    uow: UnitOfWork, actor: Actor, draft: PersonDraft, accept_duplicates: bool = False
) -> Saved[PersonView]:
    """Record a new person. Raises DuplicateCandidatesError when the person may exist already,
    unless the user has seen the candidates (``accept_duplicates``)."""
    actor.require(Permission.WORK_RECORDS)
    with uow.begin() as s:
        d = clean_person(s, draft)
        # Built first: the text guard refuses a control character under its field before the
        # name goes into a query (PostgreSQL refuses a NUL in any statement's text).
        p = Person(
            **asdict(d),
            name_key=person_key(d.family_name, d.given_name),
            updated_by_id=actor.user_id,
        )
        if not accept_duplicates and (found := person_candidates(s, d, actor=actor)):
            raise DuplicateCandidatesError(found)
        s.add(p)
        s.flush()
        audit.log(s, actor, AuditAction.CREATE, "person", p.id)
        return Saved(person_view(p), Changes(persons=frozenset({p.id})))


def update_person(
    uow: UnitOfWork, actor: Actor, person_id: int, draft: PersonDraft, expected_version: int
) -> Saved[PersonView]:
    """Change a person; a concurrent change by someone else raises ConflictError."""
    actor.require(Permission.WORK_RECORDS)
    with uow.begin() as s:
        p = _person(s, person_id)
        visibility.check_person(s, actor, p.id)
        check_unchanged(s, _("This person"), p, expected_version)
        d = clean_person(s, draft, kept=p.municipality)
        _save_changes(s, actor, p, asdict(d), person_key(d.family_name, d.given_name), "person")
        return Saved(person_view(p), Changes(persons=frozenset({p.id})))


def _save_changes(
    s: Session,
    actor: Actor,
    item: Person | Organisation,
    values: dict[str, object],
    name_key: str,
    entity: str,
) -> None:
    """Write a cleaned draft onto a person or organisation, stamp it, audit the changed fields."""
    before = audit.snapshot(item, values)
    for k, v in values.items():
        setattr(item, k, v)
    item.name_key = name_key
    item.updated_at, item.updated_by_id = utcnow(), actor.user_id
    s.flush()
    audit.log(s, actor, AuditAction.UPDATE, entity, item.id, audit.changed_fields(before, values))


def _person(s: Session, person_id: int) -> Person:
    p = s.get(Person, person_id)
    if p is None:
        raise NotFoundError(_("This person does not exist (any more)."))
    return p


def get_person(uow: UnitOfWork, actor: Actor, person_id: int) -> PersonView:
    """A person's details (the read is audited)."""
    actor.require(Permission.WORK_RECORDS)
    with uow.begin() as s:
        p = _person(s, person_id)
        visibility.check_person(s, actor, p.id)
        audit.log(s, actor, AuditAction.READ, "person", p.id)
        return person_view(p)


# --- organisations ---------------------------------------------------------------------------


def create_organisation(
    uow: UnitOfWork,
    actor: Actor,
    draft: OrganisationDraft,
    accept_duplicates: bool = False,
    contacts: Iterable[ContactDraft] = (),
) -> Saved[OrganisationView]:
    """Record a new organisation (a partner needs the partner-directory permission), with its
    first contact persons in the same transaction."""
    actor.require(Permission.MANAGE_PARTNERS if draft.is_partner else Permission.WORK_RECORDS)
    with uow.begin() as s:
        d = clean_org(s, draft, None)
        first_contacts = [_clean_contact(c) for c in contacts]
        o = Organisation(  # built first, as a person is (the text guard before a query)
            **asdict(d), name_key=organisation_key(d.name), updated_by_id=actor.user_id
        )
        if not accept_duplicates and (found := organisation_candidates(s, d.name, actor=actor)):
            raise DuplicateCandidatesError(found)
        o.contacts = [
            ContactPerson(
                name=c.name,
                function=c.function,
                email=c.email,
                phone=c.phone,
                updated_by_id=actor.user_id,
            )
            for c in first_contacts
        ]
        s.add(o)
        s.flush()
        audit.log(s, actor, AuditAction.CREATE, "organisation", o.id)
        return Saved(organisation_view(o), Changes(organisations=frozenset({o.id})))


def update_organisation(
    uow: UnitOfWork, actor: Actor, org_id: int, draft: OrganisationDraft, expected_version: int
) -> Saved[OrganisationView]:
    """Change an organisation; a concurrent change by someone else raises ConflictError."""
    with uow.begin() as s:
        o = _organisation(s, org_id)
        partner = o.is_partner or draft.is_partner
        actor.require(Permission.MANAGE_PARTNERS if partner else Permission.WORK_RECORDS)
        visibility.check_organisation(s, actor, o.id)
        check_unchanged(s, _("This organisation"), o, expected_version)
        d = clean_org(s, draft, o.id, kept=o.municipality)
        _save_changes(s, actor, o, asdict(d), organisation_key(d.name), "organisation")
        return Saved(organisation_view(o), Changes(organisations=frozenset({o.id})))


def _organisation(s: Session, org_id: int) -> Organisation:
    o = s.get(Organisation, org_id)
    if o is None:
        raise NotFoundError(_("This organisation does not exist (any more)."))
    return o


def get_organisation(uow: UnitOfWork, actor: Actor, org_id: int) -> OrganisationView:
    """An organisation with its contact persons (the read is audited). A partner of the
    directory is read by whoever works records or keeps the directory."""
    with uow.begin() as s:
        o = _organisation(s, org_id)
        if o.is_partner:
            actor.require_any(Permission.WORK_RECORDS, Permission.MANAGE_PARTNERS)
        else:
            actor.require(Permission.WORK_RECORDS)
            visibility.check_organisation(s, actor, o.id)
        audit.log(s, actor, AuditAction.READ, "organisation", o.id)
        return organisation_view(o)


def list_partners(uow: UnitOfWork, active_only: bool = True) -> list[OrganisationView]:
    """The partner directory, by short name."""
    with uow.read() as s:
        stmt = select(Organisation).where(Organisation.is_partner.is_(True))
        # A manager's login on a team server: the directory without notes and contacts.
        full = server_accounts.may_read(s, "organisations", "notes")
        if not full:
            stmt = stmt.options(defer(Organisation.notes))
        if active_only:
            stmt = stmt.where(Organisation.active.is_(True))
        rows = s.scalars(stmt)
        views = (organisation_view(o, with_contacts=full) for o in rows)
        return sorted(views, key=lambda o: o.display_name.casefold())


def set_contacts(
    uow: UnitOfWork,
    actor: Actor,
    org_id: int,
    contacts: Iterable[ContactDraft],
    expected_versions: Mapping[int, int] | None = None,
) -> Saved[OrganisationView]:
    """Make ``contacts`` an organisation's contact persons: a line with an id changes that
    contact person, a line without one adds one, and one left out is removed.
    ``expected_versions`` maps each contact person the caller loaded to its version (None: the
    caller loaded none); one that someone else changed, added or removed since raises
    ConflictError, and nothing is saved."""
    with uow.begin() as s:
        o = _organisation(s, org_id)
        actor.require(Permission.MANAGE_PARTNERS if o.is_partner else Permission.WORK_RECORDS)
        visibility.check_organisation(s, actor, o.id)
        drafts = [_clean_contact(c) for c in contacts]
        current = {c.id: c for c in o.contacts}
        _check_contact_versions(s, o, current, expected_versions or {}, drafts)
        now = utcnow()
        kept = []
        for d in drafts:
            c = current[d.id] if d.id is not None else ContactPerson(updated_by_id=actor.user_id)
            values = {"name": d.name, "function": d.function, "email": d.email, "phone": d.phone}
            if c.id is None or any(getattr(c, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(c, k, v)
                c.updated_at, c.updated_by_id = now, actor.user_id
            kept.append(c)
        o.contacts = kept
        o.updated_at, o.updated_by_id = now, actor.user_id
        audit.log(s, actor, AuditAction.UPDATE, "organisation", o.id, ["contacts"])
        s.flush()
        return Saved(organisation_view(o), Changes(organisations=frozenset({o.id})))


def _clean_contact(c: ContactDraft) -> ContactDraft:
    if not c.name.strip():
        raise ValidationError(_("Enter the contact person's name."), field="contact_name")
    check_email(c.email, "contact_email")
    return ContactDraft(
        name=c.name.strip(),
        function=c.function.strip(),
        email=c.email.strip(),
        phone=c.phone.strip(),
        id=c.id,
    )


def _check_contact_versions(
    s: Session,
    o: Organisation,
    current: Mapping[int, ContactPerson],
    expected: Mapping[int, int],
    drafts: Iterable[ContactDraft],
) -> None:
    """ConflictError if a contact person was changed, added or removed since it was loaded."""
    what = _("A contact person of this organisation")
    for cid, c in current.items():
        # One added by someone else has no expected version: it never matches.
        when = c.updated_at or o.updated_at
        check_version(s, what, c.version, expected.get(cid, 0), c.updated_by_id, when)
    gone = [cid for cid in expected if cid not in current]
    gone += [d.id for d in drafts if d.id is not None and d.id not in current]
    if gone:
        # Removed meanwhile: whoever last changed the organisation's contacts did it.
        check_version(s, what, 0, expected.get(gone[0], 1), o.updated_by_id, o.updated_at)


# --- lookup ----------------------------------------------------------------------------------


def search_clients(uow: UnitOfWork, actor: Actor, text: str, limit: int = 20) -> list[ClientHit]:
    """Persons and organisations whose name contains every typed word (case and accents ignored),
    for the client field of a form, each with the facts that tell same names apart."""
    actor.require(Permission.WORK_RECORDS)
    # "Müller, Anna" as lists show a person: the comma separates, it is not part of a name.
    words = [fold(w) for w in text.replace(",", " ").split() if fold(w)]
    if not words:
        return []
    # An organisation's key leaves out the legal form ("Muster GmbH" is kept as "muster"), so the
    # typed one is left out too, unless it is all that was typed (as the start of "Agentur").
    org_words = organisation_key(text).split() or words
    with uow.begin() as s:
        if db_search.looks_up_through_function(s):
            # A login under row-level security: the server's functions find the clients the
            # login sees (db/server_functions.py, CLIENT_LOOKUP); the policies test only those.
            pstmt = _looked_up(Person, "wc_person_lookup", words, limit)
            ostmt = _looked_up(Organisation, "wc_organisation_lookup", org_words, limit)
        else:
            pstmt = select(Person).where(
                Person.anonymised_at.is_(None), visibility.visible_persons(s, actor)
            )
            for w in words:
                pstmt = pstmt.where(Person.name_key.like(_contains(w), escape="\\"))
            ostmt = select(Organisation).where(
                Organisation.active.is_(True), visibility.visible_organisations(s, actor)
            )
            for w in org_words:
                ostmt = ostmt.where(
                    or_(
                        Organisation.name_key.like(_contains(w), escape="\\"),
                        Organisation.short_name.ilike(_contains(w), escape="\\"),
                    )
                )
        # In the order of the folded names (accents and case ignored): by the names as
        # written, "Câmara" came after "Cirino" (code points), and which ones a long list
        # showed first depended on it.
        persons = list(s.scalars(pstmt.order_by(Person.name_key, Person.id).limit(limit)))
        orgs = list(
            s.scalars(
                ostmt.order_by(Organisation.name_key, Organisation.id).limit(
                    max(limit - len(persons), 0)
                )
            )
        )
        pfacts, ofacts = person_facts(s, persons), organisation_facts(s, orgs)
        hits = [
            ClientHit(ref=client_ref(ClientKind.PERSON, p), facts=pfacts[p.id]) for p in persons
        ]
        hits += [
            ClientHit(ref=client_ref(ClientKind.ORGANISATION, o), facts=ofacts[o.id]) for o in orgs
        ]
        # The names shown are a read of personal data: audited, without the typed words.
        audit.log(s, actor, AuditAction.SEARCH, "client", None, detail=f"hits={len(hits)}")
        return hits


def _looked_up(model: Any, function: str, words: list[str], limit: int) -> Select[Any]:
    """The persons or organisations that a server's lookup function finds for ``words`` (it
    makes the patterns itself: the function takes words, each character literal)."""
    typed = bindparam("words", list(words), type_=ARRAY(String))
    found = getattr(func, function)(typed, limit).table_valued("id").render_derived("found")
    return select(model).where(model.id.in_(select(found.c.id)))


def _contains(word: str) -> str:
    """The LIKE pattern of a name that contains ``word``."""
    return f"%{_escape_like(word)}%"


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def describe_birth_date(candidate: DuplicateCandidate) -> str:
    """``* 03.04.1990`` or empty: the birth date as shown next to a candidate."""
    return f"* {format_date(candidate.birth_date)}" if candidate.birth_date else ""
