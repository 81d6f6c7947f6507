"""Indexed search on PostgreSQL (migration 0018): the documents' words as a tsvector under a GIN
index, queried as FTS5 queries its table (every token a phrase whose last word is a prefix).
The results are the ones of tests/db/test_search.py on both engines; here: the query plan uses
the index at a few thousand documents, the documents and queries are written as FTS5 cuts
words, and an office at 0017 finds its records after the upgrade."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.db.test_privacy_migration import _to
from welcome_center.db import migrate, search, server_search
from welcome_center.db.engine import Database
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.text import strip_accents
from welcome_center.services.context import Actor
from welcome_center.services.demo import generate_demo

DOCUMENTS = 5000
# A consultation's notes, as long as the demo's: a table of short rows is read whole anyway.
NOTES = " ".join(f"wort{n} satz{n % 7} termin" for n in range(40))


def _server(db: Database) -> None:
    if db.is_sqlite:
        pytest.skip("PostgreSQL's search index (SQLite has FTS5)")


def _family(common: list[str], n: int) -> str:
    return "Haddad" if n % 500 == 0 else common[n % len(common)]


def test_the_search_query_reads_the_index_not_the_whole_table(db: Database) -> None:
    _server(db)
    families = ["Müller", "Schmidt", "Nguyễn", "Kowalski", "Öztürk", "Weber"]
    rows = [
        {
            "id": n,
            "number": f"wc-2024-{n:04d} {n} 2024-{n}",
            "names": strip_accents(f"{_family(families, n)} Anna{n} muller"),
            "body": f"visum pflege beratung{n % 50} {NOTES}",
        }
        for n in range(1, DOCUMENTS + 1)
    ]
    for row in rows:
        row["doc"] = server_search.document(row["number"], row["names"], row["body"])
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM record_search"))
        conn.execute(
            text(
                "INSERT INTO record_search(rowid, number, names, body, doc) "
                "VALUES (:id, :number, :names, :body, CAST(:doc AS tsvector))"
            ),
            rows,
        )
        conn.execute(text("ANALYZE record_search"))
    with db.sessions() as s:
        # Selective searches read the index; a word in a sixth of the documents may be read
        # from the table as a whole when the planner finds that cheaper (its choice, not ours).
        for typed in ("Haddad", "hadd", "Anna4500 Haddad", "anna4321", "2024-17", "WC-2024-0042"):
            found = search.matching_sql(s, typed)
            assert found is not None
            sql, params = found
            plan = "\n".join(r[0] for r in s.execute(text("EXPLAIN " + sql), params))
            assert "Seq Scan" not in plan, (typed, plan)
            assert "ix_record_search_doc" in plan, (typed, plan)
        assert search.match_records(s, "anna4321") == [4321]
        # No pending list that every search would read until the next VACUUM.
        options = s.execute(
            text("SELECT reloptions FROM pg_class WHERE relname = 'ix_record_search_doc'")
        ).scalar_one()
        assert options == ["fastupdate=off"]
        assert search.match_records(s, "WC-2024-0042") == [42]
        haddad = [n for n in range(DOCUMENTS, 0, -1) if _family(families, n) == "Haddad"]
        assert search.match_records(s, "Haddad") == haddad  # the newest first
        assert len(haddad) == 10
        assert len(search.match_records(s, "Kowalski")) == len(
            [n for n in range(1, DOCUMENTS + 1) if _family(families, n) == "Kowalski"]
        )
        # A list sorted by date is read along the newest records where they hold a page of the
        # matches soon (the planner's estimate of the matches against its row count): a
        # sixth of the records tested on their documents for a page of 100, against the list
        # of matches for 2,000 rows; 10 read first, looked up and sorted.
        kowalski = search.walk_plan(s, "Kowalski", 100, 0)
        assert kowalski is not None and not kowalski.hashed
        assert 2000 <= kowalski.window <= 4000  # four times the 600 that should hold 100
        assert search.walk_plan(s, "Kowalski", 100, 10**6) == search.Walk(10**6, hashed=False)
        many = search.walk_plan(s, "Kowalski", 2000, 0)
        assert many is not None and many.hashed
        assert search.walk_plan(s, "Haddad", 100, 0) is None


def test_documents_and_queries_are_cut_into_words_as_fts5_cuts_them() -> None:
    doc = server_search.document("wc-2024-0001 1 2024-1", "muller-ludenscheid karl", "3.5 a_b")
    assert doc == (
        "'wc':1 '2024':2,5 '0001':3 '1':4,6 'muller':9 'ludenscheid':10 'karl':11 "
        "'3':14 '5':15 'a':16 'b':17"
    )
    assert server_search.query("Müller-Lüdenscheid") == ("('muller' <-> 'ludenscheid':*)")
    # The written and the folded spelling; every token required; punctuation only separates.
    assert server_search.query("Mueller ben") == "('mueller':* | 'muller':*) & ('ben':*)"
    assert server_search.query("O'Brien") == "('o' <-> 'brien':*)"
    assert server_search.query("AND | ! <-> ( 'x' :*") == "('and':*) & ('x':*)"
    for typed in ("", "  ", "\x00", "*", "()", "🙂", "-", "'"):
        assert server_search.query(typed) == "", typed
    assert server_search.document("x" * 3000) == "'" + "x" * 2046 + "':1"


def test_an_office_at_0017_finds_its_records_after_the_upgrade(db: Database, anna: Actor) -> None:
    _server(db)
    uow = UnitOfWork(db)
    generate_demo(uow, Actor.system("test"), records=40, seed=5)
    with db.sessions() as s:
        family, rid = s.execute(
            text(
                "SELECT p.family_name, r.id FROM records r JOIN persons p "
                "ON p.id = r.client_person_id ORDER BY r.id LIMIT 1"
            )
        ).one()
        before = {w: search.match_records(s, w) for w in (family, family[:2], "2024", "a")}
    assert rid in before[family]
    _to(db, "0017")
    with db.engine.connect() as conn:
        columns = conn.execute(
            text("SELECT column_name FROM information_schema.columns WHERE table_name = :t"),
            {"t": "record_search"},
        ).scalars()
        assert "doc" not in set(columns)
    migrate.upgrade(db)
    with db.sessions() as s:
        assert {w: search.match_records(s, w) for w in before} == before
