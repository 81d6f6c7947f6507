"""Demonstration data: reproducible, complete, consistent, and it refuses to overwrite real work."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from sqlalchemy import Date, TextClause, bindparam, func, select, text
from sqlalchemy.orm import Session

from welcome_center.db import search
from welcome_center.db.engine import Database, url_for_path
from welcome_center.db.models import AuditEntry, Event, Person, Record, User
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import ClientChoice, ConsultationDraft, RecordDraft
from welcome_center.domain.enums import (
    ClientKind,
    RecognitionDecision,
    RecognitionState,
    ReferralStatus,
    Role,
)
from welcome_center.domain.errors import ValidationError
from welcome_center.domain.rules import person_key
from welcome_center.domain.statistics import Period, ReportFormat
from welcome_center.services import (
    cases,
    consultations,
    numbering,
    reporting,
    residence,
    statistics,
    users,
)
from welcome_center.services.context import Actor
from welcome_center.services.demo import DEMO_PASSWORD, DEMO_USERS, DemoSummary, generate_demo
from welcome_center.services.storage import open_database

N = 300
EVENT_KEYS = (
    "events", "event_participants", "event_participants_persons",
    "event_participants_organisations",
)  # fmt: skip
TODAY = office_today()
ADMIN = Actor.system("test")


class Demo(NamedTuple):
    uow: UnitOfWork
    summary: DemoSummary


@pytest.fixture(scope="module")
def demo_office(
    template_db: Path, tmp_path_factory: pytest.TempPathFactory, pg_server: Any
) -> Iterator[Demo]:
    """The tests' office database (prefix WC, four users) filled with N demo records, once."""
    name = f"wct_demo_{os.getpid()}"
    if pg_server is not None:
        url = pg_server.create(name, template=str(template_db))
    else:
        path = tmp_path_factory.mktemp("demo") / "demo.db"
        shutil.copyfile(template_db, path)
        url = url_for_path(path)
    db = open_database(url)
    uow = UnitOfWork(db)
    yield Demo(uow, generate_demo(uow, ADMIN, records=N, seed=1, today=TODAY))
    db.dispose()
    if pg_server is not None:
        pg_server.drop(name)


@pytest.fixture
def demo(demo_office: Demo) -> UnitOfWork:
    return demo_office.uow


def _fresh(tmp_path: Path, name: str, seed: int) -> list[tuple[str, str]]:
    """Numbers and client names of a demo in a new, empty database."""
    db: Database = open_database(url_for_path(tmp_path / name), create=True)
    try:
        uow = UnitOfWork(db)
        generate_demo(uow, ADMIN, records=N, seed=seed, today=TODAY)
        with uow.read() as s:
            return _clients(s)
    finally:
        db.dispose()


def _clients(s: Session) -> list[tuple[str, str]]:
    rows = s.execute(
        text(
            "SELECT r.number, coalesce(p.family_name || ', ' || p.given_name, o.name) "
            "FROM records r LEFT JOIN persons p ON p.id = r.client_person_id "
            "LEFT JOIN organisations o ON o.id = r.client_organisation_id ORDER BY r.number"
        )
    )
    return [(number, name) for number, name in rows]


def _on_today(sql: str) -> TextClause:
    """``sql`` with ``:today`` bound as a date (portable to PostgreSQL)."""
    clause = text(sql)
    return clause.bindparams(bindparam("today", TODAY, type_=Date)) if ":today" in sql else clause


def _column(s: Session, sql: str, **params: str) -> set[str]:
    return {row[0] for row in s.execute(text(sql), params)}


def test_same_seed_gives_the_same_office_and_another_seed_another(
    demo: UnitOfWork, tmp_path: Path
) -> None:
    with demo.read() as s:
        ours = _clients(s)
    assert len(ours) == N
    assert _fresh(tmp_path, "same.db", seed=1) == ours
    other = _fresh(tmp_path, "other.db", seed=2)
    assert [name for _, name in other] != [name for _, name in ours]


