"""The audit log (every write and every read of details, never a client's name) and who may do
what (managers see figures, not names; counsellors do not administer)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.consents import consent_to_referrals
from welcome_center.db.models import AuditEntry, Record
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import (
    ClientChoice,
    ConsultationDraft,
    EventDraft,
    OrganisationDraft,
    PartyDraft,
    PersonDraft,
    RecognitionDraft,
    RecordDraft,
    ReferralDraft,
    ResidenceTitleDraft,
)
from welcome_center.domain.enums import (
    ClientKind,
    PartyRole,
    RecordStatus,
    ReferralStatus,
    Role,
    Vocabulary,
)
from welcome_center.domain.errors import PermissionDeniedError
from welcome_center.services import (
    cases,
    consultations,
    events,
    follow_ups,
    people,
    recognition,
    referrals,
    residence,
    search,
    settings,
    users,
    vocabularies,
)
from welcome_center.services.context import Actor

TODAY = office_today()
OPENED = TODAY - timedelta(days=30)
FAMILY, GIVEN = "Zbigniewska", "Oksana"
COMPANY = "Kowalczyk Fensterbau GmbH"
SECRET_NOTE = "Schwangerschaft"


def _entries(uow: UnitOfWork, after: int = 0) -> list[tuple[Any, ...]]:
    """(id, actor, user_id, action, entity, entity_id, detail) of the entries after ``after``."""
    with uow.read() as s:
        rows = s.execute(
            select(
                AuditEntry.id,
                AuditEntry.actor,
                AuditEntry.user_id,
                AuditEntry.action,
                AuditEntry.entity,
                AuditEntry.entity_id,
                AuditEntry.detail,
            )
            .where(AuditEntry.id > after)
            .order_by(AuditEntry.id)
        ).all()
    return [tuple(r) for r in rows]


def _last_id(uow: UnitOfWork) -> int:
    with uow.read() as s:
        return s.scalar(select(func.max(AuditEntry.id))) or 0


def _partner(uow: UnitOfWork, code: str) -> int:
    return next(o.id for o in people.list_partners(uow) if o.code == code)


# --- every write leaves an entry -------------------------------------------------------------


def test_every_write_leaves_an_entry_with_actor_and_action(
    uow: UnitOfWork, admin: Actor, anna: Actor
) -> None:
    """A counsellor's working day, call by call: each leaves its entry, named after the user."""
    ids: dict[str, int] = {}
    mark = [_last_id(uow)]

    def step(call: Callable[[], Any], action: str, entity: str, key: str | None = None) -> Any:
        result = call()
        new = _entries(uow, mark[0])
        assert new, f"no audit entry for {action}"
        mark[0] = new[-1][0]
        actions = [(e[1], e[3], e[4]) for e in new]
        assert ("anna", action, entity) in actions, actions
        assert all(e[2] == anna.user_id for e in new if e[1] == "anna")
        if key is not None:
            ids[key] = result.value.id
        return result

    step(
        lambda: people.create_person(uow, anna, PersonDraft(family_name=FAMILY, given_name=GIVEN)),
        "create",
        "person",
        "person",
    )
    step(
        lambda: people.create_organisation(uow, anna, OrganisationDraft(name=COMPANY)),
        "create",
        "organisation",
        "org",
    )
    person = ClientChoice(ClientKind.PERSON, ids["person"])
    r = step(
        lambda: cases.open_record(uow, anna, RecordDraft(client=person, opened_on=OPENED)),
        "create",
        "record",
        "record",
    ).value
    r = step(
        lambda: cases.update_record(
            uow, anna, r.id, RecordDraft(client=person, opened_on=OPENED, summary="x"), r.version
        ),
        "update",
        "record",
    ).value
    r = step(
        lambda: cases.set_status(uow, anna, r.id, RecordStatus.WAITING, r.version),
        "status",
        "record",
    ).value
    r = step(lambda: cases.promote(uow, anna, r.id, r.version), "promote", "record").value
    employer = PartyDraft(
        client=ClientChoice(ClientKind.ORGANISATION, ids["org"]), role=PartyRole.EMPLOYER
    )
    r = step(lambda: cases.link_party(uow, anna, r.id, employer), "link_party", "record").value
    party_id = r.parties[0].id
    step(lambda: cases.unlink_party(uow, anna, r.id, party_id), "unlink_party", "record")
    c = step(
        lambda: consultations.record_consultation(
            uow, anna, r.id, ConsultationDraft(held_on=OPENED, notes=SECRET_NOTE)
        ),
        "add_consultation",
        "record",
    ).value
    c = step(
        lambda: consultations.update_consultation(
            uow, anna, c.id, ConsultationDraft(held_on=OPENED, notes=SECRET_NOTE + "!"), c.version
        ),
        "edit_consultation",
        "record",
    ).value
    step(
        lambda: consultations.delete_consultation(uow, anna, c.id, c.version),
        "delete_consultation",
        "record",
    )
    consent_to_referrals(uow, anna, r.id)  # a referral needs consent
    f = step(
        lambda: referrals.refer(
            uow, anna, r.id, ReferralDraft(partner_id=_partner(uow, "fizuz"), referred_on=OPENED)
        ),
        "refer",
        "record",
    ).value
    step(
        lambda: referrals.record_feedback(
            uow, anna, f.id, ReferralStatus.ACCEPTED, expected_version=f.version
        ),
        "referral_feedback",
        "record",
    )
    fu = step(
        lambda: follow_ups.add_follow_up(uow, anna, r.id, TODAY), "add_follow_up", "record"
    ).value
    fu = step(
        lambda: follow_ups.reschedule(uow, anna, fu.id, TODAY + timedelta(1), fu.version),
        "reschedule_follow_up",
        "record",
    ).value
    step(
        lambda: follow_ups.complete(uow, anna, fu.id, expected_version=fu.version),
        "complete_follow_up",
        "record",
    )
    t = step(
        lambda: residence.add_title(uow, anna, ids["person"], ResidenceTitleDraft(title="s18a")),
        "add_residence_title",
        "person",
    ).value
    step(
        lambda: residence.update_title(
            uow, anna, t.id, ResidenceTitleDraft(title="s18b"), t.version
        ),
        "edit_residence_title",
        "person",
    )
    p = step(
        lambda: recognition.add_procedure(
            uow, anna, r.id, RecognitionDraft(qualification="Diplom")
        ),
        "add_recognition",
        "record",
    ).value
    step(
        lambda: recognition.update_procedure(
            uow, anna, p.id, RecognitionDraft(qualification="Diplom X"), p.version
        ),
        "edit_recognition",
        "record",
    )
    r = cases.get_record(uow, anna, r.id)
    mark[0] = _last_id(uow)
    r = step(
        lambda: cases.close(uow, anna, r.id, "goal_reached", r.version), "close", "record"
    ).value
    step(lambda: cases.reopen(uow, anna, r.id, r.version), "reopen", "record")
    pv = people.get_person(uow, anna, ids["person"])
    mark[0] = _last_id(uow)
    step(
        lambda: people.update_person(
            uow, anna, pv.id, PersonDraft(family_name=FAMILY, given_name=GIVEN), pv.version
        ),
        "update",
        "person",
    )
    ov = people.get_organisation(uow, anna, ids["org"])
    mark[0] = _last_id(uow)
    step(
        lambda: people.update_organisation(
            uow, anna, ov.id, OrganisationDraft(name=COMPANY, phone="1"), ov.version
        ),
        "update",
        "organisation",
    )
    step(
        lambda: events.add_event(
            uow, anna, EventDraft(title="Infoabend", kind="workshop", held_on=OPENED)
        ),
        "create",
        "event",
    )


