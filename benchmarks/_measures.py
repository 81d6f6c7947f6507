"""Timed service calls of the desk, each next to the same work done in plain sqlite3 SQL."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from benchmarks import _stats_sql
from benchmarks._result import now_ms
from benchmarks._server import ServerSQL
from welcome_center.app import create_office, open_app
from welcome_center.db import server_search
from welcome_center.db.search import fts_query
from welcome_center.domain.drafts import ConsultationDraft
from welcome_center.domain.queries import RecordQuery
from welcome_center.domain.statistics import Period, ReportFormat, Statistics
from welcome_center.paths import resolve
from welcome_center.services import cases, consultations, record_list, reporting, statistics
from welcome_center.services.context import Actor, UnitOfWork
from welcome_center.services.imports import import_file

T = TypeVar("T")
FIRST_PAGE = record_list.FIRST_PAGE  # a search's first page (ui.models.record_table)


def timed(fn: Callable[..., object], *args: Any) -> float:
    """Milliseconds of ``fn(*args)``."""
    start = now_ms()
    fn(*args)
    return now_ms() - start


def _marks(n: int) -> str:
    return ",".join("?" * n)


# --- search ----------------------------------------------------------------------------------
# What a counsellor waits for while typing: the first page of matches, newest first, and its
# lines (services/record_list.py: first_page, as the record table asks for it); the total is
# counted apart (record_count; the desk shows it when it is known).

_MATCH = "SELECT rowid FROM record_search WHERE record_search MATCH ?"
# On PostgreSQL (benchmarks/_server.py: "?" markers become psycopg's): the tsvector's index.
_SERVER_MATCH = "SELECT rowid FROM record_search WHERE doc @@ CAST(? AS tsquery)"
# The page's two ways, as the service reads it (db/search.py, services/record_list.py): along
# the opening date's index, testing the newest records one by one ...
_WALK = (
    "SELECT id FROM records WHERE (id + 0) IN (SELECT rowid FROM record_search "
    "WHERE record_search MATCH ?) ORDER BY opened_on DESC, id DESC LIMIT ?"
)
_SERVER_WALK = (
    "SELECT w.id FROM (SELECT id, opened_on FROM records ORDER BY opened_on DESC, id DESC "
    "LIMIT ?) w WHERE (SELECT s.doc FROM record_search s WHERE s.rowid = w.id) "
    "@@ CAST(? AS tsquery) ORDER BY w.opened_on DESC, w.id DESC LIMIT ?"
)
# ... or from the matches, looked up by id and sorted.
_FIRST = (
    "SELECT id FROM records WHERE id IN (SELECT rowid FROM record_search "
    "WHERE record_search MATCH ?) ORDER BY opened_on DESC, id DESC LIMIT ?"
)
_SERVER_FIRST = (
    "WITH m AS MATERIALIZED (SELECT rowid FROM record_search WHERE doc @@ CAST(? AS tsquery)) "
    "SELECT id FROM records WHERE id IN (SELECT rowid FROM m) "
    "ORDER BY opened_on DESC, id DESC LIMIT ?"
)
_SERVER_ESTIMATE = (
    "EXPLAIN (FORMAT JSON) SELECT rowid FROM record_search WHERE doc @@ CAST(? AS tsquery)"
)
_COUNT = "SELECT count(*) FROM records WHERE id IN ({})"
# A block of list lines in one query, the topics as one column (services/record_list.py: lines).
_LINES = (
    "SELECT r.id, r.number, r.kind, r.status, r.opened_on, r.closed_on, r.client_person_id, "
    "r.client_organisation_id, p.family_name, p.given_name, o.name, u.display_name, u.username, "
    "(SELECT {}(t.topic, ',') FROM record_topics t WHERE t.record_id = r.id) "
    "FROM records r LEFT JOIN persons p ON p.id = r.client_person_id "
    "LEFT JOIN organisations o ON o.id = r.client_organisation_id "
    "LEFT JOIN users u ON u.id = r.counsellor_id WHERE r.id IN ({})"
)


def _query(conn: Any, text: str) -> str:
    return fts_query(text) if _is_sqlite(conn) else server_search.query(text)


def _is_sqlite(conn: Any) -> bool:
    """SQLite's or SQLCipher's connection, not the server's (benchmarks/_server.py)."""
    return not isinstance(conn, ServerSQL)


