"""Consultations (one contact each) and referrals to partners with the partner's feedback."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from tests.consents import consent_to_referrals
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import (
    ClientChoice,
    ConsultationDraft,
    OrganisationDraft,
    PersonDraft,
    RecordDraft,
    ReferralDraft,
)
from welcome_center.domain.enums import ClientKind, RecordStatus, ReferralStatus, Vocabulary
from welcome_center.domain.errors import NotFoundError, StateError, ValidationError
from welcome_center.domain.views import RecordDetails
from welcome_center.services import cases, consultations, people, referrals, vocabularies
from welcome_center.services.context import Actor

OPENED = date(2024, 3, 4)


def _open(
    uow: UnitOfWork, actor: Actor, opened_on: date = OPENED, family: str = "Müller"
) -> RecordDetails:
    pid = people.create_person(
        uow, actor, PersonDraft(family_name=family, given_name="Anna"), accept_duplicates=True
    ).value.id
    draft = RecordDraft(client=ClientChoice(ClientKind.PERSON, pid), opened_on=opened_on)
    r = cases.open_record(uow, actor, draft).value
    consent_to_referrals(uow, actor, r.id)  # a referral needs the client's consent
    return r


@pytest.fixture
def record(uow: UnitOfWork, anna: Actor) -> RecordDetails:
    return _open(uow, anna)


def _partner(uow: UnitOfWork, code: str) -> int:
    return next(o.id for o in people.list_partners(uow) if o.code == code)


# --- consultations ---------------------------------------------------------------------------


def test_a_consultation_is_recorded_with_every_detail(
    uow: UnitOfWork, anna: Actor, record: RecordDetails
) -> None:
    saved = consultations.record_consultation(
        uow,
        anna,
        record.id,
        ConsultationDraft(
            held_on=OPENED + timedelta(days=2),
            duration_minutes=45,
            channel="in_person",
            is_first=True,
            topics=("recognition", "language", "recognition"),
            language=" Vietnamesisch ",
            interpreter=True,
            notes="Zeugnisse mitgebracht",
        ),
    )
    c = saved.value
    assert c.record_id == record.id
    assert c.held_on == OPENED + timedelta(days=2)
    assert c.duration_minutes == 45
    assert c.channel == "in_person"
    assert c.counsellor_id == anna.user_id and c.counsellor == "Anna Berger"
    assert c.is_first and c.interpreter
    assert c.topics == ("language", "recognition")
    assert c.language == "Vietnamesisch"
    assert c.notes == "Zeugnisse mitgebracht"
    assert saved.changes.records == frozenset({record.id})
    assert cases.get_record(uow, anna, record.id).consultations == (c,)


def test_the_first_consultation_starts_work_on_a_new_record(
    uow: UnitOfWork, anna: Actor, record: RecordDetails
) -> None:
    assert record.status is RecordStatus.NEW
    consultations.record_consultation(uow, anna, record.id, ConsultationDraft(held_on=OPENED))
    after = cases.get_record(uow, anna, record.id)
    assert after.status is RecordStatus.IN_PROGRESS
    assert after.version > record.version  # an open editor notices the change
    # A waiting record stays waiting.
    waiting = cases.set_status(uow, anna, record.id, RecordStatus.WAITING, after.version).value
    consultations.record_consultation(uow, anna, record.id, ConsultationDraft(held_on=OPENED))
    assert cases.get_record(uow, anna, record.id).status is RecordStatus.WAITING
    assert waiting.status is RecordStatus.WAITING


def test_consultations_are_listed_newest_first_with_their_counsellors(
    uow: UnitOfWork, anna: Actor, ben: Actor, record: RecordDetails
) -> None:
    for day, actor in ((1, anna), (9, ben), (4, anna)):
        consultations.record_consultation(
            uow, actor, record.id, ConsultationDraft(held_on=OPENED + timedelta(days=day))
        )
    # Anna enters one for Ben.
    consultations.record_consultation(
        uow, anna, record.id, ConsultationDraft(held_on=OPENED, counsellor_id=ben.user_id)
    )
    listed = cases.get_record(uow, anna, record.id).consultations
    assert [(c.held_on.day, c.counsellor) for c in listed] == [
        (13, "Ben Schulz"),
        (8, "Anna Berger"),
        (5, "Anna Berger"),
        (4, "Ben Schulz"),
    ]


def test_a_bad_consultation_is_refused_naming_the_field(
    uow: UnitOfWork, anna: Actor, record: RecordDetails
) -> None:
    for draft, field in [
        (ConsultationDraft(held_on=OPENED - timedelta(days=1)), "held_on"),
        (ConsultationDraft(held_on=office_today() + timedelta(days=1)), "held_on"),
        (ConsultationDraft(held_on=OPENED, duration_minutes=-5), "duration_minutes"),
        (ConsultationDraft(held_on=OPENED, duration_minutes=24 * 60 + 1), "duration_minutes"),
        (ConsultationDraft(held_on=OPENED, channel="pigeon"), "channel"),
        (ConsultationDraft(held_on=OPENED, topics=("astrology",)), "topics"),
        (ConsultationDraft(held_on=OPENED, counsellor_id=9999), "counsellor"),
    ]:
        with pytest.raises(ValidationError) as info:
            consultations.record_consultation(uow, anna, record.id, draft)
        assert info.value.field == field, draft
    after = cases.get_record(uow, anna, record.id)
    assert after.consultations == ()
    assert after.status is RecordStatus.NEW


def test_the_limits_of_a_consultation(
    uow: UnitOfWork, admin: Actor, anna: Actor, record: RecordDetails
) -> None:
    with pytest.raises(ValidationError) as info:
        consultations.record_consultation(
            uow, anna, record.id, ConsultationDraft(held_on=OPENED - timedelta(days=1))
        )
    assert "before the record was opened" in info.value.message
    # A full day is the longest consultation.
    c = consultations.record_consultation(
        uow, anna, record.id, ConsultationDraft(held_on=OPENED, duration_minutes=1440)
    ).value
    assert c.duration_minutes == 1440
    # A retired topic is refused for a new consultation.
    vocabularies.set_active(uow, admin, Vocabulary.TOPIC, "studies", False)
    with pytest.raises(ValidationError) as info:
        consultations.record_consultation(
            uow, anna, record.id, ConsultationDraft(held_on=OPENED, topics=("studies",))
        )
    assert info.value.field == "topics"
    with pytest.raises(NotFoundError):
        consultations.record_consultation(uow, anna, 4711, ConsultationDraft(held_on=OPENED))


def test_a_consultation_is_corrected(uow: UnitOfWork, anna: Actor, record: RecordDetails) -> None:
    c = consultations.record_consultation(
        uow,
        anna,
        record.id,
        ConsultationDraft(held_on=OPENED, duration_minutes=30, channel="phone", notes="first try"),
    ).value
    edited = consultations.update_consultation(
        uow,
        anna,
        c.id,
        ConsultationDraft(
            held_on=OPENED + timedelta(days=1),
            duration_minutes=60,
            channel="video",
            topics=("hiring",),
            notes="corrected",
        ),
        c.version,
    ).value
    assert edited.id == c.id
    assert (edited.held_on, edited.duration_minutes, edited.channel) == (
        OPENED + timedelta(days=1),
        60,
        "video",
    )
    assert edited.topics == ("hiring",) and edited.notes == "corrected"
    assert cases.get_record(uow, anna, record.id).consultations == (edited,)


def test_an_old_consultation_keeps_retired_codes_when_corrected(
    uow: UnitOfWork, admin: Actor, anna: Actor, record: RecordDetails
) -> None:
    old = ConsultationDraft(
        held_on=OPENED,
        duration_minutes=30,
        channel="letter",
        topics=("studies", "hiring"),
        notes="alt",
    )
    c = consultations.record_consultation(uow, anna, record.id, old).value
    other = consultations.record_consultation(
        uow, anna, record.id, ConsultationDraft(held_on=OPENED, topics=("hiring",))
    ).value
    vocabularies.set_active(uow, admin, Vocabulary.TOPIC, "studies", False)
    vocabularies.set_active(uow, admin, Vocabulary.CHANNEL, "letter", False)
    fixed = consultations.update_consultation(
        uow, anna, c.id, replace(old, notes="korrigiert"), c.version
    ).value
    assert (fixed.channel, fixed.topics, fixed.notes) == (
        "letter",
        ("hiring", "studies"),
        "korrigiert",
    )
    # ... but they cannot be given to another consultation.
    for draft, field in [
        (ConsultationDraft(held_on=OPENED, topics=("hiring", "studies")), "topics"),
        (ConsultationDraft(held_on=OPENED, channel="letter"), "channel"),
    ]:
        with pytest.raises(ValidationError) as info:
            consultations.update_consultation(uow, anna, other.id, draft, other.version)
        assert info.value.field == field


def test_a_bad_correction_changes_nothing(
    uow: UnitOfWork, anna: Actor, record: RecordDetails
) -> None:
    c = consultations.record_consultation(
        uow, anna, record.id, ConsultationDraft(held_on=OPENED, duration_minutes=30, notes="kept")
    ).value
    with pytest.raises(ValidationError) as info:
        consultations.update_consultation(
            uow,
            anna,
            c.id,
            ConsultationDraft(held_on=OPENED - timedelta(days=3), notes="lost"),
            c.version,
        )
    assert info.value.field == "held_on"
    assert cases.get_record(uow, anna, record.id).consultations == (c,)


def test_a_consultation_is_deleted(uow: UnitOfWork, anna: Actor, record: RecordDetails) -> None:
    keep = consultations.record_consultation(
        uow, anna, record.id, ConsultationDraft(held_on=OPENED, notes="keep")
    ).value
    gone = consultations.record_consultation(
        uow, anna, record.id, ConsultationDraft(held_on=OPENED, notes="mistake")
    ).value
    saved = consultations.delete_consultation(uow, anna, gone.id, gone.version)
    assert saved.value == gone.id
    assert saved.changes.records == frozenset({record.id})
    assert cases.get_record(uow, anna, record.id).consultations == (keep,)
    with pytest.raises(NotFoundError):
        consultations.delete_consultation(uow, anna, gone.id, gone.version)
    with pytest.raises(NotFoundError):
        consultations.update_consultation(uow, anna, gone.id, ConsultationDraft(held_on=OPENED), 1)


# --- referrals -------------------------------------------------------------------------------


def test_a_referral_to_a_partner_starts_as_sent(
    uow: UnitOfWork, anna: Actor, record: RecordDetails
) -> None:
    fizuz = _partner(uow, "fizuz")
    saved = referrals.refer(
        uow,
        anna,
        record.id,
        ReferralDraft(
            partner_id=fizuz,
            referred_on=OPENED + timedelta(days=1),
            topic="recognition",
            reason="Anerkennung Pflege",
        ),
    )
    f = saved.value
    assert f.record_id == record.id and f.partner_id == fizuz
    assert f.partner == "FIZUZ"
    assert f.topic == "recognition"
    assert f.referred_on == OPENED + timedelta(days=1)
    assert f.reason == "Anerkennung Pflege"
    assert f.status is ReferralStatus.SENT
    assert f.feedback_on is None and f.outcome == ""
    after = cases.get_record(uow, anna, record.id)
    assert after.referrals == (f,)
    assert after.status is RecordStatus.IN_PROGRESS


def test_the_partners_feedback_is_recorded(
    uow: UnitOfWork, anna: Actor, record: RecordDetails
) -> None:
    on = OPENED + timedelta(days=7)
    for status in ReferralStatus:
        if status is ReferralStatus.SENT:
            continue
        draft = ReferralDraft(
            partner_id=_partner(uow, "abh_zwickau"), referred_on=OPENED, reason=status.value
        )
        f = referrals.refer(uow, anna, record.id, draft).value
        fed = referrals.record_feedback(
            uow, anna, f.id, status, "Termin vereinbart", on, expected_version=f.version
        ).value
        assert fed.status is status
        assert fed.feedback_on == on
        assert fed.outcome == "Termin vereinbart"
        shown = {x.id: x for x in cases.get_record(uow, anna, record.id).referrals}
        assert shown[f.id] == fed
    statuses = [x.status for x in cases.get_record(uow, anna, record.id).referrals]
    assert sorted(statuses) == sorted(set(ReferralStatus) - {ReferralStatus.SENT})


def test_feedback_defaults_to_today_and_can_be_corrected(
    uow: UnitOfWork, anna: Actor, record: RecordDetails
) -> None:
    f = referrals.refer(
        uow, anna, record.id, ReferralDraft(partner_id=_partner(uow, "mbe"), referred_on=OPENED)
    ).value
    first = referrals.record_feedback(
        uow, anna, f.id, ReferralStatus.ACCEPTED, expected_version=f.version
    ).value
    assert first.feedback_on == office_today()
    done = referrals.record_feedback(
        uow, anna, f.id, ReferralStatus.DONE, "erledigt", expected_version=first.version
    ).value
    assert (done.status, done.outcome) == (ReferralStatus.DONE, "erledigt")


def test_bad_feedback_is_refused(uow: UnitOfWork, anna: Actor, record: RecordDetails) -> None:
    referred = OPENED + timedelta(days=5)
    f = referrals.refer(
        uow, anna, record.id, ReferralDraft(partner_id=_partner(uow, "jmd"), referred_on=referred)
    ).value
    with pytest.raises(StateError):  # "sent" is not an answer
        referrals.record_feedback(uow, anna, f.id, ReferralStatus.SENT, expected_version=1)
    for on in (referred - timedelta(days=1), office_today() + timedelta(days=1)):
        with pytest.raises(ValidationError) as info:
            referrals.record_feedback(
                uow, anna, f.id, ReferralStatus.DONE, on=on, expected_version=f.version
            )
        assert info.value.field == "feedback_on", on
    with pytest.raises(NotFoundError):
        referrals.record_feedback(uow, anna, 4711, ReferralStatus.DONE, expected_version=1)
    assert cases.get_record(uow, anna, record.id).referrals == (f,)


def test_a_bad_referral_is_refused_naming_the_field(
    uow: UnitOfWork, anna: Actor, record: RecordDetails
) -> None:
    company = people.create_organisation(uow, anna, OrganisationDraft(name="Muster GmbH")).value.id
    for target in (company, 4711):
        with pytest.raises(ValidationError) as info:
            referrals.refer(
                uow, anna, record.id, ReferralDraft(partner_id=target, referred_on=OPENED)
            )
        assert info.value.field == "partner"
        assert "partner directory" in info.value.message
    zav = _partner(uow, "zav")
    for on in (OPENED - timedelta(days=1), office_today() + timedelta(days=1)):
        with pytest.raises(ValidationError) as info:
            referrals.refer(uow, anna, record.id, ReferralDraft(partner_id=zav, referred_on=on))
        assert info.value.field == "referred_on", on
    with pytest.raises(ValidationError) as info:
        referrals.refer(
            uow,
            anna,
            record.id,
            ReferralDraft(partner_id=zav, referred_on=OPENED, topic="astrology"),
        )
    assert info.value.field == "topic"
    with pytest.raises(NotFoundError):
        referrals.refer(uow, anna, 4711, ReferralDraft(partner_id=zav, referred_on=OPENED))
    after = cases.get_record(uow, anna, record.id)
    assert after.referrals == ()
    assert after.status is RecordStatus.NEW


def _recent(uow: UnitOfWork, actor: Actor, days_ago: int, partner: int) -> int:
    r = _open(uow, actor, opened_on=office_today() - timedelta(days=60))
    draft = ReferralDraft(partner_id=partner, referred_on=office_today() - timedelta(days=days_ago))
    return referrals.refer(uow, actor, r.id, draft).value.id


def test_referrals_without_answer_after_the_feedback_period_are_listed_oldest_first(
    uow: UnitOfWork, anna: Actor
) -> None:
    fizuz = _partner(uow, "fizuz")
    young = _recent(uow, anna, 5, fizuz)
    old = _recent(uow, anna, 30, fizuz)
    edge = _recent(uow, anna, 14, fizuz)  # the default period is 14 days
    answered = _recent(uow, anna, 40, fizuz)
    referrals.record_feedback(uow, anna, answered, ReferralStatus.DONE, expected_version=1)

    waiting = referrals.awaiting_feedback(uow, anna)
    assert [f.id for f in waiting] == [old, edge]
    assert all(f.status is ReferralStatus.SENT for f in waiting)
    assert young not in [f.id for f in referrals.awaiting_feedback(uow, anna)]
    assert [f.id for f in referrals.awaiting_feedback(uow, anna, older_than_days=3)] == [
        old,
        edge,
        young,
    ]


def test_the_feedback_period_is_an_office_setting(
    uow: UnitOfWork, admin: Actor, anna: Actor
) -> None:
    from welcome_center.services import settings

    fizuz = _partner(uow, "fizuz")
    young = _recent(uow, anna, 5, fizuz)
    assert referrals.awaiting_feedback(uow, anna) == []
    settings.update_settings(uow, admin, referral_feedback_days=4)
    assert [f.id for f in referrals.awaiting_feedback(uow, anna)] == [young]


def test_awaiting_feedback_per_counsellor(uow: UnitOfWork, anna: Actor, ben: Actor) -> None:
    fizuz = _partner(uow, "fizuz")
    annas = _recent(uow, anna, 20, fizuz)
    bens = _recent(uow, ben, 20, fizuz)
    assert [f.id for f in referrals.awaiting_feedback(uow, anna, anna.user_id)] == [annas]
    assert [f.id for f in referrals.awaiting_feedback(uow, anna, ben.user_id)] == [bens]
    assert {f.id for f in referrals.awaiting_feedback(uow, anna)} == {annas, bens}


def test_the_referrals_to_one_partner(uow: UnitOfWork, anna: Actor, record: RecordDetails) -> None:
    fizuz, zav = _partner(uow, "fizuz"), _partner(uow, "zav")
    a = referrals.refer(
        uow, anna, record.id, ReferralDraft(partner_id=fizuz, referred_on=OPENED)
    ).value
    b = referrals.refer(
        uow, anna, record.id, ReferralDraft(partner_id=fizuz, referred_on=OPENED + timedelta(1))
    ).value
    referrals.refer(uow, anna, record.id, ReferralDraft(partner_id=zav, referred_on=OPENED))
    assert [f.id for f in referrals.referrals_to_partner(uow, anna, fizuz)] == [b.id, a.id]
    listed = cases.get_record(uow, anna, record.id).referrals
    # Newest first; on the same day the later entry first.
    assert [(f.partner, f.referred_on) for f in listed] == [
        ("FIZUZ", OPENED + timedelta(1)),
        ("ZAV", OPENED),
        ("FIZUZ", OPENED),
    ]
