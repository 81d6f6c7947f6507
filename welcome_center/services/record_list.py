"""The record list: ids filtered and sorted in SQL, list lines fetched in blocks, and export.

The desk's table model holds the ordered id list from :func:`record_ids` and asks for the lines
it shows with :func:`record_rows`, a block at a time, so that 100,000 records stay smooth. A
search shows its first page of matches (:func:`first_page`), fetches more as the list is
scrolled (:func:`record_page`) and is counted apart (:func:`record_count`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, exists, func, select, union_all
from sqlalchemy.orm import Session

from welcome_center.db import search as db_search
from welcome_center.db.engine import planned_each_time
from welcome_center.db.models import (
    FollowUp,
    Organisation,
    Person,
    Record,
    RecordTopic,
    User,
)
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.audit import AuditAction
from welcome_center.domain.dates import office_today
from welcome_center.domain.enums import ClientKind, RecordStatus, Vocabulary
from welcome_center.domain.errors import PermissionDeniedError
from welcome_center.domain.permissions import Permission
from welcome_center.domain.queries import RecordQuery, RecordSort
from welcome_center.domain.views import ClientRef, RecordSummary
from welcome_center.i18n import _, format_short_date, language
from welcome_center.i18n.labels import client_name, label
from welcome_center.reports import table_export
from welcome_center.services import audit, record_views, visibility, vocabularies
from welcome_center.services.context import Actor

T = TypeVar("T")
MAX_BLOCK = 1000
FIRST_PAGE = 100  # the ids a search shows first; the rest follow as the list is scrolled
# A search sorted by opening date reads its page along the date's index, testing the newest
# records one by one, at least WALK_WINDOW beyond the offset, where many records match (on
# PostgreSQL: by the planner's estimate; db/search.py: walk_plan): 1 ms for "Ha" on PostgreSQL
# at 100,000 records, where reading the matches first takes 140 ms (36,000 of them) and testing
# 3,000 records 10 ms. (WALK_FROM: the estimate from which the benchmark's hand-written SQL
# walks, benchmarks/_measures.py.)
WALK_FROM = 2000
WALK_WINDOW = 3000


def is_open() -> ColumnElement[bool]:
    """An open enquiry or case: not closed (the Today page's "my open enquiries and cases")."""
    return Record.status != RecordStatus.CLOSED


def _filtered(s: Session, q: RecordQuery, actor: Actor) -> Select[int] | None:
    """The ids ``q`` selects among those the actor sees (unordered); None when a search has
    nothing searchable."""
    listed = _listed(s, q, actor)
    if not q.text.strip():
        return listed
    found = db_search.matching_ids(s, q.text)
    return None if found is None else listed.where(Record.id.in_(found))


def _listed(s: Session, q: RecordQuery, actor: Actor) -> Select[int]:
    """The ids ``q``'s filters other than the search words select among those the actor sees."""
    stmt = select(Record.id).where(visibility.visible_records(s, actor))
    if q.kind is not None:
        stmt = stmt.where(Record.kind == q.kind)
    if q.anonymous_only:
        stmt = stmt.where(Record.anonymous)
    if q.status is not None:
        stmt = stmt.where(Record.status == q.status)
    if q.open_only:
        stmt = stmt.where(is_open())
    if q.unassigned:
        stmt = stmt.where(Record.counsellor_id.is_(None))
    elif q.counsellor_id is not None:
        stmt = stmt.where(Record.counsellor_id == q.counsellor_id)
    if q.topic:
        stmt = stmt.where(
            exists().where(and_(RecordTopic.record_id == Record.id, RecordTopic.topic == q.topic))
        )
    if q.requester_type:
        stmt = stmt.where(Record.requester_type == q.requester_type)
    if q.opened_from is not None:
        stmt = stmt.where(Record.opened_on >= q.opened_from)
    if q.opened_to is not None:
        stmt = stmt.where(Record.opened_on <= q.opened_to)
    if q.overdue_only:
        stmt = stmt.where(
            exists().where(
                and_(
                    FollowUp.record_id == Record.id,
                    FollowUp.done_on.is_(None),
                    FollowUp.due_on < office_today(),
                )
            )
        )
    return stmt


def _ordered(stmt: Select[int], q: RecordQuery) -> Select[int]:
    def direction(col: object) -> object:
        return col.desc() if q.descending else col.asc()  # type: ignore[attr-defined]

    if q.sort is RecordSort.CLIENT:
        stmt = stmt.outerjoin(Person, Person.id == Record.client_person_id).outerjoin(
            Organisation, Organisation.id == Record.client_organisation_id
        )
        key: Any = func.coalesce(Organisation.name_key, Person.name_key)
    elif q.sort is RecordSort.COUNSELLOR:
        stmt = stmt.outerjoin(User, User.id == Record.counsellor_id)
        key = func.coalesce(User.display_name, "")
    else:
        key = {
            RecordSort.NUMBER: Record.number,
            RecordSort.KIND: Record.kind,
            RecordSort.STATUS: Record.status,
            RecordSort.OPENED_ON: Record.opened_on,
        }[q.sort]
    return stmt.order_by(direction(key), direction(Record.id))  # type: ignore[arg-type]


def record_ids(uow: UnitOfWork, actor: Actor, query: RecordQuery) -> list[int]:
    """The ids of the records that ``query`` selects among those the actor sees, in its order
    (filtered in SQL)."""
    actor.require(Permission.WORK_RECORDS)
    with uow.read() as s:
        stmt = _filtered(s, query, actor)
        if stmt is None:
            return []
        # Plain integers straight from the driver: tens of thousands of ids need no result
        # processing, which took a third of the time of a search for a common word.
        result = s.connection().execute(_ordered(stmt, query))
        try:
            return [row[0] for row in result.cursor.fetchall()]
        finally:
            result.close()


def record_page(
    uow: UnitOfWork, actor: Actor, query: RecordQuery, offset: int = 0, limit: int = FIRST_PAGE
) -> list[int]:
    """``limit`` ids of the list that ``query`` selects, from ``offset`` on, in its order: what
    the desk shows while a counsellor types, without counting or sorting every match of a
    common word (the newest 100 of 35,000 lie among the newest few hundred records)."""
    actor.require(Permission.WORK_RECORDS)
    with _statements(uow) as s:
        read = _reader(s)
        return _page(s, actor, query, max(offset, 0), max(limit, 0), read)


def first_page(
    uow: UnitOfWork, actor: Actor, query: RecordQuery, limit: int, shown: int
) -> tuple[list[int], list[RecordSummary]]:
    """The first ``limit`` ids of the list (:func:`record_page`) and the lines of the first
    ``shown`` of them: what a search shows first. Sorted by date (as while typing), the page
    and its lines are one query: on a server every round trip counts."""
    actor.require(Permission.WORK_RECORDS)
    limit, shown = max(limit, 0), min(max(shown, 0), MAX_BLOCK)
    with _statements(uow) as s:
        if query.text.strip() and query.sort is RecordSort.OPENED_ON:
            found = _page(s, actor, query, 0, limit, lambda page: _lines_of_page(s, page, query))
            return [line.id for line in found], found[:shown]
        ids = _page(s, actor, query, 0, limit, _reader(s))
        return ids, lines(s, ids[:shown])


@contextmanager
def _statements(uow: UnitOfWork) -> Iterator[Session]:
    """A read session whose statements each stand alone. On a server without BEGIN and
    ROLLBACK, two round trips of a search's five: there each statement of a transaction sees
    the data as of its own start anyway (READ COMMITTED), and nothing is written. On a file, a
    read transaction as ever (one snapshot for all its statements). On a server each statement
    is planned for its words and window (:func:`planned_each_time`)."""
    with uow.read() as s:
        if uow.db.is_sqlite:
            yield s
            return
        conn = s.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        with planned_each_time(conn):
            yield s


def _reader(s: Session) -> Callable[[Select[Any]], list[int]]:
    return lambda page: [int(i) for i in s.scalars(page)]


def _page(
    s: Session,
    actor: Actor,
    query: RecordQuery,
    offset: int,
    limit: int,
    read: Callable[[Select[Any]], list[T]],
) -> list[T]:
    """What ``read`` makes of the SELECT of the page's ids (in the list's order): the ids, or
    their lines. Sorted by date, along the newest records where many match (:func:`_walk`),
    and where the walk found too few, from the matches: on a server, where the walk tests the
    records against the hashed list of matches, both in one statement, the second part run
    only where the first found too few."""
    by_date = bool(query.text.strip()) and query.sort is RecordSort.OPENED_ON
    listed = _listed(s, query, actor)
    found: Any = None
    if query.text.strip():
        found = db_search.matching_ids(s, query.text, first=by_date)
        if found is None:  # nothing searchable typed
            return []

    def matches() -> Select[Any]:  # built where needed: a walk that finds its page needs none
        return _ordered(listed if found is None else listed.where(Record.id.in_(found)), query)

    walk = None
    if by_date:
        walk = db_search.walk_plan(s, query.text, offset + limit, offset + WALK_WINDOW)
    if walk is None:
        return read(matches().offset(offset).limit(limit))
    walked = _walk(s, listed, query, offset, limit, walk, found)
    if walk.hashed and s.get_bind().dialect.name != "sqlite":
        return read(_walked_else_matches(walked, matches(), query, offset, limit))
    # Apart on a file (no round trips) and for the walk over the records' documents, which
    # finds its page all but always: with the matches of a common word beside it, the server's
    # cost estimate of the statement rose past where it compiles the plan first (JIT, 10 ms).
    rows = read(walked)
    return rows if len(rows) >= limit else read(matches().offset(offset).limit(limit))


def _walked_else_matches(
    walked: Select[Any], matches: Select[Any], query: RecordQuery, offset: int, limit: int
) -> Select[Any]:
    """One SELECT of the page: the walk's rows where it found ``limit`` of them, else the page
    read from the matches. The walk is read once (a CTE named twice is materialised)."""
    first = walked.cte("walked")
    enough = select(func.count()).select_from(first).scalar_subquery() >= limit
    either = union_all(
        select(first.c.id, first.c.opened_on).where(enough),
        matches.add_columns(Record.opened_on).where(~enough).offset(offset).limit(limit),
    ).subquery("found")
    return select(either.c.id).order_by(*_by_date((either.c.opened_on, either.c.id), query))


def _by_date(key: tuple[Any, Any], query: RecordQuery) -> list[Any]:
    return [c.desc() if query.descending else c.asc() for c in key]


def _walk(
    s: Session,
    listed: Select[int],
    query: RecordQuery,
    offset: int,
    limit: int,
    walk: db_search.Walk,
    found: Any,
) -> Select[Any]:
    """The page read along the opening date's index: the newest ``walk.window`` records the
    other filters list (``listed``), each tested for the words (``walk.hashed``: against the
    matches ``found``), until ``limit`` match beyond ``offset``. Fewer than ``limit`` when the
    words are rarer among them than the estimate said (a record number's words are each
    common); the caller then reads from the matches."""
    window = (
        _ordered(listed.add_columns(Record.opened_on), query).limit(walk.window).subquery("newest")
    )
    matches = found if walk.hashed else None
    return (
        select(window.c.id, window.c.opened_on)
        .where(db_search.row_matches(s, query.text, window.c.id, matches))
        .order_by(*_by_date((window.c.opened_on, window.c.id), query))
        .offset(offset)
        .limit(limit)
    )


def record_count(uow: UnitOfWork, actor: Actor, query: RecordQuery) -> int:
    """How many records ``query`` selects among those the actor sees (the list's total, which
    the desk asks for after showing the first page)."""
    actor.require(Permission.WORK_RECORDS)
    with _statements(uow) as s:
        stmt = _filtered(s, query, actor)
        if stmt is None:
            return 0
        return s.scalar(select(func.count()).select_from(stmt.subquery())) or 0


def record_rows(uow: UnitOfWork, actor: Actor, ids: Sequence[int]) -> list[RecordSummary]:
    """List lines for ``ids`` (at most :data:`MAX_BLOCK`), in the order given; ids of records
    the actor does not see are left out."""
    actor.require(Permission.WORK_RECORDS)
    with uow.read() as s:
        return lines(s, visibility.seen_record_ids(s, actor, list(ids[:MAX_BLOCK])))


_TOPICS_SEP = "\x1f"  # between a record's topic codes in one column (codes are plain words)


def lines(s: Session, ids: list[int]) -> list[RecordSummary]:
    """List lines in one plain query (records with names, their topics as one column): a block
    of the list is read in a few milliseconds, without building ORM objects, and in one round
    trip to a server."""
    if not ids:
        return []
    rows = s.execute(_line_columns().where(Record.id.in_(ids))).all()
    by_id = {r.id: _summary(r) for r in rows}
    return [by_id[i] for i in ids if i in by_id]


def _lines_of_page(s: Session, page: Select[Any], query: RecordQuery) -> list[RecordSummary]:
    """The lines of a page of a list sorted by date, read with the page in one query."""
    ids = page.subquery("page")
    order = (Record.opened_on, Record.id)
    stmt = _line_columns().join(ids, ids.c.id == Record.id).order_by(*_by_date(order, query))
    return [_summary(r) for r in s.execute(stmt)]


def _line_columns() -> Select[*tuple[Any, ...]]:
    topic_codes = (
        select(func.aggregate_strings(RecordTopic.topic, _TOPICS_SEP))
        .where(RecordTopic.record_id == Record.id)
        .scalar_subquery()
    )
    columns: Select[*tuple[Any, ...]] = (
        select(
            Record.id, Record.number, Record.kind, Record.status, Record.opened_on,
            Record.closed_on, Record.client_person_id, Record.client_organisation_id,
            Person.family_name, Person.given_name, Organisation.name, User.display_name,
            User.username, topic_codes.label("topic_codes"),
        )
        .outerjoin(Person, Person.id == Record.client_person_id)
        .outerjoin(Organisation, Organisation.id == Record.client_organisation_id)
        .outerjoin(User, User.id == Record.counsellor_id)
    )  # fmt: skip
    return columns


def _summary(r: Any) -> RecordSummary:
    client: ClientRef | None = None  # an anonymous enquiry: neither
    if r.client_person_id is not None:
        name = record_views.person_name(r.family_name, r.given_name)
        client = ClientRef(ClientKind.PERSON, r.client_person_id, name)
    elif r.client_organisation_id is not None:
        client = ClientRef(ClientKind.ORGANISATION, r.client_organisation_id, r.name)
    counsellor = (r.display_name or r.username) if r.username else None
    topics = r.topic_codes.split(_TOPICS_SEP) if r.topic_codes else ()
    return RecordSummary(
        id=r.id,
        number=r.number,
        kind=r.kind,
        status=r.status,
        client=client,
        opened_on=r.opened_on,
        closed_on=r.closed_on,
        counsellor=counsellor,
        topics=tuple(sorted(topics)),
    )


def export_list(uow: UnitOfWork, actor: Actor, ids: Sequence[int], path: Path) -> int:
    """Write the listed records to ``path`` (``.xlsx`` or ``.csv``); returns the rows written.

    A list with client names leaving the program needs its own permission (DOMAIN.md, need to
    know), holds only records the actor sees, and is audited as ``export_list`` with its row
    count; cells that a spreadsheet would run as a formula are written as text."""
    actor.require(Permission.WORK_RECORDS)
    if not actor.may(Permission.EXPORT_NAMES):
        raise PermissionDeniedError(
            _(
                "Exporting a list with client names needs a permission of its own; an "
                "administrator grants it on the Users tab."
            )
        )
    header = [
        _("Number"), _("Kind"), _("Status"), _("Client"), _("Opened"), _("Closed"),
        _("Counsellor"), _("Topics"),
    ]  # fmt: skip
    with uow.begin() as s:
        lang = language()
        topics = {e.code: e.label(lang) for e in vocabularies.entries(s, Vocabulary.TOPIC)}
        rows: list[list[object]] = []
        seen = visibility.seen_record_ids(s, actor, list(ids))
        for start in range(0, len(seen), MAX_BLOCK):
            for r in lines(s, seen[start : start + MAX_BLOCK]):
                rows.append([
                    r.number, label(r.kind), label(r.status), client_name(r.client),
                    r.opened_on, r.closed_on, r.counsellor or "",
                    ", ".join(topics.get(t, t) for t in r.topics),
                ])  # fmt: skip
        table_export.write_table(path, _("Records"), header, rows, format_short_date)
        audit.log(s, actor, AuditAction.EXPORT_LIST, "record", None, detail=f"rows={len(rows)}")
    return len(rows)
