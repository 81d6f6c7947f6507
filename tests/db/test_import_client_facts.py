"""The facts funders count when an import's client is an existing person or organisation, or
when two rows of one client disagree (DOMAIN.md, spreadsheet interchange): what is not recorded
is filled in, what is recorded is kept, and every other value of the file is listed."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import PASSWORD
from tests.db.test_import import _counts, _write
from welcome_center.cli import main
from welcome_center.db.models import AuditEntry, Organisation, Person
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.drafts import ClientChoice, OrganisationDraft, PersonDraft, RecordDraft
from welcome_center.domain.enums import (
    ClientKind,
    EmploymentStatus,
    Gender,
    GermanLevel,
    OrganisationKind,
    OrganisationSize,
)
from welcome_center.domain.errors import ConflictError
from welcome_center.services import cases, people
from welcome_center.services.context import Actor
from welcome_center.services.imports import ImportReport, import_file

HEAD = (
    "Fallnummer;Eingang;Art;Nachname;Vorname;Organisation;Geschlecht;Geburtsjahr;"
    "Erwerbsstatus;Deutsch;Organisationsart;Größe"
)


def _lan(uow: UnitOfWork, admin: Actor) -> int:
    """Lan Nguyen as a counsellor recorded her: female, born 1990, nothing else asked."""
    draft = PersonDraft(family_name="Nguyen", given_name="Lan", gender=Gender.FEMALE,
                        birth_year=1990)  # fmt: skip
    return people.create_person(uow, admin, draft).value.id


def _zahnrad(uow: UnitOfWork, admin: Actor) -> int:
    """A company whose size nobody asked."""
    draft = OrganisationDraft(name="Zahnrad GmbH", kind=OrganisationKind.COMPANY)
    return people.create_organisation(uow, admin, draft).value.id


def _facts(
    uow: UnitOfWork, model: type[Person] | type[Organisation], key: int
) -> dict[str, object]:
    with uow.read() as s:
        item = s.get(model, key)
        assert item is not None
        names = ("kind", "size") if model is Organisation else (
            "gender", "birth_year", "employment_status", "german_level", "education",
            "arrival_year",
        )  # fmt: skip
        return {n: getattr(item, n) for n in names} | {"version": item.version}


def _differences(report: ImportReport) -> list[tuple[int, str, str, object, int | None, object]]:
    return [(d.line, d.column, d.name, d.kept, d.kept_line, d.value) for d in report.differences]


def test_an_existing_client_gets_what_it_lacks_and_keeps_what_it_has(
    uow: UnitOfWork, admin: Actor, tmp_path: Path
) -> None:
    lan, zahnrad = _lan(uow, admin), _zahnrad(uow, admin)
    lan_before, org_before = _facts(uow, Person, lan), _facts(uow, Organisation, zahnrad)
    rows = [
        HEAD,
        ";2024-03-01;Person;Nguyen;Lan;;m;1990;arbeitslos;B1;;",
        ";2024-03-02;Organisation;;;Zahnrad GmbH;;;;;Behörde;Klein",
    ]
    report = import_file(uow, admin, _write(tmp_path, rows))
    assert report.ok, report.problems
    assert (report.created_persons, report.created_organisations) == (0, 0)
    assert [(m.line, m.existing_id) for m in report.matches] == [(2, lan), (3, zahnrad)]
    # Recorded facts stay; the file's other values are listed with the client and both values.
    assert _differences(report) == [
        (2, "Geschlecht", "Nguyen, Lan", Gender.FEMALE, None, Gender.MALE),
        (3, "Organisationsart", "Zahnrad GmbH", OrganisationKind.COMPANY, None,
         OrganisationKind.AUTHORITY),
    ]  # fmt: skip
    assert [d.existing_id for d in report.differences] == [lan, zahnrad]
    # What was not recorded is filled in (the same birth year is neither filled nor listed).
    assert [(f.line, f.existing_id, f.facts) for f in report.filled] == [
        (2, lan, (("Erwerbsstatus", EmploymentStatus.UNEMPLOYED), ("Deutsch", GermanLevel.B1))),
        (3, zahnrad, (("Größe", OrganisationSize.SMALL),)),
    ]
    assert _facts(uow, Person, lan) == lan_before | {
        "employment_status": EmploymentStatus.UNEMPLOYED,
        "german_level": GermanLevel.B1,
        "version": lan_before["version"] + 1,  # type: ignore[operator]
    }
    assert _facts(uow, Organisation, zahnrad) == org_before | {
        "size": OrganisationSize.SMALL,
        "version": org_before["version"] + 1,  # type: ignore[operator]
    }
    assert lan in report.changes.persons and zahnrad in report.changes.organisations
    # Audited as the import's changes: the fields' names, never their values.
    with uow.read() as s:
        entries = s.execute(
            select(AuditEntry.entity, AuditEntry.entity_id, AuditEntry.fields, AuditEntry.detail)
            .where(AuditEntry.action == "update")
            .order_by(AuditEntry.id)
        ).all()
    assert [tuple(e) for e in entries][-2:] == [
        ("person", lan, ["employment_status", "german_level"], "import"),
        ("organisation", zahnrad, ["size"], "import"),
    ]


def test_a_counsellors_open_editor_sees_the_import_as_a_concurrent_change(
    uow: UnitOfWork, admin: Actor, tmp_path: Path
) -> None:
    lan = _lan(uow, admin)
    opened = people.get_person(uow, admin, lan)
    report = import_file(uow, admin, _write(tmp_path, [HEAD, ";2024-03-01;;Nguyen;Lan;;;;;B2;;"]))
    assert report.ok and report.filled
    draft = PersonDraft(family_name="Nguyen", given_name="Lan", gender=Gender.FEMALE,
                        birth_year=1990, german_level=GermanLevel.A2)  # fmt: skip
    with pytest.raises(ConflictError):
        people.update_person(uow, admin, lan, draft, opened.version)


def test_two_rows_of_a_new_client_first_wins_and_the_others_are_listed(
    uow: UnitOfWork, admin: Actor, tmp_path: Path
) -> None:
    rows = [
        HEAD,
        ";2024-03-01;;Haddad;Rami;;m;1985;;;;",
        ";2024-04-01;;Haddad;Rami;;;1985;beschäftigt;;;",  # agrees, adds a fact
        ";2024-05-01;;Haddad;Rami;;w;1986;;;;",  # disagrees twice
        ";2024-06-01;;Haddad;Rami;;weiblich;;arbeitslos;;;",  # again: listed once, at line 4
        ";2024-03-05;;;;Stadt Zwickau;;;;;Behörde;groß",
        ";2024-04-05;;;;Stadt Zwickau;;;;;public_employer;",
    ]
    report = import_file(uow, admin, _write(tmp_path, rows))
    assert report.ok, report.problems
    assert report.created_persons == 1 and report.filled == ()
    assert _differences(report) == [
        (4, "Geschlecht", "Haddad, Rami", Gender.MALE, 2, Gender.FEMALE),
        (4, "Geburtsjahr", "Haddad, Rami", 1985, 2, 1986),
        (5, "Erwerbsstatus", "Haddad, Rami", EmploymentStatus.EMPLOYED, 3,
         EmploymentStatus.UNEMPLOYED),
        (7, "Organisationsart", "Stadt Zwickau", OrganisationKind.AUTHORITY, 6,
         OrganisationKind.PUBLIC_EMPLOYER),
    ]  # fmt: skip
    assert all(d.existing_id is None for d in report.differences)
    with uow.read() as s:
        rami = s.scalars(select(Person).where(Person.family_name == "Haddad")).one()
        city = s.scalars(select(Organisation).where(Organisation.name == "Stadt Zwickau")).one()
        got = (rami.gender, rami.birth_year, rami.employment_status, city.kind, city.size)
    assert got == (
        Gender.MALE,
        1985,
        EmploymentStatus.EMPLOYED,
        OrganisationKind.AUTHORITY,
        OrganisationSize.LARGE,
    )


def test_an_unrecorded_fact_of_an_existing_client_takes_the_first_rows_value(
    uow: UnitOfWork, admin: Actor, tmp_path: Path
) -> None:
    lan = _lan(uow, admin)
    rows = [HEAD, ";2024-03-01;;Nguyen;Lan;;;;;A2;;", ";2024-04-01;;Nguyen;Lan;;;;;B1;;"]
    report = import_file(uow, admin, _write(tmp_path, rows))
    assert report.ok, report.problems
    assert [(f.line, f.facts) for f in report.filled] == [(2, (("Deutsch", GermanLevel.A2),))]
    assert _differences(report) == [
        (3, "Deutsch", "Nguyen, Lan", GermanLevel.A2, 2, GermanLevel.B1)
    ]
    assert _facts(uow, Person, lan)["german_level"] is GermanLevel.A2


def test_a_list_imported_again_with_fact_columns_fills_them_and_a_third_time_nothing(
    uow: UnitOfWork, admin: Actor, tmp_path: Path
) -> None:
    plain = ["Fallnummer;Eingang;Nachname;Vorname", "WC-2024-0701;2024-03-01;Tran;Mai"]
    assert import_file(uow, admin, _write(tmp_path, plain, name="a.csv")).created_persons == 1
    rows = [HEAD, "WC-2024-0701;2024-03-01;;Tran;Mai;;w;1992;;C1;;"]
    again = import_file(uow, admin, _write(tmp_path, rows, name="b.csv"))
    assert again.ok, again.problems
    assert (again.created_records, again.existing_records) == (0, 1)
    assert [f.facts for f in again.filled] == [
        (("Geschlecht", Gender.FEMALE), ("Geburtsjahr", 1992), ("Deutsch", GermanLevel.C1))
    ]
    before = _counts(uow)
    third = import_file(uow, admin, _write(tmp_path, rows, name="b.csv"))
    assert (third.filled, third.differences) == ((), ())
    assert _counts(uow) == before | {"AuditEntry": before["AuditEntry"] + 1}  # the import's own


def test_a_dry_run_lists_what_it_would_do_and_changes_nothing(
    uow: UnitOfWork, admin: Actor, tmp_path: Path
) -> None:
    lan = _lan(uow, admin)
    before, counts = _facts(uow, Person, lan), _counts(uow)
    rows = [HEAD, ";2024-03-01;;Nguyen;Lan;;m;;arbeitslos;;;"]
    report = import_file(uow, admin, _write(tmp_path, rows), dry_run=True)
    assert report.ok and report.dry_run
    assert [f.existing_id for f in report.filled] == [lan]
    assert [d.value for d in report.differences] == [Gender.MALE]
    assert _facts(uow, Person, lan) == before and _counts(uow) == counts


def test_a_file_with_a_problem_fills_in_nothing(
    uow: UnitOfWork, admin: Actor, tmp_path: Path
) -> None:
    lan = _lan(uow, admin)
    before = _facts(uow, Person, lan)
    rows = [HEAD, ";2024-03-01;;Nguyen;Lan;;;;arbeitslos;;;", ";2024-03-02;;Kaya;Ali;;;;;D7;;"]
    report = import_file(uow, admin, _write(tmp_path, rows))
    assert [(p.line, p.column) for p in report.problems] == [(3, "Deutsch")]
    assert report.filled == () and _facts(uow, Person, lan) == before


def test_a_row_of_a_namesakes_record_gives_her_none_of_its_facts(
    uow: UnitOfWork, admin: Actor, tmp_path: Path
) -> None:
    first = _lan(uow, admin)  # the file's Lan Nguyen is matched to her (the lowest id)
    draft = PersonDraft(family_name="Nguyen", given_name="Lan")
    second = people.create_person(uow, admin, draft, accept_duplicates=True).value.id
    record = RecordDraft(client=ClientChoice(ClientKind.PERSON, second), opened_on=date(2024, 3, 1))
    number = cases.open_record(uow, admin, record).value.number
    rows = [HEAD, f"{number};2024-03-01;;Nguyen;Lan;;m;;arbeitslos;;;"]
    report = import_file(uow, admin, _write(tmp_path, rows))
    assert report.ok and report.existing_records == 1
    assert (report.filled, report.differences) == ((), ())
    for key in (first, second):
        assert _facts(uow, Person, key)["employment_status"] is EmploymentStatus.NOT_RECORDED


def test_the_command_line_lists_what_was_filled_in_and_what_differs(
    db_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WELCOME_CENTER_PASSWORD", PASSWORD)
    first = _write(tmp_path, [HEAD, ";2024-03-01;;Nguyen;Lan;;w;1990;;;;"], name="a.csv")
    args = ["--lang", "en", "--db", str(db_path), "--user", "admin", "import"]
    assert main([*args, str(first)]) == 0
    capsys.readouterr()
    rows = [
        HEAD,
        ";2024-04-01;;Nguyen;Lan;;m;1990;arbeitslos;B1;;",
        ";2024-05-01;;Nguyen;Lan;;;;;B2;;",
    ]
    assert main([*args, str(_write(tmp_path, rows, name="b.csv"))]) == 0
    out = capsys.readouterr().out
    assert "2 new records" in out
    lines = out.splitlines()
    at = lines.index("Facts filled in where existing clients had none recorded:")
    assert re.fullmatch(
        r"  line 2: Nguyen, Lan \(no\. \d+\): Erwerbsstatus: Unemployed; Deutsch: B1", lines[at + 1]
    )
    at = lines.index("Facts the file gives otherwise; the client keeps its value (please check):")
    assert re.fullmatch(
        r'  line 2, Geschlecht: Nguyen, Lan \(no\. \d+\) keeps "Female" \(recorded before\); '
        r'the file says "Male"',
        lines[at + 1],
    )
    assert lines[at + 2].endswith('keeps "B1" (from line 2); the file says "B2"')
    # In German, as an office runs it: the same file again, now everything is recorded.
    args[1] = "de"
    assert main([*args, "--dry-run", str(_write(tmp_path, rows, name="b.csv"))]) == 0
    out = capsys.readouterr().out
    assert "Angaben ergänzt" not in out
    assert re.search(
        r"Zeile 2, Geschlecht: Nguyen, Lan \(Nr\. \d+\) behält „Weiblich“ \(bereits erfasst\); "
        r"in der Datei steht „Männlich“",
        out,
    )
    assert re.search(r"Zeile 3, Deutsch: .* behält „B1“ \(bereits erfasst\)", out)