def test_an_update_entry_names_the_changed_fields(uow: UnitOfWork, anna: Actor) -> None:
    pid = people.create_person(
        uow, anna, PersonDraft(family_name=FAMILY, given_name=GIVEN)
    ).value.id
    client = ClientChoice(ClientKind.PERSON, pid)
    r = cases.open_record(uow, anna, RecordDraft(client=client, opened_on=OPENED)).value
    mark = _last_id(uow)
    cases.update_record(
        uow,
        anna,
        r.id,
        RecordDraft(
            client=client,
            opened_on=OPENED,
            counsellor_id=anna.user_id,
            channel="phone",
            summary="s",
        ),
        r.version,
    )
    (entry,) = _entries(uow, mark)
    assert entry[3] == "update" and entry[5] == r.id
    with uow.read() as s:
        assert s.get(AuditEntry, entry[0]).fields == ["channel", "summary"]  # type: ignore[union-attr]


def test_administrative_writes_are_audited(uow: UnitOfWork, admin: Actor) -> None:
    mark = _last_id(uow)
    vocabularies.add_entry(uow, admin, Vocabulary.TOPIC, "housing_search", "Wohnen", "Housing")
    vocabularies.relabel(uow, admin, Vocabulary.TOPIC, "housing_search", "Wohnung", "Flat")
    vocabularies.set_active(uow, admin, Vocabulary.TOPIC, "housing_search", False)
    codes = [e.code for e in vocabularies.list_entries(uow, Vocabulary.CHANNEL)]
    vocabularies.reorder(uow, admin, Vocabulary.CHANNEL, codes[::-1])
    settings.update_settings(uow, admin, number_prefix="FZ")
    ben = next(u.id for u in users.list_users(uow) if u.username == "ben")
    users.set_active(uow, admin, ben, False)
    users.set_role(uow, admin, ben, Role.MANAGER)
    actions = [(e[1], e[3], e[4]) for e in _entries(uow, mark)]
    assert actions == [
        ("admin", "create", "vocabulary"),
        ("admin", "update", "vocabulary"),
        ("admin", "retire", "vocabulary"),
        ("admin", "reorder", "vocabulary"),
        ("admin", "update", "settings"),
        ("admin", "deactivate", "user"),
        ("admin", "update", "user"),
    ]


