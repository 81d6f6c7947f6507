"""Print-outs from a record (issue 15, item 2): the client summary to take home and the
referral note for a partner. The summary never carries the record's internal text (pypdf reads
it back), falls back to English visibly, fits on one page, and is audited; the note needs the
client's consent to the referral in force today, carries only the details ticked, and is
audited as PDF and as e-mail text. On SQLite and PostgreSQL."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from tests.consents import consent_to_referrals
from welcome_center.db.models import AuditEntry
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.audit import AuditAction
from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import (
    ClientChoice,
    ConsultationDraft,
    OrganisationDraft,
    PersonDraft,
    RecordDraft,
    ReferralDraft,
)
from welcome_center.domain.enums import ClientKind, ReferralStatus
from welcome_center.domain.errors import (
    ConsentMissingError,
    PermissionDeniedError,
    ValidationError,
)
from welcome_center.domain.printouts import (
    ClientDetail,
    NextStep,
    NoteRequest,
    SummaryRequest,
)
from welcome_center.services import (
    cases,
    consultations,
    follow_ups,
    people,
    printouts,
    referrals,
)
from welcome_center.services.context import Actor
from welcome_center.services.privacy import consent

TODAY = office_today()
OPENED = TODAY - timedelta(days=30)
# Internal text of the record, each a word found nowhere else: none may reach the client.
INTERNAL = {
    "summary": "Zxqsummary internal: client seemed anxious about the visa",
    "consultation": "Zxqconsult notes: debts mentioned, do not tell the employer",
    "reason": "Zxqreason for IQ: unclear nursing diploma",
    "outcome": "Zxqoutcome from the Ausländerbehörde: file incomplete",
    "follow_up": "Zxqfollowup call the Ausländerbehörde about the fiction certificate",
    "person": "Zxqperson notes: prefers female counsellor",
}


def _text(data: bytes) -> str:
    return " ".join(
        " ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(data)).pages
    )


def _partner(uow: UnitOfWork, code: str) -> int:
    return next(p.id for p in people.list_partners(uow) if p.code == code)


def _audit(uow: UnitOfWork, action: AuditAction) -> list[Any]:
    """The entries of ``action``, oldest first: entity, entity_id, actor, detail."""
    e = AuditEntry
    with uow.read() as s:
        return list(
            s.execute(
                select(e.entity, e.entity_id, e.actor, e.detail)
                .where(e.action == action.value)
                .order_by(e.id)
            )
        )


@pytest.fixture
def person_id(uow: UnitOfWork, anna: Actor) -> int:
    draft = PersonDraft(
        family_name="Nguyễn",
        given_name="Thị Lan",
        birth_date=OPENED.replace(year=1990),
        nationality="VN",
        email="lan.nguyen@example.org",
        phone="0176 1234567",
        languages="Vietnamesisch, Englisch",
        notes=INTERNAL["person"],
    )
    return people.create_person(uow, anna, draft).value.id


@pytest.fixture
def record_id(uow: UnitOfWork, anna: Actor, person_id: int) -> int:
    """A record full of internal text: summary, consultation notes, a referral's reason and
    outcome, a follow-up's note; two referrals, two open follow-ups and a done one."""
    draft = RecordDraft(
        client=ClientChoice(ClientKind.PERSON, person_id),
        opened_on=OPENED,
        counsellor_id=anna.user_id,
        topics=("residence", "recognition", "language"),
        summary=INTERNAL["summary"],
    )
    rid = cases.open_record(uow, anna, draft).value.id
    consultations.record_consultation(
        uow, anna, rid, ConsultationDraft(held_on=TODAY, notes=INTERNAL["consultation"])
    )
    consent_to_referrals(uow, anna, rid)  # to every partner
    iq, abh = _partner(uow, "iq_sachsen"), _partner(uow, "abh_zwickau")
    referrals.refer(
        uow,
        anna,
        rid,
        ReferralDraft(
            partner_id=iq, referred_on=TODAY, topic="recognition", reason=INTERNAL["reason"]
        ),
    )
    abh_ref = referrals.refer(
        uow, anna, rid, ReferralDraft(partner_id=abh, referred_on=TODAY, topic="residence")
    ).value
    referrals.record_feedback(
        uow, anna, abh_ref.id, ReferralStatus.DONE, INTERNAL["outcome"], TODAY,
        expected_version=abh_ref.version,
    )  # fmt: skip
    follow_ups.add_follow_up(uow, anna, rid, TODAY + timedelta(days=14), INTERNAL["follow_up"])
    follow_ups.add_follow_up(uow, anna, rid, TODAY + timedelta(days=40), "second")
    done = follow_ups.add_follow_up(uow, anna, rid, TODAY + timedelta(days=3), "done one").value
    follow_ups.complete(uow, anna, done.id, expected_version=done.version)
    return rid


