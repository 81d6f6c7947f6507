"""Anonymous enquiries (issue 15, item 2) on SQLite and PostgreSQL: a caller who gives no name is
recorded without creating a person. The enquiry has its topics, services, channel, requester
type, municipality, summary, consultations, counsellor and follow-ups, and can be closed; it
cannot become a case, have further parties or a recognition procedure, or be referred (a
referral needs the client's consent). Lists, search, due lists and the list export name it
"Anonymous caller". When the caller comes back and gives a name, "assign client" sets the
client and clears the flag, audited. Retention anonymises it like any enquiry."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.consents import consent_to_referrals
from welcome_center import i18n
from welcome_center.db.models import AuditEntry, Consultation, Person, Record
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.audit import AuditAction
from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import (
    ClientChoice,
    ConsultationDraft,
    OrganisationDraft,
    PartyDraft,
    PersonDraft,
    RecognitionDraft,
    RecordDraft,
    ReferralDraft,
)
from welcome_center.domain.enums import ClientKind, PartyRole, RecordKind, RecordStatus
from welcome_center.domain.errors import ConflictError, StateError, ValidationError
from welcome_center.domain.queries import RecordQuery
from welcome_center.services import (
    anonymous,
    cases,
    follow_ups,
    people,
    printouts,
    recognition,
    record_list,
    referrals,
    settings,
)
from welcome_center.services.context import Actor
from welcome_center.services.privacy import retention

TODAY = office_today()


def _draft(**kw: object) -> RecordDraft:
    values: dict[str, object] = {
        "client": None,
        "opened_on": TODAY - timedelta(days=2),
        "requester_type": "person_abroad",
        "channel": "phone",
        "municipality": "zwickau",
        "topics": ("recognition", "language"),
        "services": ("initial_information",),
        "summary": "Asked how to have a nursing degree from Kyiv recognised; Frobanon.",
        "consultation": ConsultationDraft(
            held_on=TODAY - timedelta(days=2),
            duration_minutes=15,
            channel="phone",
            is_first=True,
            notes="Called from a withheld number.",
        ),
    }
    values.update(kw)
    return RecordDraft(**values)  # type: ignore[arg-type]


def _persons(uow: UnitOfWork) -> int:
    with uow.read() as s:
        return s.scalar(select(func.count()).select_from(Person)) or 0


@pytest.fixture
def anon(uow: UnitOfWork, anna: Actor) -> int:
    """Anna's anonymous enquiry: a phone call about recognition, with its consultation."""
    return cases.open_record(uow, anna, _draft()).value.id


def _partner(uow: UnitOfWork) -> int:
    return next(o.id for o in people.list_partners(uow) if o.code == "fizuz")


def _actions(uow: UnitOfWork, record_id: int) -> list[tuple[str, list[str], str]]:
    with uow.read() as s:
        rows = s.execute(
            select(AuditEntry.action, AuditEntry.fields, AuditEntry.detail)
            .where(AuditEntry.entity == "record", AuditEntry.entity_id == record_id)
            .order_by(AuditEntry.id)
        )
        return [(a, list(f or []), d) for a, f, d in rows]


# --- recording -------------------------------------------------------------------------------


def test_an_anonymous_enquiry_is_recorded_without_a_person(uow: UnitOfWork, anna: Actor) -> None:
    persons = _persons(uow)
    d = cases.open_record(uow, anna, _draft()).value
    assert d.client is None and d.kind is RecordKind.ENQUIRY
    assert d.status is RecordStatus.IN_PROGRESS  # its consultation was recorded with it
    assert d.counsellor_id == anna.user_id
    assert (d.requester_type, d.channel, d.municipality) == ("person_abroad", "phone", "zwickau")
    assert d.topics == ("language", "recognition") and d.services == ("initial_information",)
    assert [(c.duration_minutes, c.is_first) for c in d.consultations] == [(15, True)]
    assert _persons(uow) == persons  # nobody was created
    with uow.read() as s:
        r = s.get(Record, d.id)
        assert r is not None and r.anonymous
        assert (r.client_person_id, r.client_organisation_id) == (None, None)
    assert _actions(uow, d.id)[0][:1] == ("create",)
    # Without a municipality too: everything but the caller's name is optional as ever.
    bare = cases.open_record(uow, anna, _draft(municipality=None, consultation=None)).value
    assert bare.municipality is None and bare.status is RecordStatus.NEW


