"""The year's consultations by channel and by kind (first, with an interpreter) are counted from
the consultations' date index alone, without reading the table (migration 0017): at 100,000
records each read about 100,000 rows, 70 to 90 ms, before."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import case, func, select
from sqlalchemy.dialects import sqlite as sqlite_dialect

from welcome_center.db.models import Consultation
from welcome_center.domain.statistics import Period
from welcome_center.services.statistics_scope import within

YEAR = Period(date(2025, 1, 1), date(2025, 12, 31))


def _plan(db_path: Path, stmt: object) -> str:
    sql = str(
        stmt.compile(  # type: ignore[attr-defined]
            dialect=sqlite_dialect.dialect(), compile_kwargs={"literal_binds": True}
        )
    )
    with sqlite3.connect(db_path) as con:
        return " | ".join(row[-1] for row in con.execute(f"EXPLAIN QUERY PLAN {sql}"))


@pytest.mark.parametrize(
    "stmt",
    [
        select(Consultation.channel, func.count())
        .where(within(Consultation.held_on, YEAR))
        .group_by(Consultation.channel),
        select(
            func.count(case((Consultation.is_first, 1))),
            func.count(case((Consultation.interpreter, 1))),
        ).where(within(Consultation.held_on, YEAR)),
    ],
    ids=["by channel", "first and with an interpreter"],
)
def test_the_year_s_consultations_are_counted_from_the_index_alone(db_path: Path, stmt) -> None:
    assert "COVERING INDEX ix_consultations_statistics" in _plan(db_path, stmt)