def test_summary_counts_what_was_written(demo_office: Demo) -> None:
    summary = demo_office.summary
    with demo_office.uow.read() as s:
        count = {
            t: s.scalar(text(f"SELECT count(*) FROM {t}"))  # noqa: S608 - fixed table names
            for t in ("records", "consultations", "referrals", "follow_ups", "events")
        }
    assert summary.records == count["records"] == N
    assert summary.consultations == count["consultations"]
    assert 2.3 * N < summary.consultations < 3.8 * N  # about three per record
    assert summary.referrals == count["referrals"] > 0
    assert summary.follow_ups == count["follow_ups"] > 0
    assert summary.events == count["events"] > 0
    assert summary.users == len(DEMO_USERS)
    assert summary.recognitions > 0 and summary.residence_titles > 0


def test_every_year_of_the_demo_reports_its_events_split_into_persons_and_organisations(
    uow: UnitOfWork, manager: Actor
) -> None:
    """The JSON report of each demo year shows every event figure; most events are split (some
    are not, as in real offices), those for employers mostly into organisations."""
    generate_demo(uow, ADMIN, records=N, seed=1, today=date(2025, 12, 31))
    for year in (2023, 2024, 2025):
        report = reporting.content(uow, manager, Period.year(year), "en")
        data = json.loads(reporting.render(report, ReportFormat.JSON))
        figures = [data[key] for key in EVENT_KEYS]
        assert all(n > 0 for n in figures), (year, figures)
        _events, total, persons, organisations = figures
        assert persons + organisations <= total
    with uow.read() as s:
        events = s.scalars(select(Event)).all()
        split = [e for e in events if e.participants_persons is not None]
        assert 0.6 * len(events) <= len(split) < len(events)
        for e in split:
            assert e.participants_persons + (e.participants_organisations or 0) == e.participants
        employers = [e for e in split if "Unternehmen" in e.target_group]
        assert employers
        assert sum(e.participants_organisations or 0 for e in employers) > sum(
            e.participants_persons or 0 for e in employers
        )
        assert all(e.held_on.weekday() < 5 for e in events)


def test_every_vocabulary_code_and_state_occurs(demo: UnitOfWork) -> None:
    used = {
        "topic": "SELECT topic FROM record_topics",
        "requester_type": "SELECT requester_type FROM records",
        "channel": "SELECT channel FROM records",
        "service": "SELECT service FROM record_services",
        "closing_reason": "SELECT closing_reason FROM records WHERE closing_reason IS NOT NULL",
        "residence_title": "SELECT title FROM residence_titles",
        "municipality": "SELECT municipality FROM records",
    }
    with demo.read() as s:
        for vocabulary, sql in used.items():
            codes = _column(
                s, "SELECT code FROM vocabulary_entries WHERE vocabulary = :v", v=vocabulary
            )
            assert codes and codes <= _column(s, sql), vocabulary
        assert _column(s, "SELECT status FROM referrals") == {x.value for x in ReferralStatus}
        states = _column(s, "SELECT state FROM recognition_procedures")
        assert states == {x.value for x in RecognitionState}
        decisions = _column(s, "SELECT decision FROM recognition_procedures")
        assert decisions - {None} == {x.value for x in RecognitionDecision}
        statuses = _column(s, "SELECT status FROM records")
        assert {"in_progress", "waiting", "closed"} <= statuses


def test_topics_residence_hiring_and_recognition_dominate(demo: UnitOfWork) -> None:
    with demo.read() as s:
        ranking = [
            topic
            for topic, _ in s.execute(
                text("SELECT topic, count(*) FROM record_topics GROUP BY topic ORDER BY 2 DESC")
            )
        ]
        per_record = s.execute(
            text(
                "SELECT min(n), max(n) "
                "FROM (SELECT count(*) AS n FROM record_topics GROUP BY record_id) AS per_record"
            )
        ).one()
    assert set(ranking[:3]) == {"residence", "hiring", "recognition"}
    assert per_record[0] >= 1 and per_record[1] <= 4


