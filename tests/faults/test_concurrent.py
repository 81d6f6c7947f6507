"""Two and three processes saving on one SQLite file at once: every save succeeds or fails with
a clean "busy" message, no record number is handed out twice, every confirmed save is there,
and the numbers of the year are consecutive. Rounds per writer: WC_FAULT_WRITER_ROUNDS."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.faults import scenarios
from tests.faults.conftest import WRITER_ROUNDS


@pytest.mark.parametrize("writers", [2, 3])
# Failed in every run before the storage fix 6a7391b: issue 10 item 5: concurrent writers fail
# with 'UNIQUE constraint failed: records.number' (the counter is read before the write lock is
# taken).
def test_concurrent_writers(office: Path, writers: int) -> None:
    t = scenarios.concurrent_writers(office, writers, WRITER_ROUNDS)
    assert t.verdict.ok, f"{t.verdict} ({t.info['records']} records saved; {t.verdict.notes})"
    assert t.info["records"] > 0
