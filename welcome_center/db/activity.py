"""The months in which each record was active (table ``record_months``), kept current with the
records, their consultations and their referrals.

A record is active in a period when it was opened, promoted or closed in it, or a consultation
was held or a referral made in it (DOMAIN.md, "enquiries worked"). Asked of the five tables, a
month's active records are a union of about 80,000 rows that is then made distinct, at 300,000
records; a report asks it for its month, the same month a year before and each of the trend's
twelve months. The months kept here answer a period of whole months from one index instead
(``welcome_center.services.statistics_scope.active``). They are derived data, like the search
index, and rewritten the same way: at each commit for the records whose dates, consultations or
referrals the transaction wrote (:func:`track_changes`, :func:`sync`; a save that changes none
of those days, such as a referral's feedback or a record's summary, rewrites nothing), after a
bulk import (:func:`add_new`) and whole after the demonstration data (``search.rebuild``); a
deleted record's months go with it (the foreign key cascades). ``db check`` compares them with
what the five tables say (:func:`problems`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import (
    Date,
    Integer,
    Table,
    any_,
    bindparam,
    delete,
    event,
    except_,
    func,
    insert,
    inspect,
    select,
    tuple_,
    union,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.selectable import CompoundSelect

from welcome_center.db.models import Consultation, Record, RecordMonth, Referral


def _months_table() -> Table:
    table = RecordMonth.__table__
    assert isinstance(table, Table)
    return table


MONTHS = _months_table()
_CHUNK = 500
# The columns whose change may change a record's months, per model.
_DAYS: dict[type, tuple[str, ...]] = {
    Record: ("opened_on", "promoted_on", "closed_on"),
    Consultation: ("held_on", "record_id"),
    Referral: ("referred_on", "record_id"),
}
_TRACKED = "_wc_activity_tracked"
_WRITTEN = "activity_written"  # the objects written whose days may have changed
_RECORDS = "activity_records"  # record ids known before the flush (deleted, moved from)


class month_start(FunctionElement[Any]):
    """The first day of the month of a date, in SQL."""

    type = Date()
    inherit_cache = True
    name = "month_start"


@compiles(month_start, "sqlite")
def _month_start_sqlite(element: month_start, compiler: SQLCompiler, **kw: Any) -> str:
    return f"date({compiler.process(element.clauses, **kw)}, 'start of month')"


@compiles(month_start, "postgresql")
def _month_start_postgresql(element: month_start, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(date_trunc('month', {compiler.process(element.clauses, **kw)}) AS DATE)"


# What makes a record active on a day: (the record's id, the day), one pair per kind of activity.
# The figures of any period ask these too (``statistics_scope.active``).
ACTIVE_DAYS: tuple[tuple[Any, Any], ...] = (
    (Record.id, Record.opened_on),
    (Record.id, Record.promoted_on),
    (Record.id, Record.closed_on),
    (Consultation.record_id, Consultation.held_on),
    (Referral.record_id, Referral.referred_on),
)


def sources(ids: Sequence[int] | None = None, server: bool = False) -> CompoundSelect[Any]:
    """(record_id, month) of every day a record was active on, each pair once; of the records
    ``ids`` only, if given. On a server (``server``) the ids go as one array, which the five
    selects share: as lists, 2,500 placeholders per 500 records for the driver to read
    through."""
    ids_array = bindparam("ids", list(ids or ()), type_=ARRAY(Integer))
    parts = []
    for record_id, day in ACTIVE_DAYS:
        part = select(record_id.label("record_id"), month_start(day).label("month"))
        part = part.where(day.is_not(None))
        if ids is not None:
            part = part.where(record_id == any_(ids_array) if server else record_id.in_(ids))
        parts.append(part)
    return union(*parts)


def refresh(session: Session, record_ids: Iterable[int]) -> None:
    """Rewrite the months of these records from their rows as they are now (in the caller's
    transaction; a record gone has none).

    On a server the records' rows are locked first (``FOR NO KEY UPDATE``, which a colleague's
    consultation, checking its foreign key with ``FOR KEY SHARE``, does not wait for), so that
    two desks saving on one record at once rewrite its months one after the other, the second
    from what the first committed: without it, each would read the months as they were before
    both, and the second would find the first's rows in its way (a refused save) or leave a
    month the first made that its own change removed. Then one statement deletes the months
    no longer so and adds the new ones (one round trip). A file's writers take turns on the
    file anyway."""
    server = session.get_bind().dialect.name == "postgresql"
    for chunk in _chunks(record_ids):
        if not server:
            session.execute(delete(MONTHS).where(MONTHS.c.record_id.in_(chunk)))
            _insert(session, chunk)
            continue
        locked = select(Record.id).where(Record.id.in_(chunk)).order_by(Record.id)
        session.execute(locked.with_for_update(key_share=True)).all()
        now = sources(chunk, server=True).cte("now_active")
        kept = tuple_(MONTHS.c.record_id, MONTHS.c.month)
        gone = delete(MONTHS).where(
            MONTHS.c.record_id.in_(chunk), kept.not_in(select(now.c.record_id, now.c.month))
        )
        added = (
            pg_insert(MONTHS)
            .from_select(["record_id", "month"], select(now.c.record_id, now.c.month))
            .on_conflict_do_nothing()
            .add_cte(gone.cte("gone"))
        )
        session.execute(added)


def add_new(session: Session, record_ids: Iterable[int]) -> None:
    """Write the months of records this transaction created in bulk (an import): nobody else
    sees them yet and they have no months, so neither a lock nor a delete is needed (at
    10,000 records on a server a :func:`refresh` took 0.7 to 0.8 s)."""
    for chunk in _chunks(record_ids):
        _insert(session, chunk)


def _chunks(record_ids: Iterable[int]) -> Iterator[list[int]]:
    ids = sorted(set(record_ids))
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def _insert(session: Session | Connection, ids: Sequence[int] | None = None) -> None:
    """The months of the records ``ids`` (of all records without), from their rows."""
    bind = session.get_bind() if isinstance(session, Session) else session
    server = bind.dialect.name == "postgresql"
    session.execute(insert(MONTHS).from_select(["record_id", "month"], sources(ids, server)))


def track_changes(sessions: sessionmaker[Session]) -> None:
    """Remember, per session, what a flush writes that may change a record's months
    (idempotent; a flag on the factory, as ``search.track_changes`` does)."""
    if not getattr(sessions, _TRACKED, False):
        event.listen(sessions, "before_flush", _before_flush)
        setattr(sessions, _TRACKED, True)


def _before_flush(session: Session, _ctx: Any, _instances: Any) -> None:
    written: list[Any] = session.info.setdefault(_WRITTEN, [])
    records: set[int] = session.info.setdefault(_RECORDS, set())
    written.extend(obj for obj in session.new if type(obj) in _DAYS)
    for obj in session.dirty:
        days = _DAYS.get(type(obj))
        if days is None:
            continue
        state = inspect(obj)
        if any(state.attrs[day].history.has_changes() for day in days):
            written.append(obj)
            if "record_id" in days:  # moved from another record: that one's months too
                records.update(r for r in state.attrs["record_id"].history.deleted if r)
    records.update(
        obj.record_id for obj in session.deleted if isinstance(obj, (Consultation, Referral))
    )


def sync(session: Session) -> None:
    """Rewrite the months of the records whose days the session's flushes changed. Call
    after the last flush, before the commit."""
    session.flush()
    written: list[Any] = session.info.pop(_WRITTEN, [])
    records: set[int] = session.info.pop(_RECORDS, set())
    records.update(obj.id if isinstance(obj, Record) else obj.record_id for obj in written)
    if records:
        refresh(session, records)


def rebuild(session: Session | Connection) -> None:
    """Rewrite every record's months (after a bulk insert, and by the migration that made the
    table)."""
    session.execute(delete(MONTHS))
    _insert(session)


def problems(conn: Connection) -> tuple[int, int]:
    """(months missing, months that should not be there): the stored months compared with
    what the records, consultations and referrals say now."""
    stored = select(MONTHS.c.record_id, MONTHS.c.month)
    said = sources().subquery()  # a subquery: SQLite reads compounds left to right
    expected = select(said.c.record_id, said.c.month)
    missing = except_(expected, stored).subquery()
    extra = except_(stored, expected).subquery()
    return (
        int(conn.scalar(select(func.count()).select_from(missing)) or 0),
        int(conn.scalar(select(func.count()).select_from(extra)) or 0),
    )
