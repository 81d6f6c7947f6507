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
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    CompoundSelect,
    Integer,
    MetaData,
    Select,
    Table,
    and_,
    select,
    union,
)
from sqlalchemy.orm import Session

from welcome_center.db.models import Consultation, Record, Referral
from welcome_center.domain.enums import RecordKind
from welcome_center.domain.statistics import NOT_RECORDED, Breakdown, Period, ordered


def within(column: Any, p: Period) -> ColumnElement[bool]:
    return column.between(p.start, p.end)  # type: ignore[no-any-return]


def active(p: Period) -> CompoundSelect[Any]:
    """The ids of the records active in ``p`` (opened, promoted, closed, consulted, referred)."""
    return union(
        select(Record.id).where(within(Record.opened_on, p)),
        select(Record.id).where(within(Record.promoted_on, p)),
        select(Record.id).where(within(Record.closed_on, p)),
        select(Consultation.record_id).where(within(Consultation.held_on, p)),
        select(Referral.record_id).where(within(Referral.referred_on, p)),
    )


@dataclass(frozen=True)
class Scope:
    """A period, and where its active records' ids come from: the union query, or a temporary
    table that ``compute`` fills once so that the breakdowns do not each repeat the union; the
    same for the ids of the persons and the organisations advised (the clients of those
    records), which the funders' breakdowns read each (a table each saves every one of them
    looking up the active records again)."""

    period: Period
    ids: Select[Any] | CompoundSelect[Any] | None = None
    persons: Select[Any] | None = None
    organisations: Select[Any] | None = None

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


def _id_table(name: str) -> Table:
    return Table(name, MetaData(), Column("id", Integer, primary_key=True), prefixes=["TEMPORARY"])


# Defined once, so that the statements over them are compiled once (SQLAlchemy caches by table).
_ACTIVE_IDS = _id_table("statistics_active")
_PERSON_IDS = _id_table("statistics_persons")
_ORGANISATION_IDS = _id_table("statistics_organisations")
_TABLES = (_ACTIVE_IDS, _PERSON_IDS, _ORGANISATION_IDS)


def _clients(column: Any) -> Select[Any]:
    """The distinct non-empty ``column`` of the records in the active table."""
    return (
        select(column).distinct()
        .where(Record.id.in_(select(_ACTIVE_IDS.c.id)), column.is_not(None))
    )  # fmt: skip


@contextmanager
def materialised(s: Session, p: Period) -> Iterator[Scope]:
    """A Scope over temporary tables of the active records' ids and of their clients' ids
    (SQLite and PostgreSQL alike)."""
    conn = s.connection()
    for table in _TABLES:
        # Kept on the connection for the next call: SQLite's driver runs the DDL outside the read
        # transaction, whose rollback would otherwise undo a DROP but not the CREATE.
        table.create(conn, checkfirst=True)
        conn.execute(table.delete())
    try:
        conn.execute(_ACTIVE_IDS.insert().from_select(["id"], active(p)))
        conn.execute(_PERSON_IDS.insert().from_select(["id"], _clients(Record.client_person_id)))
        conn.execute(
            _ORGANISATION_IDS.insert().from_select(["id"], _clients(Record.client_organisation_id))
        )
        yield Scope(
            p,
            select(_ACTIVE_IDS.c.id),
            select(_PERSON_IDS.c.id),
            select(_ORGANISATION_IDS.c.id),
        )
    finally:
        for table in _TABLES:
            conn.execute(table.delete())


def case_by(p: Period) -> ColumnElement[bool]:
    """A case by the end of ``p``: a case now, and one since a day on or before ``p.end``."""
    return and_(Record.kind == RecordKind.CASE, Record.promoted_on <= p.end)


def count(s: Session, stmt: Select[Any]) -> int:
    return int(s.scalar(stmt) or 0)


def grouped(s: Session, stmt: Select[str | None, int]) -> Breakdown:
    counts: dict[str, int] = {}
    for code, n in s.execute(stmt):
        key = code if code else NOT_RECORDED
        counts[key] = counts.get(key, 0) + int(n)
    return ordered(counts)
