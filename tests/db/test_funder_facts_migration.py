"""Migration 0011 (the facts funders count): an office's database at 0010 with its rows upgrades
and keeps every row; every existing person and organisation holds ``not_recorded`` for the new
coded facts, a known birth date gives the birth year, and everything else new is empty."""

from __future__ import annotations

from sqlalchemy import inspect, text

from tests.db.test_privacy_migration import _counts, _to
from welcome_center.db import migrate
from welcome_center.db.engine import Database
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.enums import OrganisationSize
from welcome_center.services.context import Actor
from welcome_center.services.demo import generate_demo

_PERSON_CODED = ("gender", "employment_status", "education", "german_level")
_PERSON_NULL = ("birth_year", "arrival_year", "nationality_2")


def _columns(db: Database, table: str) -> set[str]:
    with db.engine.connect() as conn:
        return {c["name"] for c in inspect(conn).get_columns(table)}


def test_a_0010_database_upgrades_keeps_every_row_and_holds_not_recorded(db: Database) -> None:
    uow = UnitOfWork(db)
    generate_demo(uow, Actor.system("test"), records=30, seed=11)
    _to(db, "0010")
    assert not set(_PERSON_CODED + _PERSON_NULL) & _columns(db, "persons")
    assert not {"kind", "size"} & _columns(db, "organisations")
    assert "training_country" not in _columns(db, "recognition_procedures")
    assert "participants_persons" not in _columns(db, "events")
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO persons (family_name, given_name, name_key, birth_date, email, phone,"
                " languages, notes, created_at, updated_at, version) VALUES ('Alt', 'Olga',"
                " 'alt|olga', '1988-11-30', '', '', '', '', '2024-01-01 00:00:00',"
                " '2024-01-01 00:00:00', 1)"
            )
        )
        # Anonymised before: the birth date kept as 1 January of the year.
        conn.execute(
            text(
                "INSERT INTO persons (family_name, given_name, name_key, birth_date, email, phone,"
                " languages, notes, anonymised_at, created_at, updated_at, version) VALUES"
                " ('', '', '', '1975-01-01', '', '', '', '', '2024-06-01 00:00:00',"
                " '2024-01-01 00:00:00', '2024-06-01 00:00:00', 1)"
            )
        )
        births = conn.execute(
            text("SELECT count(*) FROM persons WHERE birth_date IS NOT NULL")
        ).scalar_one()
    before = _counts(db)
    assert before["persons"] > 1 and before["organisations"] > 0 and births > 1

    migrate.upgrade(db)

    assert migrate.current_revision(db) == migrate.HEAD
    after = _counts(db)
    assert {t: n for t, n in after.items() if t in before} == before
    assert migrate.schema_differences(db) == []
    with db.engine.connect() as conn:
        for column in _PERSON_CODED:
            values = conn.execute(text(f"SELECT DISTINCT {column} FROM persons")).scalars()  # noqa: S608
            assert set(values) == {"not_recorded"}, column
        for column in ("kind", "size"):
            values = conn.execute(text(f"SELECT DISTINCT {column} FROM organisations")).scalars()  # noqa: S608
            assert set(values) == {"not_recorded"}, column
        # A known birth date gives its year; no date, no year.
        assert (
            conn.execute(
                text(
                    "SELECT count(*) FROM persons"
                    " WHERE (birth_date IS NULL) <> (birth_year IS NULL)"
                    " AND anonymised_at IS NULL"
                )
            ).scalar_one()
            == 0
        )
        assert (
            conn.execute(
                text("SELECT birth_year FROM persons WHERE family_name = 'Alt'")
            ).scalar_one()
            == 1988
        )
        anonymised = "SELECT birth_date, birth_year FROM persons WHERE anonymised_at IS NOT NULL"
        assert conn.execute(text(anonymised)).one() == (None, 1975)
        for table, column in (
            ("persons", "arrival_year"),
            ("persons", "nationality_2"),
            ("recognition_procedures", "training_country"),
            ("events", "participants_persons"),
            ("events", "participants_organisations"),
        ):
            assert (
                conn.execute(
                    text(f"SELECT count(*) FROM {table} WHERE {column} IS NOT NULL")  # noqa: S608
                ).scalar_one()
                == 0
            ), column


def test_the_way_back_drops_the_new_columns_and_keeps_the_rows(db: Database) -> None:
    uow = UnitOfWork(db)
    generate_demo(uow, Actor.system("test"), records=20, seed=12, anonymous_share=0)  # before 0016
    before = _counts(db)
    _to(db, "0010")
    # Every row stays; the tables of later migrations (0012 on) are gone with them.
    after = _counts(db)
    assert after == {t: n for t, n in before.items() if t in after}
    assert "persons" in after and "person_name_keys" not in after
    assert "gender" not in _columns(db, "persons") and "size" not in _columns(db, "organisations")
    migrate.upgrade(db)
    assert migrate.schema_differences(db) == []
    with db.engine.connect() as conn:
        sizes = set(conn.execute(text("SELECT DISTINCT size FROM organisations")).scalars())
    assert sizes == {OrganisationSize.NOT_RECORDED.value}