def test_an_anonymous_caller_is_no_case(uow: UnitOfWork, anna: Actor, anon: int) -> None:
    with pytest.raises(ValidationError, match="A case accompanies a client") as caught:
        cases.open_record(uow, anna, _draft(kind=RecordKind.CASE))
    assert caught.value.field == "client"
    version = cases.get_record(uow, anna, anon).version
    with pytest.raises(StateError, match="cannot become a case"):
        cases.promote(uow, anna, anon, version)


def test_it_is_edited_closed_and_reopened_like_any_enquiry(
    uow: UnitOfWork, anna: Actor, anon: int
) -> None:
    d = cases.get_record(uow, anna, anon)
    draft = _draft(summary="Sent the caller the address of the IQ counselling.", topics=("other",))
    d = cases.update_record(uow, anna, anon, draft, d.version).value
    assert d.client is None and d.topics == ("other",)
    follow_ups.add_follow_up(uow, anna, anon, TODAY, "Did the caller get through?")
    d = cases.close(uow, anna, anon, "goal_reached", cases.get_record(uow, anna, anon).version)
    assert d.value.status is RecordStatus.CLOSED
    d = cases.reopen(uow, anna, anon, d.value.version).value
    assert d.status is RecordStatus.IN_PROGRESS and d.client is None


def test_the_overview_never_changes_whether_it_has_a_client(
    uow: UnitOfWork, anna: Actor, anon: int
) -> None:
    pid = people.create_person(uow, anna, PersonDraft(family_name="Hrytsenko", given_name="Ola"))
    client = ClientChoice(ClientKind.PERSON, pid.value.id)
    d = cases.get_record(uow, anna, anon)
    with pytest.raises(ValidationError, match="Assign a client"):
        cases.update_record(uow, anna, anon, _draft(client=client), d.version)
    named = cases.open_record(uow, anna, _draft(client=client)).value
    with pytest.raises(ValidationError, match="cannot become anonymous"):
        cases.update_record(uow, anna, named.id, _draft(), named.version)


def test_no_party_no_recognition_and_no_referral_without_a_client(
    uow: UnitOfWork, anna: Actor, anon: int
) -> None:
    org = people.create_organisation(uow, anna, OrganisationDraft(name="Pflegedienst Sonnenhof"))
    party = PartyDraft(
        client=ClientChoice(ClientKind.ORGANISATION, org.value.id), role=PartyRole.EMPLOYER
    )
    with pytest.raises(StateError, match="no further parties"):
        cases.link_party(uow, anna, anon, party)
    with pytest.raises(StateError, match="assign a client"):
        recognition.add_procedure(uow, anna, anon, RecognitionDraft(qualification="Nurse"))
    draft = ReferralDraft(partner_id=_partner(uow), referred_on=TODAY, topic="recognition")
    with pytest.raises(StateError, match="An anonymous enquiry cannot be referred") as caught:
        referrals.refer(uow, anna, anon, draft)
    assert "consent" in str(caught.value)
    # Not even where the office allows referrals without consent, given a reason.
    settings.update_settings(uow, Actor.system("test"), consent_override_allowed=True)
    with pytest.raises(StateError, match="cannot be referred"):
        referrals.refer(uow, anna, anon, draft, consent_override="The caller asked us to.")
    assert cases.get_record(uow, anna, anon).referrals == ()


# --- seen where a client's name stands -------------------------------------------------------


