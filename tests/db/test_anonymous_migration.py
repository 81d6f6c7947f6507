"""Migration 0016 (anonymous enquiries) on SQLite and PostgreSQL. SQLite rebuilds ``records``
in batch mode (copy, drop, rename); dropping it with foreign keys on would delete the rows of
every table that refers to it (STACK.md). An office at 0015 whose records have rows in every
child table upgrades and keeps every row of every table, value for value; every existing record
is not anonymous, the new check holds, and the way back refuses while an anonymous record is
left."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import inspect, text

from tests.db.test_documents import PDF
from tests.db.test_privacy_migration import _to
from welcome_center.db import migrate
from welcome_center.db.engine import Database
from welcome_center.db.models import Record
from welcome_center.db.uow import ConcurrentChangeError, UnitOfWork
from welcome_center.domain.consent import ConsentDraft
from welcome_center.domain.drafts import ClientChoice, PartyDraft
from welcome_center.domain.enums import (
    ClientKind,
    ConsentForm,
    ConsentPurpose,
    PartyRole,
    RecordKind,
    RecordStatus,
)
from welcome_center.domain.queries import RecordQuery
from welcome_center.services import cases, documents, record_list
from welcome_center.services.context import Actor
from welcome_center.services.demo import generate_demo
from welcome_center.services.privacy import consent


def _tables(db: Database) -> list[str]:
    with db.engine.connect() as conn:
        names = inspect(conn).get_table_names()
    return sorted(t for t in names if not t.startswith("record_search") and t != "alembic_version")


def _children(db: Database) -> set[str]:
    """The tables with a foreign key to ``records``."""
    with db.engine.connect() as conn:
        insp = inspect(conn)
        return {
            t
            for t in insp.get_table_names()
            if any(fk["referred_table"] == "records" for fk in insp.get_foreign_keys(t))
        }


def _rows(db: Database, leave_out: tuple[str, ...] = ()) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in a stable order (columns in ``leave_out`` left out)."""
    out = {}
    with db.engine.connect() as conn:
        insp = inspect(conn)
        for table in _tables(db):
            columns = [c["name"] for c in insp.get_columns(table) if c["name"] not in leave_out]
            listed = ", ".join(f'"{c}"' for c in columns)
            rows = conn.execute(text(f'SELECT {listed} FROM "{table}"'))  # noqa: S608
            out[table] = sorted((tuple(r) for r in rows), key=repr)
    return out


def _fill_every_child(db: Database, uow: UnitOfWork, anna: Actor) -> None:
    """A demo office, and what the demo leaves empty: a document, a party, a consent."""
    generate_demo(uow, Actor.system("test"), records=30, seed=16)
    with uow.read() as s:
        rid = s.query(Record.id).filter(Record.client_person_id.is_not(None)).first()[0]
        org = (
            s.query(Record.client_organisation_id)
            .filter(Record.client_organisation_id.is_not(None))
            .first()[0]
        )
        person = s.query(Record.client_person_id).filter(Record.id == rid).scalar()
    documents.add_document(uow, Actor.system("test"), rid, "zeugnis.pdf", PDF)
    cases.link_party(
        uow,
        Actor.system("test"),
        rid,
        PartyDraft(client=ClientChoice(ClientKind.ORGANISATION, org), role=PartyRole.EMPLOYER),
    )
    consent.record_consent(
        uow,
        anna,
        ClientKind.PERSON,
        person,
        ConsentDraft(
            purpose=ConsentPurpose.REFERRAL, given_on=date(2024, 1, 2), form=ConsentForm.WRITTEN
        ),
    )


