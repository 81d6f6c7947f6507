"""Anonymous enquiries in an import file (DOMAIN.md, spreadsheet import): a row whose client
columns are all empty records a caller who gave no name, without creating anyone; a row that
gives something of the client (a birth year, a nationality) but no name stays a problem."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import PASSWORD
from welcome_center.cli import main
from welcome_center.db.engine import url_for_path
from welcome_center.db.models import Consultation, Person, Record, Referral
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.enums import RecordKind, RecordStatus
from welcome_center.services.context import Actor
from welcome_center.services.import_summary import summary_lines
from welcome_center.services.imports import import_file
from welcome_center.services.storage import open_database

GERMAN = (
    "Fallnummer;Typ;Eingang;Abschluss;Abschlussgrund;Art;Nachname;Vorname;Organisation;"
    "Staatsangehörigkeit;Wohnort;Zielgruppe;Themen;Kanal;Berater/in;Verweise;Kontakte"
)
NAMED = ";Anfrage;04.03.2024;;;;Haddad;Rami;;SY;Zwickau;;Aufenthalt;Telefon;anna;;1"
CALLER = ";;05.03.2024;;;;;;;;Zwickau;;Aufenthalt;Telefon;anna;;1"  # no client at all
NUMBERED = "WC-2024-0090;Anfrage;06.03.2024;;;;;;;;;;recognition;E-Mail;;;"


def _write(tmp_path: Path, lines: list[str], name: str = "liste.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _anonymous(uow: UnitOfWork) -> list[tuple[str, RecordKind, RecordStatus, str | None, int]]:
    """(number, kind, status, channel, consultations) of the anonymous records, by number."""
    with uow.read() as s:
        rows = s.execute(
            select(
                Record.number,
                Record.kind,
                Record.status,
                Record.channel,
                select(func.count()).where(Consultation.record_id == Record.id).scalar_subquery(),
            )
            .where(
                Record.anonymous,
                Record.client_person_id.is_(None),
                Record.client_organisation_id.is_(None),
            )
            .order_by(Record.number)
        ).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def test_rows_without_a_client_become_anonymous_enquiries_once(
    uow: UnitOfWork, admin: Actor, tmp_path: Path
) -> None:
    path = _write(tmp_path, [GERMAN, NAMED, CALLER, CALLER, NUMBERED])

    report = import_file(uow, admin, path)

    assert report.ok, report.problems
    assert (report.created_records, report.anonymous_records) == (4, 3)
    assert report.created_persons == 1  # Rami Haddad; nobody for the callers
    lines = summary_lines(report, path.name)
    assert "3 of the new records are anonymous enquiries (rows without a client)." in lines
    anonymous = _anonymous(uow)
    assert len(anonymous) == 3
    numbered = [a for a in anonymous if a[0] == "WC-2024-0090"]
    assert numbered == [("WC-2024-0090", RecordKind.ENQUIRY, RecordStatus.NEW, "email", 0)]
    for _number, kind, status, channel, consultations in set(anonymous) - set(numbered):
        assert (kind, status, channel, consultations) == (
            RecordKind.ENQUIRY,  # an empty Typ: an enquiry, not the default case
            RecordStatus.IN_PROGRESS,
            "phone",
            1,
        )
    with uow.read() as s:
        assert s.scalar(select(func.count()).select_from(Person)) == 1

    again = import_file(uow, admin, path)  # the same file: nothing new, the two callers too

    assert again.ok and (again.created_records, again.existing_records) == (0, 4)
    assert len(_anonymous(uow)) == 3
    # One more caller of that day in a longer list is one more record.
    more = import_file(uow, admin, _write(tmp_path, [GERMAN, CALLER, CALLER, CALLER], "b.csv"))
    assert (more.created_records, more.existing_records, more.anonymous_records) == (1, 2, 1)


def test_a_birth_year_without_a_name_is_a_problem_of_its_line_and_column(
    uow: UnitOfWork, admin: Actor, tmp_path: Path
) -> None:
    header = "Nachname;Vorname;Eingang;Geburtsjahr;Kanal"
    path = _write(tmp_path, [header, "Haddad;Rami;04.03.2024;1990;Telefon", ";;05.03.2024;1988;"])

    report = import_file(uow, admin, path)

    assert not report.ok and report.created_records == 0
    [problem] = report.problems
    assert (problem.line, problem.column) == (3, "Nachname")
    assert "family name of the person client is missing" in problem.reason
    assert "Geburtsjahr" in problem.reason  # what the row does give
    assert "leave every client column empty" in problem.reason
    with uow.read() as s:
        assert s.scalar(select(func.count()).select_from(Record)) == 0


def test_a_row_without_a_client_is_no_case_and_has_no_referrals(
    uow: UnitOfWork, admin: Actor, tmp_path: Path
) -> None:
    case = "WC-2024-0091;Fall;05.03.2024;;;;;;;;;;Aufenthalt;Telefon;;;"
    referred = ";Anfrage;05.03.2024;;;;;;;;;;Aufenthalt;Telefon;;IHK Chemnitz;"
    path = _write(tmp_path, [GERMAN, case, referred])

    report = import_file(uow, admin, path)

    assert [(p.line, p.column) for p in report.problems] == [(2, "Typ"), (3, "Verweise")]
    assert "cannot be a case" in report.problems[0].reason
    assert "client's consent" in report.problems[1].reason
    with uow.read() as s:
        assert s.scalar(select(func.count()).select_from(Record)) == 0
        assert s.scalar(select(func.count()).select_from(Referral)) == 0


def test_the_command_line_imports_a_caller_without_a_name(
    db_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WELCOME_CENTER_PASSWORD", PASSWORD)
    path = _write(tmp_path, [GERMAN, NAMED, CALLER])
    args = ["--lang", "en", "--db", str(db_path), "--user", "admin", "import", str(path)]

    assert main(args) == 0

    out = capsys.readouterr().out
    assert "2 new records" in out and "1 new persons" in out
    assert "1 of the new records is an anonymous enquiry (a row without a client)." in out
    db = open_database(url_for_path(db_path))
    try:
        anonymous = _anonymous(UnitOfWork(db))
    finally:
        db.dispose()
    assert [(kind, channel) for _n, kind, _s, channel, _c in anonymous] == [
        (RecordKind.ENQUIRY, "phone")
    ]
