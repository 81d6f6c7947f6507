"""Ten desks at once against one database (issue 16, item 6).

    python -m benchmarks.load --db postgresql+psycopg://user:pw@host/db --desks 10 --seconds 60
    python -m benchmarks.load --desks 10 --seconds 60            # a SQLite file, for comparison

Each desk is a process of its own, signed in as its own counsellor (users ``load-desk-NN``,
added through the users service when missing), working through the services the desk calls
(``benchmarks/load_desk.py``). The run reports saves per second, p50/p95 latency per action and
errors by kind, and checks afterwards that every save a desk saw confirmed is in the database.
Target (issue 16): no lost save, no unhandled error, p95 of a save at most 50 ms.

A server database that does not exist yet is created (the URL's role needs CREATEDB); an empty
one is migrated, and filled with ``--records N`` demonstration records first if asked. Without
``--db`` a new SQLite file in the temporary folder is used (deleted first)."""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.load_desk import ACTIONS, CONSENT, SAVES, desk_main

PASSWORD = "load desk password 1"
_FIRST_LINE = "Ten desks at once against one database."
DEFAULT_FILE = Path(tempfile.gettempdir()) / "welcome-center-load.db"


@dataclass
class Report:
    """The run's result (the smoke test reads it; :func:`table` prints it)."""

    where: str
    desks: int
    seconds: float
    records: int
    actions: dict[str, dict[str, float]]  # action -> count, p50, p95, max (ms)
    saves: int
    save_p50: float
    save_p95: float
    errors: dict[str, int]
    examples: dict[str, str]
    confirmed: int
    lost: list[str]
    failed_desks: list[str] = field(default_factory=list)
    # A server's backends seen waiting, sampled five times a second: what they waited for.
    waits: dict[str, int] = field(default_factory=dict)
    samples: int = 0
    # Whether the sampling role sees other roles' backends (desks on their own logins): only
    # a superuser or a member of pg_read_all_stats does.
    waits_visible: bool = True
    # Where the machine's CPU time went: the desks' processes, and the whole machine (Linux),
    # since the desks, the server and anything else on the machine share its cores.
    desk_cpu_s: float = 0.0
    busy_share: float | None = None  # of all cores, during the run
    cores: int = 1
    # A save less its desk's wait for a core (Linux): as on desks that are PCs of their own.
    own_core_p50: float | None = None
    own_core_p95: float | None = None

    @property
    def saves_per_second(self) -> float:
        return self.saves / self.seconds if self.seconds else 0.0

    @property
    def unhandled(self) -> int:
        return sum(n for kind, n in self.errors.items() if kind.startswith("unhandled"))


def _percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


def _is_server(url: str) -> bool:
    return url.startswith("postgresql")


def ensure_server_database(url: str) -> None:
    """Create the URL's database on the server when it does not exist yet."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = make_url(url).database
    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            found = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
            if found.first() is None:
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        admin.dispose()


def prepare(url: str, desks: int, records: int) -> int:
    """Migrate (and fill) the database and add the desks' users; returns its record count."""
    from sqlalchemy import func, select

    from welcome_center.db.models import Record
    from welcome_center.db.uow import UnitOfWork
    from welcome_center.domain.enums import Role
    from welcome_center.services import users
    from welcome_center.services.context import Actor
    from welcome_center.services.demo import generate_demo
    from welcome_center.services.storage import open_database

    db = open_database(url, create=True)
    try:
        uow = UnitOfWork(db)
        system = Actor.system("load")
        with uow.read() as s:
            count = s.scalar(select(func.count()).select_from(Record)) or 0
        if records and not count:
            generate_demo(uow, system, records=records)
            count = records
        known = {u.username for u in users.list_users(uow, include_inactive=True)}
        for n in range(1, desks + 1):
            name = desk_user(n)
            if name not in known:
                users.add_user(uow, system, name, PASSWORD, Role.COUNSELLOR, f"Load Desk {n}")
        return int(count)
    finally:
        db.dispose()


def set_up_logins(url: str, desks: int) -> str:
    """``server setup`` on the database and a login with its password for each desk's user;
    returns the URL a desk keeps (the server and database, no user name or password)."""
    from sqlalchemy.engine import URL, make_url

    from welcome_center.db.uow import UnitOfWork
    from welcome_center.services import server_accounts, users
    from welcome_center.services.context import Actor
    from welcome_center.services.storage import open_database

    if not _is_server(url):
        raise SystemExit("--logins needs a PostgreSQL URL")
    server_accounts.set_up_server(url)
    db = open_database(url)
    try:
        uow = UnitOfWork(db)
        names = {desk_user(n) for n in range(1, desks + 1)}
        for u in users.list_users(uow, include_inactive=True):
            if u.username in names:  # the login made by the set-up has no password yet
                users.reset_password(uow, Actor.system("load"), u.id, PASSWORD)
    finally:
        db.dispose()
    u = make_url(url)
    return URL.create(
        u.drivername, host=u.host, port=u.port, database=u.database
    ).render_as_string()