def test_a_refused_write_leaves_no_entry(uow: UnitOfWork, anna: Actor) -> None:
    from welcome_center.domain.errors import ValidationError

    mark = _last_id(uow)
    with pytest.raises(ValidationError):
        people.create_person(uow, anna, PersonDraft(family_name=""))
    assert _entries(uow, mark) == []


# --- reads of details are audited ------------------------------------------------------------


def test_reading_a_record_or_a_person_leaves_a_read_entry(uow: UnitOfWork, anna: Actor) -> None:
    pid = people.create_person(
        uow, anna, PersonDraft(family_name=FAMILY, given_name=GIVEN)
    ).value.id
    oid = people.create_organisation(uow, anna, OrganisationDraft(name=COMPANY)).value.id
    rid = cases.open_record(
        uow, anna, RecordDraft(client=ClientChoice(ClientKind.PERSON, pid), opened_on=OPENED)
    ).value.id

    reads: list[tuple[Callable[[], Any], str, int]] = [
        (lambda: cases.get_record(uow, anna, rid), "record", rid),
        (lambda: people.get_person(uow, anna, pid), "person", pid),
        (lambda: people.get_organisation(uow, anna, oid), "organisation", oid),
        (lambda: residence.titles_of(uow, anna, pid), "person", pid),
        (lambda: cases.history(uow, anna, rid), "record", rid),
        (
            lambda: cases.records_of_client(uow, anna, ClientChoice(ClientKind.PERSON, pid)),
            "person",
            pid,
        ),
    ]
    for call, entity, entity_id in reads:
        mark = _last_id(uow)
        call()
        (entry,) = _entries(uow, mark)
        assert entry[1:6] == ("anna", anna.user_id, "read", entity, entity_id)


