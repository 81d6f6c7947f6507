"""Record numbers per year with the office's prefix: ``WC-2024-0042``."""

from __future__ import annotations

from uuid import uuid4

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from welcome_center.db.models import NumberCounter
from welcome_center.domain.case_number import CaseNumber
from welcome_center.services.settings import current


def provisional_number() -> str:
    """A unique stand-in until :func:`next_number` is taken at the end of the transaction."""
    return f"new-{uuid4().hex[:28]}"  # the column holds 32 characters


def next_number(session: Session, year: int, prefix: str | None = None) -> CaseNumber:
    """Hand out the next number of ``year`` in the caller's transaction.

    Call it as late as possible: on a server the counter row stays locked until the commit, and
    every other desk's new record waits for it. On SQLite the unit of work took the write lock
    at its start (``BEGIN IMMEDIATE``), so no second writer can read the same counter."""
    prefix = prefix or current(session).number_prefix
    last = _take(session, prefix, year)
    if last is None:
        _create(session, prefix, year)
        last = _take(session, prefix, year)
        assert last is not None, "created just now"
    return CaseNumber(prefix, year, last)


def _create(session: Session, prefix: str, year: int) -> None:
    """The year's counter at 0, unless it is there. Two desks may both find none: the row is
    created without a conflict (the second insert waits for the first desk's commit and then
    does nothing); a plain insert made the second desk's save fail on the counter's key (found
    by benchmarks/load.py)."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(
        insert(NumberCounter)
        .values(prefix=prefix, year=year, last=0)
        .on_conflict_do_nothing(index_elements=["prefix", "year"])
    )


def _take(session: Session, prefix: str, year: int) -> int | None:
    """Count the year's counter up and return its new value, in one statement: the row is
    locked from here to the commit, one round trip instead of a locking read and a write. The
    number is the one the statement returns (a counter object this session loaded earlier is
    not brought up to date by it: nothing here reads one)."""
    stmt = (
        update(NumberCounter)
        .where(NumberCounter.prefix == prefix, NumberCounter.year == year)
        .values(last=NumberCounter.last + 1)
        .returning(NumberCounter.last)
    )
    value = session.execute(stmt).scalar()
    return None if value is None else int(value)


def reserve(session: Session, number: CaseNumber) -> None:
    """Note that ``number`` is taken (an imported number), so generated ones never collide.
    One statement that only ever raises the counter: two imports reserving at once on a server
    (a read, then an absolute write) could set it back, and the year's next new numbers then
    met the imported ones."""
    _create(session, number.prefix, number.year)
    session.execute(
        update(NumberCounter)
        .where(
            NumberCounter.prefix == number.prefix,
            NumberCounter.year == number.year,
            NumberCounter.last < number.seq,
        )
        .values(last=number.seq)
        .execution_options(synchronize_session=False)
    )
