"""The figures funders count (DOMAIN.md "Who was advised: the facts funders count") on a small
office worked out by hand, and the JSON report of a demo office holding every key of DOMAIN.md's
table.

The office (all dates 2024, the period is March; written in a transaction rolled back after):

    person facts                                              records (active in March?)
    P1  female, born 1990-03-20, employed, ISCED 5-8, B1, SY  R1 opened 03-04, R2 opened 03-10
    P2  male, born in 2006 (year only), unemployed, ISCED 3-4, R3 opened 02-01, consulted 03-05
        A2, PL (second nationality UA)
    P3  female, born 2006-04-15, in education, UA (2nd DE)     R4 opened 03-20
    P4  nothing recorded                                       R5 opened 03-25
    P5  male, born 1960-01-01                                  R6 opened 04-03 (not in March)
    O1  company, small                                         R7 opened 03-02
    O2  authority, large                                       R8 opened 03-03
    O3  company, micro                                         R9 opened 01-05, closed 01-20 (no)

Consultations: C1 R1 03-04 first 30' phone; C2 R2 03-10 follow-up 10' email, interpreter;
C3 R3 03-05 follow-up 59' in person, interpreter; C4 R7 03-02 first, no duration, no channel;
C5 R6 04-03 first 20' (April).
Recognition (R3): RP1 submitted 03-01, decided 03-20 partial, regulated, trained in UA;
RP2 submitted 03-15, decided 04-10 full (state decided now), not regulated, no country;
RP3 submitted 01-10, undecided (not active in March).
Events: E1 03-12, 25 participants (20 persons, 5 organisations); E2 03-20, 10 (no split);
E3 04-01, 7 (7 persons).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from sqlalchemy.orm import Session

from welcome_center.db import activity, search
from welcome_center.db.models import (
    Consultation,
    Event,
    Organisation,
    Person,
    RecognitionProcedure,
    Record,
)
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.enums import (
    EducationLevel,
    EmploymentStatus,
    EventKind,
    Gender,
    GermanLevel,
    OrganisationKind,
    OrganisationSize,
    RecognitionDecision,
    RecognitionState,
    RecordKind,
    RecordStatus,
)
from welcome_center.domain.statistics import NOT_RECORDED, Period, ReportFormat
from welcome_center.services import reporting, statistics
from welcome_center.services.context import Actor
from welcome_center.services.demo import generate_demo

MARCH = Period.month(2024, 3)
D = date


@contextmanager
def _office(uow: UnitOfWork) -> Iterator[Session]:
    with uow.read() as s:  # rolled back at the end
        persons = [
            Person(family_name="P1", name_key="p1", gender=Gender.FEMALE,
                   birth_date=D(1990, 3, 20), birth_year=1990,
                   employment_status=EmploymentStatus.EMPLOYED,
                   education=EducationLevel.ISCED_5_8, german_level=GermanLevel.B1,
                   nationality="SY"),
            Person(family_name="P2", name_key="p2", gender=Gender.MALE, birth_year=2006,
                   employment_status=EmploymentStatus.UNEMPLOYED,
                   education=EducationLevel.ISCED_3_4, german_level=GermanLevel.A2,
                   nationality="PL", nationality_2="UA"),
            Person(family_name="P3", name_key="p3", gender=Gender.FEMALE,
                   birth_date=D(2006, 4, 15), birth_year=2006,
                   employment_status=EmploymentStatus.IN_EDUCATION,
                   nationality="UA", nationality_2="DE"),
            Person(family_name="P4", name_key="p4"),
            Person(family_name="P5", name_key="p5", gender=Gender.MALE,
                   birth_date=D(1960, 1, 1), birth_year=1960, nationality="TR"),
        ]  # fmt: skip
        orgs = [
            Organisation(name="O1", name_key="o1", kind=OrganisationKind.COMPANY,
                         size=OrganisationSize.SMALL),
            Organisation(name="O2", name_key="o2", kind=OrganisationKind.AUTHORITY,
                         size=OrganisationSize.LARGE),
            Organisation(name="O3", name_key="o3", kind=OrganisationKind.COMPANY,
                         size=OrganisationSize.MICRO),
        ]  # fmt: skip
        s.add_all(persons + orgs)
        s.flush()
        p1, p2, p3, p4, p5 = (p.id for p in persons)
        o1, o2, o3 = (o.id for o in orgs)

        def record(n: int, opened: date, person: int | None = None, org: int | None = None,
                   closed: date | None = None) -> int:  # fmt: skip
            r = Record(number=f"F-{n}", kind=RecordKind.ENQUIRY,
                       status=RecordStatus.CLOSED if closed else RecordStatus.NEW,
                       client_person_id=person, client_organisation_id=org, opened_on=opened,
                       closed_on=closed)  # fmt: skip
            s.add(r)
            s.flush()
            return r.id

        r1, r2 = record(1, D(2024, 3, 4), p1), record(2, D(2024, 3, 10), p1)
        r3 = record(3, D(2024, 2, 1), p2)
        record(4, D(2024, 3, 20), p3)
        record(5, D(2024, 3, 25), p4)
        r6 = record(6, D(2024, 4, 3), p5)
        r7 = record(7, D(2024, 3, 2), org=o1)
        record(8, D(2024, 3, 3), org=o2)
        record(9, D(2024, 1, 5), org=o3, closed=D(2024, 1, 20))
        s.add_all([
            Consultation(record_id=r1, held_on=D(2024, 3, 4), is_first=True,
                         duration_minutes=30, channel="phone"),
            Consultation(record_id=r2, held_on=D(2024, 3, 10), duration_minutes=10,
                         channel="email", interpreter=True),
            Consultation(record_id=r3, held_on=D(2024, 3, 5), duration_minutes=59,
                         channel="in_person", interpreter=True),
            Consultation(record_id=r7, held_on=D(2024, 3, 2), is_first=True),
            Consultation(record_id=r6, held_on=D(2024, 4, 3), is_first=True,
                         duration_minutes=20, channel="phone"),
            RecognitionProcedure(record_id=r3, person_id=p2, qualification="Nurse",
                                 regulated=True, training_country="UA",
                                 state=RecognitionState.DECIDED,
                                 decision=RecognitionDecision.PARTIAL,
                                 submitted_on=D(2024, 3, 1), decided_on=D(2024, 3, 20)),
            RecognitionProcedure(record_id=r3, person_id=p2, qualification="Engineer",
                                 state=RecognitionState.DECIDED,
                                 decision=RecognitionDecision.FULL,
                                 submitted_on=D(2024, 3, 15), decided_on=D(2024, 4, 10)),
            RecognitionProcedure(record_id=r3, person_id=p2, qualification="Teacher",
                                 state=RecognitionState.SUBMITTED,
                                 submitted_on=D(2024, 1, 10)),
            Event(title="E1", kind=EventKind.INFORMATION_EVENT, held_on=D(2024, 3, 12),
                  participants=25, participants_persons=20, participants_organisations=5),
            Event(title="E2", kind=EventKind.WORKSHOP, held_on=D(2024, 3, 20), participants=10),
            Event(title="E3", kind=EventKind.WORKSHOP, held_on=D(2024, 4, 1), participants=7,
                  participants_persons=7),
        ])  # fmt: skip
        search.sync(s)
        activity.sync(s)  # as a commit does (the records' active months too)
        yield s


def test_who_was_advised_in_march_as_worked_out_by_hand(uow: UnitOfWork) -> None:
    with _office(uow) as s:
        st = statistics.compute(s, MARCH)
    # P1 (two records, counted once), P2 (consulted 03-05), P3, P4; P5 only in April.
    assert st.persons_advised == 4
    assert st.persons_by_gender == (("female", 2), ("male", 1), (NOT_RECORDED, 1))
    # Ages reached in 2024 (from the birth year: anonymisation keeps only the year, and the
    # figures must not change with it): P1 2024-1990 = 34, P2 2024-2006 = 18 (year only), P3
    # 2024-2006 = 18 (born 04-15: still 17 on 03-31, but the year counts), P4 unknown. Bands in
    # their natural order.
    assert st.persons_by_age_band == (("18_29", 2), ("30_54", 1), (NOT_RECORDED, 1))
    assert st.persons_by_employment_status == (("employed", 1), ("unemployed", 1),
                                               ("in_education", 1), (NOT_RECORDED, 1))  # fmt: skip
    assert st.persons_by_education == (("isced_3_4", 1), ("isced_5_8", 1), (NOT_RECORDED, 2))
    assert st.persons_by_german_level == (("A2", 1), ("B1", 1), (NOT_RECORDED, 2))
    # The first nationality counts: P2 under PL (not UA), P3 under UA (not DE).
    assert dict(st.persons_by_nationality) == {"PL": 1, "SY": 1, "UA": 1, NOT_RECORDED: 1}
    assert st.third_country_persons == 2  # P1 SY, P3 UA; P2 PL is EU, P4 unknown
    # O1 and O2 (O3's record was closed in January); O1 small is an SME, O2 large is not.
    assert st.organisations_advised == 2
    assert st.organisations_by_kind == (("company", 1), ("authority", 1))
    assert st.smes_advised == 1


def test_consultations_recognition_and_events_in_march(uow: UnitOfWork) -> None:
    with _office(uow) as s:
        st = statistics.compute(s, MARCH)
    # C1-C4 in March (C5 in April): C1, C4 first; C2, C3 follow-ups.
    assert (st.consultations, st.consultations_first, st.consultations_follow_up) == (4, 2, 2)
    # 30 + 10 + 59 + 0 = 99 minutes = 1.65 hours, rounded half up to 1.7.
    assert (st.consultation_minutes, st.consultation_hours) == (99, 1.7)
    # C1 30' and C3 59' are 30-59, C2 10' under 15, C4 without a duration.
    assert st.consultations_by_duration == (("under_15", 1), ("30_59", 2), (NOT_RECORDED, 1))
    assert dict(st.consultations_by_channel) == {"phone": 1, "email": 1, "in_person": 1,
                                                 NOT_RECORDED: 1}  # fmt: skip
    assert st.consultations_with_interpreter == 2  # C2, C3
    # RP1 (submitted and decided in March), RP2 (submitted in March); RP3 only in January.
    assert (st.recognition_active, st.recognition_regulated) == (2, 1)
    # At 03-31 RP2 was not decided yet (decided 04-10): it counts as submitted.
    assert st.recognition_by_state == (("submitted", 1), ("decided", 1))
    assert st.recognition_decisions == (("partial", 1),)  # RP2's decision is in April
    assert st.recognition_by_training_country == (("UA", 1), (NOT_RECORDED, 1))
    # E1 and E2: 25 + 10 participants; the split only where recorded (E1).
    assert (st.events, st.event_participants) == (2, 35)
    assert (st.event_participants_persons, st.event_participants_organisations) == (20, 5)


# Every JSON key of DOMAIN.md's table "Who was advised: the facts funders count", and those
# of "Statistics: one definition each" that name the clients advised.
FUNDERS_KEYS = (
    "persons_advised", "organisations_advised",
    "persons_by_gender", "persons_by_age_band", "persons_by_employment_status",
    "persons_by_education", "persons_by_german_level", "persons_by_nationality",
    "third_country_persons", "organisations_by_kind", "smes_advised",
    "consultations", "consultations_first", "consultations_follow_up", "consultation_hours",
    "consultations_by_duration", "consultations_by_channel", "consultations_with_interpreter",
    "recognition_active", "recognition_by_state", "recognition_decisions",
    "recognition_by_training_country", "recognition_regulated",
    "events", "event_participants", "event_participants_persons",
    "event_participants_organisations",
)  # fmt: skip
PERSON_BREAKDOWNS = [k for k in FUNDERS_KEYS if k.startswith("persons_by_")]


def test_the_json_report_of_a_demo_year_holds_every_key(uow: UnitOfWork, manager: Actor) -> None:
    generate_demo(uow, Actor.system("test"), records=120, seed=2, today=date(2024, 12, 31))
    report = reporting.content(uow, manager, Period.year(2024), "en")
    data = json.loads(reporting.render(report, ReportFormat.JSON))
    assert [key for key in FUNDERS_KEYS if key not in data] == []
    stats = report.statistics
    assert stats.persons_advised > 0 and stats.consultations_first > 0
    for key in PERSON_BREAKDOWNS:  # before suppression, each adds up to the persons advised
        assert sum(n for _code, n in stats.breakdown(key)) == stats.persons_advised, key
    assert stats.consultations_first + stats.consultations_follow_up == stats.consultations
    # The hours keep their decimal in the JSON (minutes / 60, one decimal).
    assert data["consultation_hours"] == stats.consultation_hours
