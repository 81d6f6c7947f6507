"""Times of the desk's record list on a large database: first paint, scrolling, search.

    echo 'bench-password' | .venv/bin/welcome-center --db /tmp/demo100k.db setup --admin ada --plain
    export WELCOME_CENTER_PASSWORD=bench-password
    .venv/bin/welcome-center --db /tmp/demo100k.db --user ada demo --records 100000
    QT_QPA_PLATFORM=offscreen .venv/bin/python -m benchmarks.desk_list /tmp/demo100k.db

Offscreen, in one process: the page is built and shown, then the list is scrolled from top to
bottom a page at a time (each step repainted), sorted by client, and searched for names, numbers
and note words as a counsellor would type them. Prints milliseconds.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import time
from collections.abc import Callable

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _ms(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def main() -> None:
    p = argparse.ArgumentParser(description="time the desk's record list")
    p.add_argument("db", help="a demonstration database (SQLite file)")
    args = p.parse_args()

    t0 = time.perf_counter()
    from PySide6.QtWidgets import QApplication

    from welcome_center import i18n
    from welcome_center.app import open_app
    from welcome_center.paths import resolve
    from welcome_center.services import users
    from welcome_center.services.demo import DEMO_PASSWORD, DEMO_USERS
    from welcome_center.ui.ops import Ops
    from welcome_center.ui.pages.records import RecordsPage

    i18n.set_language("de")
    app = QApplication([])
    ctx = open_app(resolve(args.db))
    actor = users.authenticate(ctx.uow, DEMO_USERS[0].username, DEMO_PASSWORD)
    ops = Ops(ctx.uow, actor, "bench")
    page = RecordsPage(ops)
    page.resize(1300, 700)

    def first_paint() -> None:
        page.show()
        page.activated()
        page.table.viewport().repaint()
        app.processEvents()

    paint = _ms(first_paint)
    gc.freeze()  # as the desk does once its window is up
    print(f"records: {page.model.rowCount():,}")
    total = (time.perf_counter() - t0) * 1000
    print(f"start of the process to the first painted list: {total:.0f} ms")
    print(f"page built, ids queried, first screen painted: {paint:.0f} ms")

    bar = page.table.verticalScrollBar()
    steps: list[float] = []
    value = 0
    while value < bar.maximum():
        value = min(bar.maximum(), value + bar.pageStep())

        def step(v: int = value) -> None:
            bar.setValue(v)
            page.table.viewport().repaint()

        steps.append(_ms(step))
    print(
        f"scroll top to bottom: {len(steps)} page steps, median {statistics.median(steps):.1f} ms, "
        f"max {max(steps):.1f} ms, blocks read {page.model.blocks_read}"
    )

    sort_ms = _ms(lambda: (page.model.sort(3), page.table.viewport().repaint()))
    print(f"sort by client (SQL) and repaint: {sort_ms:.0f} ms")
    page.model.sort(4, (page.model.query.descending and 1) or 0)  # type: ignore[arg-type]

    number = page.model.data(page.model.index(1234, 0))
    family = page.model.data(page.model.index(777, 3)).split(",")[0]
    queries = [family[:3], family, number, number.split("-")[-1].lstrip("0"), "Visum",
               "Anerkennung Pflege", "Müll", "GmbH", "zzzzz"]  # fmt: skip
    times = []
    for q in queries:

        def search(text: str = q) -> None:
            page.search.setText(text)
            page.apply_filters()
            page.table.viewport().repaint()

        ms = _ms(search)
        times.append(ms)
        print(f"search {q!r:24} -> {page.model.rowCount():>7,} hits in {ms:6.1f} ms")
    print(f"search: median {statistics.median(times):.1f} ms, max {max(times):.1f} ms")
    page.deleteLater()
    app.processEvents()
    ctx.close()


if __name__ == "__main__":
    main()
