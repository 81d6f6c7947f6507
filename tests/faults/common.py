"""What the fault-injection scenarios share: making an office database, the worker process,
and the checks after each fault (every confirmed save present, SQLite's integrity check, the
program opens the file, ``db check`` agrees).

Nothing here imports Qt. The pytest tests (``test_*.py``) and the by-hand runner (``run.py``)
both use it.
"""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).absolute().parents[2]
PYTHON = sys.executable
PASSWORD = "correct horse battery"
COUNSELLOR = "anna"
# A fixed day in the past: no test depends on today's date, the hour or the time zone.
YEAR = 2024
OPENED = date(2024, 3, 1)
HELD = date(2024, 3, 4)
# Every wait on a child process is bounded, so that a hang fails the test instead of CI.
WAIT = 60.0
# The command line's data folder (never the user's own).
DATA_DIR = str(Path(tempfile.gettempdir()) / "welcome-center-faults-data")

# The program's opening runs Alembic, whose operation proxies are global: the runner's threads
# (run.py --jobs) take turns for the in-process opens and checks (the faults run in children).
PROGRAM_LOCK = threading.RLock()

# The refusals that must never be said of our own intact (or never finished) file.
WRONG_REFUSALS = ("not_sqlite", "foreign_sqlite", "truncated", "damaged")


def url_of(path: Path) -> str:
    from welcome_center.db.engine import url_for_path

    return url_for_path(path)


# --- creating and opening databases -------------------------------------------------------------
# Issue 10 item 7: after the fix only `welcome-center setup` and the desk's first-run dialog
# create a database. These two helpers are the only places here that create or open one, so that
# the change is made in one spot.


def create_office(path: Path) -> None:
    """A new office database at ``path``: schema, vocabularies, an administrator, a counsellor."""
    from welcome_center.db.uow import UnitOfWork
    from welcome_center.domain.enums import Role
    from welcome_center.services import settings, users
    from welcome_center.services.context import Actor
    from welcome_center.services.storage import open_database

    with PROGRAM_LOCK:
        db = open_database(url_of(path), **_create_option(open_database))
    try:
        uow = UnitOfWork(db)
        users.add_user(uow, None, "admin", PASSWORD, Role.ADMIN, "Ada Admin")
        system = Actor.system("faults")
        settings.update_settings(uow, system, office_name="Fault Office", number_prefix="WC")
        users.add_user(uow, system, COUNSELLOR, PASSWORD, Role.COUNSELLOR, "Anna Berger")
    finally:
        db.dispose()


def _create_option(opener: object) -> dict[str, bool]:
    """``create=True`` where the opener has that option (issue 10 item 7: creating is explicit;
    before that change opening created a missing file by itself)."""
    import inspect

    return {"create": True} if "create" in inspect.signature(opener).parameters else {}  # type: ignore[arg-type]


def open_existing(path: Path, backup_dir: Path | None = None):  # type: ignore[no-untyped-def]
    """The program's own opening of an existing database (refusal checks, migration, seeding)."""
    from welcome_center.services.storage import open_database

    with PROGRAM_LOCK:
        return open_database(url_of(path), backup_dir=backup_dir)


def clean_error_types() -> tuple[type[BaseException], ...]:
    """The errors a user is shown as a message (the command line and the desk catch these)."""
    from welcome_center.db.uow import ConcurrentChangeError
    from welcome_center.domain.errors import DomainError
    from welcome_center.services import storage

    extra = tuple(
        v
        for k, v in vars(storage).items()
        if k.endswith("Error") and isinstance(v, type) and issubclass(v, Exception)
    )
    return (DomainError, ConcurrentChangeError, *extra)


def one_line(text: object) -> str:
    return " ".join(str(text).split())[:300]


# --- the worker process -------------------------------------------------------------------------


@dataclass
class Confirmed:
    """What a worker said it saved (the service call had returned)."""

    persons: dict[int, str] = field(default_factory=dict)
    records: dict[int, tuple[str, str]] = field(default_factory=dict)  # id -> (number, marker)
    consultations: dict[int, str] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.persons) + len(self.records) + len(self.consultations)

    def add_line(self, line: str) -> None:
        parts = line.split()
        if len(parts) < 3 or parts[0] != "SAVED":
            return
        kind, ident = parts[1], int(parts[2])
        if kind == "person":
            self.persons[ident] = parts[3]
        elif kind == "record":
            self.records[ident] = (parts[3], parts[4])
        elif kind == "consultation":
            self.consultations[ident] = parts[3]

    def update(self, other: Confirmed) -> None:
        self.persons.update(other.persons)
        self.records.update(other.records)
        self.consultations.update(other.consultations)


@dataclass
class WorkerRun:
    """A finished (or killed) worker: its output lines and what it confirmed."""

    lines: list[str]
    stderr: str
    returncode: int | None
    killed: bool
    confirmed: Confirmed

    def errors(self) -> list[str]:
        return [ln for ln in self.lines if ln.startswith("ERROR ")]

    def has(self, prefix: str) -> bool:
        return any(ln.startswith(prefix) for ln in self.lines)