def test_dates_are_consistent(demo: UnitOfWork) -> None:
    checks = {
        "closed before opened": "closed_on < opened_on",
        "promoted outside the record's life": "promoted_on < opened_on "
        "OR promoted_on > coalesce(closed_on, :today)",
        "kind and promotion disagree": "(kind = 'case') <> (promoted_on IS NOT NULL)",
        "status and closing disagree": "(status = 'closed') <> (closed_on IS NOT NULL) "
        "OR (closed_on IS NULL) <> (closing_reason IS NULL)",
        "in the future": "opened_on > :today OR closed_on > :today",
    }
    children = {
        "consultations": "held_on",
        "referrals": "referred_on",
        "follow_ups": "done_on",
    }
    with demo.read() as s:
        for problem, where in checks.items():
            sql = f"SELECT count(*) FROM records WHERE {where}"  # noqa: S608 - fixed text
            assert s.scalar(_on_today(sql)) == 0, problem
        for table, column in children.items():
            sql = (
                f"SELECT count(*) FROM {table} x JOIN records r ON r.id = x.record_id "  # noqa: S608
                f"WHERE x.{column} < r.opened_on OR x.{column} > coalesce(r.closed_on, :today)"
            )
            assert s.scalar(_on_today(sql)) == 0, table
        bad_feedback = "SELECT count(*) FROM referrals WHERE feedback_on < referred_on"
        assert s.scalar(text(bad_feedback)) == 0
        assert s.scalar(text("SELECT count(*) FROM consultations WHERE NOT is_first")) > 0
        minutes = "SELECT min(duration_minutes), max(duration_minutes) FROM consultations"
        shortest, longest = s.execute(text(minutes)).one()
        assert shortest >= 10 and longest <= 90
        no_first_contact = (
            "SELECT count(*) FROM records r WHERE status <> 'new' AND NOT EXISTS "
            "(SELECT 1 FROM consultations c WHERE c.record_id = r.id AND c.is_first)"
        )
        assert s.scalar(text(no_first_contact)) == 0
        births = s.execute(select(func.min(Person.birth_date), func.max(Person.birth_date))).one()
        assert date(1950, 1, 1) < births[0] and births[1] < TODAY - timedelta(days=365 * 17)


def test_cases_since_march_2023_a_third_promoted(demo: UnitOfWork) -> None:
    with demo.read() as s:
        first = s.scalar(select(func.min(Record.opened_on)))
        cases = s.scalar(select(func.count()).where(Record.kind == "case"))
        direct = s.scalar(select(func.count()).where(Record.promoted_on == Record.opened_on))
        organisations = s.scalar(
            select(func.count()).where(Record.client_organisation_id.is_not(None))
        )
        years = _column(s, "SELECT substr(number, 1, 7) FROM records")
    assert first is not None and date(2023, 3, 1) <= first < date(2023, 5, 1)
    assert 0.2 * N < cases < 0.45 * N
    assert 0 < direct < cases
    assert 0.15 * N < organisations < 0.3 * N
    assert {f"WC-{y}" for y in range(2023, TODAY.year + 1)} == years


def test_numbers_continue_after_the_demo(demo: UnitOfWork) -> None:
    with demo.read() as s:
        last = s.scalar(
            select(func.max(Record.number)).where(Record.number.like(f"WC-{TODAY.year}-%"))
        )
        assert last is not None
        assert numbering.next_number(s, TODAY.year).seq == int(last.rsplit("-", 1)[1]) + 1


def test_residence_titles_expire_soon_for_the_due_list(demo: UnitOfWork) -> None:
    counsellor = users.authenticate(demo, DEMO_USERS[0].username, DEMO_PASSWORD)
    soon = residence.expiring(demo, counsellor, within_days=90)
    assert soon
    assert all(TODAY <= t.expires_on <= TODAY + timedelta(days=90) for t in soon if t.expires_on)


