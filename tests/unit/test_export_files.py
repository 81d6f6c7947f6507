"""Exports leave no temporary or half-written file behind (issue 12, item 3): a file appears whole
or not at all, and a failure leaves the folder as it was."""

from __future__ import annotations

import os
import time
from datetime import date
from pathlib import Path

import pytest

from welcome_center.reports.files import atomic_path, write_atomically
from welcome_center.reports.table_export import write_table


class Boom:
    def __str__(self) -> str:
        raise RuntimeError("a cell that cannot be written")


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_file_is_written_whole_with_nothing_beside_it(tmp_path: Path) -> None:
    target = tmp_path / "report.pdf"
    write_atomically(target, b"%PDF whole")
    assert target.read_bytes() == b"%PDF whole"
    assert _names(tmp_path) == ["report.pdf"]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_table_that_fails_halfway_leaves_the_old_file_and_no_other(
    tmp_path: Path, suffix: str
) -> None:
    target = tmp_path / f"records{suffix}"
    target.write_bytes(b"the export of yesterday")
    rows = [("Zzyzxqwerty", date(2026, 1, 5)) for _i in range(500)] + [(Boom(), None)]
    with pytest.raises(RuntimeError):
        write_table(target, "Records", ["Name", "Date"], rows, lambda d: d.isoformat())
    assert target.read_bytes() == b"the export of yesterday"
    assert _names(tmp_path) == [target.name]
    write_table(target, "Records", ["Name", "Date"], rows[:2], lambda d: d.isoformat())
    assert target.read_bytes() != b"the export of yesterday"
    assert _names(tmp_path) == [target.name]


def test_an_error_names_the_file_asked_for(tmp_path: Path) -> None:
    missing = tmp_path / "no such folder" / "report.csv"
    with pytest.raises(OSError) as err:
        write_atomically(missing, b"x")
    assert err.value.filename == str(missing)

    target = tmp_path / "full.csv"
    with pytest.raises(OSError) as err, atomic_path(target) as temp:
        temp.write_bytes(b"half")
        raise OSError(28, "No space left on device", str(temp))
    assert err.value.filename == str(target)
    assert _names(tmp_path) == []


def test_a_killed_writers_leftover_goes_once_a_day_old(tmp_path: Path) -> None:
    target = tmp_path / "report.csv"
    old = tmp_path / ".report.csv.abc123.partial"
    young = tmp_path / ".report.csv.def456.partial"
    for leftover in (old, young):
        leftover.write_bytes(b"half of an old export")
    day_ago = time.time() - 25 * 3600
    os.utime(old, (day_ago, day_ago))
    write_atomically(target, b"new")
    assert _names(tmp_path) == [young.name, target.name]