class Worker:
    """``python -m tests.faults.worker`` as a child process whose stdout is read line by line."""

    def __init__(self, db: Path, *args: str, env: dict[str, str] | None = None) -> None:
        self.lines: list[str] = []
        self.cond = threading.Condition()
        self.proc = subprocess.Popen(
            [PYTHON, "-m", "tests.faults.worker", str(db), *args],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, **(env or {})},
        )
        self.started = time.monotonic()
        self._stderr: list[str] = []
        self._out = threading.Thread(target=self._read, daemon=True)
        self._err = threading.Thread(target=self._read_err, daemon=True)
        self._out.start()
        self._err.start()
        self.killed = False

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            with self.cond:
                self.lines.append(line.rstrip("\n"))
                self.cond.notify_all()
        with self.cond:
            self.cond.notify_all()

    def _read_err(self) -> None:
        assert self.proc.stderr is not None
        self._stderr.append(self.proc.stderr.read())

    def wait_for(self, prefix: str, timeout: float = WAIT, start: int = 0) -> int | None:
        """The index of the first line from ``start`` on that begins with ``prefix``; None when
        the worker ended or the timeout passed first."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for i in range(start, len(self.lines)):
                    if self.lines[i].startswith(prefix):
                        return i
                left = deadline - time.monotonic()
                if left <= 0 or (self.proc.poll() is not None and not self._out.is_alive()):
                    return None
                self.cond.wait(min(left, 0.05))

    def wait_for_file(self, path: Path, timeout: float = WAIT) -> bool:
        """Whether ``path`` appeared (not empty) before the worker ended or the timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.proc.poll() is None:
            if path.exists() and path.stat().st_size > 0:
                return True
            time.sleep(0.001)
        return path.exists()

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.killed = True

    def finish(self, timeout: float = WAIT) -> WorkerRun:
        """Wait for the end (killing the worker when the timeout passes) and collect."""
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            self.proc.wait(timeout=10)
        self._out.join(timeout=10)
        self._err.join(timeout=10)
        confirmed = Confirmed()
        with self.cond:
            lines = list(self.lines)
        for line in lines:
            confirmed.add_line(line)
        return WorkerRun(lines, "".join(self._stderr), self.proc.returncode, self.killed, confirmed)


# The command line acts as --user (issue 13): the administrator of create_office, whose
# password it reads from the environment.
CLI_ENV = {"WELCOME_CENTER_DATA": DATA_DIR, "WELCOME_CENTER_PASSWORD": PASSWORD}


def run_cli(*args: str, timeout: float = WAIT, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    """``welcome-center ARGS`` as a child process (completed), as the administrator."""
    return subprocess.run(
        [PYTHON, "-m", "welcome_center", "--user", "admin", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **CLI_ENV, **(env or {})},
    )


# --- the checks after a fault -------------------------------------------------------------------


@dataclass
class Verdict:
    """The problems found after one fault, each with a short kind for the summary table."""

    problems: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, kind: str, detail: str) -> None:
        self.problems.append((kind, detail))

    def kinds(self) -> list[str]:
        return sorted({k for k, _ in self.problems})

    def __str__(self) -> str:
        return "; ".join(f"{k}: {d}" for k, d in self.problems) or "ok"


def refusal_of(exc: BaseException) -> str:
    """The engine's refusal reason behind a StorageRefusedError ("" when there is none)."""
    cause = exc.__cause__
    reason = getattr(cause, "reason", None)
    return str(reason) if reason is not None else ""


def program_opens(path: Path, verdict: Verdict, nothing_confirmed: bool = False) -> bool:
    """The program's own open (what the desk does at start). Must come first after a fault: any
    other connection would checkpoint the ``-wal`` into the file and hide what a user meets."""
    try:
        db = open_existing(path)
    except Exception as exc:
        reason = refusal_of(exc)
        if nothing_confirmed and reason and reason not in WRONG_REFUSALS:
            verdict.notes.append(f"not yet a database: {reason}")
            return False
        kind = f"refused:{reason}" if reason else f"open crashed:{type(exc).__name__}"
        verdict.add(kind, one_line(getattr(exc, "message", exc)))
        return False
    db.dispose()
    return True


def db_check(path: Path, verdict: Verdict, cli: bool = False) -> None:
    """``welcome-center db check``: in-process (the same function), or as the command."""
    if cli:
        done = run_cli("--db", str(path), "db", "check")
        if done.returncode != 0 or "Traceback" in done.stderr:
            verdict.add("db check", one_line(done.stdout + done.stderr))
        return
    from welcome_center.services.storage import check_database

    try:
        with PROGRAM_LOCK:
            report = check_database(url_of(path))
    except Exception as exc:
        verdict.add("db check crashed", f"{type(exc).__name__}: {one_line(exc)}")
        return
    if not report.ok:
        verdict.add("db check", one_line(" | ".join(report.lines)))


