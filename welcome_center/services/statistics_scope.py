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
    table that ``compute`` fills once so that the breakdowns do not each repeat the union."""

    period: Period
    ids: Select[Any] | CompoundSelect[Any] | None = None

    @property
    def active_ids(self) -> Select[Any] | CompoundSelect[Any]:
        return self.ids if self.ids is not None else active(self.period)


def worked(scope: Scope) -> ColumnElement[bool]:
    """Records active in the period: the enquiries worked."""
    return Record.id.in_(scope.active_ids)


# Defined once, so that the statements over it are compiled once (SQLAlchemy caches by table).
_ACTIVE_IDS = Table(
    "statistics_active", MetaData(), Column("id", Integer, primary_key=True),
    prefixes=["TEMPORARY"],
)  # fmt: skip


@contextmanager
def materialised(s: Session, p: Period) -> Iterator[Scope]:
    """A Scope over a temporary table of the active records' ids (SQLite and PostgreSQL alike)."""
    table = _ACTIVE_IDS
    conn = s.connection()
    # Kept on the connection for the next call: SQLite's driver runs the DDL outside the read
    # transaction, whose rollback would otherwise undo a DROP but not the CREATE.
    table.create(conn, checkfirst=True)
    conn.execute(table.delete())
    try:
        conn.execute(table.insert().from_select(["id"], active(p)))
        yield Scope(p, select(table.c.id))
    finally:
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
