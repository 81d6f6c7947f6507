"""Persons and organisations: entering them, duplicate candidates, concurrent edits, the client
field's search as you type, and the partner directory with its contact persons."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import ContactDraft, OrganisationDraft, PersonDraft
from welcome_center.domain.enums import ClientKind, Vocabulary
from welcome_center.domain.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from welcome_center.services import people, vocabularies
from welcome_center.services.context import Actor
from welcome_center.services.people import DuplicateCandidatesError

BORN = date(1990, 4, 3)


def _person(
    uow: UnitOfWork, actor: Actor, family: str, given: str = "", born: date | None = None
) -> int:
    draft = PersonDraft(family_name=family, given_name=given, birth_date=born)
    return people.create_person(uow, actor, draft, accept_duplicates=True).value.id


def _org(uow: UnitOfWork, actor: Actor, name: str, **kw: object) -> int:
    draft = OrganisationDraft(name=name, **kw)  # type: ignore[arg-type]
    return people.create_organisation(uow, actor, draft, accept_duplicates=True).value.id


def _partner(uow: UnitOfWork, code: str) -> int:
    return next(o.id for o in people.list_partners(uow) if o.code == code)


# --- persons ---------------------------------------------------------------------------------


def test_a_person_is_saved_cleaned_and_read_back(uow: UnitOfWork, anna: Actor) -> None:
    saved = people.create_person(
        uow,
        anna,
        PersonDraft(
            family_name="  Nguyen ",
            given_name=" Thi Lan ",
            birth_date=BORN,
            nationality="vn",
            municipality="zwickau",
            email=" lan@example.org ",
            phone=" 0375 123 ",
            languages=" vi, en ",
            notes="Pflegefachkraft",
        ),
    )
    p = people.get_person(uow, anna, saved.value.id)
    assert p == saved.value
    assert p.family_name == "Nguyen" and p.given_name == "Thi Lan"
    assert p.display_name == "Nguyen, Thi Lan"
    assert p.birth_date == BORN
    assert p.nationality == "VN"
    assert p.municipality == "zwickau"
    assert p.email == "lan@example.org" and p.phone == "0375 123" and p.languages == "vi, en"
    assert p.notes == "Pflegefachkraft"
    assert saved.changes.persons == frozenset({p.id})
    # Without a given name, a person is shown by the family name.
    assert people.get_person(uow, anna, _person(uow, anna, "Okafor")).display_name == "Okafor"


def test_a_person_with_bad_input_is_refused_naming_the_field(uow: UnitOfWork, anna: Actor) -> None:
    for draft, field in [
        (PersonDraft(family_name="   "), "family_name"),
        (
            PersonDraft(family_name="Okafor", birth_date=office_today() + timedelta(days=1)),
            "birth_date",
        ),
        (PersonDraft(family_name="Okafor", birth_date=date(1850, 1, 1)), "birth_date"),
        (PersonDraft(family_name="Okafor", nationality="XX"), "nationality"),
        (PersonDraft(family_name="Okafor", nationality="Deutschland"), "nationality"),
        (PersonDraft(family_name="Okafor", municipality="atlantis"), "municipality"),
    ]:
        with pytest.raises(ValidationError) as info:
            people.create_person(uow, anna, draft, accept_duplicates=True)
        assert info.value.field == field, draft
    assert people.search_clients(uow, anna, "Okafor") == []


def test_a_person_that_does_not_exist(uow: UnitOfWork, anna: Actor) -> None:
    with pytest.raises(NotFoundError):
        people.get_person(uow, anna, 4242)
    with pytest.raises(NotFoundError):
        people.update_person(uow, anna, 4242, PersonDraft(family_name="X"), 1)


# --- duplicate candidates of persons ---------------------------------------------------------


def test_spellings_of_the_same_name_with_the_same_birth_date_are_candidates(
    uow: UnitOfWork, anna: Actor
) -> None:
    existing = _person(uow, anna, "Müller", "Anna", BORN)
    for spelling in ("Müller", "MULLER", "Mueller", "müller", "MÜLLER"):
        found = people.find_duplicates(
            uow, anna, PersonDraft(family_name=spelling, given_name="anna", birth_date=BORN)
        )
        assert [(c.kind, c.id, c.display_name) for c in found] == [
            (ClientKind.PERSON, existing, "Müller, Anna")
        ], spelling
        assert found[0].birth_date == BORN
        assert found[0].reason == "same name and birth date"
        shown = people.describe_birth_date(found[0])
        assert shown.startswith("* ") and "1990" in shown


def test_the_stored_spelling_swapped_names_and_unknown_birth_dates_still_match(
    uow: UnitOfWork, anna: Actor
) -> None:
    mueller = _person(uow, anna, "Mueller", "Anna", BORN)
    found = people.find_duplicates(
        uow, anna, PersonDraft(family_name="Müller", given_name="Anna", birth_date=BORN)
    )
    assert [c.id for c in found] == [mueller]

    nguyen = _person(uow, anna, "Nguyen", "Lan", BORN)
    found = people.find_duplicates(
        uow, anna, PersonDraft(family_name="Lan", given_name="Nguyen", birth_date=BORN)
    )
    assert [c.id for c in found] == [nguyen]

    # Without a birth date on either side, the name alone makes a candidate.
    okafor = _person(uow, anna, "Okafor", "Chidi")
    found = people.find_duplicates(
        uow, anna, PersonDraft(family_name="OKAFOR", given_name="chidi", birth_date=BORN)
    )
    assert [c.id for c in found] == [okafor]
    assert found[0].reason == "same name"
    assert people.describe_birth_date(found[0]) == ""
    found = people.find_duplicates(uow, anna, PersonDraft(family_name="Mueller", given_name="Anna"))
    assert [(c.id, c.reason) for c in found] == [(mueller, "same name")]


def test_another_birth_date_or_given_name_is_no_candidate(uow: UnitOfWork, anna: Actor) -> None:
    pid = _person(uow, anna, "Müller", "Anna", BORN)
    other_day = PersonDraft(
        family_name="Mueller", given_name="Anna", birth_date=BORN + timedelta(days=1)
    )
    assert people.find_duplicates(uow, anna, other_day) == []
    assert (
        people.find_duplicates(
            uow, anna, PersonDraft(family_name="Müller", given_name="Ben", birth_date=BORN)
        )
        == []
    )
    # Nor is a person a candidate of themselves when edited.
    same = PersonDraft(family_name="Mueller", given_name="Anna", birth_date=BORN)
    assert people.find_duplicates(uow, anna, same, exclude=pid) == []
    # A new name is saved without asking.
    saved = people.create_person(
        uow, anna, PersonDraft(family_name="Schmidt", given_name="Anna", birth_date=BORN)
    )
    assert saved.value.family_name == "Schmidt"


def test_creating_a_possible_duplicate_shows_the_candidates_first(
    uow: UnitOfWork, anna: Actor
) -> None:
    existing = _person(uow, anna, "Müller", "Anna", BORN)
    draft = PersonDraft(family_name="Mueller", given_name="Anna", birth_date=BORN)
    with pytest.raises(DuplicateCandidatesError) as info:
        people.create_person(uow, anna, draft)
    assert [c.id for c in info.value.candidates] == [existing]
    assert info.value.code == "duplicate_candidates"
    assert "candidates" in info.value.message
    assert [r.id for r in people.search_clients(uow, anna, "muller")] == [existing]

    second = people.create_person(uow, anna, draft, accept_duplicates=True).value
    assert second.id != existing
    assert sorted(r.id for r in people.search_clients(uow, anna, "muller")) == [
        existing,
        second.id,
    ]


def test_found_names_come_in_the_order_a_reader_expects_accents_and_case_aside(
    uow: UnitOfWork, anna: Actor
) -> None:
    """By the names as written, "Câmara" came after "Cirino" and "Özdemir" after "Zahn"
    (code points); the list shows them as a German reader looks them up, on both engines."""
    for family, given in (("Zahn", "Sara"), ("Cirino", "Sara"), ("Özdemir", "Sara"),
                          ("Câmara", "Sara"), ("ahmadi", "Sara"), ("Camara", "Bea")):  # fmt: skip
        _person(uow, anna, family, given, BORN)
    people.create_organisation(uow, anna, OrganisationDraft(name="Ärzte Sara GmbH"), True)
    people.create_organisation(uow, anna, OrganisationDraft(name="Sara Bau GmbH"), True)
    found = [h.display_name for h in people.search_clients(uow, anna, "sara", limit=50)]
    assert found == [
        "ahmadi, Sara", "Câmara, Sara", "Cirino, Sara", "Özdemir, Sara", "Zahn, Sara",
        "Ärzte Sara GmbH", "Sara Bau GmbH",
    ]  # fmt: skip


# --- editing persons and conflicts ------------------------------------------------------------


def test_editing_a_person_changes_name_and_key(uow: UnitOfWork, anna: Actor) -> None:
    pid = _person(uow, anna, "Müller", "Anna", BORN)
    p = people.get_person(uow, anna, pid)
    saved = people.update_person(
        uow,
        anna,
        pid,
        PersonDraft(family_name="Meier", given_name="Anna", birth_date=BORN, nationality="ua"),
        p.version,
    ).value
    assert saved.family_name == "Meier" and saved.nationality == "UA"
    assert saved.version > p.version
    assert [r.id for r in people.search_clients(uow, anna, "meier")] == [pid]
    assert people.search_clients(uow, anna, "müller") == []


def test_a_concurrent_edit_of_a_person_names_who_saved_first(
    uow: UnitOfWork, anna: Actor, ben: Actor
) -> None:
    pid = _person(uow, anna, "Müller", "Anna", BORN)
    annas = people.get_person(uow, anna, pid)
    bens = people.get_person(uow, ben, pid)
    first = people.update_person(
        uow,
        anna,
        pid,
        PersonDraft(family_name="Müller", given_name="Anna", birth_date=BORN, phone="111"),
        annas.version,
    ).value
    with pytest.raises(ConflictError) as info:
        people.update_person(
            uow,
            ben,
            pid,
            PersonDraft(family_name="Miller", given_name="Ann", phone="222"),
            bens.version,
        )
    assert "Anna Berger" in info.value.message
    assert info.value.message.startswith("This person was changed by Anna Berger")
    kept = people.get_person(uow, ben, pid)
    assert kept == first
    assert kept.phone == "111" and kept.family_name == "Müller" and kept.birth_date == BORN


def test_a_refused_person_edit_changes_nothing(uow: UnitOfWork, anna: Actor) -> None:
    pid = _person(uow, anna, "Müller", "Anna", BORN)
    p = people.get_person(uow, anna, pid)
    with pytest.raises(ValidationError):
        people.update_person(
            uow, anna, pid, PersonDraft(family_name="Müller", nationality="QQ"), p.version
        )
    assert people.get_person(uow, anna, pid) == p


# --- organisations ---------------------------------------------------------------------------


def test_an_organisation_is_saved_and_read_back(uow: UnitOfWork, anna: Actor) -> None:
    saved = people.create_organisation(
        uow,
        anna,
        OrganisationDraft(
            name=" Kessler Maschinenbau GmbH ",
            short_name=" Kessler ",
            municipality="glauchau",
            email="hr@kessler.example",
            website="https://kessler.example",
        ),
    )
    o = people.get_organisation(uow, anna, saved.value.id)
    assert o == saved.value
    assert o.name == "Kessler Maschinenbau GmbH" and o.short_name == "Kessler"
    assert o.display_name == "Kessler"
    assert o.is_partner is False and o.active is True and o.contacts == ()
    assert o.municipality == "glauchau"


def test_organisations_are_duplicates_by_name_ignoring_the_legal_form(
    uow: UnitOfWork, anna: Actor
) -> None:
    existing = _org(uow, anna, "Muster GmbH")
    for spelling in ("MUSTER", "Muster GmbH", "muster gmbh & co. kg", "Muster AG", " Muster "):
        found = people.find_duplicates(uow, anna, OrganisationDraft(name=spelling))
        assert [(c.kind, c.id, c.display_name) for c in found] == [
            (ClientKind.ORGANISATION, existing, "Muster GmbH")
        ], spelling
        with pytest.raises(DuplicateCandidatesError) as info:
            people.create_organisation(uow, anna, OrganisationDraft(name=spelling))
        assert [c.id for c in info.value.candidates] == [existing]


def test_a_similar_name_is_no_candidate_but_a_seeded_partner_is(
    uow: UnitOfWork, anna: Actor
) -> None:
    _org(uow, anna, "Muster GmbH")
    assert people.find_duplicates(uow, anna, OrganisationDraft(name="Musterbau GmbH")) == []
    assert people.create_organisation(uow, anna, OrganisationDraft(name="Musterbau GmbH")).value.id
    found = people.find_duplicates(uow, anna, OrganisationDraft(name="JOBCENTER ZWICKAU"))
    assert [c.display_name for c in found] == ["Jobcenter Zwickau"]


def test_a_concurrent_edit_of_an_organisation_names_who_saved_first(
    uow: UnitOfWork, anna: Actor, ben: Actor
) -> None:
    oid = _org(uow, anna, "Muster GmbH")
    annas = people.get_organisation(uow, anna, oid)
    bens = people.get_organisation(uow, ben, oid)
    first = people.update_organisation(
        uow, anna, oid, OrganisationDraft(name="Muster GmbH", phone="0375 1"), annas.version
    ).value
    with pytest.raises(ConflictError) as info:
        people.update_organisation(
            uow, ben, oid, OrganisationDraft(name="Muster Holding AG", phone="0375 2"), bens.version
        )
    assert "Anna Berger" in info.value.message
    assert info.value.message.startswith("This organisation was changed by Anna Berger")
    kept = people.get_organisation(uow, ben, oid)
    assert kept == first
    assert kept.name == "Muster GmbH" and kept.phone == "0375 1"


def test_an_organisation_needs_a_name(uow: UnitOfWork, anna: Actor) -> None:
    with pytest.raises(ValidationError) as info:
        people.create_organisation(uow, anna, OrganisationDraft(name="  "))
    assert info.value.field == "name"


def test_a_retired_municipality_stays_on_old_persons_and_organisations(
    uow: UnitOfWork, admin: Actor, anna: Actor
) -> None:
    pid = people.create_person(
        uow, anna, PersonDraft(family_name="Okafor", municipality="werdau")
    ).value.id
    oid = _org(uow, anna, "Muster GmbH", municipality="werdau")
    vocabularies.set_active(uow, admin, Vocabulary.MUNICIPALITY, "werdau", False)

    v = people.get_person(uow, anna, pid).version
    p = people.update_person(
        uow, anna, pid, PersonDraft(family_name="Okafor", municipality="werdau", phone="1"), v
    ).value
    assert (p.municipality, p.phone) == ("werdau", "1")
    v = people.get_organisation(uow, anna, oid).version
    o = people.update_organisation(
        uow, anna, oid, OrganisationDraft(name="Muster GmbH", municipality="werdau", phone="2"), v
    ).value
    assert (o.municipality, o.phone) == ("werdau", "2")

    # A new person or organisation cannot get it.
    with pytest.raises(ValidationError) as info:
        people.create_person(uow, anna, PersonDraft(family_name="Neu", municipality="werdau"))
    assert info.value.field == "municipality"
    with pytest.raises(ValidationError) as info:
        people.create_organisation(
            uow, anna, OrganisationDraft(name="Neu AG", municipality="werdau")
        )
    assert info.value.field == "municipality"


# --- partner directory -----------------------------------------------------------------------


def test_the_partner_directory_lists_the_seeded_partners_by_short_name(uow: UnitOfWork) -> None:
    partners = people.list_partners(uow)
    names = [p.display_name for p in partners]
    assert len(partners) == 13
    assert names == sorted(names, key=str.casefold)
    assert {"FIZUZ", "Jobcenter", "Ausländerbehörde", "IHK FOSA", "ZAV"} <= set(names)
    fizuz = next(p for p in partners if p.code == "fizuz")
    assert fizuz.name == "Fachinformationszentrum Zuwanderung (EXIS Europa e.V.)"
    assert fizuz.is_partner


def test_an_administrator_adds_a_partner_with_contact_persons(
    uow: UnitOfWork, admin: Actor, anna: Actor
) -> None:
    saved = people.create_organisation(
        uow,
        admin,
        OrganisationDraft(
            name="Volkshochschule Zwickau", short_name="VHS", is_partner=True, code=" VHS_Zwickau "
        ),
    ).value
    assert saved.code == "vhs_zwickau"
    with_contacts = people.set_contacts(
        uow,
        admin,
        saved.id,
        [
            ContactDraft(
                name=" Petra Lang ",
                function="Integrationskurse",
                email="lang@vhs.example",
                phone="0375 9",
            ),
            ContactDraft(name="Jan Roth"),
        ],
    ).value
    assert [(c.name, c.function, c.email) for c in with_contacts.contacts] == [
        ("Petra Lang", "Integrationskurse", "lang@vhs.example"),
        ("Jan Roth", "", ""),
    ]
    listed = {p.code: p for p in people.list_partners(uow)}
    assert listed["vhs_zwickau"].display_name == "VHS"
    assert [c.name for c in listed["vhs_zwickau"].contacts] == ["Petra Lang", "Jan Roth"]
    # Replacing the contacts replaces them.
    loaded = {c.id: c.version for c in with_contacts.contacts}
    replaced = people.set_contacts(
        uow, admin, saved.id, [ContactDraft(name="Eva Sommer")], loaded
    ).value
    assert [c.name for c in replaced.contacts] == ["Eva Sommer"]
    assert [c.name for c in people.get_organisation(uow, anna, saved.id).contacts] == ["Eva Sommer"]


def test_a_counsellor_cannot_change_the_partner_directory(uow: UnitOfWork, anna: Actor) -> None:
    fizuz = _partner(uow, "fizuz")
    with pytest.raises(PermissionDeniedError):
        people.create_organisation(
            uow, anna, OrganisationDraft(name="Neuer Partner", is_partner=True)
        )
    with pytest.raises(PermissionDeniedError):
        people.set_contacts(uow, anna, fizuz, [ContactDraft(name="Someone")])
    o = people.get_organisation(uow, anna, fizuz)
    with pytest.raises(PermissionDeniedError):
        people.update_organisation(uow, anna, fizuz, OrganisationDraft(name="FIZUZ neu"), o.version)
    # ... nor make a company a partner.
    oid = _org(uow, anna, "Muster GmbH")
    v = people.get_organisation(uow, anna, oid).version
    with pytest.raises(PermissionDeniedError):
        people.update_organisation(
            uow, anna, oid, OrganisationDraft(name="Muster GmbH", is_partner=True), v
        )
    assert len(people.list_partners(uow)) == 13


def test_a_counsellor_keeps_contact_persons_of_a_company(uow: UnitOfWork, anna: Actor) -> None:
    oid = _org(uow, anna, "Muster GmbH")
    o = people.set_contacts(
        uow, anna, oid, [ContactDraft(name="Frau Kurz", function="Personal")]
    ).value
    assert [(c.name, c.function) for c in o.contacts] == [("Frau Kurz", "Personal")]
    with pytest.raises(ValidationError) as info:
        people.set_contacts(uow, anna, oid, [ContactDraft(name="  ")])
    assert info.value.field == "contact_name"
    assert [c.name for c in people.get_organisation(uow, anna, oid).contacts] == ["Frau Kurz"]


def test_a_partner_code_must_be_well_formed_and_unique(uow: UnitOfWork, admin: Actor) -> None:
    for code in ("Bad Code", "fizuz", "FIZUZ", "a-b"):
        with pytest.raises(ValidationError) as info:
            people.create_organisation(
                uow, admin, OrganisationDraft(name="Ein Partner", is_partner=True, code=code)
            )
        assert info.value.field == "code", code
    assert len(people.list_partners(uow)) == 13


# --- the client field: search as you type ------------------------------------------------------


@pytest.fixture
def clients(uow: UnitOfWork, anna: Actor) -> dict[str, int]:
    return {
        "mueller": _person(uow, anna, "Müller", "Anna", BORN),
        "mueller_ben": _person(uow, anna, "Mueller", "Ben"),
        "schmidt": _person(uow, anna, "Schmidt", "Jana"),
        "strasse": _person(uow, anna, "Straße", "Olga"),
        "logistik": _org(uow, anna, "Logistik an der Strasse GmbH"),
        "muster": _org(uow, anna, "Muster GmbH"),
    }


def _found(uow: UnitOfWork, actor: Actor, text: str) -> set[tuple[ClientKind, str]]:
    return {(r.kind, r.display_name) for r in people.search_clients(uow, actor, text)}


def test_typing_part_of_a_name_finds_every_spelling(
    uow: UnitOfWork, anna: Actor, clients: dict[str, int]
) -> None:
    for typed in ("mül", "Mül", "MÜL", "mul", "mue", "Muell", "müller"):
        found = _found(uow, anna, typed)
        assert (ClientKind.PERSON, "Müller, Anna") in found, typed
        assert (ClientKind.PERSON, "Mueller, Ben") in found, typed
        assert (ClientKind.PERSON, "Schmidt, Jana") not in found, typed
    # Every typed word must match, in any order.
    assert _found(uow, anna, "anna mül") == {(ClientKind.PERSON, "Müller, Anna")}
    assert _found(uow, anna, "mül anna") == {(ClientKind.PERSON, "Müller, Anna")}
    assert _found(uow, anna, "mül jana") == set()
    # "ß" and "ss" are the same.
    for typed in ("Straße", "strasse", "STRASSE", "Strass", "straß"):
        assert _found(uow, anna, typed) == {
            (ClientKind.PERSON, "Straße, Olga"),
            (ClientKind.ORGANISATION, "Logistik an der Strasse GmbH"),
        }, typed


def test_organisations_by_name_partners_by_short_name_and_no_wildcards(
    uow: UnitOfWork, anna: Actor, clients: dict[str, int]
) -> None:
    assert _found(uow, anna, "muster") == {(ClientKind.ORGANISATION, "Muster GmbH")}
    fizuz = people.search_clients(uow, anna, "fizuz")
    assert [(r.kind, r.id) for r in fizuz] == [(ClientKind.ORGANISATION, _partner(uow, "fizuz"))]
    for typed in ("", "   ", "%", "_", "\\", "%%", "%_%"):
        assert people.search_clients(uow, anna, typed) == [], typed
    # The name as written, legal form and all, finds the organisation too ...
    for typed, name in [
        ("Muster GmbH", "Muster GmbH"),
        ("muster gmbh", "Muster GmbH"),
        ("MUSTER GMBH & CO. KG", "Muster GmbH"),
        ("Logistik GmbH", "Logistik an der Strasse GmbH"),
    ]:
        assert (ClientKind.ORGANISATION, name) in _found(uow, anna, typed), typed
    # ... and the first letters of a name that look like a legal form still find it.
    assert (ClientKind.ORGANISATION, "Agentur für Arbeit Zwickau") in _found(uow, anna, "Ag")


def test_persons_come_before_organisations_and_the_limit_holds(
    uow: UnitOfWork, anna: Actor, clients: dict[str, int]
) -> None:
    _org(uow, anna, "Annaberger Backwaren")
    found = people.search_clients(uow, anna, "anna")
    assert [r.kind for r in found] == [ClientKind.PERSON, ClientKind.ORGANISATION]
    assert len(people.search_clients(uow, anna, "a", limit=3)) == 3


def test_a_person_is_found_as_lists_write_the_name(uow: UnitOfWork, anna: Actor) -> None:
    existing = _person(uow, anna, "Müller", "Anna", BORN)
    for typed in ("Müller, Anna", "muller,anna", "Anna Müller", "Müller,"):
        assert [r.id for r in people.search_clients(uow, anna, typed)] == [existing], typed


@pytest.mark.parametrize("address", ["keine-mail", "anna@localhost", "a b@example.org", "@x.de"])
def test_an_e_mail_address_that_is_none_is_refused_under_its_field(
    uow: UnitOfWork, anna: Actor, address: str
) -> None:
    with pytest.raises(ValidationError) as person:
        people.create_person(
            uow, anna, PersonDraft(family_name="Novak", given_name="Eva", email=address), True
        )
    assert person.value.field == "email" and "is not an e-mail address" in person.value.message
    with pytest.raises(ValidationError) as org:
        people.create_organisation(uow, anna, OrganisationDraft(name="Kessler GmbH", email=address))
    assert org.value.field == "email"
    saved = people.create_organisation(uow, anna, OrganisationDraft(name="Kessler GmbH"), True)
    with pytest.raises(ValidationError) as contact:
        people.set_contacts(
            uow, anna, saved.value.id, [ContactDraft(name="Frau Kurz", email=address)]
        )
    assert contact.value.field == "contact_email"