def integrity(path: Path, verdict: Verdict) -> None:
    con = sqlite3.connect(path, timeout=10)
    try:
        rows = [r[0] for r in con.execute("PRAGMA integrity_check").fetchall()]
    except sqlite3.DatabaseError as exc:
        rows = [str(exc)]
    finally:
        con.close()
    if rows != ["ok"]:
        verdict.add("integrity", one_line("; ".join(map(str, rows[:5]))))


def confirmed_present(path: Path, confirmed: Confirmed, verdict: Verdict) -> None:
    """Every save the worker confirmed is in the file, with its marker (and number)."""
    if not len(confirmed):
        return
    con = sqlite3.connect(path, timeout=10)
    try:
        persons = dict(con.execute("SELECT id, notes FROM persons").fetchall())
        records = {i: (n, s) for i, n, s in con.execute("SELECT id, number, summary FROM records")}
        consultations = dict(con.execute("SELECT id, notes FROM consultations").fetchall())
    except sqlite3.DatabaseError as exc:
        verdict.add("unreadable", one_line(exc))
        return
    finally:
        con.close()

    def first(text: str | None) -> str | None:  # the marker, without the filler (--pad)
        return text.split(" ", 1)[0] if text else text

    lost = [f"person {i}" for i, m in confirmed.persons.items() if first(persons.get(i)) != m]
    lost += [f"record {i}" for i, v in confirmed.records.items() if records.get(i) != v]
    lost += [
        f"consultation {i}"
        for i, m in confirmed.consultations.items()
        if first(consultations.get(i)) != m
    ]
    if lost:
        verdict.add("lost saves", f"{len(lost)} of {len(confirmed)}: {', '.join(lost[:5])}")


def record_numbers(path: Path, year: int = YEAR) -> list[int]:
    con = sqlite3.connect(path, timeout=10)
    try:
        rows = con.execute(
            "SELECT number FROM records WHERE number LIKE ?", (f"WC-{year}-%",)
        ).fetchall()
    finally:
        con.close()
    return sorted(int(n.rsplit("-", 1)[1]) for (n,) in rows)


def numbers_consecutive(path: Path, verdict: Verdict, year: int = YEAR) -> None:
    numbers = record_numbers(path, year)
    if numbers != list(range(1, len(numbers) + 1)):
        dupes = len(numbers) - len(set(numbers))
        verdict.add("numbers", f"{len(numbers)} numbers, {dupes} duplicates, not 1..n")


def check_after_fault(
    path: Path,
    confirmed: Confirmed,
    cli_check: bool = False,
    nothing_confirmed_ok: bool = False,
) -> Verdict:
    """All the checks after a fault, in the order that shows what a user would meet."""
    verdict = Verdict()
    if not path.exists() or path.stat().st_size == 0:
        if len(confirmed):
            verdict.add("file gone", f"{path} missing or empty after {len(confirmed)} saves")
        else:
            verdict.notes.append("no file yet")
        return verdict
    opened = program_opens(path, verdict, nothing_confirmed=nothing_confirmed_ok)
    if not opened and not verdict.problems:
        return verdict  # refused as not yet a database, with nothing confirmed: allowed
    if opened:
        db_check(path, verdict, cli=cli_check)
    integrity(path, verdict)
    confirmed_present(path, confirmed, verdict)
    return verdict


# --- schema snapshots (upgrades) ----------------------------------------------------------------


def schema_of(path: Path) -> set[tuple[str, str, str]]:
    """Tables and indexes with their SQL (whitespace folded), without SQLite's own."""
    con = sqlite3.connect(path, timeout=10)
    try:
        rows = con.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
        ).fetchall()
    finally:
        con.close()
    return {(t, n, _same_order(re.sub(r"\s+", " ", s or ""))) for t, n, s in rows}


_CONSTRAINT = re.compile(r"(CONSTRAINT|PRIMARY KEY|FOREIGN KEY|UNIQUE|CHECK)\b")


def _same_order(sql: str) -> str:
    """A CREATE TABLE with its table constraints sorted: batch mode (a table rebuilt by a
    migration, 0016's ``records``) writes them in no fixed order, which means nothing."""
    head, paren, body = sql.partition("(")
    if not head.startswith("CREATE TABLE") or not body.endswith(")"):
        return sql
    items, depth, start = [], 0, 0
    for i, ch in enumerate(body[:-1]):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if ch == "," and depth == 0:
            items.append(body[start:i].strip())
            start = i + 1
    items.append(body[start:-1].strip())
    columns = [x for x in items if not _CONSTRAINT.match(x)]
    constraints = sorted(x for x in items if _CONSTRAINT.match(x))
    return f"{head}{paren}{', '.join(columns + constraints)})"


def revision_of(path: Path) -> str | None:
    con = sqlite3.connect(path, timeout=10)
    try:
        row = con.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError:
        return None
    finally:
        con.close()
    return row[0] if row else None


def table_counts(path: Path, tables: Iterable[str]) -> dict[str, int]:
    con = sqlite3.connect(path, timeout=10)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}  # noqa: S608
    finally:
        con.close()
