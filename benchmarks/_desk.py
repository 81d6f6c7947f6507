"""The desk in this process (offscreen): the main window on the record list, scrolled from top
to bottom and searched as a counsellor types."""

from __future__ import annotations

import gc
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

from benchmarks._result import disk_wait_ms, now_ms
from welcome_center.services.context import Actor, UnitOfWork

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _quiet_offscreen() -> None:
    """Drop the offscreen plugin's "This plugin does not support raise()" and the like."""
    from PySide6.QtCore import qInstallMessageHandler

    def handler(_kind: object, _context: object, message: str) -> None:
        if "This plugin does not support" not in message:
            print(message, file=sys.stderr)

    qInstallMessageHandler(handler)


class DeskMessage(RuntimeError):
    """The desk showed a message box during a measure: the measure is void, and the run says
    what the desk said instead of waiting for a click that never comes."""


_BOXES = ("warning", "critical", "information", "question")


def _no_message_boxes(shown: list[str]) -> dict[str, Any]:
    """Message boxes are noted in ``shown`` and answered at once (the first run that met a
    service error waited for a click for good); returns the functions to put back."""
    from PySide6.QtWidgets import QMessageBox

    def note(_parent: object, title: str, text: str, *_args: object, **_kw: object) -> object:
        shown.append(f"{title}: {text}")
        return QMessageBox.StandardButton.Cancel

    originals = {name: QMessageBox.__dict__[name] for name in _BOXES}
    for name in _BOXES:
        setattr(QMessageBox, name, staticmethod(note))
    return originals


class Desk:
    """The main window as ``ui.start.open_desk`` builds it, on the record list."""

    def __init__(self, uow: UnitOfWork, actor: Actor, data_dir: Path) -> None:
        from PySide6.QtCore import QSettings
        from PySide6.QtWidgets import QApplication

        from welcome_center import i18n
        from welcome_center.ui import qt_i18n, start

        _quiet_offscreen()
        self.messages: list[str] = []
        self.total_times: list[float] = []  # search: milliseconds until the total was shown
        self._boxes = _no_message_boxes(self.messages)
        self.app = QApplication.instance() or QApplication(["benchmark"])
        self._translators = qt_i18n.install(self.app, i18n.language())
        state = QSettings(str(data_dir / "desk-inprocess.ini"), QSettings.Format.IniFormat)
        self.window = start.open_desk(uow, actor, "benchmark", state)
        self.window.resize(1366, 768)
        self.window.show_page("records")
        self.page = cast(Any, self.window.pages["records"])
        self.app.processEvents()
        self.page.table.viewport().repaint()
        gc.collect()
        gc.freeze()  # as the desk does once its window is up

    def close(self) -> None:
        self.window.state.clear()  # keep the benchmark's window state out of later runs
        self.window.close()
        self.window.deleteLater()
        self.app.processEvents()
        from PySide6.QtWidgets import QMessageBox

        for name, original in self._boxes.items():
            setattr(QMessageBox, name, original)

    def scroll_to_top(self) -> None:
        self.page.reset_filters()
        self.page.table.verticalScrollBar().setValue(0)
        self.page.table.viewport().repaint()

    def scroll_step(self) -> tuple[float, int, float | None] | None:
        """One page step down, repainted: its milliseconds, the blocks of lines it read and the
        milliseconds the machine waited for the disk meanwhile (None where unknown); None at
        the bottom."""
        table = self.page.table
        bar = table.verticalScrollBar()
        if bar.value() >= bar.maximum():
            return None
        value = min(bar.maximum(), bar.value() + bar.pageStep())
        blocks = self.page.model.blocks_read
        waited = disk_wait_ms()
        start = now_ms()
        bar.setValue(value)
        table.viewport().repaint()
        elapsed = now_ms() - start
        after = disk_wait_ms()
        disk = None if waited is None or after is None else after - waited
        return elapsed, self.page.model.blocks_read - blocks, disk

    def search(self, text: str) -> float:
        """Milliseconds from a search text to the repainted list of its first matches (without
        the page's 250 ms typing pause). The milliseconds until the total is shown too (it is
        counted in the background) go to :attr:`total_times`; the count is waited for, so
        that it does not run into the next measure."""
        start = now_ms()
        self.page.search.setText(text)
        self.page.apply_filters()
        self.page.table.viewport().repaint()
        self.app.processEvents()
        elapsed = now_ms() - start
        model, deadline = self.page.model, now_ms() + 60_000
        while model.total is None and now_ms() < deadline:
            self.app.processEvents()  # the count's timer starts its job, which reports back
            self.page.ops.jobs.wait(0.01)
            time.sleep(0.001)
        self.page.count.repaint()
        self.total_times.append(now_ms() - start)
        self.check(f"searching {text!r}")
        return elapsed

    def search_all(self, queries: Sequence[str]) -> list[float]:
        times = [self.search(q) for q in queries]
        self.page.reset_filters()
        return times

    def open_record_window(self, record_id: int) -> float:
        """Milliseconds to build and show a record's window (its data included)."""
        start = now_ms()
        self.window.open_record(record_id)
        self.app.processEvents()
        elapsed = now_ms() - start
        window = self.window.record_windows.get(record_id)
        if window is not None:
            window.close()
        self.app.processEvents()
        self.check(f"opening record {record_id}")
        return elapsed

    def check(self, doing: str) -> None:
        """Raise :class:`DeskMessage` when the desk showed a message while ``doing``."""
        if self.messages:
            said, self.messages[:] = "; ".join(self.messages), []
            raise DeskMessage(f"the desk showed a message while {doing}: {said}")
