"""Duplicate persons: the candidates at intake ranked with a reason, the name keys kept current
by every path that writes persons (editor, import, demo, anonymisation, migration 0012), and
the administrator's list of likely duplicates in the whole database."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from tests.db.test_privacy_migration import _to
from welcome_center.db import migrate
from welcome_center.db.engine import Database
from welcome_center.db.models import AuditEntry, Person, PersonNameKey
from welcome_center.db.types import utcnow
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.drafts import PersonDraft
from welcome_center.domain.errors import PermissionDeniedError
from welcome_center.domain.name_match import stored_keys
from welcome_center.services import duplicates, people
from welcome_center.services.context import Actor
from welcome_center.services.demo import generate_demo
from welcome_center.services.imports import import_file
from welcome_center.services.privacy import anonymise

BORN = date(1990, 3, 4)


def _person(uow: UnitOfWork, actor: Actor, family: str, given: str, **kw: object) -> int:
    draft = PersonDraft(family_name=family, given_name=given, **kw)  # type: ignore[arg-type]
    return people.create_person(uow, actor, draft, accept_duplicates=True).value.id


def _typed(family: str, given: str) -> PersonDraft:
    return PersonDraft(family_name=family, given_name=given)


def _keys(uow: UnitOfWork, pid: int) -> set[str]:
    with uow.read() as s:
        return set(s.scalars(select(PersonNameKey.key).where(PersonNameKey.person_id == pid)))


# --- at intake -------------------------------------------------------------------------------


def test_candidates_are_ranked_with_a_reason_birth_date_and_nationality(
    uow: UnitOfWork, anna: Actor
) -> None:
    same_day = _person(uow, anna, "Hassan", "Muhammad", birth_date=BORN, nationality="SY")
    unknown = _person(uow, anna, "Hasan", "Mohamed", nationality="SY")
    elsewhere = _person(uow, anna, "Hasan", "Mohamed", nationality="IQ")
    second_name = _person(uow, anna, "Hassan", "Mohammed Ali", birth_year=1990)
    swapped = _person(uow, anna, "Mohammed", "Hassan")
    _person(uow, anna, "Hassan", "Mohammed", birth_date=date(1991, 7, 12))  # another person
    _person(uow, anna, "Hassan", "Mahmoud", birth_date=BORN)  # another given name
    _person(uow, anna, "Hussein", "Mohammed", birth_date=BORN)  # another family

    typed = PersonDraft(
        family_name="Hassan", given_name="Mohammed", birth_date=BORN, nationality="SY"
    )
    found = people.find_duplicates(uow, anna, typed)

    assert [(c.id, c.reason) for c in found] == [
        (same_day, "given name spelled differently; same birth date"),
        (unknown, "family name spelled differently; given name spelled differently"),
        (swapped, "family and given name swapped"),
        (elsewhere, "family name spelled differently; given name spelled differently"),
        (second_name, "a given name missing; same birth year"),
    ]
    assert [c.score for c in found] == sorted((c.score for c in found), reverse=True)
    first = found[0]
    assert (first.display_name, first.birth_date) == ("Hassan, Muhammad", BORN)
    assert (first.facts.birth_date, first.facts.nationality) == (BORN, "SY")


def test_saving_a_variant_shows_the_candidates_first(uow: UnitOfWork, anna: Actor) -> None:
    existing = _person(uow, anna, "Иванов", "Сергей", birth_date=BORN)
    typed = PersonDraft(family_name="Iwanow", given_name="Sergej", birth_date=BORN)
    with pytest.raises(people.DuplicateCandidatesError) as info:
        people.create_person(uow, anna, typed)
    assert [c.id for c in info.value.candidates] == [existing]
    assert info.value.candidates[0].display_name == "Иванов, Сергей"


def test_at_most_twenty_candidates_the_most_likely(uow: UnitOfWork, anna: Actor) -> None:
    for _ in range(25):
        _person(uow, anna, "Nguyen", "Van Anh")
    best = _person(uow, anna, "Nguyen", "Anh", birth_date=BORN)
    found = people.find_duplicates(
        uow, anna, PersonDraft(family_name="Nguyen", given_name="Anh", birth_date=BORN)
    )
    assert len(found) == duplicates.MAX_CANDIDATES
    assert found[0].id == best and found[0].reason == "same name and birth date"


def test_a_changed_name_is_found_by_its_new_keys_only(uow: UnitOfWork, anna: Actor) -> None:
    pid = _person(uow, anna, "Schewtschenko", "Olena")
    assert _keys(uow, pid) == stored_keys("Schewtschenko", "Olena")
    view = people.get_person(uow, anna, pid)
    people.update_person(
        uow, anna, pid, PersonDraft(family_name="Kowalenko", given_name="Olena"), view.version
    )
    assert _keys(uow, pid) == stored_keys("Kowalenko", "Olena")
    assert people.find_duplicates(uow, anna, _typed("Shevchenko", "Olena")) == []
    assert [c.id for c in people.find_duplicates(uow, anna, _typed("Kovalenko", "Olena"))] == [pid]


def test_an_anonymised_person_leaves_no_keys_and_is_never_a_candidate(
    uow: UnitOfWork, anna: Actor
) -> None:
    pid = _person(uow, anna, "Tkachenko", "Iuliia")
    assert _keys(uow, pid)
    with uow.begin() as s:
        assert anonymise.anonymise_persons(s, [pid], utcnow()) == 1
    assert _keys(uow, pid) == set()
    assert people.find_duplicates(uow, anna, _typed("Tkatschenko", "Julija")) == []


def test_imported_persons_are_keyed_and_found(
    uow: UnitOfWork, admin: Actor, tmp_path: Path
) -> None:
    path = tmp_path / "liste.csv"
    path.write_text(
        "Fallnummer;Typ;Eingang;Art;Nachname;Vorname;Staatsangehörigkeit\r\n"
        ";Anfrage;05.03.2024;Person;al-Hassan;Omar;Syrien\r\n"
        ";Anfrage;06.03.2024;Person;Nguyễn;Thị Lan;Vietnam\r\n",
        encoding="utf-8",
    )
    report = import_file(uow, admin, path)
    assert report.ok, report.problems
    found = people.find_duplicates(uow, admin, _typed("Alhassan", "Umar"))
    assert [c.display_name for c in found] == ["al-Hassan, Omar"]
    assert found[0].facts.nationality == "SY"
    found = people.find_duplicates(uow, admin, _typed("Lan", "Nguyen Thi"))
    assert [(c.display_name, c.reason) for c in found] == [
        ("Nguyễn, Thị Lan", "the same names, divided otherwise into family and given name")
    ]


def test_the_demo_keys_every_person(uow: UnitOfWork) -> None:
    generate_demo(uow, Actor.system("test"), records=40, seed=5)
    with uow.read() as s:
        unkeyed = s.scalar(
            select(func.count())
            .select_from(Person)
            .where(
                Person.anonymised_at.is_(None),
                ~select(PersonNameKey.person_id)
                .where(PersonNameKey.person_id == Person.id)
                .exists(),
            )
        )
        persons = s.scalar(select(func.count()).select_from(Person))
    assert persons and unkeyed == 0


# --- the administrator's list ----------------------------------------------------------------


def test_the_administrators_list_pairs_likely_duplicates_ranked(
    uow: UnitOfWork, anna: Actor, admin: Actor
) -> None:
    a = _person(uow, anna, "Hassan", "Mohammed", birth_date=BORN, nationality="SY")
    b = _person(uow, anna, "Hasan", "Muhammad", birth_date=BORN, nationality="SY")
    c = _person(uow, anna, "Müller", "Anna Maria")
    d = _person(uow, anna, "Mueller", "Anna")
    e = _person(uow, anna, "Nguyen", "Lan", birth_date=date(1988, 5, 6))
    f = _person(uow, anna, "Nguyen", "Lan", birth_date=date(1988, 6, 5))  # a typing slip?
    _person(uow, anna, "Nguyen", "Lan", birth_date=date(1970, 1, 1))  # someone else
    _person(uow, anna, "Müller", "Petra")
    _person(uow, anna, "Hassan", "Mohammed", birth_date=date(1975, 12, 24))

    pairs = duplicates.likely_duplicates(uow, admin)

    assert [(p.first.id, p.second.id, p.reason) for p in pairs] == [
        (a, b, "family name spelled differently; given name spelled differently; same birth date"),
        (c, d, "a given name missing"),
        (e, f, "same name; the birth dates differ by one digit or by day and month"),
    ]
    assert pairs[0].first.facts.nationality == pairs[0].second.facts.nationality == "SY"
    assert pairs[0].score > pairs[1].score > pairs[2].score
    assert duplicates.likely_duplicates(uow, admin, limit=1) == pairs[:1]
    with uow.read() as s:
        last = select(AuditEntry.action, AuditEntry.entity, AuditEntry.detail)
        entry = s.execute(last.order_by(AuditEntry.id.desc()).limit(1)).one()
    assert tuple(entry) == ("search", "person", "duplicates=1")


def test_a_large_block_is_split_by_birth_data_with_the_same_result(
    uow: UnitOfWork, anna: Actor, admin: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    years = [_person(uow, anna, "Ahmadi", "Mohammad", birth_year=1980 + i % 5) for i in range(10)]
    unknown = _person(uow, anna, "Ahmady", "Muhammad")
    same_day = [_person(uow, anna, "Ahmadi", "Mohammad", birth_date=BORN) for _ in range(2)]
    slips = [
        _person(uow, anna, "Ahmadi", "Mohammad", birth_date=day)
        for day in (date(1975, 5, 6), date(1975, 6, 5), date(1976, 6, 5), date(1968, 1, 2))
    ]
    whole = duplicates.likely_duplicates(uow, admin)
    monkeypatch.setattr(duplicates, "_BLOCK", 3)
    split = duplicates.likely_duplicates(uow, admin)
    assert split == whole
    found = {(p.first.id, p.second.id) for p in whole}
    # Two persons of each of the five years, the one of unknown birth with everyone, the two
    # of one birth date, and the dates that may be one date mistyped.
    same_year = {
        (a, b) for i, a in enumerate(years) for b in years[i + 1 :] if b - a == 5 or a - b == 5
    }
    expected = same_year
    expected |= {(p, unknown) for p in years + same_day + slips if p < unknown}
    expected |= {(unknown, p) for p in years + same_day + slips if p > unknown}
    expected |= {tuple(same_day)}
    # 06.05.1975 / 05.06.1975 (day and month swapped), 05.06.1975 / 05.06.1976 (one digit)
    expected |= {(slips[0], slips[1]), (slips[1], slips[2])}
    assert found == expected


def test_only_those_who_import_see_the_list(uow: UnitOfWork, anna: Actor) -> None:
    with pytest.raises(PermissionDeniedError):
        duplicates.likely_duplicates(uow, anna)


# --- migration 0012 --------------------------------------------------------------------------


def test_migration_0012_keys_the_existing_persons(db: Database) -> None:
    uow = UnitOfWork(db)
    generate_demo(uow, Actor.system("test"), records=30, seed=7, anonymous_share=0)  # before 0016
    _to(db, "0011")
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO persons (family_name, given_name, name_key, email, phone, languages,"
                " notes, created_at, updated_at, version) VALUES ('Schewtschenko', 'Olena',"
                " 'schewtschenko|olena', '', '', '', '', '2024-01-01 00:00:00',"
                " '2024-01-01 00:00:00', 1)"
            )
        )
        persons = conn.execute(
            text("SELECT count(*) FROM persons WHERE anonymised_at IS NULL")
        ).scalar_one()

    migrate.upgrade(db)

    assert migrate.current_revision(db) == migrate.HEAD
    assert migrate.schema_differences(db) == []
    with db.engine.connect() as conn:
        keyed = conn.execute(
            text("SELECT count(DISTINCT person_id) FROM person_name_keys")
        ).scalar_one()
        anonymised_keyed = conn.execute(
            text(
                "SELECT count(*) FROM person_name_keys k JOIN persons p ON p.id = k.person_id"
                " WHERE p.anonymised_at IS NOT NULL"
            )
        ).scalar_one()
    assert (keyed, anonymised_keyed) == (persons, 0)
    found = people.find_duplicates(uow, Actor.system("test"), _typed("Shevchenko", "Olena"))
    assert [c.display_name for c in found] == ["Schewtschenko, Olena"]