def test_the_history_of_a_record_shows_who_did_what_newest_first(
    uow: UnitOfWork, admin: Actor, anna: Actor
) -> None:
    pid = people.create_person(
        uow, anna, PersonDraft(family_name=FAMILY, given_name=GIVEN)
    ).value.id
    r = cases.open_record(
        uow, anna, RecordDraft(client=ClientChoice(ClientKind.PERSON, pid), opened_on=OPENED)
    ).value
    cases.promote(uow, admin, r.id, r.version)
    lines = cases.history(uow, anna, r.id)
    # Looking at the history is itself a read, and the first line of it.
    assert [(line.actor, line.action, line.detail, line.fields) for line in lines] == [
        ("anna", "read", "history", ()),
        ("admin", "promote", "", ("kind", "promoted_on")),
        ("anna", "create", "enquiry", ()),
    ]
    assert all(line.entity == "record" and line.entity_id == r.id for line in lines)


# --- the audit log never holds a client's name -----------------------------------------------


def test_no_audit_entry_contains_a_clients_name_or_notes(
    uow: UnitOfWork, admin: Actor, anna: Actor
) -> None:
    settings.update_settings(uow, admin, residence_expiry_window_days=60)
    pid = people.create_person(
        uow,
        anna,
        PersonDraft(
            family_name=FAMILY, given_name=GIVEN, email="oksana@example.org", notes=SECRET_NOTE
        ),
    ).value.id
    oid = people.create_organisation(uow, anna, OrganisationDraft(name=COMPANY)).value.id
    client = ClientChoice(ClientKind.PERSON, pid)
    r = cases.open_record(
        uow, anna, RecordDraft(client=client, opened_on=OPENED, summary=SECRET_NOTE)
    ).value
    r = cases.link_party(
        uow,
        anna,
        r.id,
        PartyDraft(
            client=ClientChoice(ClientKind.ORGANISATION, oid), role=PartyRole.EMPLOYER, note=FAMILY
        ),
    ).value
    consultations.record_consultation(
        uow, anna, r.id, ConsultationDraft(held_on=OPENED, notes=FAMILY)
    )
    consent_to_referrals(uow, anna, r.id)  # a referral needs consent
    referrals.refer(
        uow,
        anna,
        r.id,
        ReferralDraft(partner_id=_partner(uow, "mbe"), referred_on=OPENED, reason=SECRET_NOTE),
    )
    residence.add_title(
        uow, anna, pid, ResidenceTitleDraft(title="s18a", expires_on=TODAY + timedelta(days=10))
    )
    follow_ups.due_list(uow, anna)
    follow_ups.add_follow_up(uow, anna, r.id, TODAY, note=f"{GIVEN} anrufen")
    recognition.add_procedure(uow, anna, r.id, RecognitionDraft(qualification=f"Diplom {FAMILY}"))
    version = people.get_person(uow, anna, pid).version
    people.update_person(
        uow, anna, pid, PersonDraft(family_name=FAMILY + "-Nowak", given_name=GIVEN), version
    )
    cases.get_record(uow, anna, r.id)
    people.get_person(uow, anna, pid)
    search.search_records(uow, anna, FAMILY)
    search.search_records(uow, anna, GIVEN)
    search.search_records(uow, anna, COMPANY)
    people.search_clients(uow, anna, FAMILY)
    cases.close(uow, anna, r.id, "goal_reached", cases.get_record(uow, anna, r.id).version)

    entries = _entries(uow)
    assert len(entries) > 15
    secrets = (FAMILY, GIVEN, "Kowalczyk", "Fensterbau", SECRET_NOTE, "oksana@example.org")
    for entry in entries:
        text = " ".join(str(v) for v in entry).casefold()
        for secret in secrets:
            assert secret.casefold() not in text, entry


# --- permissions -----------------------------------------------------------------------------


@pytest.fixture
def a_record(uow: UnitOfWork, anna: Actor) -> int:
    pid = people.create_person(
        uow, anna, PersonDraft(family_name=FAMILY, given_name=GIVEN)
    ).value.id
    client = ClientChoice(ClientKind.PERSON, pid)
    return cases.open_record(uow, anna, RecordDraft(client=client, opened_on=OPENED)).value.id