def _everything(uow: UnitOfWork, actor: Actor, record_id: int, lang: str) -> SummaryRequest:
    """Every topic, step and partner on offer, each step with a text for the client."""
    ch = printouts.summary_choices(uow, actor, record_id)
    return SummaryRequest(
        language=lang,
        day=TODAY,
        topics=tuple(t.code for t in ch.topics),
        steps=tuple(NextStep(f.due_on, "Bring your certificates") for f in ch.follow_ups),
        partner_ids=tuple(p.id for p in ch.partners),
    )


# --- the client summary -------------------------------------------------------------------------


def test_the_choices_hold_no_internal_text(uow: UnitOfWork, anna: Actor, record_id: int) -> None:
    ch = printouts.summary_choices(uow, anna, record_id)
    assert [t.code for t in ch.topics] == ["residence", "recognition", "language"]
    assert [f.due_on for f in ch.follow_ups] == [
        TODAY + timedelta(days=14), TODAY + timedelta(days=40)
    ]  # open ones only, by day  # fmt: skip
    assert {p.name for p in ch.partners} == {
        "IQ Netzwerk Sachsen (Anerkennungsberatung)", "Ausländerbehörde Landkreis Zwickau"
    }  # fmt: skip
    assert ch.counsellor == "Anna Berger"
    assert "Zxq" not in repr(ch)


@pytest.mark.parametrize("lang", ["de", "de_simple", "en", "tr"])
def test_no_internal_text_reaches_the_client(
    uow: UnitOfWork, anna: Actor, record_id: int, lang: str
) -> None:
    data = printouts.client_summary(uow, anna, record_id, _everything(uow, anna, record_id, lang))
    text = _text(data)
    assert len(PdfReader(io.BytesIO(data)).pages) == 1
    assert "Zxq" not in text, text
    for internal in INTERNAL.values():
        assert internal not in text
        assert internal.split(":")[0] not in text
    assert "Bring your certificates" in text
    assert "IQ Netzwerk Sachsen (Anerkennungsberatung)" in text
    assert "Ausländerbehörde Landkreis Zwickau" in text
    assert "Anna Berger" in text and "Welcome Center Region Zwickau" in text
    assert "Nguy" not in text  # the client's name is not on the sheet either


def test_each_language_has_its_own_words(uow: UnitOfWork, anna: Actor, record_id: int) -> None:
    def sheet(lang: str) -> str:
        return _text(printouts.client_summary(
            uow, anna, record_id, _everything(uow, anna, record_id, lang)))  # fmt: skip

    de, simple, en = sheet("de"), sheet("de_simple"), sheet("en")
    assert "Zusammenfassung Ihrer Beratung" in de and "Anerkennung von Abschlüssen" in de
    assert "Ihr Gespräch bei uns" in simple and "Das sind Ihre nächsten Schritte" in simple
    assert "Summary of your counselling" in en and "Recognition of qualifications" in en
    for sheet_text in (de, simple, en):
        assert "because there is no text" not in sheet_text


def test_a_language_without_a_text_is_printed_in_english_and_says_so(
    uow: UnitOfWork, anna: Actor, record_id: int
) -> None:
    text = _text(printouts.client_summary(
        uow, anna, record_id, _everything(uow, anna, record_id, "uk")))  # fmt: skip
    assert text.startswith(
        "Welcome Center Region Zwickau This sheet is in English because there is no text in "
        "Українська yet."
    ), text
    assert "Summary of your counselling" in text and "Residence, entry, visa" in text
    entry = _audit(uow, AuditAction.CLIENT_SUMMARY)[-1]
    assert entry.detail.startswith("language=en asked=uk ")


def test_only_what_the_counsellor_chose(uow: UnitOfWork, anna: Actor, record_id: int) -> None:
    ch = printouts.summary_choices(uow, anna, record_id)
    iq = next(p.id for p in ch.partners if p.name.startswith("IQ"))
    request = SummaryRequest(
        "en", TODAY, topics=("recognition",), partner_ids=(iq,),
        steps=(NextStep(TODAY + timedelta(days=40), "Appointment with us at 10:00"),),
    )  # fmt: skip
    text = _text(printouts.client_summary(uow, anna, record_id, request))
    assert "Recognition of qualifications" in text
    assert "Residence, entry, visa" not in text and "Learning German" not in text
    assert "Ausländerbehörde" not in text
    assert "Appointment with us at 10:00" in text


