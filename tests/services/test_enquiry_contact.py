"""An enquiry opened with the contact that brought it (the quick enquiry): the record and its
first consultation are saved together or not at all, and the figures count that consultation;
a new organisation is saved with its contact person in the same transaction."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from welcome_center.db.models import Consultation, Organisation, Record
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import (
    ClientChoice,
    ConsultationDraft,
    ContactDraft,
    OrganisationDraft,
    PersonDraft,
    RecordDraft,
)
from welcome_center.domain.enums import ClientKind, RecordStatus
from welcome_center.domain.errors import ValidationError
from welcome_center.domain.statistics import Period
from welcome_center.services import cases, people, statistics
from welcome_center.services.context import Actor

TODAY = office_today()


def _person(uow: UnitOfWork, anna: Actor, family: str = "Haddad") -> ClientChoice:
    p = people.create_person(
        uow, anna, PersonDraft(family_name=family, given_name="Rami", nationality="SY"), True
    )
    return ClientChoice(ClientKind.PERSON, p.value.id)


def _enquiry(client: ClientChoice, contact: ConsultationDraft | None) -> RecordDraft:
    return RecordDraft(
        client=client,
        opened_on=TODAY,
        requester_type="person_abroad",
        channel="email",
        topics=("recognition",),
        consultation=contact,
    )


def _count(uow: UnitOfWork, model: type) -> int:
    with uow.read() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_the_record_and_its_first_consultation_are_saved_together(
    uow: UnitOfWork, anna: Actor
) -> None:
    client = _person(uow, anna)
    contact = ConsultationDraft(
        held_on=TODAY,
        duration_minutes=25,
        channel="email",
        counsellor_id=anna.user_id,
        is_first=True,
        topics=("recognition",),
    )
    saved = cases.open_record(uow, anna, _enquiry(client, contact))

    record = cases.get_record(uow, anna, saved.value.id)
    [c] = record.consultations
    assert (c.held_on, c.duration_minutes, c.channel, c.is_first) == (TODAY, 25, "email", True)
    assert (c.counsellor_id, c.topics) == (anna.user_id, ("recognition",))
    assert record.status is RecordStatus.IN_PROGRESS  # as after any contact
    assert saved.value.consultations == record.consultations  # the save returns it too


def test_the_figures_count_the_enquirys_consultation(
    uow: UnitOfWork, anna: Actor, manager: Actor
) -> None:
    client = _person(uow, anna)
    contact = ConsultationDraft(
        held_on=TODAY, duration_minutes=40, channel="in_person", is_first=True
    )
    cases.open_record(uow, anna, _enquiry(client, contact))

    figures = statistics.statistics(uow, manager, Period(TODAY, TODAY))
    assert (figures.enquiries_received, figures.consultations) == (1, 1)
    assert figures.consultation_minutes == 40
    assert dict(figures.by_channel) == {"email": 1}  # the record's channel, one enquiry
    assert dict(figures.by_nationality) == {"SY": 1}


def test_a_refused_consultation_saves_no_record_either(uow: UnitOfWork, anna: Actor) -> None:
    client = _person(uow, anna)
    records, consultations = _count(uow, Record), _count(uow, Consultation)
    too_long = ConsultationDraft(held_on=TODAY, duration_minutes=2000, channel="phone")
    with pytest.raises(ValidationError) as refused:
        cases.open_record(uow, anna, _enquiry(client, too_long))
    assert refused.value.field == "duration_minutes"
    retired = ConsultationDraft(held_on=TODAY, duration_minutes=10, channel="carrier_pigeon")
    with pytest.raises(ValidationError) as refused:
        cases.open_record(uow, anna, _enquiry(client, retired))
    assert refused.value.field == "channel"
    assert (_count(uow, Record), _count(uow, Consultation)) == (records, consultations)
    assert not cases.has_records(uow, anna, client)


def test_without_a_contact_a_record_opens_as_before(uow: UnitOfWork, anna: Actor) -> None:
    client = _person(uow, anna)
    saved = cases.open_record(uow, anna, _enquiry(client, None))
    assert saved.value.status is RecordStatus.NEW
    assert saved.value.consultations == ()


def test_a_client_with_a_record_has_had_a_contact(uow: UnitOfWork, anna: Actor) -> None:
    client, other = _person(uow, anna), _person(uow, anna, "Okafor")
    assert not cases.has_records(uow, anna, client)
    cases.open_record(
        uow, anna, _enquiry(client, ConsultationDraft(held_on=TODAY, duration_minutes=5))
    )
    assert cases.has_records(uow, anna, client)
    assert not cases.has_records(uow, anna, other)


def test_a_new_organisation_is_saved_with_its_contact_person(uow: UnitOfWork, anna: Actor) -> None:
    contact = ContactDraft(name="Jana Schmidt", email="j.schmidt@example.org")
    saved = people.create_organisation(
        uow, anna, OrganisationDraft(name="Nette Textil GmbH"), contacts=(contact,)
    )
    org = people.get_organisation(uow, anna, saved.value.id)
    [person] = org.contacts
    assert (person.name, person.email, person.phone) == (
        "Jana Schmidt",
        "j.schmidt@example.org",
        "",
    )


def test_a_contact_person_without_a_name_saves_no_organisation(
    uow: UnitOfWork, anna: Actor
) -> None:
    before = _count(uow, Organisation)
    with pytest.raises(ValidationError) as refused:
        people.create_organisation(
            uow,
            anna,
            OrganisationDraft(name="Nette Textil GmbH"),
            contacts=(ContactDraft(name=" ", function="", email="0375 1"),),
        )
    assert refused.value.field == "contact_name"
    assert _count(uow, Organisation) == before
