"""The import's optional columns for the facts funders count (DOMAIN.md, "Who was advised"):
codes or labels in German or English, years as four digits; a bad value is a problem naming
its line and column, and nothing is imported."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from tests.db.test_import import _counts, _write
from welcome_center.db.models import Organisation, Person
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.enums import (
    EducationLevel,
    EmploymentStatus,
    Gender,
    GermanLevel,
    OrganisationKind,
    OrganisationSize,
)
from welcome_center.services.context import Actor
from welcome_center.services.imports import import_file

GERMAN = (
    "Eingang;Art;Nachname;Vorname;Organisation;Geschlecht;Geburtsjahr;Erwerbsstatus;Bildung;"
    "Deutsch;Einreisejahr;Organisationsart;Größe"
)


def _person(uow: UnitOfWork, family: str) -> Person:
    with uow.read() as s:
        p = s.scalars(select(Person).where(Person.family_name == family)).one()
        s.expunge(p)
        return p


def _organisation(uow: UnitOfWork, name: str) -> Organisation:
    with uow.read() as s:
        o = s.scalars(select(Organisation).where(Organisation.name == name)).one()
        s.expunge(o)
        return o


def test_german_labels_codes_and_short_forms(uow: UnitOfWork, admin: Actor, tmp_path: Path) -> None:
    rows = [
        GERMAN,
        "2024-03-01;Person;Nguyen;Lan;;w;1991;Langzeitarbeitslos;ISCED 5-8;b2;2019;;",
        "2024-03-02;Person;Haddad;Rami;;Männlich;1985;employed;isced_3_4;Keine;;;",
        "2024-03-03;Person;Okafor;;;;;;;;;;",  # nothing given: not recorded
        "2024-03-04;Organisation;;;Zahnrad GmbH;;;;;;;Unternehmen;Klein",
        "2024-03-05;Organisation;;;Stadt Zwickau;;;;;;;public_employer;large",
    ]
    report = import_file(uow, admin, _write(tmp_path, rows))
    assert report.ok, report.problems
    lan = _person(uow, "Nguyen")
    assert (lan.gender, lan.birth_year, lan.employment_status) == (
        Gender.FEMALE,
        1991,
        EmploymentStatus.LONG_TERM_UNEMPLOYED,
    )
    assert (lan.education, lan.german_level, lan.arrival_year) == (
        EducationLevel.ISCED_5_8,
        GermanLevel.B2,
        2019,
    )
    rami = _person(uow, "Haddad")
    assert (rami.gender, rami.employment_status, rami.education, rami.german_level) == (
        Gender.MALE,
        EmploymentStatus.EMPLOYED,
        EducationLevel.ISCED_3_4,
        GermanLevel.NONE,
    )
    okafor = _person(uow, "Okafor")
    assert (okafor.gender, okafor.education, okafor.birth_year) == (
        Gender.NOT_RECORDED,
        EducationLevel.NOT_RECORDED,
        None,
    )
    zahnrad = _organisation(uow, "Zahnrad GmbH")
    assert (zahnrad.kind, zahnrad.size) == (OrganisationKind.COMPANY, OrganisationSize.SMALL)
    city = _organisation(uow, "Stadt Zwickau")
    assert (city.kind, city.size) == (OrganisationKind.PUBLIC_EMPLOYER, OrganisationSize.LARGE)


def test_english_headers_and_labels_in_an_xlsx(
    uow: UnitOfWork, admin: Actor, tmp_path: Path
) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["opened_on", "family_name", "gender", "birth_year", "german_level",
                  "education", "employment_status"])  # fmt: skip
    sheet.append(["2024-03-01", "Tran", "Female", 1990, "No German",
                  "ISCED 0-2: up to lower secondary", "In education or training"])  # fmt: skip
    path = tmp_path / "l.xlsx"
    book.save(path)
    report = import_file(uow, admin, path)
    assert report.ok, report.problems
    tran = _person(uow, "Tran")
    assert (tran.gender, tran.birth_year, tran.german_level) == (
        Gender.FEMALE,
        1990,
        GermanLevel.NONE,
    )
    assert tran.education is EducationLevel.ISCED_0_2
    assert tran.employment_status is EmploymentStatus.IN_EDUCATION


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        ("2024-03-01;Person;Nguyen;;;weiblich?;;;;;;;", "Geschlecht", ['"weiblich?"', "female"]),
        ("2024-03-01;Person;Nguyen;;;;91;;;;;;", "Geburtsjahr", ['"91"', "four digits"]),
        ("2024-03-01;Person;Nguyen;;;;1850;;;;;;", "Geburtsjahr", ["1850", "plausible"]),
        ("2024-03-01;Person;Nguyen;;;;;arbeitend;;;;;", "Erwerbsstatus", ['"arbeitend"']),
        ("2024-03-01;Person;Nguyen;;;;;;Abitur;;;;", "Bildung", ['"Abitur"', "isced_3_4"]),
        ("2024-03-01;Person;Nguyen;;;;;;;D1;;;", "Deutsch", ['"D1"']),
        ("2024-03-01;Person;Nguyen;;;;;;;;2999;;", "Einreisejahr", ["2999", "plausible"]),
        ("2024-03-01;Person;Nguyen;;;;;;;;;Unternehmen;", "Organisationsart", ["person"]),
        ("2024-03-01;Organisation;;;Zahnrad GmbH;w;;;;;;;", "Geschlecht", ["organisation"]),
        ("2024-03-01;Organisation;;;Zahnrad GmbH;;;;;;;;riesig", "Größe", ['"riesig"', "micro"]),
    ],
)
def test_a_bad_value_names_line_and_column_and_nothing_is_imported(
    uow: UnitOfWork, admin: Actor, tmp_path: Path, row: str, column: str, words: list[str]
) -> None:
    good = "2024-03-02;Person;Haddad;Rami;;m;1985;;;;;;"
    before = _counts(uow)
    report = import_file(uow, admin, _write(tmp_path, [GERMAN, good, row]))
    assert not report.ok
    assert [(p.line, p.column) for p in report.problems] == [(3, column)], report.problems
    for word in words:
        assert word in report.problems[0].reason
    assert _counts(uow) == before
