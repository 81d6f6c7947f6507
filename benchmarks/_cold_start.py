"""Child process of the cold-start benchmark; prints one JSON line after the first paint.

    python benchmarks/_cold_start.py desk DB USER PASSWORD   # the real program, logged in
    python benchmarks/_cold_start.py bare                    # a bare window, 100-row table

``desk`` runs the program's own start (``welcome_center.cli.main`` with ``--db``: database
opened (an encrypted one unlocked with the user's password: key slot and all) and its migration
checked, Qt's translations, login, main window) with the login dialog
replaced by the password check it performs (``users.authenticate``, argon2 included). The line
``{"painted": ...}`` is written once the first paint event of the record list's viewport has been
processed; it carries the peak RSS (KiB, VmHWM) and the times of the start's phases. Offscreen Qt.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time

_T0 = time.perf_counter()
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_phases: dict[str, float] = {}


def _mark(phase: str) -> None:
    _phases[phase] = round((time.perf_counter() - _T0) * 1000, 1)


def _status_kib(field: str) -> int | None:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def peak_rss_kib() -> int:
    """The process's peak resident set (KiB): VmHWM on Linux. ``ru_maxrss`` would do elsewhere,
    but on Linux it carries over the parent's size from before ``exec`` (a child started by a
    large process reports at least the parent's RSS)."""
    peak = _status_kib("VmHWM")
    return peak if peak is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _watch_first_paint(viewport, details):  # type: ignore[no-untyped-def]
    """After the viewport's first paint event: print the result line and quit the event loop."""
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    class FirstPaint(QObject):
        seen = False

        def eventFilter(self, _obj, event):  # type: ignore[no-untyped-def]
            if event.type() == QEvent.Type.Paint and not self.seen:
                self.seen = True
                QTimer.singleShot(0, self.report)  # runs once the paint event is processed
            return False

        def report(self) -> None:
            _mark("painted")
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            line = {"painted": True, "rss_kib": peak_rss_kib(), "ru_maxrss_kib": rss,
                    "rss_now_kib": _status_kib("VmRSS"), "phases": _phases,
                    **details()}  # fmt: skip
            print(json.dumps(line), flush=True)
            QApplication.instance().quit()

    watcher = FirstPaint(viewport)
    viewport.installEventFilter(watcher)
    QTimer.singleShot(120_000, lambda: sys.exit("no paint within 120 s"))
    return watcher


def desk(db: str, username: str, password: str) -> int:
    """The program's start with the login dialog replaced by the password check."""
    from welcome_center import cli
    from welcome_center.services import users
    from welcome_center.services.encryption import Unlock
    from welcome_center.ui import start

    _mark("imported")
    open_app, open_desk = cli.open_app, start.open_desk

    def timed_open_app(*args, **kw):  # type: ignore[no-untyped-def]
        if len(args) < 4:  # (an encrypted file opens at the login: log_in_to_locked below)
            kw.setdefault("unlock", Unlock(username, password))
        ctx = open_app(*args, **kw)
        _mark("database_opened")
        return ctx

    def log_in(uow, _db_name, _hint="", _username=""):  # type: ignore[no-untyped-def]
        actor = users.authenticate(uow, username, password)
        _mark("logged_in")
        return actor

    def log_in_to_locked(_db_name, opener, server=False):  # type: ignore[no-untyped-def]
        """An encrypted file: the login dialog's own opener (the key slot, the file opened and
        migrated, the password checked), given the name and password as typed."""
        uow, actor = opener(username, password)
        _mark("database_opened")
        _mark("logged_in")
        return actor, uow

    def shown_desk(uow, actor, db_name, state, **kw):  # type: ignore[no-untyped-def]
        window = open_desk(uow, actor, db_name, state, **kw)
        page = window.show_page("records")  # the user left the desk on this page
        _mark("window_built")

        def details() -> dict[str, object]:
            return {
                "rows": page.model.rowCount(),
                "blocks_read": page.model.blocks_read,
                "today_loaded": window.pages["today"].loaded,
                "window": [window.width(), window.height()],
            }

        window._bench_watch = _watch_first_paint(page.table.viewport(), details)
        return window

    cli.open_app = timed_open_app  # type: ignore[assignment]
    start.log_in = log_in
    start.log_in_to_locked = log_in_to_locked
    start.open_desk = shown_desk
    return cli.main(["--db", db])


def bare() -> int:
    """A bare PySide6 main window with a 100-row table: Qt's own share of a start."""
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QApplication, QMainWindow, QTableView

    _mark("imported")
    app = QApplication(sys.argv[:1])
    model = QStandardItemModel(100, 6)
    for row in range(100):
        for col in range(6):
            model.setItem(row, col, QStandardItem(f"cell {row}/{col}"))
    view = QTableView()
    view.setModel(model)
    window = QMainWindow()
    window.setCentralWidget(view)
    window.resize(1366, 768)
    window.show()
    _mark("window_built")
    watcher = _watch_first_paint(view.viewport(), lambda: {"rows": model.rowCount()})  # noqa: F841
    return app.exec()


if __name__ == "__main__":
    mode = sys.argv[1] if len(sys.argv) > 1 else ""
    if mode == "desk" and len(sys.argv) == 5:
        sys.exit(desk(*sys.argv[2:5]))
    if mode == "bare":
        sys.exit(bare())
    sys.exit(__doc__)
