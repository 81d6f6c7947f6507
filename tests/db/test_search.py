"""Full-text search over records as a counsellor types: names in every spelling, numbers,
notes, organisations and further parties; any input is safe; the index follows every change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import select

from tests.consents import consent_to_referrals
from welcome_center.db.models import AuditEntry
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.drafts import (
    ClientChoice,
    ConsultationDraft,
    OrganisationDraft,
    PartyDraft,
    PersonDraft,
    RecordDraft,
    ReferralDraft,
)
from welcome_center.domain.enums import ClientKind, PartyRole, RecordKind
from welcome_center.services import cases, consultations, people, referrals
from welcome_center.services.context import Actor
from welcome_center.services.search import search_record_ids, search_records

OPENED = date(2024, 3, 4)


def _person(uow: UnitOfWork, actor: Actor, family: str, given: str = "") -> int:
    draft = PersonDraft(family_name=family, given_name=given)
    return people.create_person(uow, actor, draft, accept_duplicates=True).value.id


def _org(uow: UnitOfWork, actor: Actor, name: str, short: str = "") -> int:
    draft = OrganisationDraft(name=name, short_name=short)
    return people.create_organisation(uow, actor, draft, accept_duplicates=True).value.id


def _open(
    uow: UnitOfWork,
    actor: Actor,
    client: ClientChoice,
    summary: str = "",
    opened_on: date = OPENED,
) -> int:
    draft = RecordDraft(
        client=client, opened_on=opened_on, kind=RecordKind.ENQUIRY, summary=summary
    )
    return cases.open_record(uow, actor, draft).value.id


def _person_record(
    uow: UnitOfWork, actor: Actor, family: str, given: str = "", **kw: object
) -> int:
    pid = _person(uow, actor, family, given)
    return _open(uow, actor, ClientChoice(ClientKind.PERSON, pid), **kw)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Office:
    """A small office: record ids by what they are about, numbered in this order."""

    mueller: int  # WC-2024-0001, Müller, Anna
    schmidt: int  # WC-2024-0002, Schmidt, Jana
    muster: int  # WC-2024-0003, client Muster GmbH
    luedenscheid: int  # WC-2024-0004, Müller-Lüdenscheid, Karl
    ben_mueller: int  # WC-2024-0005, Mueller, Ben
    person_ids: dict[str, int]
    org_ids: dict[str, int]


def _build_office(uow: UnitOfWork, anna: Actor) -> Office:
    persons = {
        "mueller": _person(uow, anna, "Müller", "Anna"),
        "schmidt": _person(uow, anna, "Schmidt", "Jana"),
        "luedenscheid": _person(uow, anna, "Müller-Lüdenscheid", "Karl"),
        "ben": _person(uow, anna, "Mueller", "Ben"),
    }
    orgs = {"muster": _org(uow, anna, "Muster GmbH", "Muster")}
    p = {k: ClientChoice(ClientKind.PERSON, v) for k, v in persons.items()}
    return Office(
        mueller=_open(uow, anna, p["mueller"], "Visum Pflege"),
        schmidt=_open(uow, anna, p["schmidt"], "Jobsuche Elektronik"),
        muster=_open(uow, anna, ClientChoice(ClientKind.ORGANISATION, orgs["muster"]), "Azubis"),
        luedenscheid=_open(uow, anna, p["luedenscheid"], "Wohnung"),
        ben_mueller=_open(uow, anna, p["ben"], "Familiennachzug"),
        person_ids=persons,
        org_ids=orgs,
    )


@pytest.fixture
def office(uow: UnitOfWork, anna: Actor) -> Office:
    return _build_office(uow, anna)


def _find(uow: UnitOfWork, actor: Actor, text: str) -> set[int]:
    return set(search_record_ids(uow, actor, text))


# --- names in every spelling -----------------------------------------------------------------


def test_names_are_found_in_every_spelling(uow: UnitOfWork, anna: Actor, office: Office) -> None:
    mueller_records = {office.mueller, office.ben_mueller, office.luedenscheid}
    for typed in ("muller", "Müller", "mueller", "MÜL", "MUELLER", "müll", "Mu", "MULLER"):
        found = _find(uow, anna, typed)
        assert mueller_records <= found, typed
        assert office.schmidt not in found, typed
    # Given and family name together narrow the result.
    assert _find(uow, anna, "Anna Müller") == {office.mueller}
    assert _find(uow, anna, "mueller ben") == {office.ben_mueller}
    assert _find(uow, anna, "Müller Jana") == set()
    # A double name, whole or in part.
    for typed in (
        "Müller-Lüdenscheid",
        "mueller-luedenscheid",
        "MULLER-LUDENSCHEID",
        "Lüdenscheid",
        "luede",
        "Karl Müller-Lüdenscheid",
    ):
        assert _find(uow, anna, typed) == {office.luedenscheid}, typed


def test_letters_without_accent_form_are_found_in_their_plain_spelling(
    uow: UnitOfWork, anna: Actor
) -> None:
    names = ["Straße", "Strauß", "Łukasz", "Søren", "Đorđević"]
    rid = {name: _person_record(uow, anna, name, "Olga") for name in names}
    for name, typed in [
        ("Straße", "strasse"),
        ("Straße", "Straße"),
        ("Strauß", "Strauss"),
        ("Strauß", "strauß"),
        ("Łukasz", "Lukasz"),
        ("Łukasz", "łukasz"),
        ("Søren", "soren"),
        ("Søren", "SØREN"),
        ("Đorđević", "Dordevic"),
    ]:
        assert _find(uow, anna, typed) == {rid[name]}, typed


# --- any input is safe -----------------------------------------------------------------------


HOSTILE = [
    "",
    "   ",
    "\t\n",
    '"',
    '""',
    "*",
    "(",
    ")",
    "()",
    "'",
    "-",
    "--",
    "^",
    ":",
    "+",
    "NEAR",
    "NEAR(a b)",
    "AND",
    "OR",
    "NOT",
    "AND OR NOT",
    "names:Müller",
    "number:1",
    "{names}: x",
    "Müller AND",
    "NOT Müller",
    "Müller OR Schmidt",
    '"Müller',
    "Müller*",
    "(Müller",
    "Müller)",
    "Müller'",
    "-Müller",
    "Mül*ler",
    "O'Brien",
    "%",
    "_",
    "\\",
    "'; DROP TABLE records; --",
    "\x00",
    "🙂",
    "Müller\u0308",
]
NOTHING_TO_SEARCH = ["", "   ", "\t\n", '"', "*", "(", "'", "-", "()", "--", "^", ":", "+"]


def test_any_input_is_safe_and_punctuation_is_ignored(
    uow: UnitOfWork, anna: Actor, office: Office
) -> None:
    for typed in HOSTILE:
        ids = search_record_ids(uow, anna, typed)
        assert isinstance(ids, list), typed
        assert len(ids) == len(set(ids)), typed
        assert [line.id for line in search_records(uow, anna, typed)] == ids, typed
    for typed in NOTHING_TO_SEARCH:
        assert search_record_ids(uow, anna, typed) == [], typed
    plain = _find(uow, anna, "Müller")
    assert plain == {office.mueller, office.ben_mueller, office.luedenscheid}
    for typed in ("Müller*", '"Müller"', "(Müller)", "Müller'", "-Müller", "'Müller'", "Müller,"):
        assert _find(uow, anna, typed) == plain, typed
    assert search_record_ids(uow, anna, "Schmidt") == [office.schmidt]  # nothing broke


def test_operator_words_are_words_not_operators(
    uow: UnitOfWork, anna: Actor, office: Office
) -> None:
    andersen = _person_record(uow, anna, "Andersen", "Ole")
    orlova = _person_record(uow, anna, "Orlova", "Irina")
    nottebohm = _person_record(uow, anna, "Nottebohm", "Eva")
    assert _find(uow, anna, "AND") == {andersen}
    assert _find(uow, anna, "OR") == {orlova}
    assert _find(uow, anna, "NOT") == {nottebohm}
    # "Müller OR Schmidt" asks for records with all three words, not for either name.
    assert _find(uow, anna, "Müller OR Schmidt") == set()
    # "NOT Müller" does not exclude Müller; no record has a word starting with "not" and "müller".
    assert _find(uow, anna, "NOT Müller") == set()
    assert _find(uow, anna, "Ole AND") == {andersen}


# --- numbers ---------------------------------------------------------------------------------


def test_a_record_is_found_by_its_number_or_summary(
    uow: UnitOfWork, anna: Actor, office: Office
) -> None:
    assert search_record_ids(uow, anna, "WC-2024-0001") == [office.mueller]
    assert search_record_ids(uow, anna, "wc-2024-0002") == [office.schmidt]
    assert search_record_ids(uow, anna, "1") == [office.mueller]
    assert search_record_ids(uow, anna, "0003") == [office.muster]
    assert search_record_ids(uow, anna, "2024-4") == [office.luedenscheid]
    assert _find(uow, anna, "2024") == {
        office.mueller,
        office.schmidt,
        office.muster,
        office.luedenscheid,
        office.ben_mueller,
    }
    assert search_record_ids(uow, anna, "WC-2023-0001") == []
    assert _find(uow, anna, "Elektronik") == {office.schmidt}
    assert _find(uow, anna, "familien") == {office.ben_mueller}


def test_numbers_of_other_years_are_told_apart(uow: UnitOfWork, anna: Actor) -> None:
    old = _person_record(uow, anna, "Alt", "Emil", opened_on=date(2023, 2, 1))
    new = _person_record(uow, anna, "Neu", "Emil", opened_on=date(2024, 2, 1))
    assert search_record_ids(uow, anna, "WC-2023-0001") == [old]
    assert search_record_ids(uow, anna, "WC-2024-0001") == [new]
    assert _find(uow, anna, "1") == {old, new}


# --- what else is indexed --------------------------------------------------------------------


def test_consultation_notes_find_the_record(uow: UnitOfWork, anna: Actor, office: Office) -> None:
    c = consultations.record_consultation(
        uow,
        anna,
        office.schmidt,
        ConsultationDraft(held_on=OPENED, notes="Bewerbungsunterlagen für Krankenhaus geprüft"),
    ).value
    assert _find(uow, anna, "Bewerbungsunterlagen") == {office.schmidt}
    assert _find(uow, anna, "krankenhaus") == {office.schmidt}
    assert _find(uow, anna, "Bewerbung") == {office.schmidt}  # as a prefix
    assert _find(uow, anna, "fur") == {office.schmidt}

    consultations.update_consultation(
        uow, anna, c.id, ConsultationDraft(held_on=OPENED, notes="Zeugnisse übersetzt"), c.version
    )
    assert _find(uow, anna, "Bewerbungsunterlagen") == set()
    assert _find(uow, anna, "Zeugnisse") == {office.schmidt}


def test_a_deleted_consultation_no_longer_finds_the_record(
    uow: UnitOfWork, anna: Actor, office: Office
) -> None:
    c = consultations.record_consultation(
        uow, anna, office.schmidt, ConsultationDraft(held_on=OPENED, notes="Sprachkurs Kettenhund")
    ).value
    assert _find(uow, anna, "Kettenhund") == {office.schmidt}
    consultations.delete_consultation(uow, anna, c.id, c.version)
    assert _find(uow, anna, "Kettenhund") == set()
    assert _find(uow, anna, "Schmidt") == {office.schmidt}


def test_a_referral_reason_and_outcome_find_the_record(
    uow: UnitOfWork, anna: Actor, office: Office
) -> None:
    from welcome_center.domain.enums import ReferralStatus

    fizuz = next(o.id for o in people.list_partners(uow) if o.code == "fizuz")
    consent_to_referrals(uow, anna, office.mueller)  # a referral needs consent
    f = referrals.refer(
        uow,
        anna,
        office.mueller,
        ReferralDraft(partner_id=fizuz, referred_on=OPENED, reason="Gleichwertigkeit"),
    ).value
    assert _find(uow, anna, "Gleichwertigkeit") == {office.mueller}
    referrals.record_feedback(
        uow,
        anna,
        f.id,
        ReferralStatus.DONE,
        "Bescheid erhalten",
        OPENED,
        expected_version=f.version,
    )
    assert _find(uow, anna, "Bescheid") == {office.mueller}


def test_the_name_of_the_client_organisation_finds_the_record(
    uow: UnitOfWork, anna: Actor, office: Office
) -> None:
    assert _find(uow, anna, "Muster") == {office.muster}
    assert _find(uow, anna, "muster gmbh") == {office.muster}


def test_a_further_party_finds_the_record(uow: UnitOfWork, anna: Actor, office: Office) -> None:
    employer = _org(uow, anna, "Kessler Maschinenbau GmbH", "Kessler")
    spouse = _person(uow, anna, "Nguyễn", "Thị Lan")
    cases.link_party(
        uow,
        anna,
        office.schmidt,
        PartyDraft(client=ClientChoice(ClientKind.ORGANISATION, employer), role=PartyRole.EMPLOYER),
    )
    linked = cases.link_party(
        uow,
        anna,
        office.schmidt,
        PartyDraft(client=ClientChoice(ClientKind.PERSON, spouse), role=PartyRole.FAMILY_MEMBER),
    ).value
    assert _find(uow, anna, "Kessler") == {office.schmidt}
    assert _find(uow, anna, "Maschinenbau") == {office.schmidt}
    assert _find(uow, anna, "nguyen") == {office.schmidt}
    assert _find(uow, anna, "Nguyễn Lan") == {office.schmidt}

    party = next(p.id for p in linked.parties if p.client.id == employer)
    cases.unlink_party(uow, anna, office.schmidt, party)
    assert _find(uow, anna, "Kessler") == set()
    assert _find(uow, anna, "nguyen") == {office.schmidt}


def test_a_person_client_is_found_by_the_employers_name(
    uow: UnitOfWork, anna: Actor, office: Office
) -> None:
    cases.link_party(
        uow,
        anna,
        office.mueller,
        PartyDraft(
            client=ClientChoice(ClientKind.ORGANISATION, office.org_ids["muster"]),
            role=PartyRole.EMPLOYER,
        ),
    )
    assert _find(uow, anna, "Muster") == {office.muster, office.mueller}
    assert _find(uow, anna, "Muster Anna") == {office.mueller}


# --- the index follows renames ---------------------------------------------------------------


def test_after_renaming_a_person_the_new_name_finds_the_record_and_the_old_not(
    uow: UnitOfWork, anna: Actor, office: Office
) -> None:
    pid = office.person_ids["mueller"]
    p = people.get_person(uow, anna, pid)
    people.update_person(
        uow, anna, pid, PersonDraft(family_name="Meier", given_name="Anna"), p.version
    )
    assert _find(uow, anna, "Meier") == {office.mueller}
    assert office.mueller not in _find(uow, anna, "Müller")
    assert office.mueller not in _find(uow, anna, "mueller")
    assert _find(uow, anna, "Anna Müller") == set()
    assert [line.client.display_name for line in search_records(uow, anna, "Meier")] == [
        "Meier, Anna"
    ]


def test_after_renaming_a_party_the_new_name_finds_the_record(
    uow: UnitOfWork, anna: Actor, office: Office
) -> None:
    helper = _person(uow, anna, "Weber", "Klara")
    cases.link_party(
        uow,
        anna,
        office.muster,
        PartyDraft(client=ClientChoice(ClientKind.PERSON, helper), role=PartyRole.CANDIDATE),
    )
    v = people.get_person(uow, anna, helper).version
    people.update_person(
        uow, anna, helper, PersonDraft(family_name="Wagner", given_name="Klara"), v
    )
    assert _find(uow, anna, "Wagner") == {office.muster}
    assert _find(uow, anna, "Weber") == set()


def test_after_renaming_an_organisation_the_new_name_finds_the_record(
    uow: UnitOfWork, anna: Actor, office: Office
) -> None:
    oid = office.org_ids["muster"]
    v = people.get_organisation(uow, anna, oid).version
    people.update_organisation(uow, anna, oid, OrganisationDraft(name="Beispiel AG"), v)
    assert _find(uow, anna, "Beispiel") == {office.muster}
    assert _find(uow, anna, "Muster") == set()


def test_after_editing_summary_or_client_the_old_words_are_gone(
    uow: UnitOfWork, anna: Actor, office: Office
) -> None:
    r = cases.get_record(uow, anna, office.schmidt)
    r = cases.update_record(
        uow,
        anna,
        r.id,
        RecordDraft(
            client=ClientChoice(r.client.kind, r.client.id),
            opened_on=r.opened_on,
            summary="Kita-Platz",
        ),
        r.version,
    ).value
    assert _find(uow, anna, "Elektronik") == set()
    assert _find(uow, anna, "Kita") == {office.schmidt}
    # The record is given to another client (entered on the wrong person).
    other = _person(uow, anna, "Kowalski", "Piotr")
    cases.update_record(
        uow,
        anna,
        r.id,
        RecordDraft(
            client=ClientChoice(ClientKind.PERSON, other),
            opened_on=r.opened_on,
            summary="Kita-Platz",
        ),
        r.version,
    )
    assert _find(uow, anna, "Kowalski") == {office.schmidt}
    assert _find(uow, anna, "Schmidt") == set()


# --- list lines, limits, audit ---------------------------------------------------------------


def test_search_records_returns_list_lines_up_to_the_limit_and_is_audited(
    uow: UnitOfWork, anna: Actor, office: Office
) -> None:
    (line,) = search_records(uow, anna, "Lüdenscheid")
    assert line.id == office.luedenscheid
    assert line.number == "WC-2024-0004"
    assert line.client.display_name == "Müller-Lüdenscheid, Karl"
    assert line.opened_on == OPENED
    assert line.counsellor == "Anna Berger"
    # The search is audited, without its words.
    with uow.read() as s:
        row = s.execute(
            select(AuditEntry.actor, AuditEntry.action, AuditEntry.detail)
            .order_by(AuditEntry.id.desc())
            .limit(1)
        ).one()
    assert (row.actor, row.action, row.detail) == ("anna", "search", "hits=1")
    # The limit caps the hits.
    assert len(search_record_ids(uow, anna, "2024")) == 5
    assert len(search_record_ids(uow, anna, "2024", limit=2)) == 2
    assert len(search_records(uow, anna, "2024", limit=3)) == 3