def desk_user(n: int) -> str:
    return f"load-desk-{n:02d}"


def run(
    url: str,
    desks: int = 10,
    seconds: float = 60,
    records: int = 0,
    think_s: float = 0.0,
    nice: int = 0,
    logins: bool = False,
    own_records: bool = False,
) -> Report:
    """Prepare the database, run the desks at once for ``seconds``, merge and check.
    ``logins``: set the server up for a team first (``server setup``, as the URL's role), and
    each desk signs in on its user's own login, under the roles' rights and row-level
    security, as in an office. ``own_records``: the office shows counsellors their own
    records only for the run (its setting as before afterwards)."""
    if _is_server(url):
        ensure_server_database(url)
    count = prepare(url, desks, records)
    desk_url = url
    if logins:
        desk_url = set_up_logins(url, desks)
    before = _set_visibility(url, "own") if own_records else None
    try:
        return _run_desks(url, desk_url, desks, seconds, think_s, nice, logins, count)
    finally:
        if before is not None:
            _set_visibility(url, before)


def _set_visibility(url: str, visibility: str) -> str:
    """Set which records the office shows its counsellors (as the URL's role, through the
    settings service: on a set-up server its trigger switches the policies' form); returns
    the setting before."""
    from welcome_center.db.uow import UnitOfWork
    from welcome_center.services import settings
    from welcome_center.services.context import Actor
    from welcome_center.services.storage import open_database

    db = open_database(url)
    try:
        uow = UnitOfWork(db)
        before = settings.get_settings(uow).record_visibility
        settings.update_settings(uow, Actor.system("load"), record_visibility=visibility)
        return str(before)
    finally:
        db.dispose()


def _run_desks(
    url: str,
    desk_url: str,
    desks: int,
    seconds: float,
    think_s: float,
    nice: int,
    logins: bool,
    count: int,
) -> Report:
    spawn = multiprocessing.get_context("spawn")  # fresh processes: no engine crosses a fork
    ready, results = spawn.Queue(), spawn.Queue()
    go = spawn.Event()
    procs = [
        spawn.Process(
            target=desk_main,
            args=(
                n,
                desk_url,
                desk_user(n),
                PASSWORD,
                seconds,
                think_s,
                ready,
                go,
                results,
                nice,
                logins,
            ),
        )
        for n in range(1, desks + 1)
    ]
    for p in procs:
        p.start()
    for _ in procs:
        ready.get(timeout=300)  # each desk has logged in (argon2 per login)
    sampler = _WaitSampler(url) if _is_server(url) else None
    go.set()
    started = time.monotonic()
    cpu_before = _cpu_times()
    if sampler is not None:
        sampler.start()
    try:
        found = [results.get(timeout=seconds + 300) for _ in procs]
    finally:
        if sampler is not None:
            sampler.stop()
    elapsed = time.monotonic() - started
    cpu_after = _cpu_times()
    for p in procs:
        p.join(timeout=60)
    report = _merge(url, desks, elapsed, count, found)
    if sampler is not None:
        report.waits, report.samples = dict(sampler.waits), sampler.samples
        report.waits_visible = sampler.sees_others or not logins  # else the same role
    report.desk_cpu_s = sum(r.get("cpu_s", 0.0) for r in found)
    report.cores = os.cpu_count() or 1
    if cpu_before is not None and cpu_after is not None:
        total = cpu_after[0] - cpu_before[0]
        report.busy_share = 1 - (cpu_after[1] - cpu_before[1]) / total if total else None
    return report