def test_a_0015_office_with_rows_in_every_child_of_a_record_keeps_every_row(
    db: Database, anna: Actor
) -> None:
    uow = UnitOfWork(db)
    _fill_every_child(db, uow, anna)
    _to(db, "0015")
    with db.engine.connect() as conn:
        assert "anonymous" not in {c["name"] for c in inspect(conn).get_columns("records")}
    children = _children(db)
    assert {"consultations", "referrals", "follow_ups", "documents", "record_parties"} <= children
    before = _rows(db)
    empty = [t for t in (*children, "consultation_topics", "consents") if not before[t]]
    assert not empty, f"fill these before the upgrade: {empty}"

    migrate.upgrade(db)

    assert migrate.current_revision(db) == migrate.HEAD
    assert migrate.schema_differences(db) == []
    after = _rows(db, leave_out=("anonymous",))
    assert {t: rows for t, rows in after.items() if t in before} == before  # and new tables
    with db.engine.connect() as conn:
        flags = conn.execute(text("SELECT DISTINCT anonymous FROM records")).scalars().all()
        assert [bool(f) for f in flags] == [False]
        if db.is_sqlite:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
    # The search index (not a child: a table of its own) still finds a client by name.
    with uow.read() as s:
        family = s.execute(
            text(
                "SELECT p.family_name FROM records r JOIN persons p ON p.id = r.client_person_id"
                " WHERE p.family_name <> '' ORDER BY r.id LIMIT 1"
            )
        ).scalar_one()
    found = record_list.record_ids(uow, anna, RecordQuery(text=family))
    assert found


def _insert(uow: UnitOfWork, **values: Any) -> None:
    with uow.begin() as s:
        s.add(
            Record(
                number=f"T-{len(values)}-{values.get('anonymous')}",
                kind=RecordKind.ENQUIRY,
                status=RecordStatus.NEW,
                opened_on=date(2025, 3, 1),
                topics=[],
                services=[],
                **values,
            )
        )


def test_the_new_check_allows_no_client_only_for_an_anonymous_record(
    db: Database, anna: Actor
) -> None:
    uow = UnitOfWork(db)
    generate_demo(uow, Actor.system("test"), records=3, seed=2)
    with uow.read() as s:
        person = s.execute(text("SELECT min(id) FROM persons")).scalar_one()
    _insert(uow, anonymous=True)  # no client: allowed
    # (The unit of work reports a refused row as a concurrent change; the check names itself.)
    with pytest.raises(ConcurrentChangeError, match="one_client_or_anonymous"):
        _insert(uow, anonymous=False)  # neither client nor anonymous
    with pytest.raises(ConcurrentChangeError, match="one_client_or_anonymous"):
        _insert(uow, anonymous=True, client_person_id=person)  # anonymous with a client


def test_the_way_back_refuses_while_an_anonymous_record_is_left_and_keeps_every_row(
    db: Database, anna: Actor
) -> None:
    uow = UnitOfWork(db)
    _fill_every_child(db, uow, anna)
    _insert(uow, anonymous=True)
    with pytest.raises(RuntimeError, match="1 anonymous enquiries have no client"):
        _to(db, "0015")
    assert migrate.current_revision(db) == migrate.HEAD  # nothing changed
    with uow.begin() as s:
        s.execute(text("DELETE FROM records WHERE anonymous = :yes"), {"yes": True})
    before = _rows(db, leave_out=("anonymous",))
    _to(db, "0015")
    assert _rows(db) == {t: rows for t, rows in before.items() if t in _tables(db)}
    # The old check again: a client is required.
    with pytest.raises(ConcurrentChangeError, match=r"ck_records_one_client\b"), uow.begin() as s:
        s.execute(
            text(
                "INSERT INTO records (number, kind, status, opened_on, summary, created_at,"
                " updated_at, version, legal_hold) VALUES ('X-1', 'enquiry', 'new',"
                " '2025-03-01', '', '2025-03-01 00:00:00', '2025-03-01 00:00:00', 1, :no)"
            ),
            {"no": False},
        )
    migrate.upgrade(db)
    assert migrate.schema_differences(db) == []


def test_sqlite_refuses_the_rebuild_with_foreign_keys_on(db_path: Any) -> None:
    """Run outside the runner, with foreign keys on, the rebuild would cascade: it refuses."""
    from alembic import command

    from welcome_center.db.engine import url_for_path
    from welcome_center.services.storage import open_database

    db = open_database(url_for_path(db_path))
    try:
        _to(db, "0015")
        cfg = migrate.alembic_config()
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            conn.rollback()
            with conn.begin():
                cfg.attributes["connection"] = conn
                with pytest.raises(RuntimeError, match="foreign keys off"):
                    command.upgrade(cfg, "head")
        assert migrate.current_revision(db) == "0015"
    finally:
        db.dispose()