def test_a_part_with_nothing_chosen_is_left_out(
    uow: UnitOfWork, anna: Actor, record_id: int
) -> None:
    text = _text(printouts.client_summary(
        uow, anna, record_id, SummaryRequest("en", TODAY, topics=("language",))))  # fmt: skip
    assert "What we talked about" in text and "Learning German" in text
    assert "Your next steps" not in text and "Who can help you further" not in text


def test_the_print_out_is_audited_and_written_whole(
    uow: UnitOfWork, anna: Actor, record_id: int, tmp_path: Path
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "summary.pdf"
    printouts.write_client_summary(
        uow, anna, record_id, _everything(uow, anna, record_id, "de"), target
    )
    assert target.read_bytes().startswith(b"%PDF")
    assert [p.name for p in folder.iterdir()] == ["summary.pdf"]  # no temporary file left
    (entry,) = _audit(uow, AuditAction.CLIENT_SUMMARY)
    assert (entry.entity, entry.entity_id, entry.actor) == ("record", record_id, "anna")
    assert entry.detail.startswith("language=de asked=de topics=3 steps=2 partners=")
    assert "Zxq" not in entry.detail


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"steps": (NextStep(TODAY, "  "),)}, "steps", "Write what the client does"),
        ({"steps": (NextStep(TODAY, "x" * 301),)}, "steps", "too long"),
        ({"topics": ("family",)}, "topics", "topics of this record only"),
        ({"day": TODAY + timedelta(days=1)}, "day", "between the opening"),
        ({"day": OPENED - timedelta(days=1)}, "day", "between the opening"),
        ({"language": "xx"}, "language", "language of the summary"),
    ],
)
def test_what_cannot_be_printed_is_said(
    uow: UnitOfWork, anna: Actor, record_id: int, change: dict[str, Any], field: str, message: str
) -> None:
    request = replace(SummaryRequest("de", TODAY), **change)
    with pytest.raises(ValidationError) as caught:
        printouts.client_summary(uow, anna, record_id, request)
    assert caught.value.field == field and message in caught.value.message
    assert _audit(uow, AuditAction.CLIENT_SUMMARY) == []


def test_more_than_one_page_is_refused(uow: UnitOfWork, anna: Actor, record_id: int) -> None:
    long_step = "Bring the certified translation of every certificate you have, " * 4
    request = replace(
        _everything(uow, anna, record_id, "de_simple"),
        steps=tuple(NextStep(TODAY + timedelta(days=i), long_step[:290]) for i in range(10)),
    )
    with pytest.raises(ValidationError, match="more than fits on one page"):
        printouts.client_summary(uow, anna, record_id, request)
    assert _audit(uow, AuditAction.CLIENT_SUMMARY) == []


def test_a_manager_prints_no_summary(uow: UnitOfWork, manager: Actor, record_id: int) -> None:
    with pytest.raises(PermissionDeniedError):
        printouts.summary_choices(uow, manager, record_id)
    with pytest.raises(PermissionDeniedError):
        printouts.client_summary(uow, manager, record_id, SummaryRequest("de", TODAY))


# --- the referral note -------------------------------------------------------------------------


def _referral(uow: UnitOfWork, anna: Actor, record_id: int, code: str) -> int:
    d = cases.get_record(uow, anna, record_id)
    partner = _partner(uow, code)
    return next(f.id for f in d.referrals if f.partner_id == partner)


def test_the_note_carries_the_reason_and_only_the_ticked_details(
    uow: UnitOfWork, anna: Actor, record_id: int
) -> None:
    ref = _referral(uow, anna, record_id, "iq_sachsen")
    ch = printouts.note_choices(uow, anna, ref)
    assert ch.reason == INTERNAL["reason"]  # the note's message unless changed
    assert set(ch.details) == set(ClientDetail) - {ClientDetail.WEBSITE}
    request = NoteRequest("de", frozenset({ClientDetail.PHONE}), "Bitte um Anerkennungsberatung.")
    text = _text(printouts.referral_note_pdf(uow, anna, ref, request))
    assert "Weitervermittlung an IQ Netzwerk Sachsen (Anerkennungsberatung)" in text
    assert "Thị Lan Nguyễn" in text and "0176 1234567" in text
    assert "Bitte um Anerkennungsberatung." in text
    for absent in ("lan.nguyen@example.org", "Vietnam", "1990", "Vietnamesisch", "Zxq"):
        assert absent not in text, absent
    assert "Anerkennung von Abschlüssen" in text and "WC-" in text


