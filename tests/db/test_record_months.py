"""The months in which each record was active (migration 0021, db/activity.py): kept current by
every save, filled by the migration and by the demonstration data, checked by ``db check``, and
giving the figures of whole months and the trend exactly what the five tables give (on either
engine: the suite runs on a server with WELCOME_CENTER_TEST_PG)."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select, text

from tests.consents import consent_to_referrals
from tests.db.test_privacy_migration import _to
from welcome_center.db import activity, migrate
from welcome_center.db.engine import Database
from welcome_center.db.models import Consultation
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.drafts import (
    ClientChoice,
    ConsultationDraft,
    PersonDraft,
    RecordDraft,
    ReferralDraft,
)
from welcome_center.domain.enums import ClientKind
from welcome_center.domain.statistics import Period
from welcome_center.services import cases, consultations, people, referrals, statistics
from welcome_center.services.context import Actor
from welcome_center.services.demo import generate_demo
from welcome_center.services.storage import check_database, storage_checks

TODAY = date(2026, 1, 31)


def _months(db: Database, record_id: int) -> list[str]:
    with db.engine.connect() as conn:
        rows = conn.execute(
            select(activity.MONTHS.c.month)
            .where(activity.MONTHS.c.record_id == record_id)
            .order_by(activity.MONTHS.c.month)
        )
        return [m.isoformat()[:7] for (m,) in rows]


def _problems(db: Database) -> tuple[int, int]:
    with db.engine.connect() as conn:
        return activity.problems(conn)


def _version(uow: UnitOfWork, actor: Actor, record_id: int) -> int:
    return cases.get_record(uow, actor, record_id).version


def test_every_save_keeps_a_records_months(db: Database, uow: UnitOfWork, anna: Actor) -> None:
    person = people.create_person(
        uow, anna, PersonDraft(family_name="Nguyen", given_name="Lan"), True
    ).value.id
    draft = RecordDraft(client=ClientChoice(ClientKind.PERSON, person), opened_on=date(2025, 3, 4))
    rid = cases.open_record(uow, anna, draft).value.id
    assert _months(db, rid) == ["2025-03"]

    c = consultations.record_consultation(
        uow, anna, rid, ConsultationDraft(held_on=date(2025, 5, 20))
    ).value
    assert _months(db, rid) == ["2025-03", "2025-05"]

    moved = consultations.update_consultation(
        uow, anna, c.id, ConsultationDraft(held_on=date(2025, 6, 2)), c.version
    ).value
    assert _months(db, rid) == ["2025-03", "2025-06"]

    consent_to_referrals(uow, anna, rid)
    fizuz = next(o.id for o in people.list_partners(uow) if o.code == "fizuz")
    referrals.refer(uow, anna, rid, ReferralDraft(partner_id=fizuz, referred_on=date(2025, 7, 1)))
    cases.promote(uow, anna, rid, _version(uow, anna, rid), on=date(2025, 8, 14))
    cases.close(uow, anna, rid, "goal_reached", _version(uow, anna, rid), on=date(2025, 9, 30))
    assert _months(db, rid) == ["2025-03", "2025-06", "2025-07", "2025-08", "2025-09"]

    consultations.delete_consultation(uow, anna, moved.id, moved.version)
    assert _months(db, rid) == ["2025-03", "2025-07", "2025-08", "2025-09"]
    cases.reopen(uow, anna, rid, _version(uow, anna, rid))  # no longer closed in September
    assert _months(db, rid) == ["2025-03", "2025-07", "2025-08"]
    assert _problems(db) == (0, 0)


def test_the_demonstration_data_has_every_records_months(uow: UnitOfWork, db: Database) -> None:
    generate_demo(uow, Actor.system("test"), records=60, seed=3, today=TODAY)
    with db.engine.connect() as conn:
        kept = conn.scalar(text("SELECT count(*) FROM record_months"))
    assert kept and kept >= 60
    assert _problems(db) == (0, 0)


PERIODS = (
    Period.month(2025, 3),
    Period.month(2026, 1),
    Period.quarter(2025, 2),
    Period.year(2025),
    Period(date(2025, 3, 10), date(2025, 4, 20)),  # not whole months: the five tables
)


def test_the_figures_from_the_months_are_those_of_the_five_tables(
    uow: UnitOfWork, monkeypatch: pytest.MonkeyPatch
) -> None:
    manager = Actor.system("test")
    generate_demo(uow, manager, records=150, seed=8, today=TODAY)
    kept = [statistics.statistics(uow, manager, p) for p in PERIODS]

    monkeypatch.setattr(Period, "whole_months", lambda self: False)
    from_tables = [statistics.statistics(uow, manager, p) for p in PERIODS]

    assert kept == from_tables
    assert all(f.trend for f in kept)  # the trend's twelve months compared too
    assert any(m.cases_worked for m in kept[1].trend)


def test_a_database_of_0020_gets_its_months_at_the_upgrade(
    uow: UnitOfWork, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    manager = Actor.system("test")
    generate_demo(uow, manager, records=80, seed=5, today=TODAY)
    with monkeypatch.context() as patched:  # the figures from the five tables
        patched.setattr(Period, "whole_months", lambda self: False)
        before = [statistics.statistics(uow, manager, p) for p in PERIODS]
    _to(db, "0020")

    migrate.upgrade(db)

    assert migrate.current_revision(db) == migrate.HEAD == "0021"
    assert _problems(db) == (0, 0)
    assert [statistics.statistics(uow, manager, p) for p in PERIODS] == before


def test_db_check_finds_months_missing_and_months_too_many(
    db: Database, uow: UnitOfWork, anna: Actor
) -> None:
    person = people.create_person(
        uow, anna, PersonDraft(family_name="Haddad", given_name="Rami"), True
    ).value.id
    draft = RecordDraft(client=ClientChoice(ClientKind.PERSON, person), opened_on=date(2025, 3, 4))
    rid = cases.open_record(uow, anna, draft).value.id
    consultations.record_consultation(uow, anna, rid, ConsultationDraft(held_on=date(2025, 4, 1)))
    assert dict(storage_checks(db, full=True))["Active months"] == []
    with db.engine.begin() as conn:
        conn.execute(
            text("DELETE FROM record_months WHERE record_id = :r AND month = :m"),
            {"r": rid, "m": date(2025, 4, 1)},
        )
        conn.execute(
            text("INSERT INTO record_months (record_id, month) VALUES (:r, :m)"),
            {"r": rid, "m": date(2025, 11, 1)},
        )

    report = check_database(db.url)

    assert not report.ok
    out = "\n".join(report.lines)
    assert "Active months: FAILED:" in out
    assert "1 months in which records were active are not kept" in out
    assert "1 months are kept in which their records were not active" in out


def test_two_desks_saving_on_one_record_at_once_leave_its_months_right(
    db: Database, uow: UnitOfWork, anna: Actor
) -> None:
    """On a server: one desk moves a consultation from May to June, another adds one in
    August to the same record before the first commits. The second rewrites the months after
    the first committed (it waits for the record's lock), from what the first saved: without
    the lock it would put May back, from the moment before both."""
    if db.is_sqlite:
        pytest.skip("a file's writers take turns on the file's lock")
    person = people.create_person(
        uow, anna, PersonDraft(family_name="Haddad", given_name="Rami"), True
    ).value.id
    draft = RecordDraft(client=ClientChoice(ClientKind.PERSON, person), opened_on=date(2025, 3, 4))
    rid = cases.open_record(uow, anna, draft).value.id
    c0 = consultations.record_consultation(
        uow, anna, rid, ConsultationDraft(held_on=date(2025, 5, 6))
    ).value.id
    assert _months(db, rid) == ["2025-03", "2025-05"]

    first = db.writer()
    moved = first.get(Consultation, c0)
    assert moved is not None
    moved.held_on = date(2025, 6, 10)
    first.flush()
    activity.refresh(first, [rid])  # the record locked until the commit

    def second_desk() -> None:
        with db.writer() as s:
            s.add(Consultation(record_id=rid, held_on=date(2025, 8, 1)))
            s.flush()
            activity.refresh(s, [rid])
            s.commit()

    with ThreadPoolExecutor(max_workers=1) as pool:
        other = pool.submit(second_desk)
        _wait_until_a_desk_waits_for_a_lock(db)
        assert not other.done()
        first.commit()
        first.close()
        other.result(timeout=10)

    assert _months(db, rid) == ["2025-03", "2025-06", "2025-08"]
    assert _problems(db) == (0, 0)


def _wait_until_a_desk_waits_for_a_lock(db: Database) -> None:
    """Until a connection to this database waits for a lock (the second desk for the record,
    held by the first's transaction): the interleaving the test is about, on any machine."""
    sql = text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND wait_event_type = 'Lock'"
    )
    deadline = time.monotonic() + 10
    with db.engine.connect() as conn:
        while not conn.scalar(sql):
            assert time.monotonic() < deadline, "the second desk never waited for the first"
            time.sleep(0.02)
            conn.rollback()


def test_an_imported_list_brings_its_records_months(
    db: Database, uow: UnitOfWork, admin: Actor, tmp_path: Path
) -> None:
    from tests.db.test_import import GERMAN, _write
    from welcome_center.services.imports import import_file

    path = _write(
        tmp_path,
        [
            GERMAN,
            ";Fall;05.03.2024;;;Person;Müller;Jürgen;;Vietnam;Zwickau;"
            "Person im Ausland (zuwandernd);Aufenthalt;Telefon;anna;"
            '"FIZUZ@2024-05-07";2',
            ";Anfrage;2024-04-02;10.06.2024;Ziel erreicht;Organisation;;;Bäckerei Groß GmbH;;"
            "Glauchau;Unternehmen;Einstellung;E-Mail;Ben Schulz;;0",
        ],
        encoding="cp1252",
    )
    report = import_file(uow, admin, path)

    assert report.ok, report.problems
    with db.engine.connect() as conn:
        months = (
            conn.execute(text("SELECT month FROM record_months ORDER BY month")).scalars().all()
        )
    assert [str(m)[:7] for m in months] == ["2024-03", "2024-04", "2024-05", "2024-06"]
    assert _problems(db) == (0, 0)
