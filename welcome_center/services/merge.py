"""One person (or organisation) recorded twice, merged into one (DOMAIN.md, one person recorded
twice).

The caller picks the one that stays and, per field, whether the other's value wins. Everything
that refers to the merged-away one moves to the one that stays, in one transaction: records as
client, further parties, residence titles, recognition procedures, consents; for organisations
also contact persons, referrals, event partners and import aliases. A contact person recorded
at both is one person and is kept once (services/merge_contacts.py): the one that stays' entry, its
empty function, e-mail or phone filled from the other's; nothing refers to a contact person
by its id, so nothing else moves with it. Documents, consultations
and follow-ups hang on records, so they follow. A link that would then name the same party
twice (the same person twice on a record, a record's client also as its party, a partner twice
at an event) is dropped. The merged-away row is then deleted, so it appears nowhere any more;
one audit entry on the one that stays names both ids and the fields taken from the other.

Who merges: a counsellor (WORK_RECORDS) who sees both (need to know); a partner of the
directory needs the partner-directory permission. An administrator cleaning up an import (the
import permission, the list of likely duplicates) merges too, but sees only what that list
shows: names, birth data, nationality and the counts of what moves, never notes or case
content; the notes stay the ones of the person that stays.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, fields
from typing import Any, cast

from sqlalchemy import ColumnElement, and_, delete, exists, func, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from welcome_center.db import name_keys, search
from welcome_center.db.models import (
    Consent,
    ContactPerson,
    EventPartner,
    ImportAlias,
    Organisation,
    Person,
    RecognitionProcedure,
    Record,
    RecordParty,
    Referral,
    ResidenceTitle,
)
from welcome_center.db.types import utcnow
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.audit import AuditAction
from welcome_center.domain.drafts import OrganisationDraft, PersonDraft
from welcome_center.domain.enums import ClientKind
from welcome_center.domain.errors import NotFoundError, ValidationError
from welcome_center.domain.permissions import Permission
from welcome_center.domain.rules import organisation_key, person_key
from welcome_center.i18n import N_, _
from welcome_center.services import audit, merge_contacts, visibility
from welcome_center.services.context import Actor, Changes, Saved
from welcome_center.services.locking import check_unchanged

PERSON_FIELDS = tuple(f.name for f in fields(PersonDraft))
ORGANISATION_FIELDS = tuple(f.name for f in fields(OrganisationDraft))
# Withheld from an administrator who does not counsel (need to know).
_PRIVATE_FIELDS = frozenset({"notes"})

# Every foreign key to persons.id or organisations.id and how a merge treats it: "move" to the
# one that stays, or "follows" (removed with the merged-away row, rebuilt for the one that
# stays). tests/db/test_merge.py fails when a model gains one that is not listed here.
HANDLED_REFERENCES = {
    "records.client_person_id": "move",
    "records.client_organisation_id": "move",
    "record_parties.person_id": "move",
    "record_parties.organisation_id": "move",
    "recognition_procedures.person_id": "move",
    "residence_titles.person_id": "move",
    "consents.person_id": "move",
    "consents.organisation_id": "move",
    "consents.partner_id": "move",
    "contact_persons.organisation_id": "move",
    "referrals.partner_id": "move",
    "event_partners.organisation_id": "move",
    "import_aliases.organisation_id": "move",
    "person_name_keys.person_id": "follows",
}

# What moves, as the merge dialog counts it.
COUNT_WORDS = {
    "records": N_("Records as client"),
    "parties": N_("Further party of a record"),
    "residence_titles": N_("Residence titles"),
    "recognition": N_("Recognition procedures"),
    "consents": N_("Consents"),
    "contacts": N_("Contact persons"),
    "referrals": N_("Referrals to it as partner"),
    "events": N_("Events as partner"),
}


@dataclass(frozen=True)
class MergeSide:
    """One of the two: its id, version, the values of its fields and the counts of what refers
    to it."""

    id: int
    version: int
    values: dict[str, Any]
    counts: dict[str, int]


@dataclass(frozen=True)
class MergePreview:
    kind: ClientKind
    first: MergeSide
    second: MergeSide
    fields: tuple[str, ...]  # the fields the actor may choose between
    same_contacts: int = 0  # organisations: the other's contact persons who are also this one's

    def differing(self) -> list[str]:
        """The fields whose values differ, in the order of the draft."""
        return [f for f in self.fields if self.first.values[f] != self.second.values[f]]


# --- permission ------------------------------------------------------------------------------


def _counsels(actor: Actor) -> bool:
    return actor.may(Permission.WORK_RECORDS)


def _check(s: Session, actor: Actor, kind: ClientKind, items: Sequence[Any]) -> None:
    """Counsellors who see both, or the import permission (the administrator's clean-up)."""
    actor.require_any(Permission.WORK_RECORDS, Permission.IMPORT)
    if kind == ClientKind.ORGANISATION and any(o.is_partner for o in items):
        actor.require(Permission.MANAGE_PARTNERS)
    if not _counsels(actor):
        return
    for item in items:
        if kind == ClientKind.PERSON:
            visibility.check_person(s, actor, item.id)
        else:
            visibility.check_organisation(s, actor, item.id)


def _load(s: Session, kind: ClientKind, item_id: int) -> Any:
    model: type[Person] | type[Organisation] = Person if kind == ClientKind.PERSON else Organisation
    item: Any = s.get(model, item_id)
    if item is None or getattr(item, "anonymised_at", None) is not None:
        raise NotFoundError(
            _("This person does not exist (any more).")
            if kind == ClientKind.PERSON
            else _("This organisation does not exist (any more).")
        )
    return item


def _fields(kind: ClientKind, actor: Actor) -> tuple[str, ...]:
    names = PERSON_FIELDS if kind == ClientKind.PERSON else ORGANISATION_FIELDS
    if _counsels(actor):
        return names
    return tuple(n for n in names if n not in _PRIVATE_FIELDS)


# --- counts ----------------------------------------------------------------------------------


def _count(s: Session, col: Any, item_id: int) -> int:
    return int(s.scalar(select(func.count()).where(col == item_id)) or 0)


def _counts(s: Session, kind: ClientKind, item_id: int) -> dict[str, int]:
    if kind == ClientKind.PERSON:
        return {
            "records": _count(s, Record.client_person_id, item_id),
            "parties": _count(s, RecordParty.person_id, item_id),
            "residence_titles": _count(s, ResidenceTitle.person_id, item_id),
            "recognition": _count(s, RecognitionProcedure.person_id, item_id),
            "consents": _count(s, Consent.person_id, item_id),
        }
    return {
        "records": _count(s, Record.client_organisation_id, item_id),
        "parties": _count(s, RecordParty.organisation_id, item_id),
        "consents": _count(s, Consent.organisation_id, item_id),
        "contacts": _count(s, ContactPerson.organisation_id, item_id),
        "referrals": _count(s, Referral.partner_id, item_id),
        "events": _count(s, EventPartner.organisation_id, item_id),
    }


def _side(s: Session, kind: ClientKind, item: Any, names: Sequence[str]) -> MergeSide:
    return MergeSide(
        item.id, item.version, {n: getattr(item, n) for n in names}, _counts(s, kind, item.id)
    )


def preview(
    uow: UnitOfWork, actor: Actor, kind: ClientKind, first_id: int, second_id: int
) -> MergePreview:
    """Both, side by side, with what refers to each, for the merge dialog (the read is
    audited on both)."""
    if first_id == second_id:
        raise ValidationError(_("Choose two different clients to merge."))
    with uow.begin() as s:
        items = [_load(s, kind, first_id), _load(s, kind, second_id)]
        _check(s, actor, kind, items)
        names = _fields(kind, actor)
        entity = "person" if kind == ClientKind.PERSON else "organisation"
        for item in items:
            audit.log(s, actor, AuditAction.READ, entity, item.id, detail="merge")
        same = 0
        if kind == ClientKind.ORGANISATION:
            same = len(merge_contacts.twins(s, first_id, second_id))
        return MergePreview(
            kind, _side(s, kind, items[0], names), _side(s, kind, items[1], names), names, same
        )


# --- merging ---------------------------------------------------------------------------------


def merge(
    uow: UnitOfWork,
    actor: Actor,
    kind: ClientKind,
    keep: tuple[int, int],
    other: tuple[int, int],
    take: Collection[str] = (),
) -> Saved[int]:
    """Merge ``other`` into ``keep`` (each as (id, version) as the caller saw it; an older
    version raises ConflictError); ``take`` names the fields whose value comes from the other.
    Returns the id of the one that stays."""
    (keep_id, keep_version), (other_id, other_version) = keep, other
    if keep_id == other_id:
        raise ValidationError(_("Choose two different clients to merge."))
    with uow.begin() as s:
        kept, gone = _load(s, kind, keep_id), _load(s, kind, other_id)
        _check(s, actor, kind, [kept, gone])
        allowed = set(_fields(kind, actor))
        unknown = sorted(set(take) - allowed)
        if unknown:
            raise ValidationError(_("These fields cannot be taken: %s") % ", ".join(unknown))
        what = _("This person") if kind == ClientKind.PERSON else _("This organisation")
        check_unchanged(s, what, kept, keep_version)
        check_unchanged(s, what, gone, other_version)
        taken = _taken(kind, set(take))
        values = {n: getattr(gone, n) for n in taken}
        contacts = 0
        if kind == ClientKind.PERSON:
            records = _move_person(s, keep_id, other_id)
        else:
            contacts = merge_contacts.merge(s, actor, keep_id, other_id)
            records = _move_organisation(s, keep_id, other_id)
            if "code" in values:
                gone.code = None  # unique: free it before the one that stays takes it
                s.flush()
        if kind == ClientKind.PERSON:
            name_keys.forget(s, [other_id])
        _delete_other(s, actor, kind, type(gone), other_id)
        s.expunge(gone)
        for n, v in values.items():
            setattr(kept, n, v)
        if kind == ClientKind.PERSON:
            kept.name_key = person_key(kept.family_name, kept.given_name)
        else:
            kept.name_key = organisation_key(kept.name)
        kept.updated_at, kept.updated_by_id = utcnow(), actor.user_id
        s.flush()
        if kind == ClientKind.PERSON:
            name_keys.refresh(s, [keep_id])
        search.reindex(s, sorted(records))
        entity = "person" if kind == ClientKind.PERSON else "organisation"
        detail = f"merged={other_id}" + (f"; contact persons merged={contacts}" if contacts else "")
        audit.log(s, actor, AuditAction.MERGE, entity, keep_id, sorted(taken), detail)
        changes = Changes(records=frozenset(records))
        if kind == ClientKind.PERSON:
            changes |= Changes(persons=frozenset({keep_id, other_id}))
        else:
            changes |= Changes(organisations=frozenset({keep_id, other_id}), events=True)
        return Saved(keep_id, changes)


def _delete_other(s: Session, actor: Actor, kind: ClientKind, model: Any, other_id: int) -> None:
    """Delete the merged-away client. On a team server of own records a counsellor's login
    moves only what it sees: a client also in a colleague's records she does not see stays
    theirs, and the delete finds no row to delete (row-level security) or is refused (a
    reference left). Then nothing is merged, and the message says why, where the server's
    silence would have merged half."""
    try:
        result = s.execute(delete(model).where(model.id == other_id))
        deleted = cast(CursorResult[Any], result).rowcount
    except IntegrityError:
        if visibility.sees_all(s, actor):
            raise
        deleted = 0
    if deleted != 1:
        what = _("This person") if kind == ClientKind.PERSON else _("This organisation")
        raise ValidationError(
            _(
                "%(what)s is also in records of colleagues that you do not see; the merge "
                "would leave those with the other entry. Nothing was merged. Someone who sees "
                "all records of both can merge them (an administrator can show counsellors "
                "all records for that while)."
            )
            % {"what": what}
        )


def _taken(kind: ClientKind, take: set[str]) -> set[str]:
    """A person's birth date brings its year (the year is the date's where a date is known)."""
    if kind == ClientKind.PERSON and "birth_date" in take:
        take.add("birth_year")
    return take


def _bump_records(s: Session, where: ColumnElement[bool]) -> set[int]:
    """The records matching ``where``, their version raised: a window open on one of them
    reloads before saving over the changed client or parties."""
    ids = set(s.scalars(select(Record.id).where(where)))
    if ids:
        s.execute(
            update(Record).where(Record.id.in_(ids)).values(version=Record.version + 1),
            execution_options={"synchronize_session": False},
        )
    return ids


def _move(s: Session, col: Any, keep_id: int, other_id: int) -> None:
    s.execute(
        update(col.class_).where(col == other_id).values({col.key: keep_id}),
        execution_options={"synchronize_session": False},
    )


def _party_records(s: Session, col: Any, other_id: int) -> set[int]:
    return set(s.scalars(select(RecordParty.record_id).where(col == other_id)))


def _drop_double_parties(s: Session, party_col: Any, client_col: Any, keep_id: int) -> None:
    """The same party twice on a record, or a record's client also as its party: one goes."""
    twin = aliased(RecordParty)
    double = exists().where(
        twin.record_id == RecordParty.record_id,
        getattr(twin, party_col.key) == keep_id,
        twin.id < RecordParty.id,
    )
    as_client = exists().where(Record.id == RecordParty.record_id, client_col == keep_id)
    s.execute(
        delete(RecordParty).where(party_col == keep_id, double | as_client),
        execution_options={"synchronize_session": False},
    )


def _move_person(s: Session, keep_id: int, other_id: int) -> set[int]:
    records = set(s.scalars(select(Record.id).where(Record.client_person_id == other_id)))
    records |= _party_records(s, RecordParty.person_id, other_id)
    _bump_records(s, Record.id.in_(records))
    for col in (
        Record.client_person_id,
        RecordParty.person_id,
        RecognitionProcedure.person_id,
        ResidenceTitle.person_id,
        Consent.person_id,
    ):
        _move(s, col, keep_id, other_id)
    _drop_double_parties(s, RecordParty.person_id, Record.client_person_id, keep_id)
    s.expire_all()
    return records


def _move_organisation(s: Session, keep_id: int, other_id: int) -> set[int]:
    records = set(s.scalars(select(Record.id).where(Record.client_organisation_id == other_id)))
    records |= _party_records(s, RecordParty.organisation_id, other_id)
    records |= set(s.scalars(select(Referral.record_id).where(Referral.partner_id == other_id)))
    _bump_records(s, Record.id.in_(records))
    # An event with both as partners keeps one row (the pair is the primary key).
    both = select(EventPartner.event_id).where(EventPartner.organisation_id == keep_id)
    s.execute(
        delete(EventPartner).where(
            and_(EventPartner.organisation_id == other_id, EventPartner.event_id.in_(both))
        ),
        execution_options={"synchronize_session": False},
    )
    for col in (
        Record.client_organisation_id,
        RecordParty.organisation_id,
        Consent.organisation_id,
        Consent.partner_id,
        ContactPerson.organisation_id,
        Referral.partner_id,
        EventPartner.organisation_id,
        ImportAlias.organisation_id,
    ):
        _move(s, col, keep_id, other_id)
    _drop_double_parties(s, RecordParty.organisation_id, Record.client_organisation_id, keep_id)
    s.expire_all()
    return records