def test_demo_users_log_in_with_the_demo_password(demo: UnitOfWork) -> None:
    roles = [r for u in DEMO_USERS for r in u.roles]
    assert roles.count(Role.MANAGER) == 1 and 4 <= roles.count(Role.COUNSELLOR) <= 6
    # An administrator without case content, and one counsellor without the list export.
    assert frozenset({Role.ADMIN}) in [u.roles for u in DEMO_USERS]
    assert frozenset({Role.COUNSELLOR}) in [u.roles for u in DEMO_USERS]
    for role in (Role.MANAGER, Role.COUNSELLOR):  # argon2 is slow: one login of each kind
        user = next(u for u in DEMO_USERS if role in u.roles)
        assert users.authenticate(demo, user.username, DEMO_PASSWORD).roles == user.roles
    names = [u.username for u in DEMO_USERS]
    with demo.read() as s:
        hashes = set(s.scalars(select(User.password_hash).where(User.username.in_(names))))
        worked = s.scalar(select(func.count(func.distinct(Record.counsellor_id))))
        audit = s.scalars(select(AuditEntry.detail).where(AuditEntry.action == "demo")).all()
        persons = s.scalars(select(Person)).all()
        keys_ok = all(p.name_key == person_key(p.family_name, p.given_name) for p in persons)
    assert len(hashes) == 1  # hashed once
    assert worked == len([u for u in DEMO_USERS if Role.COUNSELLOR in u.roles])
    assert audit == [f"records={N} seed=1"]
    assert keys_ok


def test_follow_ups_are_due_overdue_and_done_and_parties_linked(demo: UnitOfWork) -> None:
    with demo.read() as s:
        overdue = "SELECT count(*) FROM follow_ups WHERE done_on IS NULL AND due_on < :today"
        upcoming = "SELECT count(*) FROM follow_ups WHERE done_on IS NULL AND due_on >= :today"
        assert s.scalar(_on_today(overdue)) > 0
        assert s.scalar(_on_today(upcoming)) > 0
        assert s.scalar(text("SELECT count(*) FROM follow_ups WHERE done_on >= due_on")) > 0
        unassigned = "SELECT count(*) FROM follow_ups WHERE assigned_to_id IS NULL"
        assert s.scalar(text(unassigned)) == 0
        roles = _column(s, "SELECT role FROM record_parties")
        assert {"employer", "candidate", "family_member", "on_behalf"} <= roles
        partners = "SELECT count(DISTINCT partner_id) FROM referrals"
        assert s.scalar(text(partners)) >= 10


def test_search_finds_a_client_by_family_name(demo: UnitOfWork) -> None:
    with demo.read() as s:
        record_id, family = s.execute(
            select(Record.id, Person.family_name)
            .join(Person, Person.id == Record.client_person_id)
            .order_by(Record.id.desc())
            .limit(1)
        ).one()
        assert record_id in search.match_records(s, family)


def test_refuses_a_database_that_holds_records_and_work_goes_on_after_it(
    uow: UnitOfWork, admin: Actor, anna: Actor
) -> None:
    generate_demo(uow, admin, records=20, seed=3, today=TODAY)
    with pytest.raises(ValidationError) as info:
        generate_demo(uow, admin, records=20, seed=4, today=TODAY)
    assert "records already" in info.value.message
    with uow.read() as s:
        assert s.scalar(select(func.count()).select_from(Record)) == 20
        last = s.scalar(select(func.max(Record.number)).where(Record.number.like("WC-%")))
        client = s.scalar(select(func.min(Person.id)))
    assert last is not None and client is not None
    # A counsellor goes on working: the next number follows the demo's, ids do not collide.
    draft = RecordDraft(
        client=ClientChoice(ClientKind.PERSON, client), opened_on=TODAY, topics=("residence",)
    )
    record = cases.open_record(uow, anna, draft).value
    year = int(last.split("-")[1])
    expected_seq = int(last.rsplit("-", 1)[1]) + 1 if year == TODAY.year else 1
    assert record.number == f"WC-{TODAY.year}-{expected_seq:04d}"
    note = ConsultationDraft(
        held_on=TODAY, duration_minutes=30, topics=("residence",), notes="Folgetermin"
    )
    consultations.record_consultation(uow, anna, record.id, note)