def test_the_email_text_says_what_the_pdf_says(
    uow: UnitOfWork, anna: Actor, record_id: int
) -> None:
    ref = _referral(uow, anna, record_id, "iq_sachsen")
    request = NoteRequest("en", frozenset({ClientDetail.EMAIL, ClientDetail.BIRTH_DATE}))
    subject, body = printouts.referral_note_email(uow, anna, ref, request)
    assert subject.startswith("Referral from Welcome Center Region Zwickau (our reference WC-")
    assert "Nguy" not in subject
    assert "Name: Thị Lan Nguyễn" in body and "E-mail: lan.nguyen@example.org" in body
    assert f"Born on: {OPENED.replace(year=1990):%d/%m/%Y}" in body
    assert "0176" not in body and "Zxqconsult" not in body and "Zxqsummary" not in body
    assert INTERNAL["reason"] in body  # the referral's reason is what the partner is told
    entries = _audit(uow, AuditAction.REFERRAL_NOTE)
    assert [e.detail.split()[2] for e in entries] == ["form=email"]
    assert entries[0].detail.endswith("details=birth_date,email")


def test_without_consent_in_force_the_note_is_refused(
    uow: UnitOfWork, anna: Actor, record_id: int, person_id: int
) -> None:
    ref = _referral(uow, anna, record_id, "iq_sachsen")
    (given,) = consent.consents_of(uow, anna, ClientKind.PERSON, person_id)
    consent.withdraw_consent(uow, anna, given.id, TODAY, expected_version=given.version)
    with pytest.raises(ConsentMissingError) as caught:
        printouts.note_choices(uow, anna, ref)
    assert "withdrew the consent to referrals to IQ Netzwerk" in caught.value.message
    assert "Missing: a new consent" in caught.value.message
    assert not caught.value.override_allowed
    for call in (printouts.referral_note_pdf, printouts.referral_note_email):
        with pytest.raises(ConsentMissingError):
            call(uow, anna, ref, NoteRequest("de"))
    assert _audit(uow, AuditAction.REFERRAL_NOTE) == []


def test_a_consent_for_another_partner_does_not_cover_the_note(
    uow: UnitOfWork, anna: Actor
) -> None:
    org = people.create_organisation(uow, anna, OrganisationDraft(name="Pflegeheim Sonnenhof"))
    rid = cases.open_record(
        uow,
        anna,
        RecordDraft(client=ClientChoice(ClientKind.ORGANISATION, org.value.id), opened_on=OPENED),
    ).value.id
    iq, fizuz = _partner(uow, "iq_sachsen"), _partner(uow, "fizuz")
    consent_to_referrals(uow, anna, rid, fizuz)
    referrals.refer(uow, anna, rid, ReferralDraft(partner_id=fizuz, referred_on=TODAY))
    consent_to_referrals(uow, anna, rid, iq, given_on=TODAY)
    ref_iq = referrals.refer(uow, anna, rid, ReferralDraft(partner_id=iq, referred_on=TODAY))
    with uow.begin() as s:  # the IQ consent withdrawn: the FIZUZ one says nothing of IQ
        from welcome_center.db.models import Consent

        c = s.scalars(select(Consent).where(Consent.partner_id == iq)).one()
        c.withdrawn_on = TODAY
    with pytest.raises(ConsentMissingError, match="Pflegeheim Sonnenhof withdrew"):
        printouts.note_choices(uow, anna, ref_iq.value.id)
    fizuz_ref = _referral(uow, anna, rid, "fizuz")
    ch = printouts.note_choices(uow, anna, fizuz_ref)
    assert ch.client_kind is ClientKind.ORGANISATION and ch.client_name == "Pflegeheim Sonnenhof"
    assert ch.consent_partner.startswith("Fachinformationszentrum")


def test_a_pdf_note_is_audited_as_made(
    uow: UnitOfWork, anna: Actor, record_id: int, tmp_path: Path
) -> None:
    ref = _referral(uow, anna, record_id, "abh_zwickau")
    target = printouts.write_referral_note(uow, anna, ref, NoteRequest("en"), tmp_path / "note.pdf")
    text = _text(target.read_bytes())
    assert "Referral to Ausländerbehörde Landkreis Zwickau" in text
    assert "Zxqoutcome" not in text  # the partner's answer stays in the office
    (entry,) = _audit(uow, AuditAction.REFERRAL_NOTE)
    assert entry.detail.split()[2:4] == ["form=pdf", "language=en"]
    reads = [e for e in _audit(uow, AuditAction.READ) if "referral_note" in e.detail]
    assert reads == []  # making the note is its own entry; the dialog's read is another
