"""The demonstration data written in chunks (so that 300,000 records need not be held at once)
are the data written at once: every row the same, the audit chain in the same order and whole."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from welcome_center.db.engine import Database, url_for_path
from welcome_center.db.models import AuditEntry, Base
from welcome_center.db.uow import UnitOfWork
from welcome_center.services import audit_chain, demo_records
from welcome_center.services.context import Actor
from welcome_center.services.demo import generate_demo
from welcome_center.services.storage import open_database

RECORDS = 260
TODAY = date(2025, 11, 28)
# Their values are the time of the run (the office's partners, the residence follow-ups raised
# today and their audit entries), or a salted password hash.
_OF_THE_RUN = {"password_hash"}
_CHAINED = ("at", "hash", "prev_hash")  # of an entry of the run's time


@pytest.fixture
def databases(template_db: Path, tmp_path: Path, pg_server: Any) -> Iterator[list[Database]]:
    """Two copies of the tests' office database."""
    made: list[Database] = []
    names: list[str] = []
    for n in range(2):
        if pg_server is not None:
            names.append(f"wct_chunks_{os.getpid()}_{n}")
            url = pg_server.create(names[-1], template=str(template_db))
        else:
            path = tmp_path / f"office-{n}.db"
            shutil.copyfile(template_db, path)
            url = url_for_path(path)
        made.append(open_database(url))
    yield made
    for db in made:
        db.dispose()
    for name in names:
        pg_server.drop(name)


def _rows(db: Database, started: datetime) -> dict[str, list[dict[str, Any]]]:
    """Every table's rows in key order, without the values of the run's own time."""
    tables = [t for t in Base.metadata.sorted_tables if t.name != "audit_chain_head"]
    found: dict[str, list[dict[str, Any]]] = {}
    with UnitOfWork(db).read() as s:
        for table in tables:
            keys = list(table.primary_key.columns) or list(table.c)
            rows = []
            for row in s.execute(select(table).order_by(*keys)).mappings():
                values = {k: v for k, v in row.items() if k not in _OF_THE_RUN}
                if table.name == AuditEntry.__tablename__ and _of_the_run(values["at"], started):
                    values = {k: v for k, v in values.items() if k not in _CHAINED}
                rows.append({k: v for k, v in values.items() if not _of_the_run(v, started)})
            found[table.name] = rows
    return found


def _of_the_run(value: object, started: datetime) -> bool:
    if not isinstance(value, datetime):
        return False
    return (value if value.tzinfo else value.replace(tzinfo=UTC)) >= started


def test_chunks_write_the_same_data(
    databases: list[Database], monkeypatch: pytest.MonkeyPatch
) -> None:
    started = datetime.now(UTC).replace(microsecond=0)
    once, chunked = databases
    actor = Actor.system("test")
    monkeypatch.setattr(demo_records, "CHUNK_RECORDS", 10 * RECORDS)  # one write at the end
    whole = generate_demo(UnitOfWork(once), actor, records=RECORDS, seed=2, today=TODAY)
    monkeypatch.setattr(demo_records, "CHUNK_RECORDS", 37)  # seven writes and the last
    parts = generate_demo(UnitOfWork(chunked), actor, records=RECORDS, seed=2, today=TODAY)
    assert parts == whole
    expected, got = _rows(once, started), _rows(chunked, started)
    assert len(got[AuditEntry.__tablename__]) > 2 * RECORDS  # created, promoted, closed
    for table, rows in expected.items():
        assert got[table] == rows, table
    with chunked.engine.connect() as conn:
        report = audit_chain.check(conn)
    assert report.ok, report