def test_demo_records_have_a_history_of_creation_promotion_and_closing(demo: UnitOfWork) -> None:
    with demo.read() as s:
        closed_case = s.scalars(
            select(Record).where(
                Record.closed_on.is_not(None), Record.promoted_on > Record.opened_on
            )
        ).first()
        assert closed_case is not None
        counsellor = s.get(User, closed_case.counsellor_id)
        assert counsellor is not None
        username = counsellor.username
        days = [closed_case.opened_on, closed_case.promoted_on, closed_case.closed_on]
        entries = s.execute(
            select(AuditEntry.action, AuditEntry.actor, AuditEntry.at)
            .where(AuditEntry.entity == "record", AuditEntry.entity_id == closed_case.id)
            .order_by(AuditEntry.at)
        ).all()
    assert [a for a, _who, _at in entries] == ["create", "promote", "close"]
    assert {who for _a, who, _at in entries} == {username}
    assert [at.date() for _a, _who, at in entries] == days


def test_a_few_callers_give_no_name_and_count_as_domain_md_says(demo: UnitOfWork) -> None:
    """Anonymous enquiries: a few per cent of the records, phone calls mostly, never a case and
    without what needs a client; the statistics count them as enquiries, not as clients."""

    def count(sql: str) -> int:
        return s.scalar(text(sql)) or 0

    anonymous_ids = "SELECT id FROM records WHERE anonymous"
    with demo.read() as s:
        anonymous = count("SELECT count(*) FROM records WHERE anonymous")
        phone = count("SELECT count(*) FROM records WHERE anonymous AND channel = 'phone'")
        with_client = count(
            "SELECT count(*) FROM records WHERE anonymous AND (kind <> 'enquiry' "
            "OR promoted_on IS NOT NULL OR client_person_id IS NOT NULL "
            "OR client_organisation_id IS NOT NULL)"
        )
        attached = {
            table: count(f"SELECT count(*) FROM {table} WHERE record_id IN ({anonymous_ids})")  # noqa: S608
            for table in ("referrals", "record_parties", "recognition_procedures")
        }
        accompanied = count(
            f"SELECT count(*) FROM record_services WHERE record_id IN ({anonymous_ids}) "  # noqa: S608
            "AND service IN ('case_accompaniment', 'collegial_case_work')"
        )
        answered = count(
            f"SELECT count(DISTINCT record_id) FROM consultations WHERE record_id IN ({anonymous_ids})"  # noqa: S608,E501
        )
        orgs = count("SELECT count(*) FROM records WHERE client_organisation_id IS NOT NULL")
        persons = count("SELECT count(DISTINCT client_person_id) FROM records")
        first = s.scalar(select(func.min(Record.opened_on)))
    assert 0.02 * N <= anonymous <= 0.06 * N
    assert phone > anonymous / 2
    assert with_client == 0
    assert attached == {"referrals": 0, "record_parties": 0, "recognition_procedures": 0}
    assert accompanied == 0  # a case is accompanied, not a caller without a name
    assert answered == anonymous  # each caller was answered
    manager = users.authenticate(demo, "petra.voigt", DEMO_PASSWORD)
    assert first is not None
    figures = statistics.statistics(demo, manager, Period(first, TODAY))
    assert figures.enquiries_received == figures.enquiries_worked == N  # the callers too
    assert sum(n for _code, n in figures.by_channel) == N
    assert figures.persons_advised == persons  # nobody for a caller without a name
    assert sum(n for _code, n in figures.by_nationality) == N - orgs - anonymous
