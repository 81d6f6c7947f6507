"""One run of every measure, on the plain work copy and (beside it) on an encrypted copy of the
same data, or on a PostgreSQL database of the same data. The sides are measured interleaved,
item by item where a figure has items, so that the machine's load (other programs, a shared
virtual machine) falls on all alike."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from benchmarks import _database as database
from benchmarks import _measures as m
from benchmarks import _server as server
from benchmarks._result import (
    Measure,
    above_baseline_at_most,
    at_most,
    both,
    median,
    now_ms,
    p95,
    p99,
    ratio_at_most,
    say,
)

COLD_START = Path(__file__).with_name("_cold_start.py")
SEARCHES = 200
RECORDS_SAMPLE = 120
WINDOWS_SAMPLE = 30
IMPORTS_AT_MOST = 3  # 7 s each at 10,000 rows
PLAIN, ENCRYPTED = "plain", "encrypted"
ORDER = ["cold_start", "search_p50", "search_p95", "search_total_p95", "open_record_p95",
         "save_consultation_p95",
         "statistics_month", "statistics_year", "report_month_pdf", "report_year_xlsx",
         "scroll_max_step", "peak_memory", "import_csv"]  # fmt: skip


def _child(cmd: list[str], env: dict[str, str]) -> tuple[float, dict[str, Any]]:
    """Start a cold-start child; milliseconds from just before Popen to its paint line."""
    with tempfile.TemporaryFile() as err:
        start = now_ms()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, env=env, text=True)
        assert proc.stdout is not None
        found: dict[str, Any] | None = None
        while line := proc.stdout.readline():
            if line.startswith('{"painted"'):
                elapsed = now_ms() - start
                found = json.loads(line)
                break
        proc.stdout.read()
        code = proc.wait(timeout=120)
        if found is None or code != 0:
            err.seek(0)
            raise SystemExit(f"cold start failed ({' '.join(cmd[1:3])}, exit {code}):\n"
                             f"{err.read().decode(errors='replace')[-3000:]}")  # fmt: skip
    return elapsed, found


@dataclass
class Side:
    """One database of the run: the plain work copy, its encrypted twin or the server's
    database, opened by the program (``ctx``) and, for the baselines, by hand (``sql``:
    SQLCipher for the encrypted, psycopg for the server)."""

    name: str
    path: Path | str  # a file, or the server's URL
    ctx: Any  # AppContext
    actor: Any  # Actor
    sql: Any  # a DB-API connection
    key: bytes | None
    measures: list[Measure] = field(default_factory=list)

    def add(self, measure: Measure) -> None:
        self.measures.append(measure)
        say(f"  {self.name:9} {measure.title}: {measure.value:,.1f} {measure.unit}")

    def close(self) -> None:
        self.sql.close()
        self.ctx.close()


def _open_side(name: str, path: Path, username: str, password: str) -> Side:
    from welcome_center.app import open_app
    from welcome_center.paths import resolve
    from welcome_center.services import users
    from welcome_center.services.encryption import Unlock

    unlock = Unlock(username, password) if name == ENCRYPTED else None
    ctx = open_app(resolve(str(path)), unlock=unlock)  # migrates an older schema once, here
    actor = users.authenticate(ctx.uow, username, password)
    key = ctx.db.key
    if isinstance(path, str):
        return Side(name, path, ctx, actor, server.ServerSQL(path), key)
    return Side(name, path, ctx, actor, database.connect(path, key), key)


def _encrypt(path: Path, username: str, password: str) -> None:
    """Turn the plain copy at ``path`` into an encrypted one, as ``welcome-center db encrypt``
    does (a key slot for ``username``, the plain file overwritten)."""
    from welcome_center.app import open_app
    from welcome_center.paths import resolve
    from welcome_center.services import encryption

    ctx = open_app(resolve(str(path)))
    encryption.encrypt(ctx.db, username, password)
    ctx.close()


class Run:
    """Every measure on work copies of the benchmark database: plain, and encrypted too."""

    def __init__(
        self,
        db: Path,
        work: Path,
        repeat: int,
        import_rows: int,
        encrypted: bool,
        server_url: str | None = None,
    ) -> None:
        from welcome_center.services.demo import DEMO_PASSWORD, DEMO_USERS

        self.dir = work
        self.repeat = repeat
        self.import_rows = import_rows
        self.data_dir = work / "data"
        self.data_dir.mkdir()
        os.environ["WELCOME_CENTER_DATA"] = str(self.data_dir)
        self.username, self.password = DEMO_USERS[0].username, DEMO_PASSWORD
        self.path = work / "work.db"
        say(f"copying {db} (SQLite backup API) ...")
        database.work_copy(db, self.path)
        self.sides = [_open_side(PLAIN, self.path, self.username, self.password)]
        if encrypted:
            enc = work / "encrypted.db"
            say(f"encrypting a copy of it ({enc.name}) ...")
            start = now_ms()
            database.work_copy(self.path, enc)
            _encrypt(enc, self.username, self.password)
            say(f"  encrypted in {(now_ms() - start) / 1000:.1f} s")
            self.sides.append(_open_side(ENCRYPTED, enc, self.username, self.password))
        if server_url:
            self.sides.append(_open_side(server.SERVER, server_url, self.username, self.password))

    @property
    def plain(self) -> Side:
        return self.sides[0]

    def close(self) -> None:
        for side in self.sides:
            side.close()

    # -- cold start and memory (fresh processes) ----------------------------------------------

    def cold_start(self) -> None:
        say(f"cold start: {self.repeat} + 1 fresh processes each, desk(s) and bare window ...")
        (self.data_dir / "desk.ini").write_text(f"[users]\n{self.username}\\page=records\n")
        env = database.child_env(self.data_dir)
        cmds = {"bare": [sys.executable, str(COLD_START), "bare"]}
        for side in self.sides:
            cmds[side.name] = [sys.executable, str(COLD_START), "desk", str(side.path),
                               self.username, self.password]  # fmt: skip
        for cmd in cmds.values():
            _child(cmd, env)  # warms the file cache; the desk saves its window state
        runs: dict[str, list[tuple[float, dict[str, Any]]]] = {k: [] for k in cmds}
        names = list(cmds)
        for n in range(self.repeat):
            for k in names[n % len(names) :] + names[: n % len(names)]:
                runs[k].append(_child(cmds[k], env))
        bare_ms = [ms for ms, _ in runs["bare"]]
        bare_mb = [r["rss_kib"] / 1024 for _, r in runs["bare"]]
        for side in self.sides:
            desk = runs[side.name]
            desk_ms = [ms for ms, _ in desk]
            last = desk[-1][1]
            phases = {k: median([r["phases"][k] for _, r in desk]) for k in last["phases"]}
            side.add(Measure(
                "cold_start", "cold start to the painted record list", median(desk_ms),
                median(bare_ms), ratio_at_most(1.5),
                extra={"runs_ms": desk_ms, "baseline_runs_ms": bare_ms,
                       "child_phases_ms": phases, "rows_listed": last["rows"],
                       "today_page_loaded": last["today_loaded"]},
            ))  # fmt: skip
            peak = [r["rss_kib"] / 1024 for _, r in desk]
            now = [r["rss_now_kib"] / 1024 for _, r in desk if r.get("rss_now_kib")]
            side.add(Measure(
                "peak_memory", "peak memory, database open and list shown",
                median(peak), median(bare_mb), above_baseline_at_most(150), unit="MB",
                extra={"runs_mb": peak, "baseline_runs_mb": bare_mb,
                       "resident_at_paint_mb": median(now) if now else None},
            ))  # fmt: skip

    # -- the desk in this process -------------------------------------------------------------

    def desk(self, queries: Sequence[str]) -> None:
        from benchmarks._desk import Desk

        say("desk in this process: scrolling, search as you type, record windows ...")
        ids = database.sample_ids(self.path, WINDOWS_SAMPLE, seed=3)
        desks: dict[str, Desk] = {}
        try:
            for side in self.sides:  # one main window per database, used in turns
                desks[side.name] = Desk(side.ctx.uow, side.actor, self.data_dir)
            steps = self._scroll(desks)
            page_times = self._turns(desks, queries, Desk.search)
            total_times = {name: desk.total_times for name, desk in desks.items()}
            for desk in desks.values():
                desk.page.reset_filters()
            windows = self._turns(desks, ids, Desk.open_record_window)
        finally:
            for desk in desks.values():
                desk.close()
        for side in self.sides:
            times, loads, waits = steps[side.name]
            plain = [ms for ms, load in zip(times, loads, strict=True) if not load]
            slowest = times.index(max(times))
            calm = [ms for ms, wait in zip(times, waits, strict=True) if wait == 0]
            side.add(Measure(
                "scroll_max_step", "scrolling the whole list: slowest page step",
                max(times), None, at_most(50),
                extra={"median_step_ms": median(times), "p99_step_ms": p99(times),
                       "steps": len(times), "blocks_read": sum(loads),
                       "max_step_without_block_read_ms": max(plain, default=0.0),
                       "median_step_with_block_read_ms": median(
                           [ms for ms, ld in zip(times, loads, strict=True) if ld] or [0.0]),
                       # the machine's cores waited for the disk during these steps (Linux)
                       "slowest_step_disk_wait_ms": waits[slowest],
                       "steps_with_disk_wait": sum(1 for w in waits if w),
                       "max_step_without_disk_wait_ms": max(calm) if calm else None},
            ))  # fmt: skip
            if waits[slowest]:
                say(f"    (the machine waited {waits[slowest]:,.0f} ms for the disk in that step; "
                    f"{sum(1 for w in waits if w)} of {len(times):,} steps waited; the slowest "
                    f"without: {max(calm, default=0.0):,.1f} ms)")  # fmt: skip
        self.search(queries, page_times, total_times)
        self.open_record(windows)

    def _scroll(
        self, desks: dict[str, Any]
    ) -> dict[str, tuple[list[float], list[int], list[float | None]]]:
        """Every desk scrolled from top to bottom, a page step of each in turn: each step's
        milliseconds, blocks read and the machine's wait for the disk meanwhile."""
        steps: dict[str, tuple[list[float], list[int], list[float | None]]] = {
            k: ([], [], []) for k in desks
        }
        for desk in desks.values():
            desk.scroll_to_top()
        names = list(desks)
        while names:
            for name in list(names):
                step = desks[name].scroll_step()
                if step is None:
                    names.remove(name)
                else:
                    times, loads, waits = steps[name]
                    times.append(step[0])
                    loads.append(step[1])
                    waits.append(step[2])
            names.reverse()  # neither always goes first
        return steps

    @staticmethod
    def _turns(
        desks: dict[str, Any], items: Sequence[Any], fn: Callable[[Any, Any], float]
    ) -> dict[str, list[float]]:
        """``fn(desk, item)`` on every desk for each item, in turns (alternating who begins)."""
        times: dict[str, list[float]] = {k: [] for k in desks}
        names = list(desks)
        for n, item in enumerate(items):
            for name in names if n % 2 == 0 else names[::-1]:
                times[name].append(fn(desks[name], item))
        return times

    def _interleaved(
        self, items: Sequence[Any], work: Callable[[Side], tuple[Callable[[Any], object], ...]]
    ) -> dict[str, list[list[float]]]:
        """Time each side's functions (``work(side)``: the service, then the baseline) on every
        item, the order of all of them rotating from item to item."""
        fns = [(side.name, k, fn) for side in self.sides for k, fn in enumerate(work(side))]
        times: dict[str, list[list[float]]] = {s.name: [[] for _ in work(s)] for s in self.sides}
        for n, item in enumerate(items):
            shift = n % len(fns)
            for name, k, fn in fns[shift:] + fns[:shift]:
                times[name][k].append(m.timed(fn, item))
        return times

    def search(
        self,
        queries: Sequence[str],
        page_times: dict[str, list[float]],
        total_times: dict[str, list[float]],
    ) -> None:
        for side in self.sides:  # the same start for all: every query once before timing
            for q in queries:
                m.search_sql(side.sql, q)
        times = self._interleaved(queries, lambda s: (
            lambda q: m.search_service(s.ctx.uow, s.actor, q),
            lambda q: m.search_sql(s.sql, q),
            lambda q: m.count_service(s.ctx.uow, s.actor, q),
            lambda q: m.count_sql(s.sql, q),
        ))  # fmt: skip
        for side in self.sides:
            service, sql, count, count_sql = times[side.name]
            match_only = [m.timed(m.match_only_sql, side.sql, q) for q in queries]
            hits = [m.count_sql(side.sql, q) for q in queries]
            slowest = sorted(zip(service, queries, hits, strict=True), reverse=True)[:8]
            pages = page_times[side.name]
            extra = {
                "queries": len(queries),
                "first_page": m.FIRST_PAGE,
                "desk_page_p50_ms": median(pages),
                "desk_page_p95_ms": p95(pages),
                "match_only_p95_ms": p95(match_only),
                "max_hits": max(hits),
                "median_hits": median(hits),
                "slowest_ms_query_hits": slowest,
            }
            target = both(at_most(50), ratio_at_most(1.5))
            title = "search as you type, {} (first page, newest first)"
            side.add(Measure("search_p50", title.format("p50"), median(service), median(sql),
                             None, extra=extra))  # fmt: skip
            side.add(Measure("search_p95", title.format("p95"), p95(service), p95(sql), target,
                             extra=extra))  # fmt: skip
            totals = total_times[side.name]
            slowest_count = sorted(zip(count, queries, hits, strict=True), reverse=True)[:8]
            side.add(Measure(
                "search_total_p95", "search: the total, counted after the first page, p95",
                p95(count), p95(count_sql), None,
                extra={"p50_ms": median(count), "desk_total_shown_p95_ms": p95(totals),
                       "desk_total_shown_p50_ms": median(totals),
                       "slowest_ms_query_hits": slowest_count},
            ))  # fmt: skip

    # -- records --------------------------------------------------------------------------------

    def open_record(self, windows: dict[str, list[float]]) -> None:
        say("opening records ...")
        ids = database.sample_ids(self.path, RECORDS_SAMPLE, seed=1)
        times = self._interleaved(ids, lambda s: (
            lambda i: m.record_service(s.ctx.uow, s.actor, i),
            lambda i: m.record_sql(s.sql, i),
        ))  # fmt: skip
        for side in self.sides:
            service, sql = times[side.name]
            audit = [m.timed(m.audit_insert_sql, side.sql, side.actor, i) for i in ids]
            side.add(Measure(
                "open_record_p95", "open a record with all its details, p95", p95(service),
                p95(sql), at_most(30),
                extra={"p50_ms": median(service), "baseline_p50_ms": median(sql),
                       "audit_insert_commit_p95_ms": p95(audit), "records": len(ids),
                       "record_window_p50_ms": median(windows[side.name]),
                       "record_window_p95_ms": p95(windows[side.name])},
            ))  # fmt: skip

    def save_consultation(self) -> None:
        from welcome_center.domain.dates import office_today

        say("saving consultations (on the work copies) ...")
        ids = database.sample_ids(self.path, RECORDS_SAMPLE, seed=2)
        day = office_today()
        times = self._interleaved(ids, lambda s: (
            lambda i: m.save_service(s.ctx.uow, s.actor, i, day),
            lambda i: m.save_sql(s.sql, s.actor, i, day),
        ))  # fmt: skip
        for side in self.sides:
            service, sql = times[side.name]
            side.add(Measure(
                "save_consultation_p95", "save a consultation, p95", p95(service), p95(sql),
                at_most(30), extra={"p50_ms": median(service), "baseline_p50_ms": median(sql)},
            ))  # fmt: skip

    # -- figures --------------------------------------------------------------------------------

    def periods(self) -> tuple[Any, Any]:
        """The last complete month and year of the data."""
        from welcome_center.domain.statistics import Period

        last = date.fromisoformat(self.plain.sql.execute("SELECT max(opened_on) FROM records")
                                  .fetchone()[0])  # fmt: skip
        end = last if (last + timedelta(days=1)).day == 1 else last.replace(day=1) - timedelta(1)
        year = last.year if (last.month, last.day) == (12, 31) else last.year - 1
        return Period.month(end.year, end.month), Period.year(year)

    def statistics(self) -> None:
        from benchmarks import _stats_sql

        for key, period, span in zip(
            ("month", "year"), self.periods(), ("%Y-%m", "%Y"), strict=True
        ):
            say(f"statistics of {period.start} .. {period.end} ...")
            file_figures = m.statistics_service(self.plain.ctx.uow, self.plain.actor, period)
            for side in self.sides:
                figures = m.statistics_service(side.ctx.uow, side.actor, period)
                if side.name == server.SERVER:  # the hand-written SQL is SQLite's
                    if figures != file_figures:
                        say(f"  the server's statistics differ from the file's ({key})")
                    continue
                _stats_sql.check_same(figures, m.statistics_sql(side.sql, period))
            times = self._interleaved([period] * self.repeat, lambda s: (
                lambda p: m.statistics_service(s.ctx.uow, s.actor, p),
                *([] if s.name == server.SERVER else [lambda p: m.statistics_sql(s.sql, p)]),
            ))  # fmt: skip
            for side in self.sides:
                service, *sql = times[side.name]
                baseline = median(sql[0]) if sql else None
                side.add(Measure(
                    f"statistics_{key}", f"statistics of one {key} ({period.start.strftime(span)})",
                    median(service), baseline, ratio_at_most(2) if sql else None,
                    extra={"runs_ms": service, "baseline_runs_ms": sql[0] if sql else None,
                           "period": [period.start.isoformat(), period.end.isoformat()]},
                ))  # fmt: skip

    def reports(self) -> None:
        from welcome_center.domain.statistics import ReportFormat

        month, year = self.periods()
        for name, title, period, fmt, limit in (
            ("report_month_pdf", "month PDF report, end to end", month, ReportFormat.PDF, 1000),
            ("report_year_xlsx", "year XLSX report, end to end", year, ReportFormat.XLSX, 2000),
        ):
            say(f"{title} ...")
            times = self._interleaved(range(self.repeat), lambda s, p=period, f=fmt: (
                lambda _n: m.report(s.ctx.uow, s.actor, p, f),
            ))  # fmt: skip
            for side in self.sides:
                runs = times[side.name][0]
                later = runs[1:] or runs
                side.add(Measure(name, title, median(later), None, at_most(limit),
                                 extra={"first_run_ms": runs[0], "runs_ms": runs}))  # fmt: skip

    def import_csv(self) -> None:
        from benchmarks import make_import_csv

        csv = self.dir / "import.csv"
        imports = min(self.repeat, IMPORTS_AT_MOST)
        say(f"importing a {self.import_rows:,}-row CSV into new databases ...")
        make_import_csv.write(csv, self.import_rows)
        runs: dict[str, list[float]] = {side.name: [] for side in self.sides}
        for n in range(imports):
            for side in self.sides if n % 2 == 0 else self.sides[::-1]:
                if side.name == server.SERVER:
                    runs[side.name].append(server.import_once(csv, str(side.path), n))
                    continue
                target = self.dir / f"import-{side.name}-{n}.db"
                runs[side.name].append(m.import_once(csv, target, side.name == ENCRYPTED))
        for side in self.sides:
            side.add(Measure(
                "import_csv", f"importing a {self.import_rows:,}-row CSV",
                median(runs[side.name]), None, at_most(10_000),
                extra={"rows": self.import_rows, "runs_ms": runs[side.name]},
            ))  # fmt: skip

    def search_only(self) -> dict[str, list[Measure]]:
        """Search alone (``--search-only``): the desk's search as you type and the services'
        first page and total, each beside its baseline, without the other figures."""
        from benchmarks._desk import Desk

        queries = database.search_queries(self.path, SEARCHES)
        say("desk in this process: search as you type ...")
        desks: dict[str, Desk] = {}
        try:
            for side in self.sides:
                desks[side.name] = Desk(side.ctx.uow, side.actor, self.data_dir)
            page_times = self._turns(desks, queries, Desk.search)
            total_times = {name: desk.total_times for name, desk in desks.items()}
        finally:
            for desk in desks.values():
                desk.close()
        say("search through the services ...")
        self.search(queries, page_times, total_times)
        return {s.name: sorted(s.measures, key=lambda x: ORDER.index(x.name)) for s in self.sides}

    def import_only(self) -> dict[str, list[Measure]]:
        """The import alone (``--import-only``)."""
        self.import_csv()
        return {s.name: sorted(s.measures, key=lambda x: ORDER.index(x.name)) for s in self.sides}

    def all(self) -> dict[str, list[Measure]]:
        queries = database.search_queries(self.path, SEARCHES)
        self.cold_start()
        self.desk(queries)
        self.save_consultation()
        self.statistics()
        self.reports()
        self.import_csv()
        return {s.name: sorted(s.measures, key=lambda x: ORDER.index(x.name)) for s in self.sides}
