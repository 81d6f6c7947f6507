"""Full-text search over records: number, names of client and parties, summary and notes.

One function each for building the index and for querying it, so that the PostgreSQL branch
lives here and nowhere else. On SQLite the index is the FTS5 table ``record_search`` (created by
the initial migration); on PostgreSQL a plain table of the same documents, folded, with their
words as a ``tsvector`` column under a GIN index (migration 0018, ``db/server_search.py``).
Documents are built in Python so that names can be indexed in their folded spelling too
("Müller" is also found as "Mueller").
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    TextualSelect,
    bindparam,
    cast,
    column,
    event,
    literal,
    select,
    table,
    text,
    true,
)
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, sessionmaker

from welcome_center.db import activity, bulk, name_keys, server_search
from welcome_center.db.models import (
    Consultation,
    Organisation,
    Person,
    Record,
    RecordParty,
    Referral,
)
from welcome_center.domain.text import name_variants, strip_accents

_TOUCHED = "search_touched"
_TRACKED = "_welcome_center_search_tracked"
_CHUNK = 500
_INSERT = (
    "INSERT INTO record_search(rowid, number, names, body) VALUES (:id, :number, :names, :body)"
)
# On a server, two desks may reindex the same record at the same moment (consultations saved on
# it by both): the second insert then updates the row the first one wrote instead of failing on
# the key. SQLite's writers take turns, FTS5 needs no such clause.
_SERVER_INSERT = (
    "INSERT INTO record_search(rowid, number, names, body, doc) "
    "VALUES (:id, :number, :names, :body, CAST(:doc AS tsvector)) "
    "ON CONFLICT (rowid) DO UPDATE SET number = EXCLUDED.number, names = EXCLUDED.names, "
    "body = EXCLUDED.body, doc = EXCLUDED.doc"
)


def fts_query(user_text: str) -> str:
    """An FTS5 MATCH expression for what a user typed: every token quoted, as a prefix, in its
    written and (where it differs for the index) folded spelling. Returns "" when nothing
    searchable was typed."""
    terms = []
    # FTS5 reads a NUL character as the end of the expression ("unterminated string").
    for token in user_text.replace("\x00", " ").split():
        if not any(ch.isalnum() for ch in token):
            continue
        # The folded spelling only where the index would not read the written one as it anyway
        # (case and accents it ignores itself): each extra spelling is another index scan.
        variants = name_variants(token)
        quoted = " OR ".join('"' + v.replace('"', '""') + '"*' for v in variants if v)
        terms.append(f"({quoted})")
    return " AND ".join(terms)


def match_records(session: Session, user_text: str, limit: int | None = None) -> list[int]:
    """Ids of the records matching ``user_text``, best match first."""
    found = matching_sql(session, user_text)
    if found is None:
        return []
    sql, params = found
    sql += " ORDER BY rank" if _is_sqlite(session) else " ORDER BY rowid DESC"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return [row[0] for row in session.execute(text(sql), params)]


# On a server, how a list sorted by date reads its page (:func:`walk_plan`), by the planner's
# estimate E of the matches against S = sqrt(W * T), W the rows wanted (offset and page), T all
# records: testing the newest records one by one costs about W * T / E records tested, reading
# the matches first about E rows of the index's table read from all over it and looked up
# among the records, several times dearer each (the newest records' documents lie together at
# its end); the two meet near E = S / 3 (at 300,000 records and a page of 101, S is 5,500). From
# E >= DOCUMENTS_FROM * S the newest records are tested on their documents; from HASHED_FROM * S
# against the matches read once into a hashed list (no look-up per match); below, the matches
# are looked up and sorted. Measured at 300,000 records: a word of 5,000 matches 10 ms walked on
# the documents, 26 ms walked against the hashed list and 35-57 ms read first; 2,500 matches
# 9-12 ms against the hashed list, 13-20 ms read first. A walk tests at most WALK_SPAN times
# the records that should hold its page by the estimate (and at least the caller's window),
# the matches are read after all where it found too few.
DOCUMENTS_FROM = 0.4
HASHED_FROM = 0.2
WALK_SPAN = 4.0


@dataclass(frozen=True)
class Walk:
    """How a page sorted by date is read along the newest records: at most ``window`` of them
    tested, each on its own document or (``hashed``) against the list of matches."""

    window: int
    hashed: bool


def walk_plan(session: Session, user_text: str, wanted: int, window: int) -> Walk | None:
    """How to read the first ``wanted`` matches of ``user_text`` along the newest records, at
    least ``window`` of them; None: read the matches first, look them up and sort them.

    SQLite: always worth a try, as FTS5 hands its matches over as one list, read once (2 ms
    for 11 matches, 12 ms for "Ha"'s 55,000), and a walk of a few thousand records through it
    costs a millisecond. PostgreSQL: by the planner's estimate of the matches and of all
    records, asked in one round trip (see DOCUMENTS_FROM): its estimate is close for words and
    too high for phrases such as record numbers, whose words are each common, where the walk
    then finds too few and the matches are read after all."""
    if _is_sqlite(session):
        return Walk(window, hashed=True)
    found = matching_sql(session, user_text, estimate=True)
    if found is None:
        return None
    sql, params = found
    # One EXPLAIN for both figures: the matches' estimate and the table's row count.
    plan = session.execute(text(f"EXPLAIN (FORMAT JSON) {sql} {_ALL_ROWS}"), params).scalar_one()
    # The append's two members; under row-level security the policies' sub-selects come too.
    members = [p for p in plan[0]["Plan"]["Plans"] if p.get("Parent Relationship") == "Member"]
    estimate, total = (float(p["Plan Rows"]) for p in members)
    scale = math.sqrt(max(wanted, 1) * total)
    if estimate < HASHED_FROM * scale:
        return None
    span = int(WALK_SPAN * wanted * total / max(estimate, 1.0))
    return Walk(max(window, span), hashed=estimate < DOCUMENTS_FROM * scale)


_ALL_ROWS = "UNION ALL SELECT rowid FROM record_search"


def row_matches(
    session: Session, user_text: str, record_id: Any, matches: Any = None
) -> ColumnElement[bool]:
    """The condition that the record ``record_id`` (a column) matches ``user_text``, tested
    record by record, for reading the newest records until a page of matches is found
    (``services/record_list.py``). Nothing searchable typed: true. SQLite looks the id up in
    the list of matches that FTS5 makes once. PostgreSQL, given ``matches`` (the SELECT of
    :func:`matching_ids` with ``first``), looks it up in that list read once and hashed; else
    it reads the record's document by its key (its list of matches would read every match's
    row, 140 ms for "Ha")."""
    if _is_sqlite(session):
        found = matching_ids(session, user_text)
        # "+ 0": no column for the planner, which would otherwise look up every match by id.
        return true() if found is None else (record_id + 0).in_(found)
    if matches is not None:
        # "IS TRUE": a condition of its own, which the planner answers from the hashed list,
        # where a bare IN would become a join that reads every match before the first row.
        hashed: ColumnElement[bool] = record_id.in_(matches).is_(true())
        return hashed
    query = server_search.query(user_text)
    if not query:
        return true()
    docs = table("record_search", column("rowid"), column("doc"))
    doc = select(docs.c.doc).where(docs.c.rowid == record_id).scalar_subquery()
    return doc.op("@@")(cast(literal(query), TSQUERY))


def matching_ids(
    session: Session, user_text: str, first: bool = False
) -> TextualSelect | Select[tuple[int]] | None:
    """A ``SELECT rowid`` of the records matching ``user_text``, to combine with other
    conditions in SQL (``Record.id.in_(...)``); None when nothing searchable was typed.

    ``first``: the matches are read first, from the index, and the records then looked up by
    id. SQLite's planner always does so; PostgreSQL's is told by a materialised CTE, as its
    estimate for a phrase (a record number) can be far too high and it would then read 100,000
    records one by one for 11 matches (700 ms)."""
    found = matching_sql(session, user_text)
    if found is None:
        return None
    sql, params = found
    ids = text(sql).bindparams(**params).columns(rowid=Integer)
    if not first or _is_sqlite(session):
        return ids
    matches = ids.cte("matches").prefix_with("MATERIALIZED")
    return select(matches.c.rowid)


def matching_sql(
    session: Session, user_text: str, estimate: bool = False
) -> tuple[str, dict[str, object]] | None:
    """The SQL text and parameters that select the matching record ids (the dialect's way).
    On a team server a login under row-level security asks ``wc_search_ids``
    (server_functions.SEARCH_FUNCTION), for the index; ``estimate``: the plain query on the
    table, whose plan carries the planner's estimate of the matches (:func:`walk_plan`)."""
    if not _is_sqlite(session):
        found = _server_sql(user_text)
        if found is None or estimate or not _through_function(session):
            return found
        sql = "SELECT rowid FROM wc_search_ids(CAST(:q AS tsquery)) AS rowid"
        return sql, found[1]
    query = fts_query(user_text)
    if not query:
        return None
    return "SELECT rowid FROM record_search WHERE record_search MATCH :q", {"q": query}


def _is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


# The engine's execution option that says its connections search through ``wc_search_ids``:
# set at a desk's sign-in on a team server (services/server_accounts.py, open_signed_in),
# where row-level security applies to the login and ``server setup`` made the function. An
# option, not a question to the server: a search's first page is three round trips.
THROUGH_FUNCTION = "wc_search_through_function"


def _through_function(session: Session) -> bool:
    """Whether this server connection searches through ``wc_search_ids``."""
    return bool(session.get_bind().get_execution_options().get(THROUGH_FUNCTION, False))


# Likewise for the client lookup: ``wc_person_lookup`` and ``wc_organisation_lookup``
# (server_functions.CLIENT_LOOKUP).
LOOKUP_THROUGH_FUNCTION = "wc_lookup_through_function"


def looks_up_through_function(session: Session) -> bool:
    """Whether this server connection finds a client lookup's persons and organisations
    through ``wc_person_lookup`` and ``wc_organisation_lookup``."""
    return bool(session.get_bind().get_execution_options().get(LOOKUP_THROUGH_FUNCTION, False))


def through_functions(conn: Connection) -> dict[str, bool]:
    """Asked once at sign-in, as the engine's execution options: whether row-level security
    applies to this login on the index table and on the persons, and ``server setup`` made the
    functions that answer for them (a server set up by an older program has not the newer)."""
    ask = (
        "SELECT row_security_active('record_search') AND to_regproc('wc_search_ids') IS NOT NULL,"
        " row_security_active('persons') AND to_regproc('wc_person_lookup') IS NOT NULL"
        " AND to_regproc('wc_organisation_lookup') IS NOT NULL"
    )
    search, lookup = conn.execute(text(ask)).one()
    return {THROUGH_FUNCTION: bool(search), LOOKUP_THROUGH_FUNCTION: bool(lookup)}


def _server_sql(user_text: str) -> tuple[str, dict[str, object]] | None:
    """PostgreSQL: the same documents as ``tsvector`` (GIN index ``ix_record_search_doc``); every
    typed token must begin a word of the document, as FTS5's prefix match does
    (``db/server_search.py``)."""
    query = server_search.query(user_text)
    if not query:
        return None
    return "SELECT rowid FROM record_search WHERE doc @@ CAST(:q AS tsquery)", {"q": query}


def _names(*parts: str | None) -> list[str]:
    out: list[str] = []
    for part in parts:
        if part:
            out.extend(name_variants(part))
    return out


def _number_terms(number: str) -> str:
    # "WC-2024-0042" is also found as "42" and "2024-42".
    pieces = number.split("-")
    if len(pieces) == 3 and pieces[2].isdigit():
        seq = str(int(pieces[2]))
        return f"{number} {seq} {pieces[1]}-{seq}"
    return number


def reindex(session: Session, record_ids: Iterable[int], new: bool = False) -> None:
    """Rebuild the index entries of these records (in the caller's transaction), after a
    bulk write: the persons of these records written by Core get their name keys too.
    ``new``: records this transaction created (an import), which have no entries yet and
    which nobody else sees: a server takes their entries by COPY."""
    ids = sorted(set(record_ids))
    _reindex(session, ids, new)
    name_keys.catch_up(session, ids)


def _reindex(session: Session, ids: Sequence[int], new: bool = False) -> None:
    for start in range(0, len(ids), _CHUNK):
        _reindex_chunk(session, ids[start : start + _CHUNK], new)


def _reindex_chunk(session: Session, ids: Sequence[int], new: bool = False) -> None:
    docs = documents(session, ids)
    if new and bulk.copy_allowed(session, "record_search"):
        _copy_rows(session, docs)
        return
    if _is_sqlite(session):
        _delete_entries(session, ids)
    else:  # the upsert replaces an entry: only those of records gone are deleted (one round
        # trip less per save, every save waiting on the server's round trips)
        gone = set(ids) - {d["id"] for d in docs}
        if gone:
            _delete_entries(session, sorted(gone))
    if docs:
        session.execute(text(_INSERT if _is_sqlite(session) else _SERVER_INSERT), docs)


def documents(session: Session, ids: Sequence[int]) -> list[dict[str, Any]]:
    """The index entries of these records as they should be (``db check`` on a server compares
    them with the stored ones): id, number, names and body, on a server folded and with the
    words as ``doc``."""
    names: dict[int, list[str]] = defaultdict(list)
    body: dict[int, list[str]] = defaultdict(list)
    rows = session.execute(
        select(
            Record.id,
            Record.number,
            Record.summary,
            Person.family_name,
            Person.given_name,
            Organisation.name,
            Organisation.short_name,
        )
        .outerjoin(Person, Person.id == Record.client_person_id)
        .outerjoin(Organisation, Organisation.id == Record.client_organisation_id)
        .where(Record.id.in_(ids))
    ).all()
    party_rows = session.execute(
        select(
            RecordParty.record_id,
            Person.family_name,
            Person.given_name,
            Organisation.name,
            Organisation.short_name,
        )
        .outerjoin(Person, Person.id == RecordParty.person_id)
        .outerjoin(Organisation, Organisation.id == RecordParty.organisation_id)
        .where(RecordParty.record_id.in_(ids))
    ).all()
    for rid, *parts in party_rows:
        names[rid].extend(_names(*parts))
    for rid, notes in session.execute(
        select(Consultation.record_id, Consultation.notes).where(Consultation.record_id.in_(ids))
    ):
        body[rid].append(notes)
    for rid, reason, outcome in session.execute(
        select(Referral.record_id, Referral.reason, Referral.outcome).where(
            Referral.record_id.in_(ids)
        )
    ):
        body[rid].extend((reason, outcome))
    docs: list[dict[str, Any]] = [
        {
            "id": rid,
            "number": _number_terms(number),
            "names": " ".join(_names(family, given, org, short) + names[rid]),
            "body": "\n".join([summary, *body[rid]]),
        }
        for rid, number, summary, family, given, org, short in rows
    ]
    if docs and not _is_sqlite(session):
        # Stored folded, with the words as a tsvector (FTS5 folds and cuts words by itself).
        docs = [
            {k: strip_accents(v) if isinstance(v, str) else v for k, v in d.items()} for d in docs
        ]
        for d in docs:
            d["doc"] = server_search.document(str(d["number"]), str(d["names"]), str(d["body"]))
    return docs


def _delete_entries(session: Session, ids: Sequence[int]) -> None:
    session.execute(
        text("DELETE FROM record_search WHERE rowid IN :ids").bindparams(
            bindparam("ids", expanding=True)
        ),
        {"ids": [int(i) for i in ids]},
    )


def catch_up_stale(session: Session) -> list[int]:
    """On a team server (``server setup``): write anew the entries of the records whose client
    or party a login that does not see them renamed (server_functions.STALE_SEARCH), those of them
    that this session sees; returns their ids. Elsewhere nothing is ever left stale: []."""
    if _is_sqlite(session):
        return []
    if session.execute(text("SELECT to_regproc('wc_search_stale')")).scalar() is None:
        return []
    stale, stamp = session.execute(text("SELECT * FROM wc_search_stale()")).one()
    if not stale:
        return []
    seen = sorted(session.scalars(select(Record.id).where(Record.id.in_(stale))))
    if seen:
        _reindex(session, seen)
        refreshed = "SELECT wc_search_refreshed(:ids, :stamp)"
        session.execute(text(refreshed), {"ids": seen, "stamp": stamp})
    return seen


def rebuild(session: Session) -> int:
    """Rebuild the whole index, the persons' name keys and the records' active months (after
    a bulk insert); returns the number of records indexed."""
    session.execute(text("DELETE FROM record_search"))
    ids = list(session.scalars(select(Record.id).order_by(Record.id)))
    if _is_sqlite(session):
        _reindex(session, ids)
    else:
        _copy_documents(session, ids)
    name_keys.rebuild(session)
    activity.rebuild(session)
    return len(ids)


def _copy_documents(session: Session, ids: Sequence[int]) -> None:
    """PostgreSQL, into the emptied table: the documents by COPY, a chunk at a time (an upsert
    per document took a quarter of the demo's time there)."""
    # The index built once at the end: written document by document (it has no pending list,
    # migration 0018) it took most of the COPY's time, 1 ms a document.
    session.execute(text("DROP INDEX IF EXISTS ix_record_search_doc"))
    for start in range(0, len(ids), _CHUNK):
        _copy_rows(session, documents(session, ids[start : start + _CHUNK]))
    session.execute(text(_SERVER_INDEX))


def _copy_rows(session: Session, docs: Sequence[dict[str, Any]]) -> None:
    driver: Any = session.connection().connection.dbapi_connection  # psycopg's connection
    with (
        driver.cursor() as cursor,
        cursor.copy("COPY record_search (rowid, number, names, body, doc) FROM STDIN") as copy,
    ):
        for d in docs:
            copy.write_row((d["id"], d["number"], d["names"], d["body"], d["doc"]))


# As migration 0018 made it.
_SERVER_INDEX = (
    "CREATE INDEX ix_record_search_doc ON record_search USING gin (doc) WITH (fastupdate = off)"
)


# --- keeping the index current inside a unit of work --------------------------------------


def track_changes(sessions: sessionmaker[Session]) -> None:
    """Remember, per session, every object a flush writes, for :func:`sync` at commit."""
    # A flag on the factory itself, not event.contains(): SQLAlchemy's registry is keyed by
    # id(), and a new factory at the address of a collected one was taken as registered already,
    # so its sessions silently stopped updating the index.
    if not getattr(sessions, _TRACKED, False):
        event.listen(sessions, "before_flush", _before_flush)
        setattr(sessions, _TRACKED, True)


def _before_flush(session: Session, _ctx: Any, _instances: Any) -> None:
    touched: list[Any] = session.info.setdefault(_TOUCHED, [])
    touched.extend(session.new)
    touched.extend(session.dirty)
    deleted: set[int] = session.info.setdefault("search_deleted", set())
    deleted.update(obj.id for obj in session.deleted if isinstance(obj, Record))
    # A deleted consultation, referral or party changes its record's document: its words go.
    parents: set[int] = session.info.setdefault("search_parents", set())
    parents.update(
        obj.record_id
        for obj in session.deleted
        if isinstance(obj, (RecordParty, Consultation, Referral))
    )


def sync(session: Session) -> None:
    """Reindex every record the session's flushes touched. Call after the last flush."""
    session.flush()
    touched = session.info.pop(_TOUCHED, [])
    deleted = session.info.pop("search_deleted", set())
    parents = session.info.pop("search_parents", set())
    if not touched and not deleted and not parents:
        return
    record_ids: set[int] = set(parents)
    person_ids: set[int] = set()
    org_ids: set[int] = set()
    for obj in touched:
        if isinstance(obj, Record):
            record_ids.add(obj.id)
        elif isinstance(obj, (RecordParty, Consultation, Referral)):
            record_ids.add(obj.record_id)
        elif isinstance(obj, Person):
            person_ids.add(obj.id)
        elif isinstance(obj, Organisation):
            org_ids.add(obj.id)
    if person_ids or org_ids:
        record_ids.update(_records_of(session, person_ids, org_ids))
    record_ids -= deleted
    if deleted:
        _delete_entries(session, sorted(deleted))
    _reindex(session, sorted(record_ids))


def _records_of(session: Session, person_ids: set[int], org_ids: set[int]) -> set[int]:
    found: set[int] = set()
    for ids, client_col, party_col in (
        (sorted(person_ids), Record.client_person_id, RecordParty.person_id),
        (sorted(org_ids), Record.client_organisation_id, RecordParty.organisation_id),
    ):
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            found.update(session.scalars(select(Record.id).where(client_col.in_(chunk))))
            found.update(session.scalars(select(RecordParty.record_id).where(party_col.in_(chunk))))
    return found
