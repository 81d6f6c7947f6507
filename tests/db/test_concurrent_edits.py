"""Two people change the same item: the second save is refused naming who saved first, and
nothing of it is stored (consultations, residence titles, recognition procedures, referral
feedback, follow-ups, contact persons and events, as records and persons already do)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.consents import consent_to_referrals
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import (
    ClientChoice,
    ConsultationDraft,
    ContactDraft,
    EventDraft,
    OrganisationDraft,
    PersonDraft,
    RecognitionDraft,
    RecordDraft,
    ReferralDraft,
    ResidenceTitleDraft,
)
from welcome_center.domain.enums import ClientKind, RecognitionState, ReferralStatus
from welcome_center.domain.errors import ConflictError
from welcome_center.domain.views import RecordDetails
from welcome_center.services import (
    cases,
    consultations,
    events,
    follow_ups,
    people,
    recognition,
    referrals,
    residence,
)
from welcome_center.services.context import Actor

OPENED = office_today() - timedelta(days=30)


@pytest.fixture
def person_id(uow: UnitOfWork, anna: Actor) -> int:
    return people.create_person(
        uow, anna, PersonDraft(family_name="Nguyen", given_name="Lan")
    ).value.id


@pytest.fixture
def record(uow: UnitOfWork, anna: Actor, person_id: int) -> RecordDetails:
    draft = RecordDraft(client=ClientChoice(ClientKind.PERSON, person_id), opened_on=OPENED)
    return cases.open_record(uow, anna, draft).value


def _refused_naming_anna(call: object, what: str) -> None:
    assert callable(call)
    with pytest.raises(ConflictError) as info:
        call()
    assert info.value.message.startswith(f"{what} was changed by Anna Berger"), info.value.message
    assert info.value.changed_by == "Anna Berger"


def test_a_consultation_changed_meanwhile(
    uow: UnitOfWork, anna: Actor, ben: Actor, record: RecordDetails
) -> None:
    c = consultations.record_consultation(
        uow,
        anna,
        record.id,
        ConsultationDraft(held_on=OPENED, duration_minutes=30, notes="erstes Gespräch"),
    ).value
    annas = bens = c  # both opened the same consultation
    first = consultations.update_consultation(
        uow,
        anna,
        c.id,
        ConsultationDraft(held_on=OPENED, duration_minutes=45, notes="Anna korrigiert"),
        annas.version,
    ).value
    assert first.version > c.version
    _refused_naming_anna(
        lambda: consultations.update_consultation(
            uow,
            ben,
            c.id,
            ConsultationDraft(held_on=OPENED, duration_minutes=90, notes="Ben korrigiert"),
            bens.version,
        ),
        "This consultation",
    )
    _refused_naming_anna(
        lambda: consultations.delete_consultation(uow, ben, c.id, bens.version),
        "This consultation",
    )
    assert cases.get_record(uow, ben, record.id).consultations == (first,)


def test_a_residence_title_changed_meanwhile(
    uow: UnitOfWork, anna: Actor, ben: Actor, person_id: int
) -> None:
    t = residence.add_title(
        uow, anna, person_id, ResidenceTitleDraft(title="s18a", expires_on=date(2027, 1, 1))
    ).value
    first = residence.update_title(
        uow, anna, t.id, ResidenceTitleDraft(title="s18a", expires_on=date(2028, 1, 1)), t.version
    ).value
    _refused_naming_anna(
        lambda: residence.update_title(
            uow, ben, t.id, ResidenceTitleDraft(title="s18g", notes="Ben"), t.version
        ),
        "This residence title",
    )
    assert residence.titles_of(uow, ben, person_id) == [first]


def test_a_recognition_procedure_changed_meanwhile(
    uow: UnitOfWork, anna: Actor, ben: Actor, record: RecordDetails
) -> None:
    p = recognition.add_procedure(
        uow, anna, record.id, RecognitionDraft(qualification="Diplom Pflege")
    ).value
    submitted = RecognitionDraft(qualification="Diplom Pflege", state=RecognitionState.SUBMITTED)
    first = recognition.update_procedure(uow, anna, p.id, submitted, p.version).value
    _refused_naming_anna(
        lambda: recognition.update_procedure(
            uow, ben, p.id, RecognitionDraft(qualification="Diplom Pflege (Ben)"), p.version
        ),
        "This recognition procedure",
    )
    assert cases.get_record(uow, ben, record.id).recognitions == (first,)


def test_referral_feedback_given_meanwhile(
    uow: UnitOfWork, anna: Actor, ben: Actor, record: RecordDetails
) -> None:
    fizuz = next(o.id for o in people.list_partners(uow) if o.code == "fizuz")
    consent_to_referrals(uow, anna, record.id)  # a referral needs consent
    f = referrals.refer(
        uow, anna, record.id, ReferralDraft(partner_id=fizuz, referred_on=OPENED)
    ).value
    first = referrals.record_feedback(
        uow, anna, f.id, ReferralStatus.ACCEPTED, "Termin am Montag", expected_version=f.version
    ).value
    _refused_naming_anna(
        lambda: referrals.record_feedback(
            uow, ben, f.id, ReferralStatus.DECLINED, "abgelehnt", expected_version=f.version
        ),
        "This referral",
    )
    assert cases.get_record(uow, ben, record.id).referrals == (first,)


def test_a_follow_up_changed_meanwhile(
    uow: UnitOfWork, anna: Actor, ben: Actor, record: RecordDetails
) -> None:
    today = office_today()
    f = follow_ups.add_follow_up(uow, anna, record.id, today, "anrufen").value
    first = follow_ups.reschedule(uow, anna, f.id, today + timedelta(days=3), f.version).value
    _refused_naming_anna(
        lambda: follow_ups.reschedule(uow, ben, f.id, today + timedelta(days=9), f.version),
        "This follow-up",
    )
    _refused_naming_anna(
        lambda: follow_ups.complete(uow, ben, f.id, expected_version=f.version),
        "This follow-up",
    )
    assert cases.get_record(uow, ben, record.id).follow_ups == (first,)
    # Done by Anna meanwhile: Ben's move of the version he saw is refused too.
    done = follow_ups.complete(uow, anna, f.id, expected_version=first.version).value
    _refused_naming_anna(
        lambda: follow_ups.reschedule(uow, ben, f.id, today, first.version), "This follow-up"
    )
    assert cases.get_record(uow, ben, record.id).follow_ups == (done,)


def test_a_contact_person_changed_meanwhile(uow: UnitOfWork, anna: Actor, ben: Actor) -> None:
    org = people.create_organisation(uow, anna, OrganisationDraft(name="Muster GmbH")).value
    org = people.set_contacts(
        uow, anna, org.id, [ContactDraft(name="Frau Kurz", function="Personal")]
    ).value
    (kurz,) = org.contacts
    loaded = {kurz.id: kurz.version}  # what both Anna and Ben see
    first = people.set_contacts(
        uow,
        anna,
        org.id,
        [ContactDraft(name="Frau Kurz", function="Personalleitung", id=kurz.id)],
        loaded,
    ).value
    assert first.contacts[0].version > kurz.version
    for contacts in (
        [ContactDraft(name="Frau Kurz", function="Buchhaltung", id=kurz.id)],  # changed
        [],  # removed
        [
            ContactDraft(name="Frau Kurz", function="Personal", id=kurz.id),
            ContactDraft(name="Herr Lang"),
        ],  # added
    ):
        _refused_naming_anna(
            lambda c=contacts: people.set_contacts(uow, ben, org.id, c, loaded),
            "A contact person of this organisation",
        )
    assert people.get_organisation(uow, ben, org.id).contacts == first.contacts


def test_a_contact_person_added_meanwhile_is_not_dropped(
    uow: UnitOfWork, anna: Actor, ben: Actor
) -> None:
    org = people.create_organisation(uow, anna, OrganisationDraft(name="Muster GmbH")).value
    first = people.set_contacts(uow, anna, org.id, [ContactDraft(name="Frau Kurz")]).value
    _refused_naming_anna(
        lambda: people.set_contacts(uow, ben, org.id, [ContactDraft(name="Herr Lang")], {}),
        "A contact person of this organisation",
    )
    assert people.get_organisation(uow, ben, org.id).contacts == first.contacts


def test_unchanged_contact_persons_keep_their_version(uow: UnitOfWork, anna: Actor) -> None:
    org = people.create_organisation(uow, anna, OrganisationDraft(name="Muster GmbH")).value
    org = people.set_contacts(uow, anna, org.id, [ContactDraft(name="Frau Kurz")]).value
    (kurz,) = org.contacts
    lines = [ContactDraft(name="Frau Kurz", id=kurz.id), ContactDraft(name="Herr Lang")]
    both = people.set_contacts(uow, anna, org.id, lines, {kurz.id: kurz.version}).value
    assert [(c.name, c.version) for c in both.contacts] == [
        ("Frau Kurz", kurz.version),
        ("Herr Lang", 1),
    ]


def test_an_event_changed_meanwhile(uow: UnitOfWork, anna: Actor, ben: Actor) -> None:
    e = events.add_event(
        uow, anna, EventDraft(title="Infoabend", kind="workshop", held_on=date(2024, 5, 1))
    ).value
    first = events.update_event(
        uow,
        anna,
        e.id,
        EventDraft(title="Infoabend", kind="workshop", held_on=date(2024, 5, 1), participants=12),
        e.version,
    ).value
    _refused_naming_anna(
        lambda: events.update_event(
            uow,
            ben,
            e.id,
            EventDraft(title="Infoabend (Ben)", kind="workshop", held_on=date(2024, 5, 2)),
            e.version,
        ),
        "This event",
    )
    assert events.list_events(uow, ben) == [first]