def test_lists_search_due_lists_and_the_export_say_anonymous_caller(
    uow: UnitOfWork, anna: Actor, anon: int, tmp_path: Path
) -> None:
    follow_ups.add_follow_up(uow, anna, anon, TODAY, "Call back? No number.")
    [line] = record_list.record_rows(uow, anna, [anon])
    assert line.client is None
    assert record_list.record_ids(uow, anna, RecordQuery(text="Frobanon")) == [anon]
    [due] = follow_ups.due_list(uow, anna).items
    assert (due.record_id, due.client) == (anon, "Anonymous caller")
    assert cases.get_record(uow, anna, anon).follow_ups[0].client == "Anonymous caller"
    # Sorted by client, an anonymous enquiry has a place too.
    from welcome_center.domain.queries import RecordSort

    assert anon in record_list.record_ids(uow, anna, RecordQuery(sort=RecordSort.CLIENT))
    path = tmp_path / "list.csv"
    i18n.set_language("de")
    assert record_list.export_list(uow, anna, [anon], path) == 1
    with path.open(encoding="utf-8-sig") as f:
        rows = list(csv.reader(f, delimiter=";"))
    assert rows[1][3] == "Anonym (ohne Namen)"


def test_the_record_list_filters_the_anonymous_enquiries(
    uow: UnitOfWork, anna: Actor, anon: int
) -> None:
    """The list's "Anonymous enquiries" entry: only the callers who gave no name, together
    with the other filters; once a client is assigned the record is no longer among them."""
    person = people.create_person(
        uow, anna, PersonDraft(family_name="Hrytsenko", given_name="Olha"), True
    ).value
    named = cases.open_record(
        uow, anna, _draft(client=ClientChoice(ClientKind.PERSON, person.id))
    ).value.id
    closed = cases.open_record(
        uow, anna, _draft(opened_on=TODAY - timedelta(days=1), consultation=None)
    ).value.id
    cases.close(uow, anna, closed, "goal_reached", cases.get_record(uow, anna, closed).version)

    def listed(**kw: object) -> list[int]:
        return record_list.record_ids(uow, anna, RecordQuery(anonymous_only=True, **kw))  # type: ignore[arg-type]

    assert sorted(record_list.record_ids(uow, anna, RecordQuery())) == sorted([anon, named, closed])
    assert listed() == [closed, anon]  # newest first, the named caller's record not
    assert listed(open_only=True) == [anon]
    assert listed(text="Frobanon") == [closed, anon]
    version = cases.get_record(uow, anna, anon).version
    anonymous.assign_client(uow, anna, anon, ClientChoice(ClientKind.PERSON, person.id), version)
    assert listed() == [closed]


def test_the_caller_takes_a_summary_home_without_a_name_on_it(
    uow: UnitOfWork, anna: Actor, anon: int
) -> None:
    from pypdf import PdfReader

    from welcome_center.domain.printouts import SummaryRequest

    pdf = printouts.client_summary(
        uow, anna, anon, SummaryRequest("en", TODAY, topics=("recognition",))
    )
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Recognition of qualifications" in text and "Anna Berger" in text
    assert "Frobanon" not in text and "withheld number" not in text  # no summary, no notes


# --- the caller comes back and gives a name --------------------------------------------------


def test_assigning_a_client_ends_the_anonymity_audited(
    uow: UnitOfWork, anna: Actor, anon: int
) -> None:
    person = people.create_person(
        uow, anna, PersonDraft(family_name="Hrytsenko", given_name="Olha", nationality="UA")
    ).value
    client = ClientChoice(ClientKind.PERSON, person.id)
    version = cases.get_record(uow, anna, anon).version
    saved = anonymous.assign_client(uow, anna, anon, client, version)
    d = saved.value
    assert d.client is not None and (d.client.kind, d.client.id) == (ClientKind.PERSON, person.id)
    assert d.client.display_name == "Hrytsenko, Olha"
    assert d.version > version and d.updated_by == "Anna Berger"
    assert saved.changes.records == {anon} and saved.changes.persons == {person.id}
    with uow.read() as s:
        r = s.get(Record, anon)
        assert r is not None and not r.anonymous and r.client_person_id == person.id
    assert _actions(uow, anon)[-1] == (
        AuditAction.ASSIGN_CLIENT.value,
        ["anonymous", "client_organisation_id", "client_person_id"],
        "person",
    )
    # Now it is the person's record: in their list, and found by their name.
    assert [r.id for r in cases.records_of_client(uow, anna, client)] == [anon]
    assert record_list.record_ids(uow, anna, RecordQuery(text="Hrytsenko")) == [anon]
    # With a client, what an anonymous caller could not have: a referral under consent, a case.
    consent_to_referrals(uow, anna, anon)
    draft = ReferralDraft(partner_id=_partner(uow), referred_on=TODAY, topic="recognition")
    assert referrals.refer(uow, anna, anon, draft).value.partner == "FIZUZ"
    d = cases.promote(uow, anna, anon, cases.get_record(uow, anna, anon).version).value
    assert d.kind is RecordKind.CASE