def test_a_manager_sees_no_names_or_notes(uow: UnitOfWork, manager: Actor, a_record: int) -> None:
    pid = ClientChoice(ClientKind.PERSON, 1)
    calls: list[Callable[[], Any]] = [
        lambda: cases.get_record(uow, manager, a_record),
        lambda: cases.open_record(uow, manager, RecordDraft(client=pid, opened_on=OPENED)),
        lambda: cases.find_by_number(uow, manager, "WC-2024-0001"),
        lambda: cases.records_of_client(uow, manager, pid),
        lambda: cases.history(uow, manager, a_record),
        lambda: search.search_records(uow, manager, FAMILY),
        lambda: search.search_record_ids(uow, manager, FAMILY),
        lambda: people.get_person(uow, manager, 1),
        lambda: people.create_person(uow, manager, PersonDraft(family_name="Neu")),
        lambda: people.search_clients(uow, manager, FAMILY),
        lambda: people.find_duplicates(
            uow, manager, PersonDraft(family_name=FAMILY, given_name=GIVEN)
        ),
        lambda: follow_ups.due_list(uow, manager),
        lambda: referrals.awaiting_feedback(uow, manager),
        lambda: residence.titles_of(uow, manager, 1),
        # A manager reads the events (without their notes: tests/db/test_events_service.py).
        lambda: events.add_event(
            uow, manager, EventDraft(title="Infoabend", kind="workshop", held_on=OPENED)
        ),
        lambda: consultations.record_consultation(
            uow, manager, a_record, ConsultationDraft(held_on=OPENED)
        ),
    ]
    mark = _last_id(uow)
    for call in calls:
        with pytest.raises(PermissionDeniedError) as info:
            call()
        assert info.value.message == "Your role does not allow this."
    assert _entries(uow, mark) == []  # nothing was read, nothing was written
    with uow.read() as s:
        assert s.scalar(select(func.count()).select_from(Record)) == 1


def test_a_counsellor_does_not_administer(uow: UnitOfWork, anna: Actor) -> None:
    ben = next(u.id for u in users.list_users(uow) if u.username == "ben")
    calls: list[Callable[[], Any]] = [
        lambda: users.add_user(uow, anna, "mallory", "a long enough password", Role.ADMIN),
        lambda: users.set_active(uow, anna, ben, False),
        lambda: users.set_role(uow, anna, ben, Role.ADMIN),
        lambda: vocabularies.add_entry(uow, anna, Vocabulary.TOPIC, "x", "x", "x"),
        lambda: vocabularies.set_active(uow, anna, Vocabulary.TOPIC, "other", False),
        lambda: settings.update_settings(uow, anna, office_name="Meins"),
        lambda: people.create_organisation(
            uow, anna, OrganisationDraft(name="Partner", is_partner=True)
        ),
    ]
    mark = _last_id(uow)
    for call in calls:
        with pytest.raises(PermissionDeniedError):
            call()
    assert _entries(uow, mark) == []
    assert "mallory" not in [u.username for u in users.list_users(uow)]


def test_an_administrator_may_also_work_records(
    uow: UnitOfWork, admin: Actor, a_record: int
) -> None:
    assert cases.get_record(uow, admin, a_record).client.display_name == f"{FAMILY}, {GIVEN}"
    assert search.search_record_ids(uow, admin, FAMILY) == [a_record]


def test_the_system_actor_is_recorded_by_its_account(uow: UnitOfWork) -> None:
    system = Actor.system("jdoe")
    mark = _last_id(uow)
    vocabularies.add_entry(uow, system, Vocabulary.CHANNEL, "chat", "Chat", "Chat")
    (entry,) = _entries(uow, mark)
    assert entry[1] == "system:jdoe" and entry[2] is None


def test_looking_up_clients_is_audited_without_the_typed_words(
    uow: UnitOfWork, anna: Actor
) -> None:
    people.create_person(uow, anna, PersonDraft(family_name="Kowalczyk", given_name="Zofia"))
    assert [c.display_name for c in people.search_clients(uow, anna, "kowal")] == [
        "Kowalczyk, Zofia"
    ]
    with uow.read() as s:
        entry = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
        seen = (entry.actor, entry.action, entry.entity, entry.detail)
    assert seen == ("anna", "search", "client", "hits=1")
