"""The print-outs' settings (issue 15, item 2): how to reach the office, printed on the client
summary and the referral note, and the client summary's wording per language, which an
administrator adapts (checked: placeholders, braces, lists alone on their line); a language
the office writes a text for is no longer printed in English. Migration 0013 adds them to an
existing office. On SQLite and PostgreSQL."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import inspect, select, text

from tests.consents import consent_to_referrals
from tests.db.test_privacy_migration import _counts, _to
from welcome_center.db import migrate
from welcome_center.db.engine import Database
from welcome_center.db.models import AuditEntry
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import ClientChoice, PersonDraft, RecordDraft, ReferralDraft
from welcome_center.domain.enums import ClientKind
from welcome_center.domain.errors import PermissionDeniedError, ValidationError
from welcome_center.domain.printout_texts import DEFAULT_SUMMARY_DE
from welcome_center.domain.printouts import NoteRequest, SummaryRequest
from welcome_center.services import cases, people, printouts, referrals, settings
from welcome_center.services.context import Actor

TODAY = office_today()
TURKISH = """\
# Danışmanlığınızın özeti

{date} tarihinde {counsellor} ile görüştünüz.

## Konuştuklarımız
{topics}

## Bize nasıl ulaşırsınız
{contact}
"""
CONTACT: dict[str, Any] = {
    "office_address": "Innere Schneeberger Straße 20\n08056 Zwickau",
    "office_phone": "0375 5415 123",
    "office_email": "welcome@example.org",
    "office_website": "www.welcome-zwickau.de",
}


def _text(data: bytes) -> str:
    return " ".join(
        " ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(data)).pages
    )


@pytest.fixture
def record_id(uow: UnitOfWork, anna: Actor) -> int:
    pid = people.create_person(uow, anna, PersonDraft(family_name="Kaya", given_name="Emre"))
    rid = cases.open_record(uow, anna, RecordDraft(
        client=ClientChoice(ClientKind.PERSON, pid.value.id), opened_on=TODAY - timedelta(5),
        counsellor_id=anna.user_id, topics=("residence",),
    )).value.id  # fmt: skip
    consent_to_referrals(uow, anna, rid)
    fizuz = next(p.id for p in people.list_partners(uow) if p.code == "fizuz")
    referrals.refer(uow, anna, rid, ReferralDraft(partner_id=fizuz, referred_on=TODAY))
    return rid


def test_the_office_contact_is_printed_on_both(
    uow: UnitOfWork, admin: Actor, anna: Actor, record_id: int
) -> None:
    saved = settings.update_settings(uow, admin, **CONTACT).value
    assert saved.office_address == "Innere Schneeberger Straße 20\n08056 Zwickau"
    assert (saved.office_phone, saved.office_email) == ("0375 5415 123", "welcome@example.org")
    summary = _text(printouts.client_summary(
        uow, anna, record_id, SummaryRequest("de", TODAY, topics=("residence",))))  # fmt: skip
    assert "So erreichen Sie uns Innere Schneeberger Straße 20 08056 Zwickau 0375 5415 123" in (
        summary
    )
    assert "welcome@example.org" in summary and "www.welcome-zwickau.de" in summary
    ref = cases.get_record(uow, anna, record_id).referrals[0].id
    _subject, body = printouts.referral_note_email(uow, anna, ref, NoteRequest("en"))
    assert "Innere Schneeberger Straße 20\n08056 Zwickau\n0375 5415 123" in body
    assert "welcome@example.org" in _text(printouts.referral_note_pdf(
        uow, anna, ref, NoteRequest("de")))  # fmt: skip


def test_a_text_of_the_office_ends_the_english_stand_in(
    uow: UnitOfWork, admin: Actor, anna: Actor, record_id: int
) -> None:
    request = SummaryRequest("tr", TODAY, topics=("residence",))
    before = _text(printouts.client_summary(uow, anna, record_id, request))
    assert "because there is no text in Türkçe" in before
    settings.update_settings(uow, admin, summary_texts={"tr": TURKISH}, **CONTACT)
    assert dict(settings.get_settings(uow).summary_texts) == {"tr": TURKISH.strip()}
    after = _text(printouts.client_summary(uow, anna, record_id, request))
    assert "Danışmanlığınızın özeti" in after and "Konuştuklarımız" in after
    assert "Anna Berger" in after and "0375 5415 123" in after
    assert "English" not in after and "Residence, entry, visa" in after  # no Turkish labels
    with uow.read() as s:
        detail = s.scalars(
            select(AuditEntry.detail)
            .where(AuditEntry.entity == "settings")
            .order_by(AuditEntry.id.desc())
        ).first()
    assert detail is not None and "summary_texts: changed" in detail
    assert "Danışmanlığınızın" not in detail


def test_the_programs_texts_stay_unless_changed(uow: UnitOfWork, admin: Actor) -> None:
    own_de = DEFAULT_SUMMARY_DE.replace("Ihre nächsten Schritte", "Was jetzt kommt")
    texts = {"de": own_de, "de_simple": "", "en": ""}
    saved = settings.update_settings(uow, admin, summary_texts=texts).value
    assert dict(saved.summary_texts) == {"de": own_de.strip()}
    used = printouts.summary_texts(saved)
    assert "Was jetzt kommt" in used["de"] and used["de_simple"].startswith("# Ihr Gespräch")
    # The program's own text given back is not stored: it follows the program's wording.
    saved = settings.update_settings(uow, admin, summary_texts={"de": DEFAULT_SUMMARY_DE}).value
    assert saved.summary_texts == ()


@pytest.mark.parametrize(
    ("texts", "message"),
    [
        ({"de": "# Titel\nHallo {name}"}, "line 2: {name} is not a placeholder. Use {office},"),
        ({"en": "# Title\nOpen { brace"}, "English, line 2: a brace without its partner"),
        ({"fr": "# Titre\nSujets : {topics}"}, "Français, line 2: {topics} must stand alone"),
        ({"de_simple": "# T\n" + "x" * 8_000}, "too long: at most 8000 characters"),
        ({"xx": "# T"}, "Unknown language: xx"),
    ],
)
def test_a_text_that_cannot_be_printed_is_refused(
    uow: UnitOfWork, admin: Actor, texts: dict[str, str], message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        settings.update_settings(uow, admin, summary_texts=texts)
    assert caught.value.field == "summary_texts" and message in caught.value.message
    assert settings.get_settings(uow).summary_texts == ()


def test_the_contact_is_checked(uow: UnitOfWork, admin: Actor, anna: Actor) -> None:
    with pytest.raises(ValidationError) as caught:
        settings.update_settings(uow, admin, office_email="welcome at zwickau")
    assert caught.value.field == "office_email"
    with pytest.raises(ValidationError) as caught:
        settings.update_settings(uow, admin, office_address="\n".join("abcdefg"))
    assert caught.value.field == "office_address"
    with pytest.raises(ValidationError) as caught:
        settings.update_settings(uow, admin, office_phone="0375\n123")
    assert caught.value.field == "office_phone"
    with pytest.raises(PermissionDeniedError):
        settings.update_settings(uow, anna, office_phone="0375 1")


def test_a_0012_office_gets_empty_contact_and_the_programs_texts(db: Database) -> None:
    uow = UnitOfWork(db)
    settings.update_settings(uow, Actor.system("test"), consent_text_version="7")
    before = _counts(db)
    _to(db, "0012")
    with db.engine.connect() as conn:
        columns = {c["name"] for c in inspect(conn).get_columns("office_settings")}
    assert not {"office_address", "office_phone", "summary_texts"} & columns
    migrate.upgrade(db)
    assert migrate.current_revision(db) == migrate.HEAD
    assert migrate.schema_differences(db) == []
    assert _counts(db) == before
    with db.engine.connect() as conn:
        row = conn.execute(
            text("SELECT office_name, consent_text_version, office_address, summary_texts"
                 " FROM office_settings")
        ).one()  # fmt: skip
    assert tuple(row) == ("Welcome Center Region Zwickau", "7", "", "")
    s = settings.get_settings(uow)
    assert printouts.summary_texts(s)["de"] == DEFAULT_SUMMARY_DE
