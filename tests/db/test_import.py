"""Importing existing lists (CSV and XLSX): all or nothing, idempotent, clients matched."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from welcome_center.db.models import (
    AuditEntry,
    Consultation,
    Organisation,
    Person,
    Record,
    Referral,
    User,
)
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import ClientChoice, PersonDraft, RecordDraft
from welcome_center.domain.enums import (
    ClientKind,
    RecordKind,
    RecordStatus,
    ReferralStatus,
)
from welcome_center.domain.errors import PermissionDeniedError
from welcome_center.services import cases, people
from welcome_center.services.context import Actor
from welcome_center.services.imports import ImportReport, import_file
from welcome_center.services.search import search_record_ids

GERMAN = (
    "Fallnummer;Typ;Eingang;Abschluss;Abschlussgrund;Art;Nachname;Vorname;Organisation;"
    "Staatsangehörigkeit;Wohnort;Zielgruppe;Themen;Kanal;Berater/in;Verweise;Kontakte"
)


def _write(tmp_path: Path, lines: list[str], encoding: str = "utf-8", name: str = "l.csv") -> Path:
    path = tmp_path / name
    path.write_bytes("\r\n".join(lines).encode(encoding) + b"\r\n")
    return path


def _counts(uow: UnitOfWork) -> dict[str, int]:
    with uow.read() as s:
        return {
            m.__name__: s.scalar(select(func.count()).select_from(m)) or 0
            for m in (Record, Person, Organisation, Consultation, Referral, User, AuditEntry)
        }


@dataclass(frozen=True)
class Row:
    """What the tests look at of an imported record, read inside the session."""

    id: int
    number: str
    kind: RecordKind
    status: RecordStatus
    opened_on: date
    promoted_on: date | None
    closed_on: date | None
    closing_reason: str | None
    channel: str | None
    requester_type: str | None
    municipality: str | None
    counsellor_id: int | None
    counsellor: str | None
    client_person_id: int | None
    person: tuple[str, str, str | None] | None  # family name, given name, nationality
    organisation: str | None
    topics: list[str]


def _records(uow: UnitOfWork) -> list[Row]:
    with uow.read() as s:
        return [
            Row(
                r.id,
                r.number,
                r.kind,
                r.status,
                r.opened_on,
                r.promoted_on,
                r.closed_on,
                r.closing_reason,
                r.channel,
                r.requester_type,
                r.municipality,
                r.counsellor_id,
                r.counsellor.username if r.counsellor else None,
                r.client_person_id,
                (p.family_name, p.given_name, p.nationality) if (p := r.client_person) else None,
                r.client_organisation.name if r.client_organisation else None,
                sorted(t.topic for t in r.topics),
            )
            for r in s.scalars(select(Record).order_by(Record.id))
        ]


def _partner_id(uow: UnitOfWork, code: str) -> int:
    with uow.read() as s:
        found = s.scalar(select(Organisation.id).where(Organisation.code == code))
        assert found is not None
        return found


# --- good files --------------------------------------------------------------------------------


def test_german_semicolon_windows_1252(uow: UnitOfWork, admin: Actor, tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        [
            GERMAN,
            ";Fall;05.03.2024;;;Person;Müller;Jürgen;;Vietnam;Zwickau;"
            "Person im Ausland (zuwandernd);"
            '"Aufenthalt, Einreise, Visum; recognition";Telefon;anna;'
            '"FIZUZ; IQ Netzwerk@2024-03-07";2',
            ";Anfrage;2024-04-02;10.04.2024;Ziel erreicht;Organisation;;;Bäckerei Groß GmbH;;"
            "Glauchau;Unternehmen;Einstellung, Arbeitsaufnahme;E-Mail;Ben Schulz;Jobcenter;0",
            ";;06.03.2024;;;;Weiß;Jürgen;;VN;;;;;;;",
        ],
        encoding="cp1252",
    )
    report = import_file(uow, admin, path)

    assert report.ok, report.problems
    assert (report.rows, report.created_records, report.existing_records) == (3, 3, 0)
    assert (report.created_persons, report.created_organisations) == (2, 1)
    assert report.created_users == ()
    assert report.matches == ()
    assert (report.created_consultations, report.created_referrals) == (2, 3)
    assert len(report.changes.records) == 3
    muller, bakery, weiss = _records(uow)

    assert muller.person == ("Müller", "Jürgen", "VN")
    assert muller.number == "WC-2024-0001"
    assert muller.kind is RecordKind.CASE and muller.promoted_on == date(2024, 3, 5)
    assert muller.status is RecordStatus.IN_PROGRESS
    assert (muller.channel, muller.requester_type, muller.municipality) == (
        "phone",
        "person_abroad",
        "zwickau",
    )
    assert muller.topics == ["recognition", "residence"]
    assert muller.counsellor == "anna"

    assert (bakery.organisation, bakery.person) == ("Bäckerei Groß GmbH", None)
    assert bakery.kind is RecordKind.ENQUIRY and bakery.promoted_on is None
    assert bakery.status is RecordStatus.CLOSED
    assert (bakery.closed_on, bakery.closing_reason) == (date(2024, 4, 10), "goal_reached")
    assert bakery.counsellor == "ben"  # found by the display name "Ben Schulz"
    with uow.read() as s:
        closed_referral = s.scalars(select(Referral).where(Referral.record_id == bakery.id)).one()
        # a referral of a closed record does not wait for feedback
        assert (closed_referral.partner_id, closed_referral.status) == (
            _partner_id(uow, "jc_zwickau"),
            ReferralStatus.NO_FEEDBACK,
        )

    assert weiss.person == ("Weiß", "Jürgen", "VN")
    assert weiss.kind is RecordKind.CASE and weiss.counsellor_id is None

    with uow.read() as s:
        held = list(
            s.scalars(select(Consultation.held_on).where(Consultation.record_id == muller.id))
        )
        referrals = {
            (f.partner_id, f.referred_on, f.status)
            for f in s.scalars(select(Referral).where(Referral.record_id == muller.id))
        }
    assert held == [date(2024, 3, 5)] * 2
    assert referrals == {
        (_partner_id(uow, "fizuz"), date(2024, 3, 5), ReferralStatus.SENT),
        (_partner_id(uow, "iq_sachsen"), date(2024, 3, 7), ReferralStatus.SENT),
    }


def test_utf8_bom_comma_english_headers_any_order(
    uow: UnitOfWork, admin: Actor, tmp_path: Path
) -> None:
    path = _write(
        tmp_path,
        [
            " Family_Name ,given_name,OPENED_ON,kind,topics,channel,nationality,case_number",
            'Özdemir,Ayşe,2024-01-15,enquiry,"residence; Learning German",In person,Türkei,',
            'Nguyen,Van An,15.01.2024,case,"LANGUAGE",video,vn,WC-2023-0042',
        ],
        encoding="utf-8-sig",
    )
    report = import_file(uow, admin, path)

    assert report.ok, report.problems
    assert report.created_records == 2
    first, second = _records(uow)
    assert first.person == ("Özdemir", "Ayşe", "TR")
    assert first.topics == ["language", "residence"]
    assert first.channel == "in_person"
    assert first.status is RecordStatus.NEW
    assert second.number == "WC-2023-0042"
    assert second.channel == "video"


def test_xlsx_with_date_cells_numbers_and_formula_text(
    uow: UnitOfWork, admin: Actor, tmp_path: Path
) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Eingang", "Nachname", "Vorname", "Kontakte", "Abschluss", "Abschlussgrund", "Typ"])
    ws.append([datetime(2024, 2, 1, 9, 30), "=SUM(A1:A3)", "+1", 3, date(2024, 2, 20), "duplicate"])
    ws.append([date(2024, 2, 2), "Kowalski", "@x", 1.0, None, None, "Anfrage"])
    ws.append([None, None, None, None])  # a blank row is skipped
    path = tmp_path / "liste.xlsx"
    wb.save(path)

    report = import_file(uow, admin, path)

    assert report.ok, report.problems
    assert (report.rows, report.created_records, report.created_consultations) == (2, 2, 4)
    formula, kowalski = _records(uow)
    assert formula.person == ("=SUM(A1:A3)", "+1", None)
    assert formula.opened_on == date(2024, 2, 1)
    assert (formula.closed_on, formula.closing_reason) == (date(2024, 2, 20), "duplicate")
    assert kowalski.person == ("Kowalski", "@x", None)
    assert kowalski.kind is RecordKind.ENQUIRY
    assert kowalski.status is RecordStatus.IN_PROGRESS  # it has a consultation


def test_codes_and_labels_in_either_language_ignoring_case(
    uow: UnitOfWork, admin: Actor, tmp_path: Path
) -> None:
    path = _write(
        tmp_path,
        [
            "Eingang;Nachname;Themen;Kanal;Zielgruppe;Verweise",
            "2024-05-01;A;residence;phone;company;fizuz",
            "2024-05-01;B;Aufenthalt, Einreise, Visum;Telefon;Unternehmen;FIZUZ",
            "2024-05-01;C;RESIDENCE, ENTRY, VISA;PHONE;company;"
            "Fachinformationszentrum Zuwanderung (EXIS Europa e.V.)",
            "2024-05-01;D;aufenthalt, einreise, visum;telefon;UNTERNEHMEN;fizuz@01.05.2024",
        ],
    )
    report = import_file(uow, admin, path)

    assert report.ok, report.problems
    fizuz = _partner_id(uow, "fizuz")
    for r in _records(uow):
        assert r.topics == ["residence"]
        assert (r.channel, r.requester_type) == ("phone", "company")
    with uow.read() as s:
        assert set(s.scalars(select(Referral.partner_id))) == {fizuz}


# --- bad rows ----------------------------------------------------------------------------------

GOOD = "2024-03-01;Good;Row;;;;;;"
HEADER = "Eingang;Nachname;Vorname;Kanal;Verweise;Fallnummer;Kontakte;Staatsangehörigkeit;Art"


@pytest.mark.parametrize(
    ("rows", "line", "column", "words"),
    [
        (["31.02.2024;X;;;;;;;"], 3, "Eingang", ["31.02.2024", "date"]),
        (["03/01/2024;X;;;;;;;"], 3, "Eingang", ["03/01/2024"]),
        ([";X;;;;;;;"], 3, "Eingang", ["missing"]),
        (["2024-03-01;X;;Brieftaube;;;;;"], 3, "Kanal", ["Brieftaube"]),
        (['2024-03-01;X;;;"FIZUZ; Nirgendwo";;;;'], 3, "Verweise", ["Nirgendwo", "partner"]),
        (["2024-03-01;X;;;FIZUZ@32.01.2024;;;;"], 3, "Verweise", ["32.01.2024"]),
        (["2024-03-01;X;;;FIZUZ@2024-02-01;;;;"], 3, "Verweise", ["2024-02-01"]),
        (["2024-03-01;;Anna;;;;;;Person"], 3, "Nachname", ["family name"]),
        (["2024-03-01;;Anna;;;;;;"], 3, "Nachname", ["family name"]),
        (["2024-03-01;X;;;;2024/17;;;"], 3, "Fallnummer", ["2024/17"]),
        (["2024-03-01;X;;;;;zwei;;"], 3, "Kontakte", ["zwei"]),
        (["2024-03-01;X;;;;;-1;;"], 3, "Kontakte", ["-1"]),
        (["2024-03-01;X;;;;;2.5;;"], 3, "Kontakte", ["2.5"]),
        (["2024-03-01;X;;;;;;Atlantis;"], 3, "Staatsangehörigkeit", ["Atlantis"]),
        (["2024-03-01;X;;;;;;;Firma"], 3, "Art", ["Firma"]),
        (["2035-03-01;X;;;;;;;"], 3, "Eingang", ["2035-03-01", "future"]),
        (["1924-03-01;X;;;;;;;"], 3, "Eingang", ["1924-03-01"]),
        (
            ["2024-03-01;X;;;;WC-2024-0007;;;", "2024-03-02;Y;;;;wc-2024-7;;;"],
            4,
            "Fallnummer",
            ["WC-2024-0007", "line 3"],
        ),
        (
            ["2024-03-01;Müller;Jürgen;;;;;;", "01.03.2024;MUELLER;jurgen;;;;;;"],
            4,
            "Eingang",
            ["line 3", "Müller"],
        ),
        (["2024-03-01;X;;;;;;;;stray"], 3, "", ["stray"]),
    ],
)
def test_a_bad_row_is_reported_and_nothing_is_written(
    uow: UnitOfWork,
    admin: Actor,
    tmp_path: Path,
    rows: list[str],
    line: int,
    column: str,
    words: list[str],
) -> None:
    before = _counts(uow)
    report = import_file(uow, admin, _write(tmp_path, [HEADER, GOOD, *rows]))

    assert not report.ok
    assert [(p.line, p.column) for p in report.problems] == [(line, column)], report.problems
    for word in words:
        assert word in report.problems[0].reason
    assert report.created_records == 0
    assert _counts(uow) == before


@pytest.mark.parametrize(
    ("header", "rows", "line", "column", "words"),
    [
        ("Eingang;Nachname;Bemerkung", ["2024-03-01;X;hi"], 1, "Bemerkung", ["Bemerkung"]),
        ("Nachname;Vorname", ["X;Y"], 1, "Eingang", ["missing"]),
        ("Eingang;Vorname", ["2024-03-01;Y"], 1, "", ["Nachname", "Organisation"]),
        ("Eingang;Nachname;opened_on", ["2024-03-01;X;2024-03-01"], 1, "opened_on", ["twice"]),
        (
            "Eingang;Abschluss;Abschlussgrund;Nachname",
            ["10.03.2024;01.03.2024;Ziel erreicht;X"],
            2,
            "Abschluss",
            ["01.03.2024", "10.03.2024"],
        ),
        (
            "Eingang;Abschluss;Abschlussgrund;Nachname",
            ["10.03.2024;11.03.2024;;X"],
            2,
            "Abschlussgrund",
            ["11.03.2024", "reason"],
        ),
        (
            "Eingang;Abschluss;Abschlussgrund;Nachname",
            ["10.03.2024;;Ziel erreicht;X"],
            2,
            "Abschlussgrund",
            ["Ziel erreicht"],
        ),
        (
            "Eingang;Abschlussgrund;Abschluss;Nachname",
            ["10.03.2024;Gewonnen;11.03.2024;X"],
            2,
            "Abschlussgrund",
            ["Gewonnen"],
        ),
        ("Eingang;Nachname;Organisation", ["10.03.2024;X;Y GmbH"], 2, "Art", ["X", "Y GmbH"]),
        (
            "Eingang;Organisation;Art;Vorname",
            ["10.03.2024;Y GmbH;Organisation;Z"],
            2,
            "Vorname",
            ["Z"],
        ),
        (
            "Eingang;Nachname;Berater/in",
            ["10.03.2024;X;Frau Meier"],
            2,
            "Berater/in",
            ["Frau Meier"],
        ),
    ],
)
def test_header_and_row_rules(
    uow: UnitOfWork,
    admin: Actor,
    tmp_path: Path,
    header: str,
    rows: list[str],
    line: int,
    column: str,
    words: list[str],
) -> None:
    before = _counts(uow)
    report = import_file(uow, admin, _write(tmp_path, [header, *rows]))

    assert [(p.line, p.column) for p in report.problems] == [(line, column)], report.problems
    for word in words:
        assert word in report.problems[0].reason
    assert _counts(uow) == before


def test_every_problem_of_the_file_is_reported_in_line_order(
    uow: UnitOfWork, admin: Actor, tmp_path: Path
) -> None:
    path = _write(
        tmp_path,
        [
            HEADER + ";Notiz",
            "2024-13-01;X;;Brieftaube;;;;;;",
            GOOD,
            "2024-03-01;;;;Nirgendwo;;viele;Atlantis;;",
        ],
    )
    report = import_file(uow, admin, path)

    assert [(p.line, p.column) for p in report.problems] == [
        (1, "Notiz"),
        (2, "Eingang"),
        (2, "Kanal"),
        (4, "Nachname"),
        (4, "Verweise"),
        (4, "Kontakte"),
        (4, "Staatsangehörigkeit"),
    ]
    assert report.rows == 3
    assert _records(uow) == []


def test_unreadable_files(uow: UnitOfWork, admin: Actor, tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    undefined = tmp_path / "undefined.csv"
    undefined.write_bytes(b"Eingang;Nachname\r\n2024-01-01;\x81\x8d\r\n")
    for path in (empty, broken, undefined):
        report = import_file(uow, admin, path)
        assert not report.ok and report.problems[0].line == 1
        assert path.name in report.problems[0].reason


# --- identity, matching, users -----------------------------------------------------------------


def test_importing_the_same_file_twice_creates_nothing_new(
    uow: UnitOfWork, admin: Actor, tmp_path: Path
) -> None:
    path = _write(
        tmp_path,
        [
            "Fallnummer;Eingang;Nachname;Vorname;Organisation;Kontakte",
            ";2024-03-01;Müller;Jürgen;;1",
            "WC-2024-0100;2024-03-02;Müller;Jürgen;;1",
            ";2024-03-03;;;Muster GmbH;0",
            ";2024-03-04;;;MUSTER;0",
        ],
    )
    first = import_file(uow, admin, path)
    assert first.ok, first.problems
    assert (first.created_records, first.created_persons, first.created_organisations) == (4, 1, 1)
    after_first = _counts(uow)

    second = import_file(uow, admin, path)

    assert second.ok
    assert (second.rows, second.created_records, second.existing_records) == (4, 0, 4)
    assert (second.created_persons, second.created_organisations) == (0, 0)
    assert second.matches == ()
    counts = _counts(uow)
    assert counts["AuditEntry"] == after_first["AuditEntry"] + 1  # just the import entry
    assert {k: v for k, v in counts.items() if k != "AuditEntry"} == {
        k: v for k, v in after_first.items() if k != "AuditEntry"
    }


def test_clients_matched_to_existing_ones_are_listed(
    uow: UnitOfWork, admin: Actor, anna: Actor, tmp_path: Path
) -> None:
    existing = people.create_person(
        uow, anna, PersonDraft(family_name="Müller", given_name="Jürgen")
    ).value
    path = _write(
        tmp_path,
        [
            "Eingang;Nachname;Vorname",
            "2024-03-01;Schmidt;Eva",
            "2024-03-01;MUELLER;JUERGEN",
            "2024-03-09;Müller;Jürgen",
        ],
    )
    report = import_file(uow, admin, path)

    assert report.ok, report.problems
    assert report.created_persons == 1
    assert len(report.matches) == 1
    match = report.matches[0]
    assert (match.line, match.kind, match.name) == (3, ClientKind.PERSON, "MUELLER, JUERGEN")
    assert (match.existing_id, match.existing_name) == (existing.id, "Müller, Jürgen")
    assert [r.client_person_id for r in _records(uow)][1:] == [existing.id, existing.id]


def test_an_existing_record_of_the_client_on_that_day_is_not_imported_again(
    uow: UnitOfWork, admin: Actor, anna: Actor, tmp_path: Path
) -> None:
    person = people.create_person(
        uow, anna, PersonDraft(family_name="Nowak", given_name="Jan")
    ).value
    draft = RecordDraft(
        client=ClientChoice(ClientKind.PERSON, person.id), opened_on=date(2024, 6, 3)
    )
    cases.open_record(uow, anna, draft)
    path = _write(tmp_path, ["Eingang;Nachname;Vorname", "03.06.2024;Nowak;Jan"])

    report = import_file(uow, admin, path)

    assert (report.created_records, report.existing_records) == (0, 1)


def test_a_case_number_of_another_clients_record_is_a_problem(
    uow: UnitOfWork, admin: Actor, tmp_path: Path
) -> None:
    first = _write(
        tmp_path, ["Fallnummer;Eingang;Nachname", "WC-2024-0005;2024-03-01;A"], name="a.csv"
    )
    assert import_file(uow, admin, first).ok
    other = _write(
        tmp_path, ["Fallnummer;Eingang;Nachname", "WC-2024-0005;2024-03-01;B"], name="b.csv"
    )

    report = import_file(uow, admin, other)

    assert [(p.line, p.column) for p in report.problems] == [(2, "Fallnummer")]
    assert "WC-2024-0005" in report.problems[0].reason


def test_given_numbers_are_reserved_so_generated_ones_never_collide(
    uow: UnitOfWork, admin: Actor, anna: Actor, tmp_path: Path
) -> None:
    path = _write(
        tmp_path,
        [
            "Eingang;Nachname;Fallnummer",
            "2024-03-01;A;",
            "2024-03-02;B;WC-2024-0100",
            "2024-03-03;C;",
        ],
    )
    assert import_file(uow, admin, path).ok
    assert [r.number for r in _records(uow)] == ["WC-2024-0101", "WC-2024-0100", "WC-2024-0102"]

    person = people.create_person(uow, anna, PersonDraft(family_name="D")).value
    draft = RecordDraft(
        client=ClientChoice(ClientKind.PERSON, person.id), opened_on=date(2024, 7, 1)
    )
    assert cases.open_record(uow, anna, draft).value.number == "WC-2024-0103"


def test_unknown_counsellor_is_created_as_inactive_user(
    uow: UnitOfWork, admin: Actor, tmp_path: Path
) -> None:
    path = _write(
        tmp_path,
        [
            "Eingang;Nachname;Berater/in",
            "2024-03-01;A;c.weber",
            "2024-03-02;B;C.Weber",
            "2024-03-03;C;ANNA",
        ],
    )
    report = import_file(uow, admin, path)

    assert report.ok, report.problems
    assert report.created_users == ("c.weber",)
    with uow.read() as s:
        user = s.scalar(select(User).where(User.username == "c.weber"))
        assert user is not None
        assert (user.active, user.password_hash) == (False, None)
        weber = user.id
    assert [r.counsellor for r in _records(uow)] == [
        "c.weber",
        "c.weber",
        "anna",
    ]
    assert [r.counsellor_id for r in _records(uow)][:2] == [weber, weber]


def test_dry_run_writes_nothing_but_reports_what_would_be_created(
    uow: UnitOfWork, admin: Actor, tmp_path: Path
) -> None:
    path = _write(
        tmp_path,
        [
            "Eingang;Nachname;Organisation;Berater/in;Kontakte;Verweise",
            "2024-03-01;Müller;;new.user;2;FIZUZ",
            "2024-03-02;;Muster AG;;0;",
        ],
    )
    before = _counts(uow)

    report = import_file(uow, admin, path, dry_run=True)

    assert report.ok and report.dry_run
    assert (report.created_records, report.created_persons, report.created_organisations) == (
        2,
        1,
        1,
    )
    assert report.created_users == ("new.user",)
    assert (report.created_consultations, report.created_referrals) == (2, 1)
    assert report.changes.records == frozenset()
    assert _counts(uow) == before
    real = import_file(uow, admin, path)
    assert real.created_records == 2 and not real.dry_run


def test_imported_records_are_found_by_search_and_audited(
    uow: UnitOfWork, admin: Actor, anna: Actor, tmp_path: Path
) -> None:
    path = _write(
        tmp_path,
        ["Eingang;Nachname;Vorname", "2024-03-01;Müller;Jürgen", "2024-03-02;Schulze;Eva"],
        encoding="cp1252",
    )
    report = import_file(uow, admin, path)
    assert report.ok

    ids = search_record_ids(uow, anna, "Müller")
    assert len(ids) == 1
    assert search_record_ids(uow, anna, "mueller") == ids
    assert search_record_ids(uow, anna, "WC-2024-0001") == ids
    with uow.read() as s:
        entries = [
            (e.action, e.entity, e.entity_id)
            for e in s.scalars(
                select(AuditEntry).where(AuditEntry.action.in_(["import", "create"]))
            )
            if e.entity in ("record", "database")
        ]
    assert ("import", "database", None) in entries
    assert {(a, ent) for a, ent, i in entries if i in report.changes.records} == {
        ("create", "record")
    }
    assert len([e for e in entries if e[1] == "record"]) == 2


def test_import_needs_the_import_permission(uow: UnitOfWork, anna: Actor, tmp_path: Path) -> None:
    path = _write(tmp_path, ["Eingang;Nachname", "2024-03-01;A"])
    with pytest.raises(PermissionDeniedError):
        import_file(uow, anna, path)


def test_the_same_client_on_several_rows_is_one_client(
    uow: UnitOfWork, admin: Actor, tmp_path: Path
) -> None:
    path = _write(
        tmp_path,
        [
            "Eingang;Nachname;Vorname;Staatsangehörigkeit;Organisation;Typ",
            "2024-03-01;Lê;Thị;;;",
            "2024-04-01;LE;THI;Vietnam;;",
            "2024-03-01;;;;Muster GmbH & Co. KG;Anfrage",
            "2024-05-01;;;;muster;Anfrage",
        ],
    )
    report: ImportReport = import_file(uow, admin, path)

    assert report.ok, report.problems
    assert (report.created_persons, report.created_organisations) == (1, 1)
    with uow.read() as s:
        person = s.scalars(select(Person).where(Person.family_name == "Lê")).one()
        assert person.nationality == "VN"  # from the first row that gives it


def test_empty_list_imports_nothing(uow: UnitOfWork, admin: Actor, tmp_path: Path) -> None:
    report = import_file(uow, admin, _write(tmp_path, [GERMAN]))
    assert report.ok and report.rows == 0 and report.created_records == 0


def test_opening_date_today_is_fine_tomorrow_is_not(
    uow: UnitOfWork, admin: Actor, tmp_path: Path
) -> None:
    today = office_today()
    ok = _write(tmp_path, ["Eingang;Nachname", f"{today:%d.%m.%Y};A"], name="ok.csv")
    assert import_file(uow, admin, ok).ok
    later = today + timedelta(days=2)
    bad = _write(tmp_path, ["Eingang;Nachname", f"{later:%d.%m.%Y};B"], name="bad.csv")
    assert not import_file(uow, admin, bad).ok


def test_a_part_of_a_label_is_understood_when_it_names_one_entry(
    uow: UnitOfWork, admin: Actor, tmp_path: Path
) -> None:
    """Lists write "Aufenthalt" for "Aufenthalt, Einreise, Visum", "Wohnen" for living."""
    path = _write(
        tmp_path,
        [
            "Eingang;Nachname;Themen;Kanal",
            '2024-03-01;Kaya;"Aufenthalt; Einstellung";Telefon',
            "2024-03-02;Lee;wohnen;E-Mail",
        ],
    )
    report = import_file(uow, admin, path)
    assert report.ok, report.problems
    with uow.read() as s:
        topics = [
            sorted(t.topic for t in r.topics) for r in s.scalars(select(Record).order_by(Record.id))
        ]
    assert topics == [["hiring", "residence"], ["living"]]


def test_many_rows_land_each_with_its_own_client_and_details(
    uow: UnitOfWork, admin: Actor, tmp_path: Path
) -> None:
    """Enough rows that a server takes records, persons, consultations and referrals by COPY
    with ids drawn beforehand (db/bulk.py, new_ids): every record has its own row's client,
    topics, consultations and referral, its search entry and its active months."""
    from welcome_center.db.models import RecordMonth

    n = 160
    lines = ["Eingang;Nachname;Vorname;Organisation;Themen;Verweise;Kontakte"]
    for i in range(n):
        family, given, org = (
            (f"Vielfach{i:03}", f"V{i:03}", "") if i % 8 else ("", "", f"Betrieb {i:03} GmbH")
        )
        lines.append(f"{i % 28 + 1:02}.03.2024;{family};{given};{org};Aufenthalt;"
                     f"FIZUZ@2024-04-{i % 28 + 1:02};{i % 3 + 1}")  # fmt: skip
    before = _counts(uow)
    report = import_file(uow, admin, _write(tmp_path, lines))
    assert report.ok and report.created_records == n, report.problems
    assert report.created_persons == n - n // 8 and report.created_organisations == n // 8
    after = _counts(uow)
    assert after["Consultation"] - before["Consultation"] == sum(i % 3 + 1 for i in range(n))
    assert after["Referral"] - before["Referral"] == n
    fizuz = _partner_id(uow, "fizuz")
    with uow.read() as s:
        new = s.scalars(select(Record).order_by(Record.id).offset(before["Record"])).all()
        assert len(new) == n
        for i, r in enumerate(new):
            assert r.opened_on == date(2024, 3, i % 28 + 1)
            if i % 8:
                assert r.client_person is not None
                assert (r.client_person.family_name, r.client_person.given_name) == (
                    f"Vielfach{i:03}",
                    f"V{i:03}",
                )
            else:
                assert r.client_organisation is not None
                assert r.client_organisation.name == f"Betrieb {i:03} GmbH"
            assert [t.topic for t in r.topics] == ["residence"]
            held = select(func.count()).where(Consultation.record_id == r.id)
            assert s.scalar(held) == i % 3 + 1
            sent = select(Referral.partner_id, Referral.referred_on).where(
                Referral.record_id == r.id
            )
            assert s.execute(sent).all() == [(fizuz, date(2024, 4, i % 28 + 1))]
        months = s.scalars(select(RecordMonth.record_id).where(
            RecordMonth.record_id.in_([r.id for r in new]))).all()  # fmt: skip
        ids = [r.id for r in new]
        assert sorted(set(months)) == ids
    for i in (1, 77, 159):
        assert search_record_ids(uow, admin, f"Vielfach{i:03}") == [ids[i]]
    assert search_record_ids(uow, admin, "Betrieb 080") == [ids[80]]
