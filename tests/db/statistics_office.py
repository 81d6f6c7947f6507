"""A small office worked out by hand, for the statistics and report tests.

The office (all dates 2024); "active in March" says why a record counts as worked in March:

    rec client                opened kind/promoted  closed              active in March by
    R1  person Müller SY      03-04  enquiry        -                   opening; consult 03-04
    R2  person Nguyen VN      02-20  case (02-20)   -                   consult 03-10, referral
    R3  org Autohaus Kühn     03-15  promoted 03-20 03-28 goal_reached  opening, promotion, closing
    R4  person Kowalski PL    01-10  enquiry        01-31 no_further    (not active)
    R5  person Ahmadi (none)  03-30  enquiry        -                   opening (consult 04-02)
    R6  person Müller         04-05  enquiry        -                   (April; referral 04-05)
    R7  person Nguyen         03-01  promoted 04-10 -                   opening (no counsellor)

Consultations: R1 03-04 30 min, R2 03-10 60 min, R5 04-02 45 min. Referrals: R2 to FIZUZ on
03-11 (accepted 03-20), R6 to the Jobcenter on 04-05.
Attributes: R1 person_in_region/phone/zwickau, topics residence+hiring, service
initial_information, anna. R2 person_abroad/email/abroad, topic recognition, services
individual_counselling + case_accompaniment, ben. R3 company/in_person/zwickau, topics
hiring+recruitment+residence, anna. R5 nothing recorded, anna. R7 person_abroad/phone/glauchau,
topic family, no counsellor. An information event on 03-12 with 25 participants.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from tests.consents import consent_to_referrals
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.drafts import (
    ClientChoice,
    ConsultationDraft,
    EventDraft,
    OrganisationDraft,
    PersonDraft,
    RecordDraft,
    ReferralDraft,
)
from welcome_center.domain.enums import ClientKind, RecordKind, ReferralStatus
from welcome_center.domain.statistics import Period
from welcome_center.services import (
    cases,
    consultations,
    events,
    people,
    referrals,
)
from welcome_center.services.context import Actor

MARCH = Period.month(2024, 3)
APRIL = Period.month(2024, 4)
NAMES = ("Müller", "Jonas", "Nguyen", "Thi Lan", "Kowalski", "Piotr", "Ahmadi", "Farid",
         "Autohaus Kühn")  # fmt: skip


@dataclass
class Office:
    ids: dict[str, int]


def _person(uow: UnitOfWork, a: Actor, family: str, given: str, nat: str | None) -> ClientChoice:
    draft = PersonDraft(family_name=family, given_name=given, nationality=nat)
    pid = people.create_person(uow, a, draft, accept_duplicates=True).value.id
    return ClientChoice(ClientKind.PERSON, pid)


def _open(uow: UnitOfWork, a: Actor, client: ClientChoice, opened: date, **kw: object) -> int:
    return cases.open_record(uow, a, RecordDraft(client=client, opened_on=opened, **kw)).value.id  # type: ignore[arg-type]


def _version(uow: UnitOfWork, a: Actor, rid: int) -> int:
    return cases.get_record(uow, a, rid).version


def _partner(uow: UnitOfWork, code: str) -> int:
    return next(o.id for o in people.list_partners(uow) if o.code == code)


@pytest.fixture
def office(uow: UnitOfWork, anna: Actor, ben: Actor, admin: Actor) -> Office:
    system = Actor.system("test")
    muller = _person(uow, anna, "Müller", "Jonas", "SY")
    nguyen = _person(uow, anna, "Nguyen", "Thi Lan", "VN")
    kowalski = _person(uow, anna, "Kowalski", "Piotr", "PL")
    ahmadi = _person(uow, anna, "Ahmadi", "Farid", None)
    org = people.create_organisation(
        uow, anna, OrganisationDraft(name="Autohaus Kühn GmbH")
    ).value.id
    kuehn = ClientChoice(ClientKind.ORGANISATION, org)

    r1 = _open(uow, anna, muller, date(2024, 3, 4), requester_type="person_in_region",
               channel="phone", municipality="zwickau", topics=("residence", "hiring"),
               services=("initial_information",))  # fmt: skip
    r2 = _open(uow, ben, nguyen, date(2024, 2, 20), kind=RecordKind.CASE,
               requester_type="person_abroad", channel="email", municipality="abroad",
               topics=("recognition",),
               services=("individual_counselling", "case_accompaniment"))  # fmt: skip
    r3 = _open(uow, anna, kuehn, date(2024, 3, 15), requester_type="company",
               channel="in_person", municipality="zwickau",
               topics=("hiring", "recruitment", "residence"))  # fmt: skip
    r4 = _open(uow, anna, kowalski, date(2024, 1, 10), requester_type="person_in_region",
               channel="phone", municipality="werdau", topics=("language",))  # fmt: skip
    r5 = _open(uow, anna, ahmadi, date(2024, 3, 30))
    r6 = _open(uow, anna, muller, date(2024, 4, 5))
    r7 = _open(uow, system, nguyen, date(2024, 3, 1), requester_type="person_abroad",
               channel="phone", municipality="glauchau", topics=("family",))  # fmt: skip

    consultations.record_consultation(
        uow, anna, r1, ConsultationDraft(held_on=date(2024, 3, 4), duration_minutes=30)
    )
    consultations.record_consultation(
        uow, ben, r2, ConsultationDraft(held_on=date(2024, 3, 10), duration_minutes=60)
    )
    consultations.record_consultation(
        uow, anna, r5, ConsultationDraft(held_on=date(2024, 4, 2), duration_minutes=45)
    )
    consent_to_referrals(uow, ben, r2)  # a referral needs the client's consent
    consent_to_referrals(uow, anna, r6)
    sent = referrals.refer(
        uow,
        ben,
        r2,
        ReferralDraft(partner_id=_partner(uow, "fizuz"), referred_on=date(2024, 3, 11)),
    )
    referrals.record_feedback(
        uow,
        ben,
        sent.value.id,
        ReferralStatus.ACCEPTED,
        on=date(2024, 3, 20),
        expected_version=sent.value.version,
    )
    referrals.refer(
        uow,
        anna,
        r6,
        ReferralDraft(partner_id=_partner(uow, "jc_zwickau"), referred_on=date(2024, 4, 5)),
    )
    cases.promote(uow, anna, r3, _version(uow, anna, r3), on=date(2024, 3, 20))
    cases.close(uow, anna, r3, "goal_reached", _version(uow, anna, r3), on=date(2024, 3, 28))
    cases.close(uow, anna, r4, "no_further_contact", _version(uow, anna, r4), on=date(2024, 1, 31))
    cases.promote(uow, anna, r7, _version(uow, anna, r7), on=date(2024, 4, 10))
    events.add_event(
        uow,
        admin,
        EventDraft(
            title="Infoabend Anerkennung",
            kind="information_event",
            held_on=date(2024, 3, 12),
            participants=25,
        ),
    )
    return Office({"r1": r1, "r2": r2, "r3": r3, "r4": r4, "r5": r5, "r6": r6, "r7": r7})
