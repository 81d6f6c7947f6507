"""Every text a service stores is cleaned (NFC, no invisible formatting characters) and refused,
with the field named, when it has control characters, a line break where one line is expected,
or more characters than its kind allows (``db.text_guard``, installed by the unit of work)."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import select

from tests.consents import consent_to_referrals
from welcome_center.db import text_guard
from welcome_center.db.models import AuditEntry, Person, User
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.drafts import (
    ClientChoice,
    ConsultationDraft,
    ContactDraft,
    EventDraft,
    OrganisationDraft,
    PersonDraft,
    RecordDraft,
    ReferralDraft,
)
from welcome_center.domain.enums import ClientKind, EventKind, Role, Vocabulary
from welcome_center.domain.errors import ValidationError
from welcome_center.domain.text_input import LIMITS, TextKind
from welcome_center.services import (
    cases,
    consultations,
    events,
    follow_ups,
    people,
    referrals,
    settings,
    users,
    vocabularies,
)
from welcome_center.services.context import Actor

DAY = date(2024, 3, 4)
HOSTILE = ["Mül\x00ler", "Mül\x1bler", "Mül\x07ler"]
INVISIBLE = "M\u202eül\u200bler\u200d"


def _person(uow: UnitOfWork, actor: Actor, family: str = "Nguyen", **kw: object) -> int:
    draft = PersonDraft(family_name=family, **kw)  # type: ignore[arg-type]
    return people.create_person(uow, actor, draft, accept_duplicates=True).value.id


def _record(uow: UnitOfWork, actor: Actor) -> int:
    client = ClientChoice(ClientKind.PERSON, _person(uow, actor))
    return cases.open_record(uow, actor, RecordDraft(client=client, opened_on=DAY)).value.id


def _refused(call: Callable[[], object]) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value


# --- names -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", HOSTILE)
def test_a_name_with_a_control_character_is_refused_under_its_field(
    uow: UnitOfWork, anna: Actor, name: str
) -> None:
    err = _refused(lambda: _person(uow, anna, name))
    assert err.field == "family_name"
    assert "control character" in err.message
    assert f"U+{ord(name[3]):04X}" in err.message
    with uow.read() as s:
        assert s.scalar(select(Person.id).where(Person.family_name.like("M%ler"))) is None


def test_invisible_characters_are_removed_and_names_stored_in_nfc(
    uow: UnitOfWork, anna: Actor
) -> None:
    decomposed = unicodedata.normalize("NFD", "Müller")
    saved = people.create_person(
        uow,
        anna,
        PersonDraft(family_name=INVISIBLE, given_name="Ann\u200ba " + decomposed),
        accept_duplicates=True,
    ).value
    assert saved.family_name == "Müller"
    assert saved.given_name == "Anna Müller"
    with uow.read() as s:
        p = s.get_one(Person, saved.id)
        assert p.family_name == "Müller" and unicodedata.is_normalized("NFC", p.given_name)
        assert "\u200b" not in p.name_key and "\u202e" not in p.name_key


def test_a_name_of_invisible_characters_only_is_refused(uow: UnitOfWork, anna: Actor) -> None:
    err = _refused(lambda: _person(uow, anna, "\u200b\u202e"))
    assert err.field == "family_name"
    assert "invisible characters" in err.message


def test_a_40000_character_name_is_refused_with_the_limit(uow: UnitOfWork, anna: Actor) -> None:
    err = _refused(lambda: _person(uow, anna, "A" * 40_000))
    assert err.field == "family_name"
    assert "40000" in err.message and str(LIMITS[TextKind.NAME].max_chars) in err.message


def test_a_line_break_in_a_name_is_refused(uow: UnitOfWork, anna: Actor) -> None:
    err = _refused(lambda: _person(uow, anna, "Nguyen", given_name="Thi\nLan"))
    assert err.field == "given_name"
    assert "line break" in err.message


def test_organisation_fields_and_contact_persons(uow: UnitOfWork, anna: Actor) -> None:
    err = _refused(
        lambda: people.create_organisation(
            uow, anna, OrganisationDraft(name="Firma\x1b GmbH"), accept_duplicates=True
        )
    )
    assert err.field == "name"
    err = _refused(
        lambda: people.create_organisation(
            uow, anna, OrganisationDraft(name="Firma", short_name="F" * 101), accept_duplicates=True
        )
    )
    assert err.field == "short_name" and "at most 100" in err.message
    org = people.create_organisation(
        uow, anna, OrganisationDraft(name="Firma\u200b GmbH"), accept_duplicates=True
    ).value
    assert org.name == "Firma GmbH"
    err = _refused(
        lambda: people.set_contacts(uow, anna, org.id, [ContactDraft(name="Frau\x07 X")])
    )
    assert err.field == "name"


# --- summaries, notes, reasons ---------------------------------------------------------------


def test_notes_may_have_lines_but_not_control_characters_or_excess(
    uow: UnitOfWork, anna: Actor
) -> None:
    saved = people.create_person(
        uow,
        anna,
        PersonDraft(family_name="Nguyen", notes="one\r\ntwo\u200b\n"),
        accept_duplicates=True,
    ).value
    assert saved.notes == "one\ntwo"
    limit = LIMITS[TextKind.NOTE].max_chars
    err = _refused(lambda: _person(uow, anna, notes="x" * (limit + 1)))
    assert err.field == "notes" and str(limit) in err.message
    err = _refused(lambda: _person(uow, anna, notes="bell\x07"))
    assert err.field == "notes"


def test_record_summary_consultation_referral_and_follow_up(uow: UnitOfWork, anna: Actor) -> None:
    client = ClientChoice(ClientKind.PERSON, _person(uow, anna))
    long_summary = "s" * (LIMITS[TextKind.SUMMARY].max_chars + 1)
    err = _refused(
        lambda: cases.open_record(
            uow, anna, RecordDraft(client=client, opened_on=DAY, summary=long_summary)
        )
    )
    assert err.field == "summary"
    record_id = _record(uow, anna)
    err = _refused(
        lambda: consultations.record_consultation(
            uow, anna, record_id, ConsultationDraft(held_on=DAY, notes="\x00")
        )
    )
    assert err.field == "notes"
    err = _refused(
        lambda: consultations.record_consultation(
            uow, anna, record_id, ConsultationDraft(held_on=DAY, language="vi\x1b")
        )
    )
    assert err.field == "language"
    consent_to_referrals(uow, anna, record_id)  # a referral needs consent
    partner = next(o.id for o in people.list_partners(uow))
    err = _refused(
        lambda: referrals.refer(
            uow,
            anna,
            record_id,
            ReferralDraft(partner_id=partner, referred_on=DAY, reason="\x1b[31m"),
        )
    )
    assert err.field == "reason"
    err = _refused(lambda: follow_ups.add_follow_up(uow, anna, record_id, DAY, note="a\x07"))
    assert err.field == "note"
    done = follow_ups.add_follow_up(uow, anna, record_id, DAY, note=" call\u200b back ").value
    assert done.note == "call back"


# --- labels, office name, events, users ----------------------------------------------------------


def test_vocabulary_labels_office_name_and_event_title(uow: UnitOfWork, admin: Actor) -> None:
    err = _refused(
        lambda: vocabularies.add_entry(
            uow, admin, Vocabulary.TOPIC, "long_one", "T" * 1_000, "Topic"
        )
    )
    assert err.field == "label_de" and "at most 200" in err.message
    err = _refused(
        lambda: vocabularies.add_entry(uow, admin, Vocabulary.TOPIC, "bidi", "Thema", "A\x1bB")
    )
    assert err.field == "label_en"
    item = vocabularies.add_entry(
        uow, admin, Vocabulary.TOPIC, "bidi", "Th\u202eema", "Topic\u200b"
    ).value
    assert (item.label_de, item.label_en) == ("Thema", "Topic")
    err = _refused(lambda: settings.update_settings(uow, admin, office_name="O" * 201))
    assert err.field == "office_name"
    err = _refused(
        lambda: events.add_event(
            uow,
            admin,
            EventDraft(title="Info\nAbend", kind=EventKind.INFORMATION_EVENT.value, held_on=DAY),
        )
    )
    assert err.field == "title"


def test_a_user_display_name_is_checked_but_the_password_hash_is_left_alone(
    uow: UnitOfWork, admin: Actor
) -> None:
    err = _refused(
        lambda: users.add_user(uow, admin, "eve", "pw-long-enough-1", Role.COUNSELLOR, "Eve\x00")
    )
    assert err.field == "display_name"
    with uow.read() as s:
        hashes = s.scalars(select(User.password_hash).where(User.password_hash.is_not(None)))
        assert all(h.startswith("$argon2") for h in hashes)


def test_internal_columns_keep_what_they_are_given(uow: UnitOfWork, anna: Actor) -> None:
    detail = "x" * 50_000 + "\n  "
    with uow.begin() as s:
        s.add(AuditEntry(actor="t", action="test", entity="t", detail=detail))
    with uow.read() as s:
        assert s.scalar(select(AuditEntry.detail).where(AuditEntry.action == "test")) == detail


def test_install_is_idempotent(uow: UnitOfWork, anna: Actor) -> None:
    text_guard.install()
    UnitOfWork(uow.db)
    saved = people.create_person(
        uow, anna, PersonDraft(family_name=" Nguyen\u200b "), accept_duplicates=True
    )
    assert saved.value.family_name == "Nguyen"