def test_an_organisation_may_be_assigned_too(uow: UnitOfWork, anna: Actor, anon: int) -> None:
    org = people.create_organisation(uow, anna, OrganisationDraft(name="Pflegedienst Sonnenhof"))
    client = ClientChoice(ClientKind.ORGANISATION, org.value.id)
    saved = anonymous.assign_client(
        uow, anna, anon, client, cases.get_record(uow, anna, anon).version
    )
    assert saved.value.client is not None
    assert saved.value.client.display_name == "Pflegedienst Sonnenhof"
    assert saved.changes.organisations == {org.value.id}


def test_assigning_is_refused_where_it_does_not_fit(
    uow: UnitOfWork, anna: Actor, anon: int
) -> None:
    person = people.create_person(uow, anna, PersonDraft(family_name="Hrytsenko", given_name="O"))
    client = ClientChoice(ClientKind.PERSON, person.value.id)
    old = cases.get_record(uow, anna, anon).version
    follow_ups.add_follow_up(uow, anna, anon, TODAY, "meanwhile")  # no change of the record
    d = cases.update_record(
        uow,
        anna,
        anon,
        _draft(summary="changed meanwhile"),
        cases.get_record(uow, anna, anon).version,
    ).value
    with pytest.raises(ConflictError):  # a colleague changed the record meanwhile
        anonymous.assign_client(uow, anna, anon, client, old)
    with pytest.raises(ValidationError, match="no longer exists"):
        anonymous.assign_client(uow, anna, anon, ClientChoice(ClientKind.PERSON, 10**6), d.version)
    d = anonymous.assign_client(uow, anna, anon, client, d.version).value
    with pytest.raises(StateError, match="has a client already"):
        anonymous.assign_client(uow, anna, anon, client, d.version)


# --- retention ---------------------------------------------------------------------------------


def test_retention_anonymises_an_anonymous_enquiry_like_any_other(
    uow: UnitOfWork, anna: Actor, admin: Actor
) -> None:
    opened = date(2022, 3, 1)
    consultation = ConsultationDraft(held_on=opened, duration_minutes=20, notes="Frobanon notes")
    rid = cases.open_record(uow, anna, _draft(opened_on=opened, consultation=consultation)).value.id
    version = cases.get_record(uow, anna, rid).version
    cases.close(uow, anna, rid, "goal_reached", version, on=date(2022, 3, 2))
    with uow.begin() as s:  # typed in back then: its last change is its closing day
        r = s.get(Record, rid)
        assert r is not None
        r.updated_at = r.created_at.replace(year=2022, month=3, day=2)
    retention.run(uow, admin, date(2023, 3, 3))  # 12 months after the last activity
    with uow.read() as s:
        r = s.get(Record, rid)
        assert r is not None and r.anonymised_at is not None and r.anonymous
        assert r.summary == ""
        notes = s.scalars(select(Consultation.notes).where(Consultation.record_id == rid)).all()
        assert notes == [""]
        assert sorted(t.topic for t in r.topics) == ["language", "recognition"]  # kept
    assert record_list.record_ids(uow, anna, RecordQuery(text="Frobanon")) == []
    person = people.create_person(uow, anna, PersonDraft(family_name="Late", given_name="Comer"))
    client = ClientChoice(ClientKind.PERSON, person.value.id)
    with pytest.raises(StateError, match="anonymised"):
        anonymous.assign_client(uow, anna, rid, client, cases.get_record(uow, anna, rid).version)
