"""Two persons or two organisations merged into one: every reference moves, links that would be
doubled are dropped, one audit entry names both ids, the search and the name keys follow, and
the merged-away one is gone. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from welcome_center.db import search
from welcome_center.db.models import (
    AuditEntry,
    Base,
    Consent,
    ContactPerson,
    Event,
    EventPartner,
    ImportAlias,
    Organisation,
    Person,
    PersonNameKey,
    RecognitionProcedure,
    Record,
    RecordParty,
    Referral,
    ResidenceTitle,
)
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.drafts import ClientChoice, OrganisationDraft, PersonDraft, RecordDraft
from welcome_center.domain.enums import (
    ClientKind,
    ConsentForm,
    ConsentPurpose,
    EventKind,
    PartyRole,
    RecognitionState,
    RecordVisibility,
    ReferralStatus,
)
from welcome_center.domain.errors import ConflictError, PermissionDeniedError, ValidationError
from welcome_center.services import cases, merge, people, settings
from welcome_center.services.context import Actor

OPENED = date(2024, 3, 4)
BORN = date(1990, 3, 4)


def _person(uow: UnitOfWork, actor: Actor, family: str, given: str, **kw: object) -> int:
    draft = PersonDraft(family_name=family, given_name=given, **kw)  # type: ignore[arg-type]
    return people.create_person(uow, actor, draft, accept_duplicates=True).value.id


def _org(uow: UnitOfWork, actor: Actor, name: str, **kw: object) -> int:
    draft = OrganisationDraft(name=name, **kw)  # type: ignore[arg-type]
    return people.create_organisation(uow, actor, draft, accept_duplicates=True).value.id


def _record(uow: UnitOfWork, actor: Actor, kind: ClientKind, client: int) -> int:
    draft = RecordDraft(client=ClientChoice(kind, client), opened_on=OPENED)
    return cases.open_record(uow, actor, draft).value.id


def _version(uow: UnitOfWork, model: type[Person] | type[Organisation], item_id: int) -> int:
    with uow.read() as s:
        item = s.get(model, item_id)
        assert item is not None
        return item.version


def _count(uow: UnitOfWork, col: object, value: int) -> int:
    with uow.read() as s:
        return int(s.scalar(select(func.count()).where(col == value)) or 0)  # type: ignore[operator]


def _merges(uow: UnitOfWork) -> list[tuple[str, int | None, list[str], str]]:
    """(entity, id, fields, detail) of every merge entry."""
    with uow.read() as s:
        rows = s.scalars(select(AuditEntry).where(AuditEntry.action == "merge"))
        return [(e.entity, e.entity_id, list(e.fields), e.detail) for e in rows]


def _partner(uow: UnitOfWork) -> int:
    return next(o.id for o in people.list_partners(uow))


def test_every_foreign_key_to_persons_and_organisations_is_handled_by_the_merge() -> None:
    found = {
        f"{table.name}.{fk.parent.name}"
        for table in Base.metadata.tables.values()
        for fk in table.foreign_keys
        if fk.column.table.name in ("persons", "organisations")
    }
    assert found - set(merge.HANDLED_REFERENCES) == set(), "a new reference the merge ignores"
    assert set(merge.HANDLED_REFERENCES) - found == set()


def test_merging_persons_moves_everything_and_drops_doubled_parties(
    uow: UnitOfWork, anna: Actor
) -> None:
    keep = _person(uow, anna, "Hassan", "Muhammad", birth_date=BORN, nationality="SY")
    other = _person(uow, anna, "Hasan", "Mohamed", email="m.hasan@example.org", phone="0375 1")
    own = _record(uow, anna, ClientKind.PERSON, keep)
    theirs = _record(uow, anna, ClientKind.PERSON, other)
    third = _person(uow, anna, "Weber", "Jonas")
    shared = _record(uow, anna, ClientKind.PERSON, third)
    partner = _partner(uow)
    with uow.begin() as s:
        s.add_all(
            [
                RecordParty(record_id=shared, person_id=keep, role=PartyRole.CANDIDATE),
                RecordParty(record_id=shared, person_id=other, role=PartyRole.CANDIDATE),
                RecordParty(record_id=own, person_id=other, role=PartyRole.CANDIDATE),
                ResidenceTitle(person_id=other, title="visa"),
                RecognitionProcedure(
                    record_id=theirs,
                    person_id=other,
                    qualification="Ingenieur",
                    state=RecognitionState.INFORMED,
                ),
                Consent(
                    person_id=other,
                    purpose=ConsentPurpose.REFERRAL,
                    partner_id=partner,
                    given_on=OPENED,
                    form=ConsentForm.WRITTEN,
                ),
            ]
        )
    before = merge.preview(uow, anna, ClientKind.PERSON, keep, other)
    assert before.second.counts == {
        "records": 1,
        "parties": 2,
        "residence_titles": 1,
        "recognition": 1,
        "consents": 1,
    }
    assert set(before.differing()) >= {"family_name", "given_name", "email", "birth_date"}

    saved = merge.merge(
        uow,
        anna,
        ClientKind.PERSON,
        (keep, before.first.version),
        (other, before.second.version),
        take={"email", "phone"},
    )

    assert saved.value == keep and saved.changes.persons == {keep, other}
    assert {own, theirs, shared} <= saved.changes.records
    with uow.read() as s:
        assert s.get(Person, other) is None
        assert (
            s.scalar(
                select(func.count())
                .select_from(PersonNameKey)
                .where(PersonNameKey.person_id == other)
            )
            == 0
        )
        kept = s.get(Person, keep)
        assert kept is not None
        assert (kept.family_name, kept.email, kept.phone) == (
            "Hassan",
            "m.hasan@example.org",
            "0375 1",
        )
        assert kept.birth_date == BORN
        assert s.get(Record, theirs).client_person_id == keep  # type: ignore[union-attr]
        # One party row on the shared record; none where the person is the record's client.
        assert [p.record_id for p in s.scalars(select(RecordParty))] == [shared]
    for col in (ResidenceTitle.person_id, RecognitionProcedure.person_id, Consent.person_id):
        assert _count(uow, col, keep) == 1
        assert _count(uow, col, other) == 0
    assert _merges(uow) == [("person", keep, ["email", "phone"], f"merged={other}")]
    assert people.get_person(uow, anna, keep).email == "m.hasan@example.org"


def test_search_finds_the_survivor_by_the_other_name_only_when_it_was_kept(
    uow: UnitOfWork, anna: Actor
) -> None:
    a = _person(uow, anna, "Iwanow", "Sergej")
    b = _person(uow, anna, "Kowalczyk", "Sergej")
    record = _record(uow, anna, ClientKind.PERSON, b)
    merge.merge(uow, anna, ClientKind.PERSON, (a, 1), (b, 1))
    with uow.read() as s:
        assert search.match_records(s, "Kowalczyk") == []
        assert search.match_records(s, "Iwanow") == [record]

    c = _person(uow, anna, "Petrenko", "Olga")
    d = _person(uow, anna, "Petrenko-Schulz", "Olga")
    second = _record(uow, anna, ClientKind.PERSON, c)
    merge.merge(uow, anna, ClientKind.PERSON, (c, 1), (d, 1), take={"family_name"})
    with uow.read() as s:
        assert search.match_records(s, "Schulz") == [second]
    hits = people.search_clients(uow, anna, "Petrenko")
    assert [h.ref.id for h in hits] == [c]


def test_a_stale_version_of_either_is_a_conflict_and_nothing_moves(
    uow: UnitOfWork, anna: Actor
) -> None:
    keep = _person(uow, anna, "Çelik", "Ayşe")
    other = _person(uow, anna, "Celik", "Ayse")
    record = _record(uow, anna, ClientKind.PERSON, other)
    seen = merge.preview(uow, anna, ClientKind.PERSON, keep, other)
    people.update_person(uow, anna, other, PersonDraft(family_name="Celik", given_name="A."), 1)
    with pytest.raises(ConflictError):
        merge.merge(uow, anna, ClientKind.PERSON, (keep, 1), (other, seen.second.version))
    people.update_person(uow, anna, keep, PersonDraft(family_name="Çelik", given_name="A."), 1)
    with pytest.raises(ConflictError):
        merge.merge(uow, anna, ClientKind.PERSON, (keep, 1), (other, 2))
    with uow.read() as s:
        assert s.get(Record, record).client_person_id == other  # type: ignore[union-attr]
    assert _merges(uow) == []
    with pytest.raises(ValidationError):
        merge.merge(uow, anna, ClientKind.PERSON, (keep, 2), (keep, 2))


def test_who_may_merge(
    uow: UnitOfWork, anna: Actor, ben: Actor, manager: Actor, admin_only: Actor
) -> None:
    keep = _person(uow, anna, "Nguyen", "Lan", birth_date=BORN, notes="private")
    other = _person(uow, anna, "Nguyễn", "Lan", notes="also private")
    _record(uow, anna, ClientKind.PERSON, other)
    with pytest.raises(PermissionDeniedError):
        merge.preview(uow, manager, ClientKind.PERSON, keep, other)
    # The administrator's clean-up: names and counts, never the notes.
    seen = merge.preview(uow, admin_only, ClientKind.PERSON, keep, other)
    assert "notes" not in seen.first.values and "notes" not in seen.fields
    with pytest.raises(ValidationError):
        merge.merge(uow, admin_only, ClientKind.PERSON, (keep, 1), (other, 1), take={"notes"})
    # Where counsellors see only their own records, Anna's client is not Ben's to merge.
    system = Actor.system("test")
    settings.update_settings(uow, system, record_visibility=RecordVisibility.OWN.value)
    with pytest.raises(PermissionDeniedError):
        merge.merge(uow, ben, ClientKind.PERSON, (keep, 1), (other, 1))
    merge.merge(uow, admin_only, ClientKind.PERSON, (keep, 1), (other, 1), take={"given_name"})
    with uow.read() as s:
        kept = s.get(Person, keep)
        assert kept is not None and kept.notes == "private"
    assert len(_merges(uow)) == 1


def test_merging_organisations_moves_contacts_referrals_events_and_aliases(
    uow: UnitOfWork, anna: Actor, admin: Actor
) -> None:
    keep = _org(uow, anna, "Muster GmbH", phone="0375 2")
    other = _org(uow, anna, "Muster Gesellschaft mbH", website="muster.example")
    record = _record(uow, anna, ClientKind.ORGANISATION, other)
    both = _record(uow, anna, ClientKind.ORGANISATION, keep)
    person = _person(uow, anna, "Schulz", "Ben")
    as_party = _record(uow, anna, ClientKind.PERSON, person)
    with uow.begin() as s:
        event = Event(title="Messe", kind=EventKind.JOB_FAIR, held_on=OPENED)
        s.add(event)
        s.flush()
        s.add_all(
            [
                ContactPerson(organisation_id=other, name="Frau Roth"),
                RecordParty(record_id=as_party, organisation_id=other, role=PartyRole.EMPLOYER),
                RecordParty(record_id=both, organisation_id=other, role=PartyRole.EMPLOYER),
                Referral(
                    record_id=record,
                    partner_id=other,
                    referred_on=OPENED,
                    status=ReferralStatus.SENT,
                ),
                EventPartner(event_id=event.id, organisation_id=keep),
                EventPartner(event_id=event.id, organisation_id=other),
                Consent(
                    person_id=person,
                    purpose=ConsentPurpose.REFERRAL,
                    partner_id=other,
                    given_on=OPENED,
                    form=ConsentForm.ORAL,
                ),
                Consent(
                    organisation_id=other,
                    purpose=ConsentPurpose.COUNSELLING,
                    given_on=OPENED,
                    form=ConsentForm.ORAL,
                ),
                ImportAlias(kind="partner", key="muster", written="Muster", organisation_id=other),
            ]
        )
    seen = merge.preview(uow, anna, ClientKind.ORGANISATION, keep, other)
    assert seen.second.counts["contacts"] == 1 and seen.second.counts["events"] == 1
    merge.merge(
        uow,
        anna,
        ClientKind.ORGANISATION,
        (keep, seen.first.version),
        (other, seen.second.version),
        take={"website"},
    )
    with uow.read() as s:
        assert s.get(Organisation, other) is None
        kept = s.get(Organisation, keep)
        assert kept is not None and (kept.website, kept.phone) == ("muster.example", "0375 2")
        assert [c.name for c in kept.contacts] == ["Frau Roth"]
        assert s.get(Record, record).client_organisation_id == keep  # type: ignore[union-attr]
        assert [p.record_id for p in s.scalars(select(RecordParty))] == [as_party]
        assert list(s.scalars(select(EventPartner.organisation_id))) == [keep]
    for col in (
        Referral.partner_id,
        Consent.partner_id,
        Consent.organisation_id,
        ImportAlias.organisation_id,
    ):
        assert _count(uow, col, keep) == 1 and _count(uow, col, other) == 0
    assert _merges(uow) == [("organisation", keep, ["website"], f"merged={other}")]


def test_a_partner_is_merged_only_with_the_partner_directory_permission(
    uow: UnitOfWork, anna: Actor, admin: Actor
) -> None:
    partner = _partner(uow)
    twin = _org(uow, anna, "Twin e.V.")
    with pytest.raises(PermissionDeniedError):
        merge.preview(uow, anna, ClientKind.ORGANISATION, partner, twin)
    v = _version(uow, Organisation, partner)
    merge.merge(uow, admin, ClientKind.ORGANISATION, (partner, v), (twin, 1))
    with uow.read() as s:
        assert s.get(Organisation, twin) is None
