"""The ten-desk load run (benchmarks/load.py) in small: two desk processes for three seconds on a
new database (a SQLite file, or a new database on the server when WELCOME_CENTER_TEST_PG is
set). Every save a desk saw confirmed is found afterwards, nothing fails unhandled, and the
report has what the closing note shows."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from benchmarks import load
from benchmarks.load_desk import ACTIONS, CONSENT
from welcome_center.db.engine import url_for_path


@pytest.fixture
def load_url(tmp_path: Path, pg_server: Any) -> Iterator[str]:
    if pg_server is None:
        yield url_for_path(tmp_path / "load.db")
        return
    name = f"wct_load_{os.getpid()}"
    pg_server.drop(name)  # the run creates it, as it does for a new name
    yield pg_server.url_of(name)
    pg_server.drop(name)


def test_two_desks_lose_no_confirmed_save(load_url: str) -> None:
    report = load.run(load_url, desks=2, seconds=3)

    assert report.failed_desks == []
    assert report.lost == []
    assert report.unhandled == 0
    assert report.confirmed > 0 and report.saves > 0
    assert report.saves_per_second > 0
    assert "list open" in report.actions  # each desk's first action
    assert set(report.actions) <= {*ACTIONS, CONSENT}
    for figures in report.actions.values():
        assert set(figures) == {"count", "p50", "p95", "max"}
        assert 0 <= figures["p50"] <= figures["p95"] <= figures["max"]
    if load_url.startswith("postgresql"):  # the server's waits sampled during the run
        assert report.samples > 0
    if Path("/proc/thread-self/schedstat").exists():  # Linux: each save's wait for a core
        assert report.own_core_p95 is not None and report.own_core_p50 is not None
        assert 0 < report.own_core_p50 <= report.own_core_p95 <= report.save_p95
    text = load.table(report)
    assert "saves:" in text and "lost: 0" in text
    assert "list open" in text


@pytest.mark.parametrize("own_records", [False, True], ids=["all records", "own records"])
def test_two_desks_on_their_own_logins_lose_no_confirmed_save(
    load_url: str, own_records: bool
) -> None:
    """``--logins``: the server set up for a team, each desk on its user's own login (the
    roles' grants and row-level security apply). What the sampling role cannot see of the
    logins' backends is said, not shown as an empty table. ``--own-records``: the same in an
    office that shows counsellors their own records only, its setting as before afterwards."""
    if not load_url.startswith("postgresql"):
        pytest.skip("logins are a server's")
    from sqlalchemy import create_engine

    from tests.conftest import PG_URL
    from tests.db.test_server_roles import _drop, _may_create_roles
    from welcome_center.db import server_roles
    from welcome_center.services import server_accounts

    if not _may_create_roles(PG_URL):
        pytest.skip("the test role may not create roles")
    roles = server_accounts.roles_of(load_url)
    try:
        report = load.run(load_url, desks=2, seconds=3, logins=True, own_records=own_records)
        assert _visibility(load_url) == "all"
    finally:
        admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        try:
            name = load_url.rsplit("/", 1)[-1]
            _drop(admin, name, roles)  # its logins' processes may linger
            with admin.connect() as conn:
                server_roles.drop_office_roles(conn, roles)
        finally:
            admin.dispose()
    assert report.failed_desks == [] and report.lost == [] and report.unhandled == 0
    assert report.confirmed > 0
    text = load.table(report)
    assert ("not seen" in text) == (not report.waits_visible)


def _visibility(url: str) -> str:
    from welcome_center.db.uow import UnitOfWork
    from welcome_center.services import settings
    from welcome_center.services.storage import open_database

    db = open_database(url)
    try:
        return str(settings.get_settings(UnitOfWork(db)).record_visibility)
    finally:
        db.dispose()
