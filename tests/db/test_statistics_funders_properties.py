"""Properties of the figures funders count on generated offices (hypothesis): every person-based
breakdown adds up to the persons advised, each person counted once however many of her records
are worked; first plus follow-up consultations are the consultations. Each example is written in
a transaction that is rolled back."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from welcome_center.db import activity, search
from welcome_center.db.models import Consultation, Person, Record
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.enums import (
    EducationLevel,
    EmploymentStatus,
    Gender,
    GermanLevel,
    RecordKind,
    RecordStatus,
)
from welcome_center.domain.person_facts import age_band, statistics_age
from welcome_center.domain.statistics import Period
from welcome_center.services import statistics

YEAR = 2024
day = st.dates(date(YEAR - 1, 12, 1), date(YEAR + 1, 1, 31))
person = st.fixed_dictionaries(
    {
        "gender": st.sampled_from(Gender),
        "employment": st.sampled_from(EmploymentStatus),
        "education": st.sampled_from(EducationLevel),
        "german": st.sampled_from(GermanLevel),
        "birth_date": st.none() | st.dates(date(1940, 1, 1), date(2015, 12, 31)),
        "birth_year": st.none() | st.integers(1940, 2015),
        "nationality": st.none() | st.sampled_from(("SY", "DE", "UA", "PL", "CH", "IN")),
    }
)
record = st.fixed_dictionaries(
    {
        "person": st.integers(0, 5),  # a few persons, so that several records share one
        "opened": day,
        "consulted": st.lists(st.tuples(st.integers(0, 60), st.booleans()), max_size=3),
    }
)
SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
PERSON_BREAKDOWNS = (
    "persons_by_gender",
    "persons_by_age_band",
    "persons_by_employment_status",
    "persons_by_education",
    "persons_by_german_level",
    "persons_by_nationality",
)


@SETTINGS
@given(
    persons=st.lists(person, min_size=6, max_size=6),
    records=st.lists(record, max_size=15),
    month=st.integers(1, 12),
)
def test_person_breakdowns_count_each_person_once(
    uow: UnitOfWork,
    persons: list[dict[str, object]],
    records: list[dict[str, object]],
    month: int,
) -> None:
    p = Period.month(YEAR, month)
    with uow.read() as s:  # rolled back at the end
        ids = []
        for i, f in enumerate(persons):
            born: date | None = f["birth_date"]  # type: ignore[assignment]
            row = Person(family_name=f"P{i}", name_key=f"p{i}", gender=f["gender"],
                         employment_status=f["employment"], education=f["education"],
                         german_level=f["german"], birth_date=born,
                         birth_year=born.year if born else f["birth_year"],
                         nationality=f["nationality"])  # fmt: skip
            s.add(row)
            s.flush()
            ids.append(row.id)
        advised: set[int] = set()
        consulted = first = 0
        for n, r in enumerate(records):
            opened: date = r["opened"]  # type: ignore[assignment]
            rec = Record(number=f"T-{n}", kind=RecordKind.ENQUIRY, status=RecordStatus.NEW,
                         client_person_id=ids[r["person"]], opened_on=opened)  # type: ignore[index]  # fmt: skip
            s.add(rec)
            s.flush()
            days = [opened]
            for after, is_first in r["consulted"]:  # type: ignore[attr-defined]
                held = opened + timedelta(days=after)
                days.append(held)
                s.add(Consultation(record_id=rec.id, held_on=held, is_first=is_first))
                if p.start <= held <= p.end:
                    consulted += 1
                    first += is_first
            if any(p.start <= d <= p.end for d in days):
                advised.add(r["person"])  # type: ignore[arg-type]
        search.sync(s)
        activity.sync(s)  # as a commit does (the records' active months too)
        stats = statistics.compute(s, p)

    assert stats.persons_advised == len(advised)  # a person in two records counts once
    for key in PERSON_BREAKDOWNS:
        assert sum(n for _code, n in stats.breakdown(key)) == stats.persons_advised, key
    assert stats.consultations == consulted
    assert stats.consultations_first == first
    assert stats.consultations_first + stats.consultations_follow_up == stats.consultations
    # The age bands are those of domain.person_facts in the year of the period's last day.
    expected: dict[str, int] = {}
    for i in advised:
        f = persons[i]
        born = f["birth_date"]
        year = born.year if born else f["birth_year"]  # type: ignore[attr-defined]
        band = age_band(statistics_age(p.end, year))  # type: ignore[arg-type]
        expected[band] = expected.get(band, 0) + 1
    assert dict(stats.persons_by_age_band) == expected
