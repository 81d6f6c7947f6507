"""The benchmark's desk never waits for a click: a message the desk shows during a measure
stops the run with what it said (a run once hung for good on a warning box)."""

from __future__ import annotations

import pytest

from benchmarks._desk import Desk, DeskMessage


def test_a_message_during_a_measure_stops_the_run_with_its_text(qtbot, ops, tmp_path) -> None:
    desk = Desk(ops.uow, ops.actor, tmp_path)
    try:
        with pytest.raises(DeskMessage, match=r"opening record 987654: .+"):
            desk.open_record_window(987654)  # no such record: the desk says so in a box
        assert desk.search("Weber") >= 0  # answered and noted, the next measure runs
    finally:
        desk.close()


def test_closed_it_gives_the_desk_its_message_boxes_back(qtbot, ops, tmp_path) -> None:
    from PySide6.QtWidgets import QMessageBox

    before = QMessageBox.warning
    Desk(ops.uow, ops.actor, tmp_path).close()
    assert QMessageBox.warning is before
