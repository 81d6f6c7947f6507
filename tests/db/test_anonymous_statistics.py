"""How an anonymous enquiry counts (DOMAIN.md, statistics), worked out by hand on the small
office of ``statistics_office`` with one more record:

    R8  anonymous caller      03-05  enquiry        -    opening; consult 03-05 20 min
        person_in_region/phone/zwickau, topic residence, service initial_information, anna

It counts among the enquiries received and worked and in every breakdown of enquiries worked
(topic, requester type, service, channel, municipality, counsellor), its consultation among
the consultations; it has no client, so it adds nobody to the persons or organisations advised,
to any breakdown of persons, or to the nationality breakdown (which counts person clients). The
benchmarks' hand-written SQL agrees with the service (on SQLite, whose file it reads)."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from tests.db.statistics_office import MARCH, Office
from welcome_center.db.engine import Database
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.drafts import ConsultationDraft, RecordDraft
from welcome_center.domain.statistics import NOT_RECORDED
from welcome_center.services import cases, statistics
from welcome_center.services.context import Actor

BEFORE = {  # test_statistics: March without R8
    "enquiries_received": 4,
    "enquiries_worked": 5,
    "persons_advised": 3,
    "organisations_advised": 1,
}


@pytest.fixture
def anonymous_call(uow: UnitOfWork, anna: Actor, office: Office) -> int:
    draft = RecordDraft(
        client=None,
        opened_on=date(2024, 3, 5),
        requester_type="person_in_region",
        channel="phone",
        municipality="zwickau",
        topics=("residence",),
        services=("initial_information",),
        consultation=ConsultationDraft(held_on=date(2024, 3, 5), duration_minutes=20),
    )
    return cases.open_record(uow, anna, draft).value.id


def test_march_with_an_anonymous_caller_worked_out_by_hand(
    uow: UnitOfWork, manager: Actor, anonymous_call: int
) -> None:
    s = statistics.statistics(uow, manager, MARCH)
    assert s.enquiries_received == BEFORE["enquiries_received"] + 1  # R8 opened in March
    assert s.enquiries_worked == BEFORE["enquiries_worked"] + 1
    assert s.cases_worked == 2 and (s.cases_worked_persons, s.cases_worked_organisations) == (1, 1)
    assert s.open_at_end == 5  # R1, R2, R5, R7 and R8
    assert (s.consultations, s.consultation_minutes) == (3, 110)  # R1 30', R2 60', R8 20'
    # Nobody more advised: the caller gave no name.
    assert (s.persons_advised, s.organisations_advised) == (3, 1)
    assert dict(s.by_topic) == {"residence": 3, "hiring": 2, "recognition": 1, "recruitment": 1,
                                "family": 1, NOT_RECORDED: 1}  # fmt: skip
    assert dict(s.by_requester_type) == {"person_abroad": 2, "company": 1,
                                         "person_in_region": 2, NOT_RECORDED: 1}  # fmt: skip
    assert dict(s.by_service) == {"initial_information": 2, "individual_counselling": 1,
                                  "case_accompaniment": 1, NOT_RECORDED: 3}  # fmt: skip
    assert dict(s.by_channel) == {"phone": 3, "email": 1, "in_person": 1, NOT_RECORDED: 1}
    assert dict(s.by_municipality) == {"zwickau": 3, "abroad": 1, "glauchau": 1, NOT_RECORDED: 1}
    assert dict(s.by_counsellor) == {"anna": 4, "ben": 1, NOT_RECORDED: 1}
    # Person clients only, as before R8: no "not recorded" row for a caller without a name.
    assert dict(s.by_nationality) == {"VN": 2, "SY": 1, NOT_RECORDED: 1}
    for key in ("persons_by_gender", "persons_by_age_band", "persons_by_nationality"):
        assert sum(n for _code, n in s.breakdowns[key]) == 3, key  # the persons advised
    assert sum(n for _code, n in s.breakdowns["organisations_by_kind"]) == 1
    assert s.since_start.enquiries == 7  # R1..R5, R7, R8 opened up to 03-31
    key = statistics.key_figures(uow, manager, MARCH)
    assert (key.enquiries_received, key.enquiries_worked, key.cases_worked) == (5, 6, 2)


def test_the_benchmarks_sql_agrees_with_the_service(
    db: Database, uow: UnitOfWork, manager: Actor, anonymous_call: int
) -> None:
    if not db.is_sqlite:
        pytest.skip("the benchmarks' SQL reads a SQLite file")
    from benchmarks import _stats_sql

    path = db.engine.url.database
    assert path
    conn = sqlite3.connect(path)
    try:
        mine = _stats_sql.figures(conn, MARCH)
    finally:
        conn.close()
    assert mine["enquiries_worked"] == 6 and mine["persons_advised"] == 3
    _stats_sql.check_same(statistics.statistics(uow, manager, MARCH), mine)
