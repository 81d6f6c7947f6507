"""Access requests (Art. 15 GDPR): the export of person A holds every note of A, and no name of
any other client: not B, whose record A is a party of, nor B's notes, nor the family member on
A's own record, nor the contact person of A's employer. On SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from welcome_center import i18n
from welcome_center.db.models import Consent
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.access import REDACTED, name_words, redact
from welcome_center.domain.audit import AuditAction, AuditFilter
from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import (
    ClientChoice,
    ConsultationDraft,
    ContactDraft,
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
    ConsentForm,
    ConsentPurpose,
    PartyRole,
)
from welcome_center.domain.errors import NotFoundError, PermissionDeniedError, ValidationError
from welcome_center.i18n import format_date
from welcome_center.reports.access_export import render_json, render_pdf
from welcome_center.services import (
    audit,
    cases,
    consultations,
    follow_ups,
    people,
    recognition,
    referrals,
    residence,
)
from welcome_center.services.context import Actor
from welcome_center.services.privacy import access

OPENED = date(2024, 3, 4)
LONG_NOTE = " ".join(f"Absatz {i}: Unterlagen zur Anerkennung besprochen." for i in range(180))


@dataclass(frozen=True)
class Office:
    a: int  # the person whose data is asked for
    a_notes: tuple[str, ...]  # every text of A the office wrote
    others: tuple[str, ...]  # what must never appear in A's export
    own_numbers: tuple[str, ...]
    b_number: str


def _person(uow: UnitOfWork, actor: Actor, family: str, given: str, **kw: object) -> int:
    draft = PersonDraft(family_name=family, given_name=given, **kw)  # type: ignore[arg-type]
    return people.create_person(uow, actor, draft, accept_duplicates=True).value.id


def _record(uow: UnitOfWork, actor: Actor, kind: ClientKind, cid: int, summary: str = "") -> int:
    draft = RecordDraft(
        client=ClientChoice(kind, cid), opened_on=OPENED, topics=("residence",), summary=summary
    )
    return cases.open_record(uow, actor, draft).value.id


def _consult(uow: UnitOfWork, actor: Actor, record_id: int, day: int, notes: str) -> None:
    draft = ConsultationDraft(held_on=date(2024, 3, day), duration_minutes=30, notes=notes)
    consultations.record_consultation(uow, actor, record_id, draft)


@pytest.fixture
def office(uow: UnitOfWork, anna: Actor, ben: Actor, admin: Actor) -> Office:
    """A (Lan Nguyen) with notes in two records, her employer with a contact person and her
    aunt on the first; and B (Chidi Okonkwo), whose record links A as a family member."""
    a = _person(
        uow, anna, "Nguyen", "Thi Lan", birth_date=date(1994, 5, 17), nationality="VN",
        email="lan.nguyen@example.org", notes="Spricht Vietnamesisch und Englisch.",
    )  # fmt: skip
    aunt = _person(uow, anna, "Schulze", "Ingrid")
    b = _person(uow, ben, "Okonkwo", "Chidi", notes="B-Personennotiz: Bruder in Leipzig")
    employer = people.create_organisation(
        uow, anna, OrganisationDraft(name="Autohaus Zwickau GmbH"), accept_duplicates=True
    ).value
    people.set_contacts(
        uow, anna, employer.id, [ContactDraft(name="Petra Lange", function="Personal")]
    )
    partner = next(o for o in people.list_partners(uow) if o.is_partner)
    people.set_contacts(
        uow, admin, partner.id, [ContactDraft(name="Rosalind Quast", function="Beratung")]
    )

    r1 = _record(uow, anna, ClientKind.PERSON, a, "A-Zusammenfassung: Anerkennung als Pflegerin")
    cases.link_party(
        uow, anna, r1, PartyDraft(client=ClientChoice(ClientKind.ORGANISATION, employer.id),
                                  role=PartyRole.EMPLOYER)
    )  # fmt: skip
    cases.link_party(
        uow,
        anna,
        r1,
        PartyDraft(client=ClientChoice(ClientKind.PERSON, aunt), role=PartyRole.FAMILY_MEMBER),
    )
    _consult(uow, anna, r1, 5, "A-Notiz eins: Zeugnisse aus Hanoi mitgebracht.")
    _consult(uow, anna, r1, 12, "A-Notiz zwei: kam mit Ingrid Schulze, die übersetzte.")
    _consult(uow, ben, r1, 19, LONG_NOTE)
    with uow.begin() as s:  # the referral below needs it
        s.add(
            Consent(person_id=a, purpose=ConsentPurpose.REFERRAL, partner_id=partner.id,
                    given_on=date(2024, 3, 5), form=ConsentForm.WRITTEN, text_version="1",
                    recorded_by_id=anna.user_id)
        )  # fmt: skip
    referrals.refer(
        uow,
        anna,
        r1,
        ReferralDraft(
            partner_id=partner.id,
            referred_on=date(2024, 3, 20),
            reason="A-Verweisgrund: Anpassungslehrgang",
        ),
    )
    follow_ups.add_follow_up(uow, anna, r1, date(2024, 4, 2), "A-Wiedervorlage: Bescheid?")
    recognition.add_procedure(
        uow,
        anna,
        r1,
        RecognitionDraft(
            qualification="Pflegefachkraft (VN)", notes="A-Anerkennung: Defizitbescheid erwartet"
        ),
    )
    residence.add_title(
        uow, anna, a, ResidenceTitleDraft(title="s18a", notes="A-Aufenthalt: Fiktionsbescheinigung")
    )

    r2 = _record(uow, ben, ClientKind.PERSON, a)
    _consult(uow, ben, r2, 25, "A-Notiz drei:\nWohnungssuche in Zwickau.")

    rb = _record(uow, ben, ClientKind.PERSON, b, "B-Zusammenfassung: Visum für die Familie")
    cases.link_party(
        uow,
        ben,
        rb,
        PartyDraft(
            client=ClientChoice(ClientKind.PERSON, a), role=PartyRole.FAMILY_MEMBER, note="Cousine"
        ),
    )
    _consult(uow, ben, rb, 7, "B-Notiz: Chidi braucht einen Sprachkurs")
    cases.get_record(uow, ben, rb)  # Ben looks at B's record, where A's name stands

    numbers = tuple(cases.get_record(uow, anna, r).number for r in (r1, r2))
    return Office(
        a=a,
        a_notes=(
            "Spricht Vietnamesisch und Englisch.",
            "A-Zusammenfassung: Anerkennung als Pflegerin",
            "A-Notiz eins: Zeugnisse aus Hanoi mitgebracht.",
            LONG_NOTE,
            "A-Notiz drei:\nWohnungssuche in Zwickau.",
            "A-Verweisgrund: Anpassungslehrgang",
            "A-Wiedervorlage: Bescheid?",
            "A-Anerkennung: Defizitbescheid erwartet",
            "A-Aufenthalt: Fiktionsbescheinigung",
        ),
        others=(
            "Okonkwo",
            "Chidi",
            "Schulze",
            "Ingrid",
            "Petra",
            "Lange",
            "Rosalind",
            "Quast",
            "B-Personennotiz",
            "B-Zusammenfassung",
            "B-Notiz",
            "Bruder in Leipzig",
            "Sprachkurs",
        ),
        own_numbers=numbers,
        b_number=cases.get_record(uow, ben, rb).number,
    )


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """A folder for the exports (the database lives in tmp_path itself)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _pdf_text(data: bytes) -> str:
    """The text of every page, without the header and footer that interrupt a note going on
    over the page."""
    pages = []
    for page in PdfReader(io.BytesIO(data)).pages:
        lines = (page.extract_text() or "").splitlines()
        assert re.fullmatch(r"(Page|Seite) \d+ (of|von) \d+", lines[-1]), lines[-1]
        pages.append(" ".join(lines[3:-1]))  # the office, the title, the date; page N of M
    return _flat(" ".join(pages))


