"""What every figure of ``services.statistics`` stands on: the period's active records (as a
union query, or once in a temporary table) and the small helpers of its SQL. Its own module so
that the figures and the breakdowns (``services.statistics_breakdowns``) share it.

A record is *active* in a period when it was opened, consulted, referred, promoted or closed on a
day of it. A record counts as a case in a period when it is a case now and became one (opened as a
case, or promoted) on or before the period's last day, so that a later promotion does not change
the figures of a month already reported.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    CompoundSelect,
    FromClause,
    Integer,
    MetaData,
    Select,
    Table,
    and_,
    select,
    union,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from welcome_center.db import activity
from welcome_center.db.models import Person, Record
from welcome_center.domain.enums import RecordKind
from welcome_center.domain.statistics import NOT_RECORDED, Breakdown, Period, ordered


def within(column: Any, p: Period) -> ColumnElement[bool]:
    return column.between(p.start, p.end)  # type: ignore[no-any-return]


def active(p: Period) -> Select[Any] | CompoundSelect[Any]:
    """The ids of the records active in ``p`` (opened, promoted, closed, consulted, referred):
    of whole months from the months kept per record (db/activity.py: at 300,000 records on a
    server a month's 28,000 ids in 3 ms instead of 33 ms, the trend's twelve months in 0.25 s
    instead of 0.72 s, measured one after the other), of any other period from the five
    tables, with the same result."""
    if p.whole_months():
        months = activity.MONTHS.c
        return select(months.record_id).where(months.month.between(p.start, p.end))
    return union(*(select(rid).where(within(day, p)) for rid, day in activity.ACTIVE_DAYS))


# The columns of the active records, and of the persons advised, that the figures and the
# breakdowns read (``Scope.records``, ``Scope.people``).
RECORD_COLUMNS = ("kind", "promoted_on", "client_person_id", "client_organisation_id",
                  "requester_type", "channel", "municipality", "counsellor_id")  # fmt: skip
PERSON_COLUMNS = ("gender", "employment_status", "education", "german_level", "nationality",
                  "birth_year")  # fmt: skip


@dataclass(frozen=True)
class Scope:
    """A period, and where its active records come from: the union query, or a temporary
    table that ``compute`` fills once, with the columns the figures read, so that the figures
    and breakdowns neither repeat the union nor each look up the same records' rows again (at
    300,000 records a month's breakdown by channel read its 27,000 records' rows for 20 ms, the
    temporary table's in 3 ms); the same for the persons advised (the clients of those
    records, with their facts) and the ids of the organisations advised."""

    period: Period
    ids: Select[Any] | CompoundSelect[Any] | None = None
    persons: Select[Any] | None = None
    organisations: Select[Any] | None = None
    record_table: Table | None = None
    person_table: Table | None = None

    @property
    def records(self) -> FromClause:
        """The active records with :data:`RECORD_COLUMNS` (and ``id``)."""
        if self.record_table is not None:
            return self.record_table
        columns = [Record.__table__.c[k] for k in ("id", *RECORD_COLUMNS)]
        return select(*columns).where(worked(self)).subquery("statistics_records")

    @property
    def people(self) -> FromClause:
        """The persons advised with :data:`PERSON_COLUMNS` (and ``id``)."""
        if self.person_table is not None:
            return self.person_table
        columns = [Person.__table__.c[k] for k in ("id", *PERSON_COLUMNS)]
        where = Person.id.in_(self.person_ids)
        return select(*columns).where(where).subquery("statistics_people")

    @property
    def active_ids(self) -> Select[Any] | CompoundSelect[Any]:
        return self.ids if self.ids is not None else active(self.period)

    @property
    def person_ids(self) -> Select[Any]:
        """The persons advised: clients of an enquiry worked (each once)."""
        if self.persons is not None:
            return self.persons
        return select(Record.client_person_id).where(worked(self))

    @property
    def organisation_ids(self) -> Select[Any]:
        """The organisations advised: clients of an enquiry worked."""
        if self.organisations is not None:
            return self.organisations
        return select(Record.client_organisation_id).where(worked(self))


def worked(scope: Scope) -> ColumnElement[bool]:
    """Records active in the period: the enquiries worked."""
    return Record.id.in_(scope.active_ids)


def _temporary(
    name: str,
    source: FromClause | None = None,
    columns: tuple[str, ...] = (),
    keyed: bool = True,
) -> Table:
    """A temporary table of ids and ``columns`` of the same types as in ``source``; the ids its
    primary key if ``keyed``."""
    copies = [Column(k, source.c[k].type) for k in columns] if source is not None else []
    return Table(
        name,
        MetaData(),
        Column("id", Integer, primary_key=keyed),
        *copies,
        prefixes=["TEMPORARY"],
    )


# Defined once, so that the statements over them are compiled once (SQLAlchemy caches by table).
# Named anew whenever their columns change: a server's pooled connection keeps a temporary
# table of an older program for its life.
_ACTIVE = _temporary("statistics_active_records", Record.__table__, RECORD_COLUMNS)
_PERSONS = _temporary("statistics_people", Person.__table__, PERSON_COLUMNS)
_ORGANISATION_IDS = _temporary("statistics_organisations")
_TABLES = (_ACTIVE, _PERSONS, _ORGANISATION_IDS)
# The cases by a day (cases_by). On a server without a key: the trend's months each read it
# whole, hashed, and writing its index cost more than it saved (at 300,000 records the trend
# took 0.50 s with the key and 0.41 s without, medians of seven back to back). SQLite looks
# each active record up by the key (0.30 to 0.32 s with it, 0.41 s without).
_CASES = _temporary("statistics_cases", Record.__table__, ("promoted_on",))
_CASES_UNKEYED = _temporary("statistics_cases_by", Record.__table__, ("promoted_on",), keyed=False)


def _clients(column: str) -> Select[Any]:
    """The distinct non-empty ``column`` of the records in the active table."""
    found = _ACTIVE.c[column]
    return select(found).distinct().where(found.is_not(None))


@contextmanager
def materialised(s: Session, p: Period) -> Iterator[Scope]:
    """A Scope over temporary tables of the active records' ids and of their clients' ids
    (SQLite and PostgreSQL alike)."""
    conn = s.connection()
    for table in _TABLES:
        # Kept on the connection for the next call: SQLite's driver runs the DDL outside the read
        # transaction, whose rollback would otherwise undo a DROP but not the CREATE.
        table.create(conn, checkfirst=True)
    _clear(conn, _TABLES)
    try:
        records = [Record.__table__.c[k] for k in ("id", *RECORD_COLUMNS)]
        rows = select(*records).where(Record.id.in_(active(p)))
        conn.execute(_ACTIVE.insert().from_select(["id", *RECORD_COLUMNS], rows))
        persons = [Person.__table__.c[k] for k in ("id", *PERSON_COLUMNS)]
        people = select(*persons).where(Person.id.in_(_clients("client_person_id")))
        conn.execute(_PERSONS.insert().from_select(["id", *PERSON_COLUMNS], people))
        conn.execute(
            _ORGANISATION_IDS.insert().from_select(["id"], _clients("client_organisation_id"))
        )
        yield Scope(
            p,
            select(_ACTIVE.c.id),
            select(_PERSONS.c.id),
            select(_ORGANISATION_IDS.c.id),
            _ACTIVE,
            _PERSONS,
        )
    finally:
        _clear(conn, _TABLES)


def _clear(conn: Connection, tables: tuple[Table, ...]) -> None:
    """Empty the temporary ``tables``: on PostgreSQL with one TRUNCATE (a year's 100,000 rows
    took 20 to 50 ms a table to DELETE), on SQLite with DELETE (which truncates there)."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("TRUNCATE " + ", ".join(table.name for table in tables))
    else:
        for table in tables:
            conn.execute(table.delete())


