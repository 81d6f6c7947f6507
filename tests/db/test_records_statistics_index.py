"""Migration 0020: the records' closing and promotion indexes carry the columns the statistics
read beside the date, so that the records open at a period's end, the cases since the project
start and the closing reasons are counted from the index alone (at 300,000 records each read up
to 290,000 records' rows before); a filled database upgrades with every figure unchanged."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.sql import Select

from tests.db.test_privacy_migration import _counts, _to
from welcome_center.db import migrate
from welcome_center.db.engine import Database
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.statistics import Period
from welcome_center.services import statistics
from welcome_center.services.context import Actor
from welcome_center.services.demo import generate_demo
from welcome_center.services.statistics import cases_new, closed, open_at_end
from welcome_center.services.statistics_breakdowns import closed_by_reason

YEAR = Period(date(2025, 1, 1), date(2025, 12, 31))


def _plan(db_path: Path, stmt: Select) -> str:  # type: ignore[type-arg]
    sql = str(
        stmt.compile(dialect=sqlite_dialect.dialect(), compile_kwargs={"literal_binds": True})
    )
    with sqlite3.connect(db_path) as con:
        return " | ".join(row[-1] for row in con.execute(f"EXPLAIN QUERY PLAN {sql}"))


def _statements() -> list[Select]:  # type: ignore[type-arg]
    """The statements the figures above run, as they run them."""
    found: list[Select] = []  # type: ignore[type-arg]

    class Recorder:
        def scalar(self, stmt: Select) -> int:  # type: ignore[type-arg]
            found.append(stmt)
            return 0

        def execute(self, stmt: Select) -> list[object]:  # type: ignore[type-arg]
            found.append(stmt)
            return []

    s = Recorder()
    open_at_end(s, YEAR)  # type: ignore[arg-type]
    cases_new(s, Period(date(2023, 3, 1), YEAR.end))  # type: ignore[arg-type]
    closed(s, YEAR)  # type: ignore[arg-type]
    closed_by_reason(s, statistics.Scope(YEAR))  # type: ignore[arg-type]
    return found


def test_the_figures_over_all_records_read_the_indexes_alone(db_path: Path) -> None:
    plans = [_plan(db_path, stmt) for stmt in _statements()]
    assert all("COVERING INDEX" in plan for plan in plans), plans
    assert "ix_records_promoted_kind" in plans[1]
    assert all("ix_records_closed_statistics" in plan for plan in plans[2:]), plans


def test_a_0019_database_upgrades_with_its_figures_unchanged(db: Database) -> None:
    uow = UnitOfWork(db)
    manager = Actor.system("test")
    generate_demo(uow, manager, records=120, seed=4, today=date(2026, 1, 31))
    figures = statistics.statistics(uow, manager, YEAR)
    _to(db, "0019")
    with db.engine.connect() as conn:
        names = {i["name"] for i in inspect(conn).get_indexes("records")}
    assert {"ix_records_closed_on", "ix_records_promoted_on"} <= names
    assert not {"ix_records_closed_statistics", "ix_records_promoted_kind"} & names
    before = _counts(db)

    migrate.upgrade(db)

    assert migrate.current_revision(db) == migrate.HEAD
    assert {t: n for t, n in _counts(db).items() if t in before} == before
    assert migrate.schema_differences(db) == []
    with db.engine.connect() as conn:
        names = {i["name"] for i in inspect(conn).get_indexes("records")}
    assert {"ix_records_closed_statistics", "ix_records_promoted_kind"} <= names
    assert statistics.statistics(uow, manager, YEAR) == figures