def _page_ids(conn: Any, query: str, limit: int) -> list[int]:
    if _is_sqlite(conn):
        ids = [r[0] for r in conn.execute(_WALK, (query, limit))]
        return ids if len(ids) >= limit else [r[0] for r in conn.execute(_FIRST, (query, limit))]
    plan = conn.execute(_SERVER_ESTIMATE, (query,)).fetchone()[0]
    if plan[0]["Plan"]["Plan Rows"] >= record_list.WALK_FROM:
        window = record_list.WALK_WINDOW
        ids = [r[0] for r in conn.execute(_SERVER_WALK, (window, query, limit))]
        if len(ids) >= limit:
            return ids
    return [r[0] for r in conn.execute(_SERVER_FIRST, (query, limit))]


def search_sql(conn: Any, text: str) -> int:
    """The desk's first page of a search by hand: the same FTS MATCH (on a server: the same
    tsquery), read the same way, and the page's lines; returns the ids read."""
    query = _query(conn, text)
    if not query:
        return 0
    ids = _page_ids(conn, query, FIRST_PAGE + 1)
    block = ids[:FIRST_PAGE]
    if block:
        joined = "group_concat" if _is_sqlite(conn) else "string_agg"
        conn.execute(_LINES.format(joined, _marks(len(block))), block).fetchall()
    return len(ids)


def count_sql(conn: Any, text: str) -> int:
    """The total by hand: the matching records counted."""
    query = _query(conn, text)
    if not query:
        return 0
    sql = _COUNT.format(_MATCH if _is_sqlite(conn) else _SERVER_MATCH)
    return int(conn.execute(sql, (query,)).fetchone()[0])


def match_only_sql(conn: Any, text: str) -> int:
    query = _query(conn, text)
    sql = _MATCH if _is_sqlite(conn) else _SERVER_MATCH
    return len(conn.execute(sql, (query,)).fetchall()) if query else 0


def search_service(uow: UnitOfWork, actor: Actor, text: str) -> int:
    """What the record table asks the services for while a counsellor types: the first page of
    ids (one more, to know whether there are more) with the lines of its first block."""
    query = RecordQuery(text=text)
    ids, _lines = record_list.first_page(uow, actor, query, FIRST_PAGE + 1, FIRST_PAGE)
    return len(ids)


def count_service(uow: UnitOfWork, actor: Actor, text: str) -> int:
    """The total the desk counts in the background after showing the first page."""
    return record_list.record_count(uow, actor, RecordQuery(text=text))


# --- a record with all its details -----------------------------------------------------------

_RECORD_SQL = (
    "SELECT r.*, p.family_name, p.given_name, o.name, r.client_person_id FROM records r "
    "LEFT JOIN persons p ON p.id = r.client_person_id "
    "LEFT JOIN organisations o ON o.id = r.client_organisation_id WHERE r.id = ?",
    "SELECT rp.id, rp.role, rp.note, p.id, p.family_name, p.given_name, o.id, o.name "
    "FROM record_parties rp LEFT JOIN persons p ON p.id = rp.person_id "
    "LEFT JOIN organisations o ON o.id = rp.organisation_id WHERE rp.record_id = ? "
    "ORDER BY rp.id",
    "SELECT topic FROM record_topics WHERE record_id = ?",
    "SELECT service FROM record_services WHERE record_id = ?",
    "SELECT * FROM consultations WHERE record_id = ? ORDER BY held_on DESC, id DESC",
    "SELECT t.consultation_id, t.topic FROM consultation_topics t JOIN consultations c "
    "ON c.id = t.consultation_id WHERE c.record_id = ?",
    "SELECT f.*, o.short_name, o.name FROM referrals f JOIN organisations o "
    "ON o.id = f.partner_id WHERE f.record_id = ? ORDER BY f.referred_on DESC, f.id DESC",
    "SELECT * FROM follow_ups WHERE record_id = ? ORDER BY due_on, id",
    "SELECT * FROM recognition_procedures WHERE record_id = ? ORDER BY id",
)
_TITLES = (
    "SELECT * FROM residence_titles WHERE person_id = ? "
    "ORDER BY valid_from IS NULL, valid_from DESC, id DESC"
)


def record_sql(conn: Any, record_id: int) -> None:
    """The rows of a record's window, read by hand."""
    conn.execute("SELECT id, display_name FROM users").fetchall()
    record = conn.execute(_RECORD_SQL[0], (record_id,)).fetchone()
    for sql in _RECORD_SQL[1:]:
        conn.execute(sql, (record_id,)).fetchall()
    person = record[-1]  # client_person_id (r.* has its columns in the order they were added)
    if person is not None:
        conn.execute(_TITLES, (person,)).fetchall()


