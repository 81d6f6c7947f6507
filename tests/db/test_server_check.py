"""``db check`` on a server checks what it checks on a file (issue 16, item 8): foreign keys
(constraints validated and enforced, no row pointing to a missing one), the search index
against the records, and the audit chain. The damage is done as someone with ``psql`` would do
it, and each finding is a sentence naming the record or table."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from welcome_center.db.engine import Database
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.drafts import ClientChoice, ConsultationDraft, PersonDraft, RecordDraft
from welcome_center.domain.enums import ClientKind
from welcome_center.services import cases, consultations, people
from welcome_center.services.context import Actor
from welcome_center.services.storage import check_database

DAY = date(2026, 3, 2)


@pytest.fixture
def records(db: Database, uow: UnitOfWork, anna: Actor) -> list[tuple[int, str]]:
    """Three records of Haddad's with a consultation each: (id, number)."""
    if db.is_sqlite:
        pytest.skip("the checks of a server database (a file's: test_storage, test_audit_chain)")
    person = people.create_person(
        uow, anna, PersonDraft(family_name="Haddad", given_name="Rami"), True
    ).value.id
    found = []
    for n in range(3):
        r = cases.open_record(
            uow,
            anna,
            RecordDraft(
                client=ClientChoice(ClientKind.PERSON, person), opened_on=DAY, summary="Pflege"
            ),
        ).value
        draft = ConsultationDraft(held_on=DAY, notes=f"Anerkennung {n}")
        consultations.record_consultation(uow, anna, r.id, draft)
        found.append((r.id, r.number))
    return found


def _sql(db: Database, sql: str, **params: object) -> None:
    with db.engine.begin() as conn:
        conn.execute(text(sql), params)


def _lines(db: Database) -> tuple[bool, str]:
    report = check_database(db.url)
    return report.ok, "\n".join(report.lines)


def test_an_intact_server_database_passes_every_check(
    db: Database, records: list[tuple[int, str]]
) -> None:
    ok, out = _lines(db)
    assert ok, out
    assert "Foreign keys: ok" in out
    assert "Search index: ok" in out
    assert "Audit log: ok" in out


def test_a_damaged_search_entry_is_named_by_its_record(
    db: Database, records: list[tuple[int, str]]
) -> None:
    (rid, number), (gone_id, gone_number) = records[0], records[1]
    _sql(db, "UPDATE record_search SET doc = to_tsvector('simple', 'x') WHERE rowid = :i", i=rid)
    _sql(db, "DELETE FROM record_search WHERE rowid = :i", i=gone_id)
    _sql(
        db,
        "INSERT INTO record_search(rowid, number, names, body, doc) "
        "VALUES (987654, 'WC-1999-0001', '', '', to_tsvector('simple', 'x'))",
    )

    ok, out = _lines(db)

    assert not ok
    assert "Search index: FAILED:" in out
    assert f"record {number}: its entry in the search index does not hold the record's words" in out
    assert f"record {gone_number} has no entry in the search index: it is not found" in out
    assert "an entry for record id 987654, which does not exist" in out
    assert "Haddad" not in out.lower() and "haddad" not in out  # no content in the report


def test_an_entry_whose_stored_text_was_changed_is_found_too(
    db: Database, records: list[tuple[int, str]]
) -> None:
    rid, number = records[2]
    _sql(db, "UPDATE record_search SET body = 'Schulden' WHERE rowid = :i", i=rid)

    ok, out = _lines(db)

    assert not ok
    assert f"record {number}: its entry in the search index" in out


def test_a_broken_audit_chain_is_reported(db: Database, records: list[tuple[int, str]]) -> None:
    with db.engine.connect() as conn:
        target = conn.execute(text("SELECT max(id) - 2 FROM audit_log")).scalar_one()
    _sql(db, "UPDATE audit_log SET detail = 'nothing to see' WHERE id = :i", i=target)

    ok, out = _lines(db)

    assert not ok
    assert "Audit log: FAILED:" in out
    assert f"entry {target} (" in out and "was changed after it was written" in out
    assert "Search index: ok" in out and "Foreign keys: ok" in out


def test_rows_that_got_past_a_constraint_added_not_valid_are_counted(
    db: Database, records: list[tuple[int, str]]
) -> None:
    fk = "fk_consultations_record_id_records"
    _sql(db, f"ALTER TABLE consultations DROP CONSTRAINT {fk}")
    _sql(db, "UPDATE consultations SET record_id = 555555 WHERE record_id = :i", i=records[0][0])
    _sql(
        db,
        f"ALTER TABLE consultations ADD CONSTRAINT {fk} FOREIGN KEY (record_id) "
        "REFERENCES records (id) NOT VALID",
    )

    ok, out = _lines(db)

    assert not ok
    assert "Foreign keys: FAILED:" in out
    assert (
        f"constraint {fk} of table consultations was added without checking the rows already "
        "there (NOT VALID)" in out
    )
    assert "table consultations: 1 rows point to missing rows of records (record_id)" in out
