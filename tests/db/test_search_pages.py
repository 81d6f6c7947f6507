"""A search while typing lists its newest matches first, a page at a time, and counts the rest
separately (services/record_list.py: record_page, record_count), on SQLite and on PostgreSQL.

Every way a page is read (along the opening date's index, testing the newest records one by
one, or from the matches, looked up and sorted) must give the same list as reading every
match: the page sizes and thresholds are made small here so that each way is taken."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import event

from welcome_center.db import search as db_search
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.drafts import ClientChoice, PersonDraft, RecordDraft
from welcome_center.domain.enums import ClientKind, RecordKind
from welcome_center.domain.queries import RecordQuery, RecordSort
from welcome_center.services import cases, people, record_list, settings
from welcome_center.services.context import Actor

START = date(2024, 1, 8)


@dataclass(frozen=True)
class Office:
    """Twenty-four records about work ("Arbeitsvertrag" in every summary), opened on twelve
    days (two a day, so that the id decides between them); the two oldest also mention a
    "Zeugnisanerkennung"; every third is Ben's."""

    ids: list[int]  # in the order opened (the oldest first)
    rare: list[int]  # the two oldest
    bens: list[int]


@pytest.fixture
def office(uow: UnitOfWork, anna: Actor, ben: Actor) -> Office:
    draft = PersonDraft(family_name="Kowalczyk", given_name="Ewa")
    person = people.create_person(uow, anna, draft, accept_duplicates=True).value.id
    client = ClientChoice(ClientKind.PERSON, person)
    ids: list[int] = []
    bens: list[int] = []
    for n in range(24):
        summary = "Arbeitsvertrag prüfen" + (", Zeugnisanerkennung" if n < 2 else "")
        actor = ben if n % 3 == 0 else anna
        draft_record = RecordDraft(
            client=client,
            opened_on=START + timedelta(days=n // 2),
            kind=RecordKind.ENQUIRY,
            summary=summary,
        )
        rid = cases.open_record(uow, actor, draft_record).value.id
        ids.append(rid)
        if actor is ben:
            bens.append(rid)
    return Office(ids, ids[:2], bens)


def _newest_first(ids: list[int]) -> list[int]:
    return ids[::-1]  # opened in this order, two a day: the later id is the newer on a day


def _pages(uow: UnitOfWork, actor: Actor, query: RecordQuery, size: int) -> list[int]:
    out: list[int] = []
    while True:
        page = record_list.record_page(uow, actor, query, len(out), size)
        out.extend(page)
        if len(page) < size:
            return out


@pytest.fixture(params=["walked on the documents", "walked against the matches", "matches first"])
def way(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Read the pages along the index, a window of five records beyond the offset, each record
    tested on its document (on a server) or against the list of matches (a file always), or
    from the matches (no record walked)."""
    monkeypatch.setattr(db_search, "WALK_SPAN", 0.0)
    if request.param == "matches first":
        monkeypatch.setattr(record_list, "WALK_WINDOW", 0)
        monkeypatch.setattr(db_search, "HASHED_FROM", math.inf)
    else:
        documents = request.param == "walked on the documents"
        monkeypatch.setattr(record_list, "WALK_WINDOW", 5)
        monkeypatch.setattr(db_search, "HASHED_FROM", 0.0)
        monkeypatch.setattr(db_search, "DOCUMENTS_FROM", 0.0 if documents else math.inf)
    return str(request.param)


def test_the_first_page_is_the_newest_matches(
    uow: UnitOfWork, anna: Actor, office: Office, way: str
) -> None:
    query = RecordQuery(text="arbeitsv")
    assert record_list.record_page(uow, anna, query, 0, 5) == _newest_first(office.ids)[:5]
    assert record_list.record_ids(uow, anna, query) == _newest_first(office.ids)


def test_page_after_page_gives_the_whole_list_in_its_order(
    uow: UnitOfWork, anna: Actor, office: Office, way: str
) -> None:
    for size in (1, 4, 7, 24, 30):
        query = RecordQuery(text="Arbeitsvertrag")
        assert _pages(uow, anna, query, size) == _newest_first(office.ids)
    oldest_first = RecordQuery(text="Arbeitsvertrag", descending=False)
    assert _pages(uow, anna, oldest_first, 5) == office.ids


def test_rare_words_beyond_the_window_are_found(
    uow: UnitOfWork, anna: Actor, office: Office, way: str
) -> None:
    """The two matches are the oldest records, further back than the window reaches: the page
    is then read from the matches."""
    query = RecordQuery(text="Zeugnisaner")
    assert record_list.record_page(uow, anna, query, 0, 5) == _newest_first(office.rare)
    assert record_list.record_page(uow, anna, query, 1, 5) == [office.rare[0]]
    assert record_list.record_page(uow, anna, query, 2, 5) == []


def test_filters_and_other_sort_orders_page_alike(
    uow: UnitOfWork, anna: Actor, ben: Actor, office: Office, way: str
) -> None:
    bens = RecordQuery(text="arbeit", counsellor_id=ben.user_id)
    assert _pages(uow, anna, bens, 3) == _newest_first(office.bens)
    by_number = RecordQuery(text="arbeit", sort=RecordSort.NUMBER, descending=False)
    assert _pages(uow, anna, by_number, 5) == record_list.record_ids(uow, anna, by_number)
    assert record_list.record_page(uow, anna, RecordQuery(text=" -- "), 0, 5) == []
    assert record_list.record_page(uow, anna, RecordQuery(), 3, 5) == _newest_first(office.ids)[3:8]
    assert record_list.record_page(uow, anna, RecordQuery(text="xyzzy"), 0, 5) == []


def test_the_total_is_counted_apart_and_follows_filters_and_visibility(
    uow: UnitOfWork, anna: Actor, ben: Actor, admin: Actor, office: Office
) -> None:
    assert record_list.record_count(uow, anna, RecordQuery(text="arbeitsvertrag")) == 24
    assert record_list.record_count(uow, anna, RecordQuery(text="zeugnis")) == 2
    bens = RecordQuery(text="arbeit", counsellor_id=ben.user_id)
    assert record_list.record_count(uow, anna, bens) == len(office.bens) == 8
    assert record_list.record_count(uow, anna, RecordQuery(text="xyzzy")) == 0
    settings.update_settings(uow, admin, record_visibility="own")
    query = RecordQuery(text="arbeitsvertrag")
    assert record_list.record_count(uow, ben, query) == 8
    assert record_list.record_page(uow, ben, query, 0, 100) == _newest_first(office.bens)


def test_the_first_page_comes_with_the_lines_it_shows_first(
    uow: UnitOfWork, anna: Actor, office: Office, way: str
) -> None:
    query = RecordQuery(text="arbeitsvertrag")
    ids, lines = record_list.first_page(uow, anna, query, 6, 4)
    assert ids == _newest_first(office.ids)[:6]
    assert [line.id for line in lines] == ids[:4]
    assert {line.client.display_name for line in lines if line.client} == {"Kowalczyk, Ewa"}
    assert lines == record_list.record_rows(uow, anna, ids[:4])
    rare, rare_lines = record_list.first_page(uow, anna, RecordQuery(text="zeugnis"), 6, 4)
    assert rare == [line.id for line in rare_lines] == _newest_first(office.rare)
    oldest = RecordQuery(text="arbeitsvertrag", descending=False)
    assert record_list.first_page(uow, anna, oldest, 3, 3)[0] == office.ids[:3]
    by_number = RecordQuery(text="arbeitsvertrag", sort=RecordSort.NUMBER, descending=False)
    numbered, numbered_lines = record_list.first_page(uow, anna, by_number, 3, 2)
    assert numbered == office.ids[:3] and [line.id for line in numbered_lines] == numbered[:2]
    assert record_list.first_page(uow, anna, RecordQuery(text="xyzzy"), 6, 4) == ([], [])


def test_a_search_on_a_server_is_three_statements_without_a_transaction(
    uow: UnitOfWork, anna: Actor, office: Office
) -> None:
    """Every round trip to a server waits for its CPU on a busy machine: the first page of a
    search asks the office's setting, the planner's estimate and the page with its lines, and
    neither BEGIN nor ROLLBACK (each statement sees the data as of its own start anyway)."""
    if uow.db.is_sqlite:
        pytest.skip("round trips to a server")
    seen: list[tuple[str, bool]] = []

    def note(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append((statement.split()[0], conn.connection.dbapi_connection.autocommit))

    event.listen(uow.db.engine, "before_cursor_execute", note)
    try:
        ids, _lines = record_list.first_page(uow, anna, RecordQuery(text="arbeitsvertrag"), 6, 4)
    finally:
        event.remove(uow.db.engine, "before_cursor_execute", note)
    assert ids == _newest_first(office.ids)[:6]
    assert [autocommit for _, autocommit in seen] == [True] * 3, seen


def test_a_search_on_a_server_is_planned_for_its_words_each_time(
    uow: UnitOfWork, anna: Actor, office: Office
) -> None:
    """psycopg prepares a statement run five times on the server, which may then plan it once
    for any words and window (a common word's search took twice as long at 100,000 records):
    a search's statements are never prepared, the connection's other statements still are."""
    if uow.db.is_sqlite:
        pytest.skip("a server's prepared statements")
    drivers: dict[int, Any] = {}

    def note(conn: Any, *_args: Any) -> None:
        driver = conn.connection.dbapi_connection
        drivers[id(driver)] = driver

    event.listen(uow.db.engine, "before_cursor_execute", note)
    try:
        for _ in range(8):
            ids, _lines = record_list.first_page(uow, anna, RecordQuery(text="arbeitsv"), 6, 4)
            assert ids == _newest_first(office.ids)[:6]
            assert record_list.record_count(uow, anna, RecordQuery(text="arbeitsv")) == 24
    finally:
        event.remove(uow.db.engine, "before_cursor_execute", note)
    prepared: list[str] = []
    for driver in drivers.values():
        assert driver.prepare_threshold == 5  # psycopg's own: the saves' plans are kept
        rows = driver.execute("SELECT statement FROM pg_prepared_statements").fetchall()
        prepared += [row[0] for row in rows]
        driver.rollback()
    assert prepared, "the fixture's saves ran more than five times: some are prepared"
    assert not [sql for sql in prepared if "tsquery" in sql.lower()], prepared