def _cpu_times() -> tuple[int, int] | None:
    """The machine's CPU time so far (all and idle, in ticks), from /proc/stat on Linux."""
    try:
        with open("/proc/stat") as f:
            values = [int(v) for v in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    return sum(values), values[3] + values[4]  # idle and iowait


class _WaitSampler(threading.Thread):
    """Samples ``pg_stat_activity`` during the run: which lock (by the statement waiting for
    it) or event the desks' backends waited for, to say why saves took as long as they did."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        from sqlalchemy.engine import make_url

        self.dsn = make_url(url).set(drivername="postgresql").render_as_string(False)
        self.database = make_url(url).database
        self.waits: dict[str, int] = defaultdict(int)
        self.samples = 0
        self.sees_others = True
        self._done = threading.Event()

    def run(self) -> None:
        import psycopg

        with psycopg.connect(self.dsn, autocommit=True) as conn:
            row = conn.execute(_SEES_OTHERS).fetchone()
            self.sees_others = bool(row and row[0])
            while not self._done.wait(0.2):
                self.samples += 1
                for kind, event, query in conn.execute(_WAITING, (self.database,)):
                    self.waits[_wait_name(kind, event, query)] += 1

    def stop(self) -> None:
        self._done.set()
        self.join(timeout=10)


_SEES_OTHERS = (
    "SELECT rolsuper OR pg_has_role(current_user, 'pg_read_all_stats', 'MEMBER')"
    " FROM pg_roles WHERE rolname = current_user"
)
_WAITING = (
    "SELECT wait_event_type, wait_event, query FROM pg_stat_activity WHERE datname = %s "
    "AND state = 'active' AND wait_event_type IS NOT NULL AND pid <> pg_backend_pid()"
)


def _wait_name(kind: str, event: str, query: str) -> str:
    if kind != "Lock":
        return f"{kind}: {event}"
    if "audit_append" in query:  # the function locks the chain's head (migration 0019)
        return f"lock on audit_chain_head ({event})"
    for table in ("audit_chain_head", "number_counters", "record_search"):
        if table in query:
            return f"lock on {table} ({event})"
    return f"lock ({event}): {' '.join(query.split())[:60]}"


def _merge(url: str, desks: int, elapsed: float, count: int, found: list[dict[str, Any]]) -> Report:
    latencies: dict[str, list[float]] = defaultdict(list)
    queued: dict[str, list[float]] = defaultdict(list)
    confirmed: dict[str, list[Any]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    examples: dict[str, str] = {}
    failed = []
    for r in found:
        if "failed" in r:
            failed.append(f"desk {r['desk']}: {r['failed']}")
            continue
        for k, v in r["latencies"].items():
            latencies[k].extend(v)
            queued[k].extend(r["queued"].get(k, []))
        for k, v in r["confirmed"].items():
            confirmed[k].extend(v)
        for k, n in r["errors"].items():
            errors[k] += n
        for k, v in r["examples"].items():
            examples.setdefault(k, v)
    saves = [ms for a, v in latencies.items() if a in SAVES or a == CONSENT for ms in v]
    own = [
        ms - wait
        for a, v in latencies.items()
        if (a in SAVES or a == CONSENT) and len(queued[a]) == len(v)
        for ms, wait in zip(v, queued[a], strict=True)
    ]
    own_known = bool(own) and len(own) == len(saves)  # every save's wait (Linux), else none
    actions = {
        a: {
            "count": len(v),
            "p50": _percentile(v, 50),
            "p95": _percentile(v, 95),
            "max": max(v),
        }
        for a, v in sorted(latencies.items(), key=lambda kv: _order(kv[0]))
        if v
    }
    return Report(
        where=_display(url),
        desks=desks,
        seconds=elapsed,
        records=count,
        actions=actions,
        saves=len(saves),
        save_p50=_percentile(saves, 50),
        save_p95=_percentile(saves, 95),
        errors=dict(errors),
        examples=examples,
        confirmed=sum(len(v) for v in confirmed.values()),
        lost=check_confirmed(url, confirmed),
        failed_desks=failed,
        own_core_p50=_percentile(own, 50) if own_known else None,
        own_core_p95=_percentile(own, 95) if own_known else None,
    )


def _order(action: str) -> int:
    names = [*ACTIONS, CONSENT]
    return names.index(action) if action in names else len(names)


def _display(url: str) -> str:
    from welcome_center.db.engine import display_location

    return display_location(url)


def check_confirmed(url: str, confirmed: dict[str, list[Any]]) -> list[str]:
    """Every save a desk saw confirmed, looked up afterwards: what is missing, one line each."""
    from sqlalchemy import select

    from welcome_center.db import models as m
    from welcome_center.services.storage import open_database

    tables: dict[str, Any] = {
        "persons": m.Person,
        "records": m.Record,
        "consultations": m.Consultation,
        "referrals": m.Referral,
        "consents": m.Consent,
        "follow_ups": m.FollowUp,
    }
    lost: list[str] = []
    db = open_database(url)
    try:
        with db.engine.connect() as conn:
            for kind, model in tables.items():
                ids = set(confirmed.get(kind, []))
                present: set[int] = set()
                chunk = sorted(ids)
                for i in range(0, len(chunk), 1000):
                    part = chunk[i : i + 1000]
                    present.update(conn.scalars(select(model.id).where(model.id.in_(part))))
                lost.extend(f"{kind} {i}" for i in sorted(ids - present))
            feedback = dict(confirmed.get("feedback", []))
            status = dict(
                conn.execute(
                    select(m.Referral.id, m.Referral.status).where(m.Referral.id.in_(feedback))
                ).all()
            )
            lost.extend(
                f"feedback on referral {rid}" for rid, s in feedback.items() if status.get(rid) != s
            )
            done = set(confirmed.get("follow_ups_done", []))
            completed = set(
                conn.scalars(
                    select(m.FollowUp.id).where(
                        m.FollowUp.id.in_(done), m.FollowUp.done_on.is_not(None)
                    )
                )
            )
            lost.extend(f"follow-up {i} done" for i in sorted(done - completed))
    finally:
        db.dispose()
    return lost


def table(r: Report) -> str:
    """The report as the closing note shows it."""
    out = [
        f"{r.desks} desks for {r.seconds:.0f} s against {r.where} ({r.records:,} records before)",
        "",
        f"{'action':<16}{'count':>8}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}",
    ]
    for a, v in r.actions.items():
        mark = " (save)" if a in SAVES or a == CONSENT else ""
        out.append(
            f"{a:<16}{v['count']:>8.0f}{v['p50']:>10.1f}{v['p95']:>10.1f}{v['max']:>10.1f}{mark}"
        )
    verdict = "met" if r.save_p95 <= 50 else "MISSED"
    out += [
        "",
        f"saves: {r.saves:,} in {r.seconds:.0f} s = {r.saves_per_second:.1f} per second; "
        f"p50 {r.save_p50:.1f} ms, p95 {r.save_p95:.1f} ms (target 50 ms: {verdict})",
    ]
    if r.own_core_p95 is not None:
        mine = "met" if r.own_core_p95 <= 50 else "MISSED"
        out.append(
            f"a save less its desk's wait for a core (desks on PCs of their own; the server "
            f"still shares these cores): p50 {r.own_core_p50:.1f} ms, p95 {r.own_core_p95:.1f} ms "
            f"(target 50 ms: {mine})"
        )
    out += [
        f"confirmed saves checked afterwards: {r.confirmed:,}, lost: {len(r.lost)}",
    ]
    out += [f"  lost: {line}" for line in r.lost[:20]]
    if r.errors:
        out.append("errors by kind:")
        out += [f"  {k}: {n}  (e.g. {r.examples.get(k, '')})" for k, n in sorted(r.errors.items())]
    else:
        out.append("errors: none")
    out += [f"desk failed: {line}" for line in r.failed_desks]
    available = r.cores * r.seconds
    cpu_line = (
        f"CPU: the desks' processes used {r.desk_cpu_s:.0f} s of the {available:.0f} s that "
        f"{r.cores} cores had in {r.seconds:.0f} s ({r.desk_cpu_s / available:.0%})"
    )
    if r.busy_share is not None:
        cpu_line += f"; the machine's cores were {r.busy_share:.0%} busy"
    out.append(cpu_line)
    if r.samples and not r.waits_visible:
        out.append("server backends waiting: not seen (the desks' own logins' backends show "
                   "their waits only to a superuser or a member of pg_read_all_stats)")  # fmt: skip
    elif r.samples:
        out.append(f"server backends waiting, per sample ({r.samples} samples, 5 a second):")
        out += [
            f"  {n / r.samples:5.2f}  {kind}"
            for kind, n in sorted(r.waits.items(), key=lambda kv: -kv[1])[:8]
        ]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks.load", description=__doc__.split("\n")[0]
    )
    p.add_argument("--db", help="a PostgreSQL URL (default: a new SQLite file)")
    p.add_argument("--desks", type=int, default=10)
    p.add_argument("--seconds", type=float, default=60)
    p.add_argument("--records", type=int, default=0, help="fill an empty database first")
    p.add_argument(
        "--think", type=float, default=0.0, help="mean pause between a desk's actions, s"
    )
    p.add_argument(
        "--nice",
        type=int,
        default=0,
        help="run the desks' processes at this lower priority, so that the server's backends "
        "take a core first, as on a server of its own (Unix)",
    )
    p.add_argument(
        "--logins",
        action="store_true",
        help="set the server up for a team first (server setup, as the URL's role) and sign "
        "each desk in on its user's own login, under row-level security, as in an office",
    )
    p.add_argument(
        "--own-records",
        action="store_true",
        help="the office shows counsellors their own records only, for the run",
    )
    args = p.parse_args(argv)
    url = args.db
    if url is None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{DEFAULT_FILE}{suffix}").unlink(missing_ok=True)
        from welcome_center.db.engine import url_for_path

        url = url_for_path(DEFAULT_FILE)
    load = os.getloadavg()[0]
    report = run(
        url, args.desks, args.seconds, args.records, args.think, args.nice, args.logins,
        args.own_records,
    )  # fmt: skip
    print(table(report))
    print(
        f"load average (1 min) before {load:.1f}, after {os.getloadavg()[0]:.1f}; "
        f"{os.cpu_count()} CPUs; think time {args.think} s; desks at nice {args.nice}"
        + ("; each desk on its user's own login" if args.logins else "")
        + ("; the office shows counsellors their own records only" if args.own_records else "")
    )
    ok = not report.lost and not report.unhandled and not report.failed_desks
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
