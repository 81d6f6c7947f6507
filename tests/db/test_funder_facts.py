"""The services keep the facts funders count: a person's birth year (from the date, or alone),
two nationalities, the coded facts; an organisation's kind and size; a recognition procedure's
country of training. Wrong values are refused at their field; the age on a day follows the
date or, with only a year, the year."""

from __future__ import annotations

from datetime import date

import pytest

from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.drafts import (
    ClientChoice,
    OrganisationDraft,
    PersonDraft,
    RecognitionDraft,
    RecordDraft,
)
from welcome_center.domain.enums import ClientKind, Gender, OrganisationKind, OrganisationSize
from welcome_center.domain.errors import ValidationError
from welcome_center.domain.person_facts import age_band, age_on
from welcome_center.services import cases, people, recognition
from welcome_center.services.context import Actor


def test_a_birth_date_gives_the_year_and_a_year_alone_is_kept(uow: UnitOfWork, anna: Actor) -> None:
    dated = PersonDraft(family_name="Haddad", birth_date=date(1990, 7, 14))
    assert people.create_person(uow, anna, dated, True).value.birth_year == 1990
    alone = PersonDraft(family_name="Nguyen", birth_year=1991, gender=Gender.FEMALE)
    saved = people.create_person(uow, anna, alone, True).value
    assert (saved.birth_date, saved.birth_year, saved.gender) == (None, 1991, Gender.FEMALE)


@pytest.mark.parametrize(
    ("draft", "field"),
    [
        (PersonDraft(family_name="X", birth_date=date(1990, 7, 14), birth_year=1989), "birth_year"),
        (PersonDraft(family_name="X", birth_year=1850), "birth_year"),
        (PersonDraft(family_name="X", arrival_year=2999), "arrival_year"),
        (PersonDraft(family_name="X", nationality_2="SY"), "nationality"),
        (PersonDraft(family_name="X", nationality="SY", nationality_2="XX"), "nationality_2"),
    ],
)
def test_wrong_facts_are_refused_at_their_field(
    uow: UnitOfWork, anna: Actor, draft: PersonDraft, field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        people.create_person(uow, anna, draft, True)
    assert caught.value.field == field


def test_two_nationalities_the_same_one_twice_is_one(uow: UnitOfWork, anna: Actor) -> None:
    two = PersonDraft(family_name="A", nationality="sy", nationality_2="tr")
    assert people.create_person(uow, anna, two, True).value.nationality_2 == "TR"
    same = PersonDraft(family_name="B", nationality="SY", nationality_2="SY")
    assert people.create_person(uow, anna, same, True).value.nationality_2 is None


def test_an_organisation_s_kind_and_size(uow: UnitOfWork, anna: Actor) -> None:
    draft = OrganisationDraft(
        name="Zahnrad GmbH", kind=OrganisationKind.COMPANY, size=OrganisationSize.MEDIUM
    )
    saved = people.create_organisation(uow, anna, draft, True).value
    assert (saved.kind, saved.size, saved.size.is_sme) == (
        OrganisationKind.COMPANY,
        OrganisationSize.MEDIUM,
        True,
    )
    assert not OrganisationSize.LARGE.is_sme and not OrganisationSize.NOT_RECORDED.is_sme


def test_the_country_of_training_is_a_country_code(uow: UnitOfWork, anna: Actor) -> None:
    pid = people.create_person(uow, anna, PersonDraft(family_name="Tran"), True).value.id
    draft = RecordDraft(client=ClientChoice(ClientKind.PERSON, pid), opened_on=date(2024, 3, 1))
    record = cases.open_record(uow, anna, draft).value.id
    saved = recognition.add_procedure(
        uow, anna, record, RecognitionDraft(qualification="Nurse", training_country="vn")
    ).value
    assert saved.training_country == "VN"
    with pytest.raises(ValidationError) as caught:
        recognition.add_procedure(
            uow, anna, record, RecognitionDraft(qualification="Nurse", training_country="Vietnam")
        )
    assert caught.value.field == "training_country"


@pytest.mark.parametrize(
    ("born", "year", "on", "age", "band"),
    [
        (date(1990, 7, 14), None, date(2024, 7, 13), 33, "30_54"),
        (date(1990, 7, 14), 1990, date(2024, 7, 14), 34, "30_54"),
        (None, 2006, date(2024, 1, 1), 18, "18_29"),  # with only the year: the age of the year
        (date(2006, 12, 31), None, date(2024, 12, 30), 17, "under_18"),
        (None, 1969, date(2024, 6, 30), 55, "55_64"),
        (None, 1959, date(2024, 6, 30), 65, "65_plus"),
        (None, None, date(2024, 6, 30), None, "not_recorded"),
    ],
)
def test_the_age_on_a_day(
    born: date | None, year: int | None, on: date, age: int | None, band: str
) -> None:
    assert age_on(on, born, year) == age
    assert age_band(age) == band


def test_the_demonstration_office_holds_the_facts(uow: UnitOfWork) -> None:
    """Demo reports show every breakdown: gender about balanced, most people employed or
    unemployed, every German level, organisations mostly small and medium companies, the
    country of training mostly the nationality, and events split where known."""
    from collections import Counter

    from sqlalchemy import select

    from welcome_center.db.models import Event, Organisation, Person, RecognitionProcedure
    from welcome_center.services.demo import generate_demo

    generate_demo(uow, Actor.system("test"), records=400, seed=3)
    with uow.read() as s:
        persons = list(s.scalars(select(Person)))
        orgs = [o for o in s.scalars(select(Organisation)) if not o.is_partner]
        procedures = list(s.scalars(select(RecognitionProcedure)))
        events = list(s.scalars(select(Event)))
        nationality = {p.id: p.nationality for p in persons}
        gender = Counter(p.gender.value for p in persons)
        assert abs(gender["female"] - gender["male"]) < 0.15 * len(persons)
        assert gender["not_stated"] and gender["diverse"] >= 0
        status = Counter(p.employment_status.value for p in persons)
        working = status["employed"] + status["unemployed"] + status["long_term_unemployed"]
        assert working > 0.6 * len(persons)
        assert {p.german_level.value for p in persons} >= {"none", "A1", "A2", "B1", "B2", "C1"}
        assert {p.education.value for p in persons} >= {"isced_0_2", "isced_3_4", "isced_5_8"}
        assert all(p.birth_year == p.birth_date.year for p in persons if p.birth_date)
        sizes = Counter(o.size.value for o in orgs)
        assert sizes["small"] + sizes["medium"] > sizes["large"] + sizes["micro"]
        assert Counter(o.kind.value for o in orgs).most_common(1)[0][0] == "company"
        same = sum(1 for p in procedures if p.training_country == nationality[p.person_id])
        assert procedures and same > 0.6 * len(procedures)
        split = [e for e in events if e.participants_persons is not None]
        assert split and all(
            e.participants_persons + (e.participants_organisations or 0) == e.participants
            for e in split
        )