def test_the_export_of_a_holds_every_note_of_a_and_no_other_clients_name(
    uow: UnitOfWork, anna: Actor, office: Office
) -> None:
    export = access.access_export(uow, anna, office.a)
    document = json.loads(render_json(export))
    text = json.dumps(document, ensure_ascii=False)
    pdf = _pdf_text(render_pdf(export))
    for note in office.a_notes:
        assert note in export.texts(), note
        assert json.dumps(note, ensure_ascii=False) in text, note
        # (a note going on over the page: the table's head is repeated on the next)
        assert _flat(note) in pdf.replace(" Date Details Notes ", " "), note
    # The note that named the aunt is there, without her name.
    redacted = f"A-Notiz zwei: kam mit {REDACTED} {REDACTED}, die übersetzte."
    assert redacted in export.texts()
    assert _flat(redacted) in pdf
    for word in office.others:
        assert word not in text, word
        assert word not in pdf, word
    # What is A's is there: her data, both records, the link to B's record (by role), the
    # employer and the partner by name, the residence title, the procedure and the consent.
    assert document["person"]["family_name"] == "Nguyen"
    assert document["person"]["birth_date"] == "1994-05-17"
    assert document["person"]["nationality"] == {"code": "VN", "label": "Vietnam"}
    assert [r["number"] for r in document["records"]] == list(office.own_numbers)
    first = document["records"][0]
    assert [c["held_on"] for c in first["consultations"]] == [
        "2024-03-05", "2024-03-12", "2024-03-19"
    ]  # fmt: skip
    assert first["consultations"][0]["counsellor"] == "Anna Berger"
    assert first["further_parties"] == [
        {"kind": {"code": "organisation", "label": "Organisation"},
         "role": {"code": "employer", "label": "Employer"}, "name": "Autohaus Zwickau GmbH"},
        {"kind": {"code": "person", "label": "Person"},
         "role": {"code": "family_member", "label": "Family member"}, "name": None},
    ]  # fmt: skip
    assert first["referrals"][0]["partner"] and first["referrals"][0]["partner"] in pdf
    assert "Autohaus Zwickau GmbH" in pdf and "another person (Family member)" in pdf
    assert document["further_party_of"] == [
        {"record_number": office.b_number, "record_kind": {"code": "enquiry", "label": "Enquiry"},
         "opened_on": "2024-03-04", "closed_on": None,
         "role": {"code": "family_member", "label": "Family member"}, "note": "Cousine",
         "client_kind": {"code": "person", "label": "Person"}, "client_name": None},
    ]  # fmt: skip
    assert [t["notes"] for t in document["residence_titles"]] == [
        "A-Aufenthalt: Fiktionsbescheinigung"
    ]
    assert document["recognition_procedures"][0]["qualification"] == "Pflegefachkraft (VN)"
    given = document["consents"]
    consents = [(c["purpose"]["code"], c["given_on"], c["recorded_by"]) for c in given]
    assert consents == [("referral", "2024-03-05", "Anna Berger")]


