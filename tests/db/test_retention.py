"""Retention and anonymisation (issue 12, item 2) on SQLite and PostgreSQL: what is due and when,
the run (exactly DOMAIN.md's list, legal hold, batches, resumable after a crash), the audit log's
period, the automatic daily run, legal hold, and the property that every figure of every month
and year is the same before and after a run while no anonymised name is found any more.

The hand-worked office (written as rows, so that every date is known; "changed" is the record's
``updated_at`` day):

    rec  client        kind     opened      closed      activity / changed       due (12/36)
    E1   P1 Zzyzxa     enquiry  2023-01-10  2023-01-31  consult 01-20 / 01-31    2024-01-31
    E2   P2 Qwyxtb     enquiry  2023-01-05  2023-01-30  referral fb 02-29(2024!) 2025-02-28
    C1   P1            case     2020-05-02  2021-02-28  / 2021-02-28             2024-02-28
    O1   P2 (party P3) enquiry  2022-01-03  open        / 2022-01-03             - (stale)
    H1   P4 Vlorkc     enquiry  2022-02-01  2022-02-28  legal hold               -
    P5 Mnbvcd: no record, changed 2023-03-15                                     2024-03-15

On 2024-03-01: E1 and C1 are due; P1 then too (its records are E1, C1: due 2024-02-28); P2 waits
for O1, P3 (a party to O1) too, P4 for H1's hold; P5 is due on 2024-03-15.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from welcome_center.db import search as db_search
from welcome_center.db.models import (
    AuditEntry,
    Consultation,
    FollowUp,
    Organisation,
    Person,
    RecognitionProcedure,
    Record,
    RecordParty,
    RecordTopic,
    Referral,
    ResidenceTitle,
    RetentionRun,
)
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.enums import (
    FollowUpSource,
    PartyRole,
    RecognitionState,
    RecordKind,
    RecordStatus,
    ReferralStatus,
)
from welcome_center.domain.errors import PermissionDeniedError, ValidationError
from welcome_center.domain.statistics import Period
from welcome_center.services import people, search, settings, statistics
from welcome_center.services.context import Actor
from welcome_center.services.demo import generate_demo
from welcome_center.services.privacy import anonymise, retention

DAY = date(2024, 3, 1)


def _at(d: date, hour: int = 10) -> datetime:
    return datetime(d.year, d.month, d.day, hour, tzinfo=UTC)


def _person(s, family: str, given: str, changed: date, **kw: object) -> Person:  # type: ignore[no-untyped-def]
    p = Person(
        family_name=family,
        given_name=given,
        name_key=f"{family} {given}".lower(),
        email=f"{family.lower()}@example.org",
        phone="+49 375 1234",
        languages="Polnisch",
        notes=f"notes about {family}",
        birth_date=date(1990, 7, 14),
        nationality="PL",
        municipality="zwickau",
        created_at=_at(changed),
        updated_at=_at(changed),
        **kw,
    )
    s.add(p)
    s.flush()
    return p


def _record(s, number: str, client: Person, kind: RecordKind, opened: date,  # type: ignore[no-untyped-def]
            closed: date | None, changed: date, **kw: object) -> Record:  # fmt: skip
    r = Record(
        number=number,
        kind=kind,
        status=RecordStatus.CLOSED if closed else RecordStatus.IN_PROGRESS,
        client_person_id=client.id,
        opened_on=opened,
        promoted_on=opened if kind is RecordKind.CASE else None,
        closed_on=closed,
        closing_reason="goal_reached" if closed else None,
        channel="phone",
        requester_type="person_in_region",
        municipality="zwickau",
        summary=f"summary of {number} about {client.family_name}",
        created_at=_at(opened),
        updated_at=_at(changed),
        topics=[RecordTopic(topic="residence")],
        **kw,
    )
    s.add(r)
    s.flush()
    return r


@pytest.fixture
def office(uow: UnitOfWork) -> dict[str, int]:
    with uow.begin() as s:
        partner = s.scalars(select(Organisation).where(Organisation.is_partner)).first()
        assert partner is not None
        p1 = _person(s, "Zzyzxa", "Ulmwort", date(2020, 5, 2))
        p2 = _person(s, "Qwyxtb", "Jorvin", date(2022, 1, 3))
        p3 = _person(s, "Plexnu", "Dagrim", date(2022, 1, 3))
        p4 = _person(s, "Vlorkc", "Hamset", date(2022, 2, 1))
        p5 = _person(s, "Mnbvcd", "Ostrel", date(2023, 3, 15))
        e1 = _record(s, "WC-2023-0001", p1, RecordKind.ENQUIRY, date(2023, 1, 10),
                     date(2023, 1, 31), date(2023, 1, 31))  # fmt: skip
        s.add(Consultation(record_id=e1.id, held_on=date(2023, 1, 20), duration_minutes=30,
                           channel="phone", notes="Zzyzxa told us about her visa"))  # fmt: skip
        s.add(FollowUp(record_id=e1.id, due_on=date(2023, 1, 25), done_on=date(2023, 1, 25),
                       note="call Zzyzxa back", source=FollowUpSource.MANUAL))  # fmt: skip
        s.add(RecognitionProcedure(record_id=e1.id, person_id=p1.id, qualification="Nurse",
                                   state=RecognitionState.INFORMED,
                                   notes="diploma 4711"))  # fmt: skip
        e2 = _record(s, "WC-2023-0002", p2, RecordKind.ENQUIRY, date(2023, 1, 5),
                     date(2023, 1, 30), date(2023, 1, 30))  # fmt: skip
        s.add(Referral(record_id=e2.id, partner_id=partner.id, referred_on=date(2023, 1, 6),
                       reason="Qwyxtb needs a job", status=ReferralStatus.DONE,
                       feedback_on=date(2024, 2, 29), outcome="hired",
                       consent_override_reason="urgent"))  # fmt: skip
        c1 = _record(s, "WC-2020-0001", p1, RecordKind.CASE, date(2020, 5, 2),
                     date(2021, 2, 28), date(2021, 2, 28))  # fmt: skip
        o1 = _record(s, "WC-2022-0001", p2, RecordKind.ENQUIRY, date(2022, 1, 3), None,
                     date(2022, 1, 3))  # fmt: skip
        s.add(RecordParty(record_id=o1.id, person_id=p3.id, role=PartyRole.FAMILY_MEMBER,
                          note="her brother Plexnu"))  # fmt: skip
        h1 = _record(s, "WC-2022-0002", p4, RecordKind.ENQUIRY, date(2022, 2, 1),
                     date(2022, 2, 28), date(2022, 2, 28), legal_hold=True,
                     legal_hold_reason="court case 3 K 17/22")  # fmt: skip
        s.add(ResidenceTitle(person_id=p1.id, title="visa", valid_from=date(2022, 1, 1),
                             expires_on=date(2023, 1, 1),
                             notes="Zzyzxa's visa number"))  # fmt: skip
        for day, n in ((date(2021, 2, 28), 2), (date(2021, 3, 1), 1), (date(2021, 3, 2), 1)):
            for _i in range(n):
                s.add(AuditEntry(at=_at(day, 12), actor="anna", action="read", entity="record",
                                 entity_id=e1.id, fields=[], detail=""))  # fmt: skip
    return {"p1": p1.id, "p2": p2.id, "p3": p3.id, "p4": p4.id, "p5": p5.id, "e1": e1.id,
            "e2": e2.id, "c1": c1.id, "o1": o1.id, "h1": h1.id}  # fmt: skip


def _run(uow: UnitOfWork, actor: Actor, today: date = DAY, **kw: object):  # type: ignore[no-untyped-def]
    return retention.run(uow, actor, today, **kw)  # type: ignore[arg-type]


def test_status_says_what_is_due_now_and_when_without_names(
    uow: UnitOfWork, admin: Actor, office: dict[str, int]
) -> None:
    st = retention.status(uow, admin, DAY)
    assert st.records_due == 2  # E1, C1
    assert st.persons_due == 1  # P1
    assert [(d.number, d.due) for d in st.due_list] == [
        ("WC-2023-0001", date(2024, 1, 31)),
        ("WC-2020-0001", date(2024, 2, 28)),
        ("WC-2023-0002", date(2025, 2, 28)),
    ]
    months = {m.month: (m.records, m.persons) for m in st.by_month}
    assert months[date(2024, 4, 1)] == (0, 0)
    assert months[date(2025, 2, 1)] == (1, 0)  # E2; P2 waits for O1
    assert months[date(2024, 3, 1)] == (0, 1)  # P5 on 2024-03-15
    assert st.open_records == 1
    assert st.stale_records == ("WC-2022-0001",)
    assert [(h.number, h.reason) for h in st.held] == [("WC-2022-0002", "court case 3 K 17/22")]
    # The audit period: an entry of 2021-03-01 is 36 months old on 2024-03-01 and goes;
    # one of 2021-03-02 stays.
    assert st.audit_cut_off == date(2021, 3, 1)
    assert st.audit_due == 3
    text = repr(st)
    for name in ("Zzyzxa", "Qwyxtb", "Plexnu", "Vlorkc", "Mnbvcd"):
        assert name not in text


def test_the_run_anonymises_exactly_what_domain_lists(
    uow: UnitOfWork, admin: Actor, office: dict[str, int]
) -> None:
    with uow.read() as s:
        before = {rid: s.get(Record, rid).version for rid in (office["e1"], office["c1"])}  # type: ignore[union-attr]
    saved = _run(uow, admin)
    run = saved.value
    assert (run.records_anonymised, run.persons_anonymised, run.audit_rows_deleted) == (2, 1, 3)
    assert run.finished_at is not None
    assert saved.changes.records == {office["e1"], office["c1"]}
    assert saved.changes.persons == {office["p1"]}
    with uow.read() as s:
        e1 = s.get(Record, office["e1"])
        assert e1 is not None and e1.anonymised_at is not None
        assert e1.version == before[office["e1"]] + 1  # a desk holding the old text conflicts
        assert e1.summary == ""
        # What the figures need stays.
        assert (e1.kind, e1.status, e1.opened_on, e1.closed_on, e1.closing_reason) == (
            RecordKind.ENQUIRY, RecordStatus.CLOSED, date(2023, 1, 10), date(2023, 1, 31),
            "goal_reached",
        )  # fmt: skip
        assert (e1.channel, e1.requester_type, e1.municipality) == (
            "phone", "person_in_region", "zwickau")  # fmt: skip
        assert [t.topic for t in e1.topics] == ["residence"]
        c = s.scalars(select(Consultation).where(Consultation.record_id == e1.id)).one()
        assert (c.notes, c.held_on, c.duration_minutes, c.channel) == (
            "", date(2023, 1, 20), 30, "phone")  # fmt: skip
        f = s.scalars(select(FollowUp).where(FollowUp.record_id == e1.id)).one()
        assert (f.note, f.due_on, f.done_on) == ("", date(2023, 1, 25), date(2023, 1, 25))
        rp = s.scalars(select(RecognitionProcedure)).one()
        assert (rp.notes, rp.qualification) == ("", "Nurse")
        p1 = s.get(Person, office["p1"])
        assert p1 is not None and p1.anonymised_at is not None
        assert (p1.family_name, p1.given_name, p1.name_key, p1.email, p1.phone) == ("",) * 5
        assert (p1.notes, p1.languages) == ("", "")
        assert (p1.birth_date, p1.birth_year) == (None, 1990)  # the year stays
        assert (p1.nationality, p1.municipality) == ("PL", "zwickau")
        title = s.scalars(select(ResidenceTitle)).one()
        assert (title.notes, title.title, title.expires_on) == ("", "visa", date(2023, 1, 1))
        # Not due: untouched.
        e2 = s.get(Record, office["e2"])
        assert e2 is not None and e2.anonymised_at is None and e2.summary
        ref = s.scalars(select(Referral)).one()
        assert (ref.reason, ref.outcome) == ("Qwyxtb needs a job", "hired")
        h1 = s.get(Record, office["h1"])
        assert h1 is not None and h1.anonymised_at is None and h1.summary
        for key in ("p2", "p3", "p4", "p5"):
            p = s.get(Person, office[key])
            assert p is not None and p.anonymised_at is None and p.family_name
        party = s.scalars(select(RecordParty)).one()
        assert party.note == "her brother Plexnu"  # O1 is open
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.at < _at(date(2021, 3, 2), 0))) == 0  # fmt: skip
        # The entry of 2021-03-02 stays, and the run is logged.
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.at < _at(date(2021, 3, 3), 0))) == 1  # fmt: skip
        logged = s.scalars(select(AuditEntry).where(AuditEntry.action == "retention_run")).one()
        assert "records=2 persons=1 audit_deleted=3" in logged.detail
        assert logged.actor == admin.name


def test_referral_texts_go_and_an_override_stays_visible(
    uow: UnitOfWork, admin: Actor, office: dict[str, int]
) -> None:
    _run(uow, admin, date(2025, 2, 28))
    with uow.read() as s:
        ref = s.scalars(select(Referral)).one()
        assert (ref.reason, ref.outcome, ref.consent_override_reason) == ("", "", "")
        assert (ref.status, ref.feedback_on) == (ReferralStatus.DONE, date(2024, 2, 29))


def test_no_anonymised_name_is_found_by_search(
    uow: UnitOfWork, admin: Actor, anna: Actor, office: dict[str, int]
) -> None:
    assert search.search_record_ids(uow, anna, "Zzyzxa")
    assert people.search_clients(uow, anna, "Zzyzxa")
    _run(uow, admin)
    for text in ("Zzyzxa", "Ulmwort", "visa", "zzyzxa ulmwort"):
        assert search.search_record_ids(uow, anna, text) == [], text
    assert people.search_clients(uow, anna, "Zzyzxa") == []
    assert people.search_clients(uow, anna, "Ulmwort") == []
    # The record number still finds the (anonymised) record; others still find theirs.
    assert search.search_record_ids(uow, anna, "WC-2023-0001") == [office["e1"]]
    assert search.search_record_ids(uow, anna, "Qwyxtb")


def test_lists_say_anonymised_where_the_name_went(
    uow: UnitOfWork, admin: Actor, anna: Actor, office: dict[str, int]
) -> None:
    from welcome_center.services import cases, record_list

    _run(uow, admin)
    row = record_list.record_rows(uow, anna, [office["e1"]])[0]
    assert row.client.display_name == "(anonymised)"
    assert cases.get_record(uow, anna, office["e1"]).client.display_name == "(anonymised)"
    assert "Qwyxtb" in record_list.record_rows(uow, anna, [office["o1"]])[0].client.display_name


def test_a_person_waits_for_every_record_as_client_or_party(
    uow: UnitOfWork, admin: Actor, office: dict[str, int]
) -> None:
    _run(uow, admin, date(2030, 1, 1))
    with uow.read() as s:
        for key in ("p2", "p3"):  # O1 is open: its client and its party keep their names
            p = s.get(Person, office[key])
            assert p is not None and p.anonymised_at is None
        p4 = s.get(Person, office["p4"])  # H1 is on legal hold
        assert p4 is not None and p4.anonymised_at is None
        p5 = s.get(Person, office["p5"])  # no record: a period after its last change
        assert p5 is not None and p5.anonymised_at is not None


def test_a_record_put_on_hold_while_the_run_plans_is_left(
    uow: UnitOfWork, admin: Actor, office: dict[str, int]
) -> None:
    """Each batch reads its records again: a hold set between the plan and the batch counts."""

    def progress(phase: str, done: int, total: int) -> None:
        if phase == "records" and done == 0:
            retention.set_legal_hold(uow, admin, office["c1"], "auditor asked")

    run = _run(uow, admin, progress=progress).value
    assert run.records_anonymised == 1
    with uow.read() as s:
        c1 = s.get(Record, office["c1"])
        assert c1 is not None and c1.anonymised_at is None and c1.summary
        p1 = s.get(Person, office["p1"])
        assert p1 is not None and p1.anonymised_at is None  # C1 keeps P1


def test_batches_of_one_give_the_same_result(
    uow: UnitOfWork, admin: Actor, office: dict[str, int]
) -> None:
    run = _run(uow, admin, date(2030, 1, 1), batch=1).value
    assert (run.records_anonymised, run.persons_anonymised) == (3, 2)  # E1, C1, E2; P1, P5


def test_a_run_killed_between_batches_leaves_whole_batches_and_the_next_carries_on(
    uow: UnitOfWork, admin: Actor, office: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = anonymise.anonymise_records
    calls: list[int] = []

    def dies_on_the_second(s, ids, now):  # type: ignore[no-untyped-def]
        calls.append(len(ids))
        if len(calls) == 2:
            raise KeyboardInterrupt  # the desk was killed
        return real(s, ids, now)

    monkeypatch.setattr(anonymise, "anonymise_records", dies_on_the_second)
    with pytest.raises(KeyboardInterrupt):
        _run(uow, admin, batch=1)
    with uow.read() as s:
        done = s.scalars(select(Record.id).where(Record.anonymised_at.is_not(None))).all()
        assert len(done) == 1  # the first batch is whole and counted
        row = s.scalars(select(RetentionRun)).one()
        assert (row.records_anonymised, row.finished_at) == (1, None)
        (rid,) = done
        assert rid not in db_search.match_records(s, "summary")  # its index entry is rebuilt
    monkeypatch.setattr(anonymise, "anonymise_records", real)
    run = _run(uow, admin).value
    assert (run.records_anonymised, run.persons_anonymised) == (1, 1)
    views = retention.runs(uow, admin)
    assert [v.finished_at is None for v in views] == [False, True]  # newest first
    with uow.read() as s:
        assert s.scalar(select(func.count()).where(Record.anonymised_at.is_not(None))) == 2


def test_a_second_run_finds_nothing_more(
    uow: UnitOfWork, admin: Actor, office: dict[str, int]
) -> None:
    _run(uow, admin)
    again = _run(uow, admin).value
    assert (again.records_anonymised, again.persons_anonymised, again.audit_rows_deleted) == (
        0, 0, 0)  # fmt: skip


def test_the_periods_come_from_the_settings(
    uow: UnitOfWork, admin: Actor, office: dict[str, int]
) -> None:
    settings.update_settings(
        uow, admin, retention_enquiry_months=1, retention_case_months=48, retention_audit_months=1
    )
    st = retention.status(uow, admin, DAY)
    # E1 (2023-02-28), E2 (feedback 2024-02-29 + 1 month = 2024-03-29: not yet); C1 in 2025.
    assert [d.number for d in st.due_list if d.due <= DAY] == ["WC-2023-0001"]
    assert st.audit_cut_off == date(2024, 2, 1)
    assert st.audit_due == 4


def test_the_automatic_run_is_at_most_daily(
    uow: UnitOfWork, admin: Actor, office: dict[str, int]
) -> None:
    first = retention.run_daily(uow, DAY)
    assert first is not None and first.value.actor == "system:retention"
    assert first.value.records_anonymised == 2
    assert retention.run_daily(uow, DAY) is None
    assert retention.run_daily(uow, DAY + timedelta(days=1)) is None  # the same real day
    # A run by hand always runs.
    assert _run(uow, admin).value.records_anonymised == 0


def test_only_an_administrator_sees_and_runs_retention(
    uow: UnitOfWork, anna: Actor, manager: Actor, office: dict[str, int]
) -> None:
    for actor in (anna, manager):
        with pytest.raises(PermissionDeniedError):
            retention.status(uow, actor, DAY)
        with pytest.raises(PermissionDeniedError):
            _run(uow, actor)


def test_legal_hold_is_set_with_a_reason_released_and_audited(
    uow: UnitOfWork, admin: Actor, anna: Actor, manager: Actor, office: dict[str, int]
) -> None:
    found = retention.record_by_number(uow, admin, "wc-2023-1")
    assert (found.id, found.number) == (office["e1"], "WC-2023-0001")
    with pytest.raises(ValidationError) as err:
        retention.set_legal_hold(uow, admin, found.id, "   ")
    assert err.value.field == "reason"
    held = retention.set_legal_hold(uow, admin, found.id, " tax audit 2024 ").value
    assert held.reason == "tax audit 2024"
    assert _run(uow, admin).value.records_anonymised == 1  # C1 only
    # A counsellor may release it (and set one); a manager may not.
    with pytest.raises(PermissionDeniedError):
        retention.set_legal_hold(uow, manager, found.id, None)
    retention.set_legal_hold(uow, anna, found.id, None)
    with uow.read() as s:
        r = s.get(Record, found.id)
        assert r is not None and (r.legal_hold, r.legal_hold_reason) == (False, None)
        entries = s.scalars(
            select(AuditEntry).where(AuditEntry.action == "legal_hold").order_by(AuditEntry.id)
        ).all()
        assert [(e.actor, e.detail, e.entity_id) for e in entries] == [
            ("admin", "on", found.id), ("anna", "off", found.id)]  # fmt: skip
        assert all("tax" not in e.detail for e in entries)  # the reason stays with the record
    assert _run(uow, admin).value.records_anonymised == 1
    with pytest.raises(ValidationError):
        retention.set_legal_hold(uow, admin, found.id, "too late")


# --- the property: figures stay, names go --------------------------------------------------


@pytest.fixture
def demo_office(uow: UnitOfWork) -> Iterator[UnitOfWork]:
    generate_demo(uow, Actor.system("test"), records=300, seed=7, today=date(2026, 6, 30))
    yield uow


def _periods(uow: UnitOfWork, admin: Actor) -> list[Period]:
    with uow.read() as s:
        first, last = s.execute(
            select(func.min(Record.opened_on), func.max(Record.opened_on))
        ).one()
    out = []
    for year in range(first.year, last.year + 1):
        out.append(Period.year(year))
        out.extend(Period.year(year).months())
    return out


def _figures(uow: UnitOfWork, manager: Actor, periods: list[Period]) -> list[dict[str, object]]:
    return [asdict(statistics.statistics(uow, manager, p)) for p in periods]


def test_every_figure_of_every_month_and_year_is_the_same_after_a_run(
    demo_office: UnitOfWork, admin: Actor, manager: Actor, anna: Actor
) -> None:
    uow = demo_office
    periods = _periods(uow, admin)
    before = _figures(uow, manager, periods)
    with uow.read() as s:
        names = {(p.id, p.family_name, p.given_name) for p in s.scalars(select(Person))}
    run = retention.run(uow, admin, date(2026, 6, 30)).value
    assert run.records_anonymised > 50 and run.persons_anonymised > 30
    after = _figures(uow, manager, periods)
    for p, b, a in zip(periods, before, after, strict=True):
        assert a == b, p
    with uow.read() as s:
        gone = set(s.scalars(select(Person.id).where(Person.anonymised_at.is_not(None))))
        kept = {
            p.family_name for p in s.scalars(select(Person).where(Person.anonymised_at.is_(None)))
        }
    assert len(gone) == run.persons_anonymised
    checked = 0
    for pid, family, given in sorted(names):
        if pid not in gone or family in kept or checked >= 25:
            continue
        checked += 1
        hits = search.search_records(uow, anna, f"{family} {given}")
        assert hits == [], (family, given)
        assert people.search_clients(uow, anna, f"{family} {given}") == []
    assert checked >= 10
