"""Record numbers per year with the office's prefix: ``WC-2024-0042``."""

from __future__ import annotations

from uuid import uuid4

from sqlalchemy import select
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
    counter = _locked_counter(session, prefix, year)
    if counter is None:
        # The year's first number: two desks may both find no counter. The row is created
        # without a conflict (the second insert waits for the first desk's commit and then does
        # nothing), and then locked as any other; a plain insert made the second desk's save
        # fail on the counter's key (found by benchmarks/load.py).
        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        session.execute(
            insert(NumberCounter)
            .values(prefix=prefix, year=year, last=0)
            .on_conflict_do_nothing(index_elements=["prefix", "year"])
        )
        counter = _locked_counter(session, prefix, year)
        assert counter is not None, "created just now"
    counter.last += 1
    return CaseNumber(prefix, year, counter.last)


def _locked_counter(session: Session, prefix: str, year: int) -> NumberCounter | None:
    return session.scalar(
        select(NumberCounter)
        .where(NumberCounter.prefix == prefix, NumberCounter.year == year)
        .with_for_update()
    )


def reserve(session: Session, number: CaseNumber) -> None:
    """Note that ``number`` is taken (an imported number), so generated ones never collide."""
    counter = session.get(NumberCounter, (number.prefix, number.year))
    if counter is None:
        session.add(NumberCounter(prefix=number.prefix, year=number.year, last=number.seq))
    elif counter.last < number.seq:
        counter.last = number.seq