def test_the_export_says_who_read_or_changed_the_data_and_is_audited_itself(
    uow: UnitOfWork, anna: Actor, office: Office
) -> None:
    export = access.access_export(uow, anna, office.a)
    log = export.audit
    assert log == tuple(sorted(log, key=lambda e: e.at))
    # The export is the last access it lists; the reads of B's record (A's name on it) are
    # there, B's consultation is not.
    last = log[-1]
    assert (last.action, last.about, last.actor, last.actor_name) == (
        AuditAction.ACCESS_EXPORT, "person", "anna", "Anna Berger"
    )  # fmt: skip
    on_b = [(e.action, e.actor) for e in log if e.record_number == office.b_number]
    assert (AuditAction.READ, "ben") in on_b and (AuditAction.LINK_PARTY, "ben") in on_b
    assert AuditAction.ADD_CONSULTATION not in [a for a, _who in on_b]
    assert {e.record_number for e in log} >= set(office.own_numbers)
    updates = [e for e in log if e.action is AuditAction.ADD_CONSULTATION]
    assert len(updates) == 4
    data = json.loads(render_json(export))["access_log"]
    assert data[-1]["action"] == {"code": "access_export", "label": "Access export made (Art. 15)"}
    assert data[-1]["at"].endswith("+00:00")
    # In the audit log: one entry about A, by Anna.
    found = audit.search_audit(
        uow, Actor.system("test"), AuditFilter(action=AuditAction.ACCESS_EXPORT)
    )
    assert [(e.entity, e.entity_id, e.actor) for e in found] == [("person", office.a, "anna")]


def test_only_a_counsellor_exports_and_a_missing_person_is_said_so(
    uow: UnitOfWork, anna: Actor, admin_only: Actor, manager: Actor, office: Office, out: Path
) -> None:
    for actor in (admin_only, manager):
        with pytest.raises(PermissionDeniedError):
            access.access_export(uow, actor, office.a)
        with pytest.raises(PermissionDeniedError):
            access.write_access_export(uow, actor, office.a, out / "a.pdf")
    with pytest.raises(NotFoundError):
        access.access_export(uow, anna, 999_999)
    found = audit.search_audit(
        uow, Actor.system("test"), AuditFilter(action=AuditAction.ACCESS_EXPORT)
    )
    assert found == []
    assert list(out.iterdir()) == []