def record_service(uow: UnitOfWork, actor: Actor, record_id: int) -> None:
    cases.get_record(uow, actor, record_id)


_AUDIT = (
    "INSERT INTO audit_log (at, user_id, actor, action, entity, entity_id, detail) "
    "VALUES (datetime('now'), ?, ?, 'read', 'record', ?, '')"
)
_SERVER_AUDIT = _AUDIT.replace("datetime('now')", "now()")


def audit_insert_sql(conn: Any, actor: Actor, record_id: int) -> None:
    """The audit entry a read of a record leaves, written by hand (for the comparison)."""
    conn.execute(
        _AUDIT if _is_sqlite(conn) else _SERVER_AUDIT,
        (actor.user_id, actor.name, record_id),
    )
    conn.commit()


# --- a consultation ---------------------------------------------------------------------------


def consultation_draft(day: date, counsellor_id: int | None) -> ConsultationDraft:
    return ConsultationDraft(
        held_on=day, duration_minutes=30, channel="phone", counsellor_id=counsellor_id,
        topics=("residence",), notes="Rückfrage zum Visum; Unterlagen vollständig.",
    )  # fmt: skip


def save_service(uow: UnitOfWork, actor: Actor, record_id: int, day: date) -> None:
    consultations.record_consultation(uow, actor, record_id, consultation_draft(day, actor.user_id))


_SAVE = (
    "INSERT INTO consultations (record_id, held_on, duration_minutes, channel, "
    "counsellor_id, is_first, language, interpreter, notes, created_at) "
    "VALUES (?, ?, 30, 'phone', ?, 0, '', 0, ?, datetime('now'))"
)
_SERVER_SAVE = _SAVE.replace(", 0, '', 0,", ", false, '', false,").replace(
    "datetime('now')", "now()"
)


def save_sql(conn: Any, actor: Actor, record_id: int, day: date) -> None:
    """One INSERT of a consultation and its commit."""
    conn.execute(
        _SAVE if _is_sqlite(conn) else _SERVER_SAVE,
        (record_id, day.isoformat(), actor.user_id, "Rückfrage zum Visum."),
    )
    conn.commit()


# --- statistics, reports, import ---------------------------------------------------------------


def statistics_service(uow: UnitOfWork, actor: Actor, period: Period) -> Statistics:
    return statistics.statistics(uow, actor, period)


def statistics_sql(conn: sqlite3.Connection, period: Period) -> dict[str, object]:
    return _stats_sql.figures(conn, period)


def report(uow: UnitOfWork, actor: Actor, period: Period, fmt: ReportFormat) -> bytes:
    """A report end to end: the figures with their labels, then the file."""
    return reporting.render(reporting.content(uow, actor, period), fmt)


def import_once(csv: Path, db: Path, encrypted: bool = False) -> float:
    """Import ``csv`` into a new database at ``db`` (an encrypted one, as the office's is by
    default, when ``encrypted``); returns the milliseconds of the import."""
    return import_into(csv, str(db), encrypted)


def import_into(csv: Path, db: str, encrypted: bool = False) -> float:
    """Import ``csv`` into the new (empty) database ``db``, a file path or a URL."""
    paths = resolve(db)
    ctx = create_office(paths, encrypted=True)[0] if encrypted else open_app(paths, create=True)
    try:
        return timed_import(ctx.uow, Actor.system("benchmark"), csv)
    finally:
        ctx.close()


def timed_import(uow: UnitOfWork, actor: Actor, csv: Path) -> float:
    """The milliseconds of importing ``csv`` as ``actor``; a failed import stops the run."""
    start = now_ms()
    result = import_file(uow, actor, csv)
    elapsed = now_ms() - start
    if not result.ok or not result.created_records:
        raise SystemExit(f"the import of {csv} failed: {result.problems[:3]}")
    return elapsed


def alternate(
    items: Sequence[T], first: Callable[[T], object], second: Callable[[T], object]
) -> tuple[list[float], list[float]]:
    """Time ``first`` and ``second`` on every item, in alternating order (neither always warms
    the cache for the other)."""
    a: list[float] = []
    b: list[float] = []
    for n, item in enumerate(items):
        if n % 2:
            b.append(timed(second, item))
            a.append(timed(first, item))
        else:
            a.append(timed(first, item))
            b.append(timed(second, item))
    return a, b
