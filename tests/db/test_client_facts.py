"""Same-name clients told apart: the search and the duplicate candidates carry birth date,
nationality, municipality, the last contact and the number of records of each client."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import event

from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import (
    ClientChoice,
    ConsultationDraft,
    OrganisationDraft,
    PartyDraft,
    PersonDraft,
    RecordDraft,
)
from welcome_center.domain.enums import ClientKind, PartyRole
from welcome_center.domain.views import ClientFacts
from welcome_center.services import cases, consultations, people
from welcome_center.services.context import Actor

FIRST_BORN = date(1990, 3, 12)
SECOND_BORN = date(1985, 7, 1)


def _anna(uow: UnitOfWork, actor: Actor, born: date, nationality: str, town: str) -> int:
    draft = PersonDraft(
        family_name="Müller",
        given_name="Anna",
        birth_date=born,
        nationality=nationality,
        municipality=town,
    )
    return people.create_person(uow, actor, draft, accept_duplicates=True).value.id


def _record(uow: UnitOfWork, actor: Actor, kind: ClientKind, client: int, opened: date) -> int:
    draft = RecordDraft(client=ClientChoice(kind, client), opened_on=opened)
    return cases.open_record(uow, actor, draft).value.id


def _consult(uow: UnitOfWork, actor: Actor, record_id: int, on: date) -> None:
    consultations.record_consultation(
        uow, actor, record_id, ConsultationDraft(held_on=on, duration_minutes=30)
    )


def test_two_anna_muellers_are_found_with_what_tells_them_apart(
    uow: UnitOfWork, anna: Actor
) -> None:
    today = office_today()
    first = _anna(uow, anna, FIRST_BORN, "SY", "zwickau")
    second = _anna(uow, anna, SECOND_BORN, "UA", "reinsdorf")
    # The first: two records of her own, the later one with two consultations.
    old = _record(uow, anna, ClientKind.PERSON, first, today - timedelta(days=300))
    _consult(uow, anna, old, today - timedelta(days=290))
    new = _record(uow, anna, ClientKind.PERSON, first, today - timedelta(days=60))
    _consult(uow, anna, new, today - timedelta(days=50))
    _consult(uow, anna, new, today - timedelta(days=20))
    # The second: one record opened without a consultation, and she is a further party of the
    # first one's record, which does not count as hers.
    _record(uow, anna, ClientKind.PERSON, second, today - timedelta(days=5))
    cases.link_party(
        uow,
        anna,
        new,
        PartyDraft(client=ClientChoice(ClientKind.PERSON, second), role=PartyRole.FAMILY_MEMBER),
    )

    found = {h.id: h for h in people.search_clients(uow, anna, "anna muller")}

    assert set(found) == {first, second}
    assert found[first].facts == ClientFacts(
        birth_date=FIRST_BORN,
        birth_year=FIRST_BORN.year,
        nationality="SY",
        municipality="zwickau",
        last_contact=today - timedelta(days=20),
        records=2,
    )
    assert found[second].facts == ClientFacts(
        birth_date=SECOND_BORN,
        birth_year=SECOND_BORN.year,
        nationality="UA",
        municipality="reinsdorf",
        last_contact=today - timedelta(days=5),  # the opening, as no consultation was held
        records=1,
    )
    assert found[first].display_name == found[second].display_name == "Müller, Anna"


def test_a_person_without_records_has_no_last_contact(uow: UnitOfWork, anna: Actor) -> None:
    pid = people.create_person(
        uow, anna, PersonDraft(family_name="Okafor", given_name="Chidi")
    ).value.id
    [hit] = people.search_clients(uow, anna, "okafor")
    assert hit.id == pid
    assert hit.facts == ClientFacts()


def test_an_organisation_hit_carries_its_town_and_records(uow: UnitOfWork, anna: Actor) -> None:
    today = office_today()
    draft = OrganisationDraft(name="Nette Textilveredlung GmbH", municipality="zwickau")
    org = people.create_organisation(uow, anna, draft).value.id
    rec = _record(uow, anna, ClientKind.ORGANISATION, org, today - timedelta(days=30))
    _consult(uow, anna, rec, today - timedelta(days=3))
    [hit] = people.search_clients(uow, anna, "nette")
    assert (hit.kind, hit.id) == (ClientKind.ORGANISATION, org)
    assert hit.facts == ClientFacts(
        municipality="zwickau", last_contact=today - timedelta(days=3), records=1
    )


def test_duplicate_candidates_carry_the_same_facts(uow: UnitOfWork, anna: Actor) -> None:
    today = office_today()
    first = _anna(uow, anna, FIRST_BORN, "SY", "zwickau")
    second = _anna(uow, anna, SECOND_BORN, "UA", "reinsdorf")
    rec = _record(uow, anna, ClientKind.PERSON, second, today - timedelta(days=10))
    _consult(uow, anna, rec, today - timedelta(days=2))

    found = people.find_duplicates(uow, anna, PersonDraft(family_name="Mueller", given_name="Anna"))

    assert [(c.id, c.facts) for c in found] == [
        (
            first,
            ClientFacts(
                birth_date=FIRST_BORN,
                birth_year=FIRST_BORN.year,
                nationality="SY",
                municipality="zwickau",
            ),
        ),
        (
            second,
            ClientFacts(
                birth_date=SECOND_BORN,
                birth_year=SECOND_BORN.year,
                nationality="UA",
                municipality="reinsdorf",
                last_contact=today - timedelta(days=2),
                records=1,
            ),
        ),
    ]
    [org] = people.find_duplicates(uow, anna, OrganisationDraft(name="Jobcenter Zwickau"))
    assert org.kind is ClientKind.ORGANISATION and org.facts.records == 0


def test_the_facts_of_a_long_list_are_read_in_one_grouped_query(
    uow: UnitOfWork, anna: Actor
) -> None:
    for i in range(30):
        pid = _anna(uow, anna, FIRST_BORN - timedelta(days=i), "SY", "zwickau")
        _record(uow, anna, ClientKind.PERSON, pid, office_today() - timedelta(days=i))
    statements: list[str] = []
    engine = uow.db.engine

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", count)
    try:
        hits = people.search_clients(uow, anna, "anna muller", limit=50)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(hits) == 30 and all(h.facts.records == 1 for h in hits)
    grouped = [s for s in statements if "GROUP BY" in s.upper()]
    assert len(grouped) == 1  # for the persons, whatever the list's length (no organisation)
    # (the search's audit entry takes four: the chain's head locked and moved, the next id)
    assert len(statements) < 13