@pytest.mark.parametrize("suffix", [".pdf", ".json", ".PDF"])
def test_the_file_is_written_whole_and_no_temporary_file_stays(
    uow: UnitOfWork, anna: Actor, office: Office, out: Path, suffix: str
) -> None:
    target = out / f"Auskunft{suffix}"
    assert access.write_access_export(uow, anna, office.a, target) == target
    assert [p.name for p in out.iterdir()] == [target.name]
    data = target.read_bytes()
    if suffix.lower() == ".pdf":
        assert data.startswith(b"%PDF")
        assert "A-Notiz eins" in _pdf_text(data)
    else:
        assert json.loads(data.decode("utf-8"))["person"]["given_name"] == "Thi Lan"


def test_a_failed_write_leaves_neither_the_file_nor_a_temporary_one(
    uow: UnitOfWork, anna: Actor, office: Office, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = out / "a.json"
    target.write_text("the previous export")

    def full(*_a: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(access.os, "fsync", full)
    with pytest.raises(OSError):
        access.write_access_export(uow, anna, office.a, target)
    assert [p.name for p in out.iterdir()] == ["a.json"]
    assert target.read_text() == "the previous export"
    with pytest.raises(ValidationError):
        access.write_access_export(uow, anna, office.a, out / "a.docx")
    with pytest.raises(FileNotFoundError):
        access.write_access_export(uow, anna, office.a, out / "missing" / "a.pdf")
    assert [p.name for p in out.iterdir()] == ["a.json"]


def test_the_german_export(uow: UnitOfWork, anna: Actor, office: Office) -> None:
    i18n.set_language("de")
    export = access.access_export(uow, anna, office.a)
    data = render_pdf(export)
    assert "Auskunft nach Art. 15 DSGVO" in _pdf_text(data)
    first = PdfReader(io.BytesIO(data)).pages[0].extract_text().splitlines()
    assert first[:3] == [
        "Welcome Center Region Zwickau",
        "Auskunft nach Art. 15 DSGVO – Nguyen, Thi Lan",
        f"Erstellt am {format_date(office_today(), 'long')}",
    ]
    assert re.fullmatch(r"Seite 1 von \d+", first[-1])
    assert (
        "Angaben zur Person" in first
        and "Erstellt am" in first[5]
        and "von Anna Berger" in first[5]
    )
    document = json.loads(render_json(export))
    assert document["title"] == "Auskunft nach Art. 15 DSGVO"
    assert document["language"] == "de"
    assert document["person"]["nationality"]["label"] == "Vietnam"


def test_names_of_linked_people_are_struck_from_texts_but_not_the_persons_own() -> None:
    words = name_words(["Nguyen", "Minh", "Dr. Petra Lange", "Li"], own=["Nguyen", "Thi Lan"])
    assert words == frozenset({"Minh", "Petra", "Lange"})
    text = "Minh Nguyen rief an; Frau Dr. Lange wartet schon lange. Minhs Akte; Li kam."
    assert redact(text, words) == (
        f"{REDACTED} Nguyen rief an; Frau Dr. {REDACTED} wartet schon lange. Minhs Akte; Li kam."
    )


def test_the_facts_funders_count_are_in_the_export(uow: UnitOfWork, anna: Actor) -> None:
    """Gender, employment status, education, German, birth year, arrival year and a second
    nationality are held about the person: Art. 15 shows them, in the JSON and the PDF."""
    from welcome_center.domain.enums import EducationLevel, EmploymentStatus, Gender, GermanLevel

    pid = _person(
        uow, anna, "Haddad", "Rania", birth_year=1990, nationality="SY", nationality_2="DE",
        gender=Gender.FEMALE, employment_status=EmploymentStatus.UNEMPLOYED,
        education=EducationLevel.ISCED_5_8, german_level=GermanLevel.B1, arrival_year=2019,
    )  # fmt: skip
    export = access.access_export(uow, anna, pid)
    person = json.loads(render_json(export))["person"]
    assert (person["birth_year"], person["arrival_year"]) == (1990, 2019)
    assert person["nationality_2"]["code"] == "DE"
    assert person["gender"] == {"code": "female", "label": "Female"}
    assert person["employment_status"]["code"] == "unemployed"
    assert person["education"]["code"] == "isced_5_8"
    assert person["german_level"]["code"] == "B1"
    text = _pdf_text(render_pdf(export))
    for words in ("Birth year 1990", "Arrival year 2019", "Gender Female", "B1"):
        assert words in text, words
