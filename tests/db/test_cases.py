"""Enquiries and cases as a counsellor works them: numbers, promotion, editing, closing,
reopening, further parties, concurrent edits and the messages a form shows."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from welcome_center.db.models import AuditEntry
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import (
    ClientChoice,
    OrganisationDraft,
    PartyDraft,
    PersonDraft,
    RecordDraft,
)
from welcome_center.domain.enums import (
    ClientKind,
    PartyRole,
    RecordKind,
    RecordStatus,
    Vocabulary,
)
from welcome_center.domain.errors import (
    ConflictError,
    NotFoundError,
    StateError,
    ValidationError,
)
from welcome_center.domain.views import RecordDetails
from welcome_center.services import cases, people, vocabularies
from welcome_center.services.context import Actor

OPENED = date(2024, 3, 4)


def _person(uow: UnitOfWork, actor: Actor, family: str = "Müller", given: str = "Anna") -> int:
    draft = PersonDraft(
        family_name=family, given_name=given, birth_date=date(1990, 4, 3), nationality="VN"
    )
    return people.create_person(uow, actor, draft, accept_duplicates=True).value.id


def _org(uow: UnitOfWork, actor: Actor, name: str = "Kessler Maschinenbau GmbH") -> int:
    return people.create_organisation(
        uow, actor, OrganisationDraft(name=name), accept_duplicates=True
    ).value.id


def _draft(person_id: int, **kw: object) -> RecordDraft:
    values: dict[str, object] = {
        "client": ClientChoice(ClientKind.PERSON, person_id),
        "opened_on": OPENED,
    }
    values.update(kw)
    return RecordDraft(**values)  # type: ignore[arg-type]


def _open(uow: UnitOfWork, actor: Actor, person_id: int, **kw: object) -> RecordDetails:
    return cases.open_record(uow, actor, _draft(person_id, **kw)).value


def _audit_count(uow: UnitOfWork) -> int:
    with uow.read() as s:
        return s.scalar(select(func.count()).select_from(AuditEntry)) or 0


@pytest.fixture
def client_id(uow: UnitOfWork, anna: Actor) -> int:
    return _person(uow, anna)


# --- opening ---------------------------------------------------------------------------------


def test_an_enquiry_is_opened_new_with_the_first_number_of_its_year(
    uow: UnitOfWork, anna: Actor, client_id: int
) -> None:
    saved = cases.open_record(
        uow,
        anna,
        _draft(client_id, topics=("residence", "hiring"), channel="phone", summary="Visum"),
    )
    r = saved.value
    assert r.number == "WC-2024-0001"
    assert r.kind is RecordKind.ENQUIRY
    assert r.status is RecordStatus.NEW
    assert r.opened_on == OPENED
    assert r.promoted_on is None and r.closed_on is None and r.closing_reason is None
    assert r.client.kind is ClientKind.PERSON and r.client.id == client_id
    assert r.client.display_name == "Müller, Anna"
    assert r.counsellor_id == anna.user_id and r.counsellor == "Anna Berger"
    assert r.topics == ("hiring", "residence")
    assert r.channel == "phone" and r.summary == "Visum"
    assert r.updated_by == "Anna Berger"
    assert saved.changes.records == frozenset({r.id})


def test_numbers_are_consecutive_per_opening_year(
    uow: UnitOfWork, anna: Actor, client_id: int
) -> None:
    years = [2024, 2024, 2023, 2024, 2023]
    opened = [_open(uow, anna, client_id, opened_on=date(y, 1, 15)) for y in years]
    assert [r.number for r in opened] == [
        "WC-2024-0001",
        "WC-2024-0002",
        "WC-2023-0001",
        "WC-2024-0003",
        "WC-2023-0002",
    ]
    # A record is found by its number, ignoring case and spaces.
    assert cases.find_by_number(uow, anna, " wc-2023-0002 ") == opened[4].id
    assert cases.find_by_number(uow, anna, "WC-2024-0004") is None


def test_a_case_opened_directly_has_its_opening_day_as_promotion_date(
    uow: UnitOfWork, anna: Actor, client_id: int
) -> None:
    r = _open(uow, anna, client_id, kind=RecordKind.CASE)
    assert r.kind is RecordKind.CASE
    assert r.promoted_on == OPENED
    assert r.number == "WC-2024-0001"


def test_an_organisation_can_be_the_client(uow: UnitOfWork, anna: Actor) -> None:
    org = _org(uow, anna, "Muster GmbH")
    r = cases.open_record(
        uow, anna, RecordDraft(client=ClientChoice(ClientKind.ORGANISATION, org), opened_on=OPENED)
    ).value
    assert r.client.kind is ClientKind.ORGANISATION
    assert r.client.display_name == "Muster GmbH"
    assert r.residence_titles == ()


def test_another_counsellor_can_be_named(
    uow: UnitOfWork, anna: Actor, ben: Actor, client_id: int
) -> None:
    r = _open(uow, anna, client_id, counsellor_id=ben.user_id)
    assert r.counsellor_id == ben.user_id and r.counsellor == "Ben Schulz"


# --- validation messages ---------------------------------------------------------------------


def test_an_opening_date_in_the_future_is_refused(
    uow: UnitOfWork, anna: Actor, client_id: int
) -> None:
    with pytest.raises(ValidationError) as info:
        _open(uow, anna, client_id, opened_on=office_today() + timedelta(days=1))
    assert info.value.field == "opened_on"
    assert "future" in info.value.message
    assert cases.find_by_number(uow, anna, f"WC-{office_today().year}-0001") is None
    # Today is fine.
    r = _open(uow, anna, client_id, opened_on=office_today())
    assert r.opened_on == office_today()
    assert r.number == f"WC-{office_today().year}-0001"


def test_an_unknown_vocabulary_code_is_refused_naming_the_field(
    uow: UnitOfWork, anna: Actor, client_id: int
) -> None:
    unknown: list[tuple[str, dict[str, object], str]] = [
        ("topics", {"topics": ("residence", "astrology")}, "astrology"),
        ("services", {"services": ("palm_reading",)}, "palm_reading"),
        ("channel", {"channel": "pigeon"}, "pigeon"),
        ("requester_type", {"requester_type": "alien"}, "alien"),
        ("municipality", {"municipality": "atlantis"}, "atlantis"),
    ]
    for field, values, bad in unknown:
        with pytest.raises(ValidationError) as info:
            _open(uow, anna, client_id, **values)
        assert info.value.field == field
        assert bad in info.value.message
        assert "not an active entry" in info.value.message


def test_a_failed_opening_uses_up_no_number(uow: UnitOfWork, anna: Actor, client_id: int) -> None:
    with pytest.raises(ValidationError):
        _open(uow, anna, client_id, topics=("astrology",))
    assert _open(uow, anna, client_id).number == "WC-2024-0001"


def test_a_client_or_counsellor_that_does_not_exist_is_refused(
    uow: UnitOfWork, anna: Actor, client_id: int
) -> None:
    with pytest.raises(ValidationError) as info:
        _open(uow, anna, 9999)
    assert info.value.field == "client"
    with pytest.raises(ValidationError) as info:
        cases.open_record(
            uow,
            anna,
            RecordDraft(client=ClientChoice(ClientKind.ORGANISATION, 9999), opened_on=OPENED),
        )
    assert info.value.field == "client"
    with pytest.raises(ValidationError) as info:
        _open(uow, anna, client_id, counsellor_id=9999)
    assert info.value.field == "counsellor"


def test_a_retired_code_stays_on_an_old_record_but_is_refused_for_a_new_one(
    uow: UnitOfWork, admin: Actor, anna: Actor, client_id: int
) -> None:
    old = _open(uow, anna, client_id, topics=("family", "residence"), channel="letter")
    vocabularies.set_active(uow, admin, Vocabulary.TOPIC, "family", False)
    vocabularies.set_active(uow, admin, Vocabulary.CHANNEL, "letter", False)

    # The old record keeps both and can still be edited with them.
    edited = cases.update_record(
        uow,
        anna,
        old.id,
        _draft(client_id, topics=("family", "residence"), channel="letter", summary="edited"),
        old.version,
    ).value
    assert edited.topics == ("family", "residence")
    assert edited.channel == "letter"
    assert edited.summary == "edited"

    # A new record may not use them.
    with pytest.raises(ValidationError) as info:
        _open(uow, anna, client_id, topics=("family",))
    assert info.value.field == "topics"
    with pytest.raises(ValidationError) as info:
        _open(uow, anna, client_id, channel="letter")
    assert info.value.field == "channel"


def test_a_retired_code_cannot_be_added_to_an_old_record(
    uow: UnitOfWork, admin: Actor, anna: Actor, client_id: int
) -> None:
    r = _open(uow, anna, client_id, topics=("residence",))
    vocabularies.set_active(uow, admin, Vocabulary.TOPIC, "family", False)
    with pytest.raises(ValidationError) as info:
        cases.update_record(
            uow, anna, r.id, _draft(client_id, topics=("residence", "family")), r.version
        )
    assert info.value.field == "topics"
    assert cases.get_record(uow, anna, r.id).topics == ("residence",)


# --- editing ---------------------------------------------------------------------------------


def test_editing_the_overview_saves_every_field_and_bumps_the_version(
    uow: UnitOfWork, anna: Actor, ben: Actor, client_id: int
) -> None:
    r = _open(uow, anna, client_id, topics=("residence",))
    other = _person(uow, anna, "Nguyen", "Lan")
    saved = cases.update_record(
        uow,
        ben,
        r.id,
        _draft(
            other,
            opened_on=OPENED - timedelta(days=3),
            counsellor_id=ben.user_id,
            requester_type="person_abroad",
            channel="email",
            municipality="zwickau",
            topics=("recognition", "language"),
            services=("individual_counselling",),
            summary="Anerkennung Pflege",
        ),
        r.version,
    ).value
    again = cases.get_record(uow, anna, r.id)
    assert again == saved
    assert again.client.display_name == "Nguyen, Lan"
    assert again.opened_on == OPENED - timedelta(days=3)
    assert again.counsellor == "Ben Schulz"
    assert again.requester_type == "person_abroad"
    assert again.channel == "email" and again.municipality == "zwickau"
    assert again.topics == ("language", "recognition")
    assert again.services == ("individual_counselling",)
    assert again.summary == "Anerkennung Pflege"
    assert again.version > r.version
    assert again.updated_by == "Ben Schulz"
    assert again.number == r.number  # the number is stable


def test_the_opening_date_cannot_move_after_the_promotion(
    uow: UnitOfWork, anna: Actor, client_id: int
) -> None:
    r = _open(uow, anna, client_id)
    r = cases.promote(uow, anna, r.id, r.version, on=OPENED + timedelta(days=3)).value
    with pytest.raises(ValidationError) as info:
        cases.update_record(
            uow, anna, r.id, _draft(client_id, opened_on=OPENED + timedelta(days=4)), r.version
        )
    assert info.value.field == "opened_on"
    moved = cases.update_record(
        uow, anna, r.id, _draft(client_id, opened_on=OPENED + timedelta(days=2)), r.version
    ).value
    assert (moved.opened_on, moved.promoted_on) == (OPENED + timedelta(2), OPENED + timedelta(3))


def test_a_case_opened_directly_keeps_its_opening_day_as_promotion_date_when_corrected(
    uow: UnitOfWork, anna: Actor, client_id: int
) -> None:
    r = _open(uow, anna, client_id, kind=RecordKind.CASE)
    for day in (OPENED + timedelta(days=3), OPENED - timedelta(days=2)):
        r = cases.update_record(uow, anna, r.id, _draft(client_id, opened_on=day), r.version).value
        assert (r.kind, r.opened_on, r.promoted_on) == (RecordKind.CASE, day, day)
    assert "promoted_on" in cases.history(uow, anna, r.id)[1].fields


def test_the_opening_date_cannot_move_after_the_closing_date(
    uow: UnitOfWork, anna: Actor, client_id: int
) -> None:
    r = _open(uow, anna, client_id)
    r = cases.close(uow, anna, r.id, "goal_reached", r.version, on=OPENED + timedelta(days=2)).value
    with pytest.raises(ValidationError) as info:
        cases.update_record(
            uow, anna, r.id, _draft(client_id, opened_on=OPENED + timedelta(days=5)), r.version
        )
    assert info.value.field == "opened_on"


def test_editing_a_record_that_does_not_exist(uow: UnitOfWork, anna: Actor, client_id: int) -> None:
    with pytest.raises(NotFoundError):
        cases.update_record(uow, anna, 4711, _draft(client_id), 1)
    with pytest.raises(NotFoundError):
        cases.get_record(uow, anna, 4711)


def test_status_can_be_set_to_waiting_but_not_to_closed(
    uow: UnitOfWork, anna: Actor, client_id: int
) -> None:
    r = _open(uow, anna, client_id)
    r = cases.set_status(uow, anna, r.id, RecordStatus.WAITING, r.version).value
    assert r.status is RecordStatus.WAITING
    with pytest.raises(StateError):
        cases.set_status(uow, anna, r.id, RecordStatus.CLOSED, r.version)
    assert cases.get_record(uow, anna, r.id).status is RecordStatus.WAITING


# --- promotion -------------------------------------------------------------------------------


def test_promotion_makes_a_case_keeps_the_date_and_starts_work(
    uow: UnitOfWork, anna: Actor, client_id: int
) -> None:
    r = _open(uow, anna, client_id)
    on = OPENED + timedelta(days=10)
    saved = cases.promote(uow, anna, r.id, r.version, on=on)
    p = saved.value
    assert p.kind is RecordKind.CASE
    assert p.promoted_on == on
    assert p.status is RecordStatus.IN_PROGRESS
    assert p.opened_on == OPENED and p.number == r.number
    assert saved.changes.records == frozenset({r.id})
    assert cases.get_record(uow, anna, r.id).promoted_on == on


def test_promotion_defaults_to_today_and_keeps_a_waiting_status(
    uow: UnitOfWork, anna: Actor, client_id: int
) -> None:
    r = _open(uow, anna, client_id)
    r = cases.set_status(uow, anna, r.id, RecordStatus.WAITING, r.version).value
    p = cases.promote(uow, anna, r.id, r.version).value
    assert p.promoted_on == office_today()
    assert p.status is RecordStatus.WAITING


def test_promoting_a_case_is_refused(uow: UnitOfWork, anna: Actor, client_id: int) -> None:
    r = _open(uow, anna, client_id, kind=RecordKind.CASE)
    with pytest.raises(StateError):
        cases.promote(uow, anna, r.id, r.version)
    again = cases.get_record(uow, anna, r.id)
    assert again.promoted_on == OPENED and again.version == r.version


def test_promoting_a_closed_record_is_refused(uow: UnitOfWork, anna: Actor, client_id: int) -> None:
    r = _open(uow, anna, client_id)
    r = cases.close(uow, anna, r.id, "goal_reached", r.version, on=OPENED).value
    with pytest.raises(StateError):
        cases.promote(uow, anna, r.id, r.version)
    again = cases.get_record(uow, anna, r.id)
    assert again.kind is RecordKind.ENQUIRY and again.promoted_on is None


def test_a_promotion_date_outside_opening_and_today_is_refused(
    uow: UnitOfWork, anna: Actor, client_id: int
) -> None:
    r = _open(uow, anna, client_id)
    for on in (OPENED - timedelta(days=1), office_today() + timedelta(days=1)):
        with pytest.raises(ValidationError) as info:
            cases.promote(uow, anna, r.id, r.version, on=on)
        assert info.value.field == "promoted_on", on
    assert cases.get_record(uow, anna, r.id).kind is RecordKind.ENQUIRY


# --- closing and reopening -------------------------------------------------------------------


def test_closing_with_a_reason_sets_status_date_and_reason(
    uow: UnitOfWork, anna: Actor, client_id: int
) -> None:
    r = _open(uow, anna, client_id)
    on = OPENED + timedelta(days=20)
    c = cases.close(uow, anna, r.id, "referred_on", r.version, on=on).value
    assert c.status is RecordStatus.CLOSED
    assert c.closed_on == on
    assert c.closing_reason == "referred_on"
    assert cases.get_record(uow, anna, r.id).closed_on == on
    # Without a date, a record is closed today.
    other = _open(uow, anna, client_id)
    today = cases.close(uow, anna, other.id, "duplicate", other.version).value
    assert today.closed_on == office_today()


def test_closing_without_a_valid_reason_names_the_reason_field(
    uow: UnitOfWork, anna: Actor, client_id: int
) -> None:
    r = _open(uow, anna, client_id)
    for reason in ("", "no_reason_at_all", "Goal reached"):
        with pytest.raises(ValidationError) as info:
            cases.close(uow, anna, r.id, reason, r.version, on=OPENED)
        assert info.value.field == "closing_reason", reason
    assert cases.get_record(uow, anna, r.id).status is RecordStatus.NEW


def test_closing_with_a_retired_reason_is_refused(
    uow: UnitOfWork, admin: Actor, anna: Actor, client_id: int
) -> None:
    r = _open(uow, anna, client_id)
    vocabularies.set_active(uow, admin, Vocabulary.CLOSING_REASON, "moved_away", False)
    with pytest.raises(ValidationError) as info:
        cases.close(uow, anna, r.id, "moved_away", r.version, on=OPENED)
    assert info.value.field == "closing_reason"
    assert "moved_away" in info.value.message
    assert cases.get_record(uow, anna, r.id).closed_on is None


def test_a_closing_date_before_opening_or_promotion_or_after_today_is_refused(
    uow: UnitOfWork, anna: Actor, client_id: int
) -> None:
    for kind in RecordKind:
        r = _open(uow, anna, client_id, kind=kind)
        with pytest.raises(ValidationError) as info:
            cases.close(uow, anna, r.id, "goal_reached", r.version, on=OPENED - timedelta(days=1))
        assert info.value.field == "closed_on"
        assert cases.get_record(uow, anna, r.id).status is RecordStatus.NEW
    r = _open(uow, anna, client_id)
    r = cases.promote(uow, anna, r.id, r.version, on=OPENED + timedelta(days=5)).value
    for on in (OPENED + timedelta(days=2), office_today() + timedelta(days=1)):
        with pytest.raises(ValidationError) as info:
            cases.close(uow, anna, r.id, "goal_reached", r.version, on=on)
        assert info.value.field == "closed_on", on
    assert cases.get_record(uow, anna, r.id).status is RecordStatus.IN_PROGRESS


def test_a_closed_record_cannot_be_closed_again_or_change_status(
    uow: UnitOfWork, anna: Actor, client_id: int
) -> None:
    r = _open(uow, anna, client_id)
    r = cases.close(uow, anna, r.id, "goal_reached", r.version, on=OPENED).value
    with pytest.raises(StateError):
        cases.close(uow, anna, r.id, "duplicate", r.version, on=OPENED)
    with pytest.raises(StateError):
        cases.set_status(uow, anna, r.id, RecordStatus.IN_PROGRESS, r.version)
    kept = cases.get_record(uow, anna, r.id)
    assert (kept.status, kept.closing_reason) == (RecordStatus.CLOSED, "goal_reached")


def test_reopening_clears_the_closing_and_resumes_work(
    uow: UnitOfWork, anna: Actor, client_id: int
) -> None:
    r = _open(uow, anna, client_id, kind=RecordKind.CASE)
    with pytest.raises(StateError):  # an open record cannot be reopened
        cases.reopen(uow, anna, r.id, r.version)
    r = cases.close(uow, anna, r.id, "no_further_contact", r.version, on=OPENED).value
    o = cases.reopen(uow, anna, r.id, r.version).value
    assert o.status is RecordStatus.IN_PROGRESS
    assert o.closed_on is None and o.closing_reason is None
    assert o.kind is RecordKind.CASE and o.promoted_on == OPENED
    # ... and it can be closed again.
    c = cases.close(uow, anna, r.id, "goal_reached", o.version, on=OPENED).value
    assert c.status is RecordStatus.CLOSED and c.closing_reason == "goal_reached"


# --- further parties -------------------------------------------------------------------------


def test_a_person_client_and_their_employer_on_one_record(
    uow: UnitOfWork, anna: Actor, client_id: int
) -> None:
    employer = _org(uow, anna, "Kessler Maschinenbau GmbH")
    r = _open(uow, anna, client_id)
    saved = cases.link_party(
        uow,
        anna,
        r.id,
        PartyDraft(
            client=ClientChoice(ClientKind.ORGANISATION, employer),
            role=PartyRole.EMPLOYER,
            note=" HR ",
        ),
    )
    linked = saved.value
    assert len(linked.parties) == 1
    party = linked.parties[0]
    assert party.role is PartyRole.EMPLOYER
    assert party.client.kind is ClientKind.ORGANISATION and party.client.id == employer
    assert party.client.display_name == "Kessler Maschinenbau GmbH"
    assert party.note == "HR"
    assert linked.client.id == client_id  # the client stays the client
    assert linked.version > r.version

    # The employer's records list the person's record.
    of_employer = cases.records_of_client(
        uow, anna, ClientChoice(ClientKind.ORGANISATION, employer)
    )
    assert [s.number for s in of_employer] == [r.number]
    assert of_employer[0].client.display_name == "Müller, Anna"


def test_several_parties_with_roles_and_unlinking_one(
    uow: UnitOfWork, anna: Actor, client_id: int
) -> None:
    r = _open(uow, anna, client_id)
    spouse = _person(uow, anna, "Müller", "Tuan")
    helper = _person(uow, anna, "Weber", "Klara")
    cases.link_party(
        uow,
        anna,
        r.id,
        PartyDraft(client=ClientChoice(ClientKind.PERSON, spouse), role=PartyRole.FAMILY_MEMBER),
    )
    linked = cases.link_party(
        uow,
        anna,
        r.id,
        PartyDraft(client=ClientChoice(ClientKind.PERSON, helper), role=PartyRole.ON_BEHALF),
    ).value
    assert [(p.client.display_name, p.role) for p in linked.parties] == [
        ("Müller, Tuan", PartyRole.FAMILY_MEMBER),
        ("Weber, Klara", PartyRole.ON_BEHALF),
    ]
    first = linked.parties[0].id
    after = cases.unlink_party(uow, anna, r.id, first).value
    assert [p.client.display_name for p in after.parties] == ["Weber, Klara"]
    assert cases.records_of_client(uow, anna, ClientChoice(ClientKind.PERSON, spouse)) == []
    with pytest.raises(NotFoundError):
        cases.unlink_party(uow, anna, r.id, first)


def test_an_organisation_client_with_the_candidate_it_wants_to_hire(
    uow: UnitOfWork, anna: Actor
) -> None:
    company = _org(uow, anna, "Muster GmbH")
    candidate = _person(uow, anna, "Kowalski", "Piotr")
    r = cases.open_record(
        uow,
        anna,
        RecordDraft(client=ClientChoice(ClientKind.ORGANISATION, company), opened_on=OPENED),
    ).value
    linked = cases.link_party(
        uow,
        anna,
        r.id,
        PartyDraft(client=ClientChoice(ClientKind.PERSON, candidate), role=PartyRole.CANDIDATE),
    ).value
    assert linked.parties[0].client.display_name == "Kowalski, Piotr"
    mine = cases.records_of_client(uow, anna, ClientChoice(ClientKind.PERSON, candidate))
    assert [s.id for s in mine] == [r.id]


def test_the_client_the_same_party_twice_or_a_missing_party_is_refused(
    uow: UnitOfWork, anna: Actor, client_id: int
) -> None:
    employer = _org(uow, anna)
    r = _open(uow, anna, client_id)
    itself = PartyDraft(client=ClientChoice(ClientKind.PERSON, client_id), role=PartyRole.OTHER)
    missing = PartyDraft(client=ClientChoice(ClientKind.ORGANISATION, 999), role=PartyRole.OTHER)
    for party in (itself, missing):
        with pytest.raises(ValidationError) as info:
            cases.link_party(uow, anna, r.id, party)
        assert info.value.field == "client"
    party = PartyDraft(
        client=ClientChoice(ClientKind.ORGANISATION, employer), role=PartyRole.EMPLOYER
    )
    cases.link_party(uow, anna, r.id, party)
    with pytest.raises(ValidationError) as info:
        cases.link_party(uow, anna, r.id, party)
    assert info.value.field == "client"
    assert len(cases.get_record(uow, anna, r.id).parties) == 1


def test_records_of_a_client_are_listed_newest_first(
    uow: UnitOfWork, anna: Actor, client_id: int
) -> None:
    old = _open(uow, anna, client_id, opened_on=date(2023, 5, 1))
    new = _open(uow, anna, client_id, opened_on=date(2024, 6, 1))
    mid = _open(uow, anna, client_id, opened_on=date(2024, 1, 1))
    listed = cases.records_of_client(uow, anna, ClientChoice(ClientKind.PERSON, client_id))
    assert [s.id for s in listed] == [new.id, mid.id, old.id]
    assert listed[0].counsellor == "Anna Berger"


# --- concurrent edits (optimistic locking) ---------------------------------------------------


def test_a_concurrent_edit_raises_a_conflict_naming_who_saved_first(
    uow: UnitOfWork, anna: Actor, ben: Actor, client_id: int
) -> None:
    r = _open(uow, anna, client_id, summary="start")
    annas_view = cases.get_record(uow, anna, r.id)
    bens_view = cases.get_record(uow, ben, r.id)
    assert annas_view.version == bens_view.version

    first = cases.update_record(
        uow, anna, r.id, _draft(client_id, summary="Anna's text"), annas_view.version
    ).value
    entries_before = _audit_count(uow)
    with pytest.raises(ConflictError) as info:
        cases.update_record(
            uow,
            ben,
            r.id,
            _draft(client_id, summary="Ben's text", topics=("hiring",)),
            bens_view.version,
        )
    assert "Anna Berger" in info.value.message
    assert info.value.changed_by == "Anna Berger"
    assert _audit_count(uow) == entries_before  # the refused save left no trace

    kept = cases.get_record(uow, anna, r.id)
    assert kept.summary == "Anna's text"
    assert kept.topics == ()
    assert kept.version == first.version
    assert kept.updated_by == "Anna Berger"


def _change_state(uow: UnitOfWork, actor: Actor, action: str, rid: int, version: int) -> None:
    if action == "promote":
        cases.promote(uow, actor, rid, version)
    elif action == "close":
        cases.close(uow, actor, rid, "goal_reached", version, on=OPENED)
    elif action == "status":
        cases.set_status(uow, actor, rid, RecordStatus.WAITING, version)
    else:
        cases.reopen(uow, actor, rid, version)


def test_every_state_change_checks_the_version(
    uow: UnitOfWork, anna: Actor, ben: Actor, client_id: int
) -> None:
    for action in ("promote", "close", "status", "reopen"):
        r = _open(uow, anna, client_id)
        if action == "reopen":
            r = cases.close(uow, anna, r.id, "goal_reached", r.version, on=OPENED).value
        stale = r.version  # what Ben's window shows
        cases.update_record(uow, anna, r.id, _draft(client_id, summary="newer"), stale)
        before = cases.get_record(uow, anna, r.id)
        with pytest.raises(ConflictError) as info:
            _change_state(uow, ben, action, r.id, stale)
        assert "Anna Berger" in info.value.message, action
        assert cases.get_record(uow, anna, r.id) == before, action


def test_saving_twice_in_a_row_with_the_returned_version_works(
    uow: UnitOfWork, anna: Actor, client_id: int
) -> None:
    r = _open(uow, anna, client_id)
    one = cases.update_record(uow, anna, r.id, _draft(client_id, summary="one"), r.version).value
    two = cases.update_record(uow, anna, r.id, _draft(client_id, summary="two"), one.version)
    assert two.value.summary == "two"
    # The same user with a stale version is a conflict too: the form is out of date.
    with pytest.raises(ConflictError):
        cases.update_record(uow, anna, r.id, _draft(client_id, summary="three"), one.version)