@contextmanager
def cases_by(s: Session, day: date) -> Iterator[Table]:
    """A temporary table of the records that are cases and became one on or before ``day``
    (id, promoted_on), read from the promotion index alone (migration 0020): the trend's
    months each count their cases among it instead of among the records' own rows (on a file
    looked up by key, on a server hashed: see _CASES_UNKEYED)."""
    conn = s.connection()
    cases = _CASES_UNKEYED if conn.dialect.name == "postgresql" else _CASES
    cases.create(conn, checkfirst=True)  # kept on the connection (see materialised)
    _clear(conn, (cases,))
    try:
        rows = select(Record.id, Record.promoted_on).where(case_by(Period(day, day)))
        conn.execute(cases.insert().from_select(["id", "promoted_on"], rows))
        yield cases
    finally:
        _clear(conn, (cases,))


def case_by(p: Period, records: FromClause | None = None) -> ColumnElement[bool]:
    """A case by the end of ``p``: a case now, and one since a day on or before ``p.end``
    (of ``records``' rows: the records table's, or a scope's :attr:`Scope.records`)."""
    c = records.c if records is not None else Record.__table__.c
    return and_(c.kind == RecordKind.CASE, c.promoted_on <= p.end)


def count(s: Session, stmt: Select[Any]) -> int:
    return int(s.scalar(stmt) or 0)


def grouped(s: Session, stmt: Select[str | None, int]) -> Breakdown:
    counts: dict[str, int] = {}
    for code, n in s.execute(stmt):
        key = code if code else NOT_RECORDED
        counts[key] = counts.get(key, 0) + int(n)
    return ordered(counts)
