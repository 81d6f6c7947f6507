"""One trial of each fault, for the pytest tests and the by-hand runner.

Each trial returns a :class:`Trial`: the verdict of the checks after the fault and what the
trial hit (killed during a checkpoint, during the migration, before anything was confirmed...).
"""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.faults import common
from tests.faults.common import Confirmed, Verdict, Worker

# Random moments: most kills land while the worker saves, some while it starts and opens.
STARTUP_KILL_SHARE = 0.15
SAVE_WINDOW = 1.2  # seconds after READY in which a random kill lands
# Checkpoint kills: this share is timed to the moment the file starts growing, the rest land at
# a random moment of the checkpoint's duration.
GROWTH_SHARE = 0.5
UPGRADE_WINDOW_SHARE = 0.5
CHECKPOINT_PAD = 1500  # filler per saved text: a checkpoint then copies many new pages


@dataclass
class Trial:
    verdict: Verdict
    hit: str = ""  # what the kill interrupted, for the summary
    confirmed: int = 0
    info: dict[str, object] = field(default_factory=dict)


def _worker_problems(run: common.WorkerRun, verdict: Verdict) -> None:
    for line in run.errors():
        parts = line.split(" ", 3)
        if len(parts) >= 3 and parts[2] == "crash":
            verdict.add(f"worker crash:{parts[1]}", line)
    if not run.killed and run.returncode not in (0, None) and not run.errors():
        verdict.add("worker failed", common.one_line(run.stderr[-500:]))


# --- random kills of a writer -----------------------------------------------------------------


def random_kill(path: Path, confirmed: Confirmed, rng: random.Random, cli_check: bool) -> Trial:
    """Start a writer on ``path``, SIGKILL it at a random moment, check. ``confirmed`` collects
    every save confirmed so far on this file (earlier trials of a chain included)."""
    w = Worker(path, "--tag", f"k{rng.randrange(16**6):06x}")
    if rng.random() < STARTUP_KILL_SHARE:
        time.sleep(rng.uniform(0.0, 0.8))
        hit = "start-up"
    else:
        if w.wait_for("READY") is None:
            w.kill()
            run = w.finish()
            verdict = Verdict()
            verdict.add("worker did not start", common.one_line([*run.lines[-3:], run.stderr]))
            return Trial(verdict, "no start")
        time.sleep(rng.uniform(0.0, SAVE_WINDOW))
        hit = "saving"
    w.kill()
    run = w.finish()
    confirmed.update(run.confirmed)
    verdict = common.check_after_fault(path, confirmed, cli_check=cli_check)
    _worker_problems(run, verdict)
    return Trial(verdict, hit, len(run.confirmed))


# --- kills during checkpoints -----------------------------------------------------------------


def checkpoint_kill(
    path: Path, confirmed: Confirmed, rng: random.Random, cli_check: bool, last: int = 3
) -> Trial:
    """A writer that checkpoints by hand (``wal_checkpoint(TRUNCATE)`` every K rounds, automatic
    checkpoints off, so each one copies many pages and grows the file), killed after it said
    "CHECKPOINT start" and within the time a checkpoint took before."""
    every = rng.randint(10, 80)
    w = Worker(
        path,
        *("--tag", f"c{rng.randrange(16**6):06x}", "--checkpoint-every", str(every)),
        *("--pad", str(CHECKPOINT_PAD)),
    )
    target = rng.randint(1, last)
    estimate_ms = 3.0
    start_at = 0
    for n in range(1, target + 1):
        i = w.wait_for(f"CHECKPOINT start {n}", start=start_at)
        if i is None:
            w.kill()
            run = w.finish()
            verdict = Verdict()
            verdict.add("worker stopped", common.one_line([*run.lines[-3:], run.stderr[-300:]]))
            return Trial(verdict, "no checkpoint")
        if n < target:
            j = w.wait_for(f"CHECKPOINT end {n}", start=i)
            if j is not None:
                estimate_ms = float(w.lines[j].split()[3])
                start_at = j
            continue
        size_before = path.stat().st_size
        if rng.random() < GROWTH_SHARE:
            _wait_for_growth(path, size_before, w, estimate_ms * 3 / 1000)
            how = "growth"
        else:
            _sleep_precise(rng.uniform(0.0, estimate_ms) / 1000)
            how = "timed"
        w.kill()
    run = w.finish()
    during = not run.has(f"CHECKPOINT end {target}")
    confirmed.update(run.confirmed)
    verdict = common.check_after_fault(path, confirmed, cli_check=cli_check)
    _worker_problems(run, verdict)
    info = {"how": how, "grew": path.exists() and path.stat().st_size > size_before}
    return Trial(verdict, "checkpoint" if during else "after checkpoint", len(run.confirmed), info)


def _wait_for_growth(path: Path, size: int, w: Worker, limit: float) -> None:
    """Spin until the checkpoint starts writing beyond the file's old end: from then until its
    last page is written, the header promises more pages than the file has."""
    end = time.perf_counter() + limit
    while time.perf_counter() < end and w.proc.poll() is None:
        if os.stat(path).st_size > size:
            return


def _sleep_precise(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


# --- kills of a first session -----------------------------------------------------------------


def first_session_kill(path: Path, rng: random.Random, window: float = 2.0) -> Trial:
    """A process creating a new database and saving into it, killed at a random moment of the
    ``window`` seconds after it said CREATING (creating takes about one second here)."""
    w = Worker(path, "--create", "--tag", f"f{rng.randrange(16**6):06x}")
    if w.wait_for("CREATING") is None:
        w.kill()
        run = w.finish()
        verdict = Verdict()
        verdict.add("worker did not start", common.one_line(run.stderr[-300:]))
        return Trial(verdict, "no start")
    time.sleep(rng.uniform(0.0, window))
    w.kill()
    run = w.finish()
    nothing = len(run.confirmed) == 0
    verdict = common.check_after_fault(path, run.confirmed, nothing_confirmed_ok=nothing)
    _worker_problems(run, verdict)
    hit = "creating" if not run.has("READY") else ("opened" if nothing else "saving")
    return Trial(verdict, hit, len(run.confirmed))


# --- kills of `db upgrade` ------------------------------------------------------------------------


def build_old_office(path: Path, revision: str, rounds: int) -> Confirmed:
    """A database at an older schema ``revision``, seeded through the services, filled in
    plain SQL."""
    from alembic import command

    from welcome_center.db import migrate
    from welcome_center.db.engine import open_engine

    db = open_engine(common.url_of(path), create=True)  # marks the new file as ours
    try:
        cfg = migrate.alembic_config()
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.commit()
            with conn.begin():
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, revision)
    finally:
        db.dispose()
    _old_seed(path)
    _old_users_and_settings(path)
    assert common.revision_of(path) == revision
    # The rounds are saved by a worker that must not upgrade: it writes with the old schema.
    return _fill_old(path, rounds)


def _old_seed(path: Path) -> None:
    """The vocabularies and partners a new database gets (services.storage.seed), in plain SQL:
    the models of today have columns the old schema lacks."""
    from welcome_center.domain.rules import organisation_key
    from welcome_center.services import seed_data

    con = sqlite3.connect(path)
    try:
        for vocabulary, entries in seed_data.VOCABULARIES.items():
            for position, (code, de, en) in enumerate(entries):
                _insert(
                    con,
                    "vocabulary_entries",
                    vocabulary=vocabulary, code=code, label_de=de, label_en=en,
                    position=position, active=1,
                )  # fmt: skip
        now = "2024-03-04 10:00:00.000000"
        for code, name, short in seed_data.PARTNERS:
            _insert(
                con,
                "organisations",
                name=name, short_name=short, name_key=organisation_key(name), code=code,
                is_partner=1, email="", phone="", website="", notes="", active=1,
                created_at=now, updated_at=now, version=1,
            )  # fmt: skip
        con.commit()
    finally:
        con.close()


def _old_users_and_settings(path: Path) -> None:
    """The administrator, the counsellor and the office, in plain SQL like :func:`_fill_old`:
    the services write the audit log's columns of today, which the old schema may lack."""
    from welcome_center.services.users import hash_password

    con = sqlite3.connect(path)
    now = "2024-03-04 10:00:00.000000"
    try:
        for username, role, name in (
            ("admin", "admin", "Ada Admin"),
            (common.COUNSELLOR, "counsellor", "Anna"),
        ):
            _insert(
                con,
                "users",
                username=username, display_name=name, role=role, active=1, created_at=now,
                password_hash=hash_password(common.PASSWORD),
            )  # fmt: skip
        _insert(
            con,
            "office_settings",
            id=1, office_name="Fault Office", number_prefix="WC", suppression_threshold=3,
            residence_expiry_window_days=90, referral_feedback_days=14, version=1,
        )  # fmt: skip
        con.commit()
    finally:
        con.close()


def _fill_old(path: Path, rounds: int) -> Confirmed:
    """Persons, records (with their numbers and search index lines) and consultations, written
    with plain SQL the way the services do at the old schema (the services of this program
    would first upgrade the file)."""
    con = sqlite3.connect(path)
    confirmed = Confirmed()
    now = "2024-03-04 10:00:00.000000"
    try:
        uid = con.execute("SELECT id FROM users WHERE username=?", (common.COUNSELLOR,)).fetchone()[
            0
        ]
        for i in range(rounds):
            marker = f"u{i:06d}"
            pid = _insert(
                con,
                "persons",
                family_name="Probe", given_name="Fault", name_key="probe fault", notes=marker,
                email="", phone="", languages="", created_at=now, updated_at=now,
                updated_by_id=uid, version=1,
            )  # fmt: skip
            confirmed.persons[pid] = marker
            number = f"WC-{common.YEAR}-{i + 1:04d}"
            rid = _insert(
                con,
                "records",
                number=number, kind="enquiry", status="in_progress", client_person_id=pid,
                opened_on=common.OPENED.isoformat(), counsellor_id=uid, summary=marker,
                created_at=now, updated_at=now, updated_by_id=uid, version=1,
            )  # fmt: skip
            confirmed.records[rid] = (number, marker)
            con.execute(
                "INSERT INTO record_search(rowid, number, names, body) VALUES (?, ?, ?, ?)",
                (rid, number, "Probe Fault", marker),
            )
            cid = _insert(
                con,
                "consultations",
                record_id=rid, held_on=common.HELD.isoformat(), duration_minutes=30,
                counsellor_id=uid, is_first=1, language="", interpreter=0, notes=marker,
                created_at=now, version=1,
            )  # fmt: skip
            confirmed.consultations[cid] = marker
        con.execute(
            "INSERT INTO number_counters(prefix, year, last) VALUES ('WC', ?, ?)",
            (common.YEAR, rounds),
        )
        con.commit()
    finally:
        con.close()
    return confirmed


def _insert(con: sqlite3.Connection, table: str, **values: object) -> int:
    """INSERT the values whose columns the table has at its revision; the new row's id."""
    cols = {r[1] for r in con.execute(f"PRAGMA table_info({table})")}
    values = {k: v for k, v in values.items() if k in cols}
    cur = con.execute(
        f"INSERT INTO {table} ({', '.join(values)}) "  # noqa: S608
        f"VALUES ({', '.join('?' * len(values))})",
        list(values.values()),
    )
    assert cur.lastrowid is not None
    return cur.lastrowid


@dataclass
class UpgradeSetup:
    """An old database to copy per trial, the schemas to compare with, the timings of a run."""

    template: Path
    revision: str
    confirmed: Confirmed
    counts: dict[str, int]
    schemas: dict[str, set[tuple[str, str, str]]]
    head: str
    backup_after: float = 0.0  # seconds from start until the backup file appears
    total: float = 0.0  # seconds of an uninterrupted `db upgrade`


TABLES = ("persons", "records", "consultations", "users", "vocabulary_entries", "organisations")


def reference_schemas(folder: Path) -> tuple[dict[str, set[tuple[str, str, str]]], str]:
    """The schema after each revision, built by running the migrations uninterrupted."""
    from alembic import command
    from alembic.script import ScriptDirectory
    from sqlalchemy import create_engine

    from welcome_center.db import migrate

    cfg = migrate.alembic_config()
    revisions = [s.revision for s in ScriptDirectory.from_config(cfg).walk_revisions()]
    schemas = {}
    for rev in revisions:
        p = folder / f"reference-{rev}.db"
        engine = create_engine(common.url_of(p))
        with engine.connect() as conn, conn.begin():
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, rev)
        engine.dispose()
        schemas[rev] = common.schema_of(p)
    return schemas, migrate.head_revision()


def prepare_upgrade(folder: Path, revision: str = "0001", rounds: int = 1500) -> UpgradeSetup:
    folder.mkdir(parents=True, exist_ok=True)
    template = folder / "template.db"
    confirmed = build_old_office(template, revision, rounds)
    schemas, head = reference_schemas(folder)
    counts = common.table_counts(template, TABLES)
    setup = UpgradeSetup(template, revision, confirmed, counts, schemas, head)
    # One uninterrupted run for the timings (and to see that the upgrade works at all).
    calib = folder / "calibration"
    calib.mkdir()
    path = _copy_template(setup, calib)
    t0 = time.monotonic()
    proc = _start_upgrade(path)
    backups = path.parent / "backups"
    while proc.poll() is None and not any(backups.glob("*")):
        time.sleep(0.001)
    setup.backup_after = time.monotonic() - t0
    out, err = proc.communicate(timeout=common.WAIT)
    setup.total = time.monotonic() - t0
    if proc.returncode != 0:
        raise AssertionError(f"db upgrade failed without a fault: {out}{err}")
    return setup


def _copy_template(setup: UpgradeSetup, folder: Path) -> Path:
    path = folder / "office.db"
    shutil.copyfile(setup.template, path)
    return path


def _start_upgrade(path: Path) -> subprocess.Popen[str]:
    import os

    return subprocess.Popen(
        [
            common.PYTHON,
            "-m",
            "welcome_center",
            "--user",
            "admin",
            "--db",
            str(path),
            "db",
            "upgrade",
        ],
        cwd=common.ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **common.CLI_ENV},
    )


def upgrade_kill(setup: UpgradeSetup, folder: Path, rng: random.Random, cli_check: bool) -> Trial:
    """``welcome-center db upgrade`` killed at a random moment of its backup and migration."""
    folder.mkdir(parents=True, exist_ok=True)
    path = _copy_template(setup, folder)
    backups = path.parent / "backups"
    proc = _start_upgrade(path)
    deadline = time.monotonic() + common.WAIT
    while proc.poll() is None and not any(backups.glob("*")) and time.monotonic() < deadline:
        time.sleep(0.0005)
    # The backup and the migration take the first part of what is left of a run after the
    # backup file appears (then the program prints and exits).
    window = max(setup.total - setup.backup_after, 0.05) * UPGRADE_WINDOW_SHARE
    time.sleep(rng.uniform(0.0, window))
    finished = proc.poll() is not None
    if not finished:
        proc.kill()
    try:
        proc.communicate(timeout=common.WAIT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate(timeout=10)
    verdict = Verdict()
    # What the kill left, judged on a copy (any connection to the file itself would already
    # recover and checkpoint its -wal, and the program's open below upgrades it).
    snap = folder / "snapshot"
    snap.mkdir()
    for suffix in ("", "-wal", "-shm"):
        src = Path(f"{path}{suffix}")
        if src.exists():
            shutil.copyfile(src, snap / f"office.db{suffix}")
    left = common.revision_of(snap / "office.db")
    if left not in setup.schemas:
        verdict.add("revision unknown", repr(left))
    else:
        found = common.schema_of(snap / "office.db")
        if found != setup.schemas[left]:
            missing = sorted(n for _, n, _ in setup.schemas[left] - found)
            extra = sorted(n for _, n, _ in found - setup.schemas[left])
            verdict.add(
                "half-migrated",
                f"revision {left} but missing {missing[:4]} extra {extra[:4]}",
            )
    # Any backup under its final name must be complete.
    complete = False
    for b in sorted(backups.glob("*.db")) if backups.exists() else []:
        try:
            counts = common.table_counts(b, TABLES)
        except sqlite3.DatabaseError as exc:
            verdict.add("partial backup", f"{b.name}: {common.one_line(exc)}")
            continue
        if counts != setup.counts:
            verdict.add("partial backup", f"{b.name}: {counts}")
        else:
            complete = True
    if finished:
        hit = "not killed (finished)"
    elif left != setup.revision:
        hit = "after the migration"
    else:
        hit = "after the backup, before the commit" if complete else "in the backup"
    # Then the program opens (and upgrades) it; a fresh backup folder, so that this does not
    # test a second backup in the same second (test_upgrade_kills.py does that on its own).
    try:
        db = common.open_existing(path, backup_dir=folder / "backups-reopen")
        db.dispose()
    except Exception as exc:
        verdict.add(f"reopen:{type(exc).__name__}", common.one_line(getattr(exc, "message", exc)))
    else:
        if common.revision_of(path) != setup.head:
            verdict.add("not upgraded", repr(common.revision_of(path)))
        found = common.schema_of(path)
        if found != setup.schemas[setup.head]:
            missing = sorted(n for _, n, _ in setup.schemas[setup.head] - found)
            extra = sorted(n for _, n, _ in found - setup.schemas[setup.head])
            verdict.add("schema after upgrade", f"missing {missing[:4]} extra {extra[:4]}")
        common.db_check(path, verdict, cli=cli_check)
    common.integrity(path, verdict)
    counts = common.table_counts(path, TABLES)
    if counts != setup.counts:
        verdict.add("rows lost", f"{counts} != {setup.counts}")
    common.confirmed_present(path, setup.confirmed, verdict)
    return Trial(verdict, hit, len(setup.confirmed), {"left": left})


# --- concurrent writers -------------------------------------------------------------------------


UNIQUE_NUMBER = "UNIQUE constraint failed: records.number"


def concurrent_writers(path: Path, writers: int, rounds: int) -> Trial:
    """``writers`` processes saving at once on one file until each did ``rounds`` rounds."""
    ws = [
        Worker(path, "--tag", f"p{n}x", "--count", str(rounds), "--keep-going")
        for n in range(writers)
    ]
    runs = [w.finish(timeout=common.WAIT * 2) for w in ws]
    confirmed = Confirmed()
    verdict = Verdict()
    failures: dict[str, int] = {}
    for run in runs:
        confirmed.update(run.confirmed)
        if run.killed:
            verdict.add("writer hung", "killed after the timeout")
        if not run.has("DONE") and not run.killed:
            verdict.add("writer died", common.one_line(run.stderr[-500:]))
        for line in run.errors():
            _, cls, kind, *rest = [*line.split(" ", 3), ""]
            message = rest[0]
            key = "unique records.number" if UNIQUE_NUMBER in message else f"{kind}:{cls}"
            failures[key] = failures.get(key, 0) + 1
    for key, n in sorted(failures.items()):
        if not key.startswith("clean:"):
            verdict.add(key, f"{n} failed saves")
        else:
            verdict.notes.append(f"{key}: {n}")
    after = common.check_after_fault(path, confirmed)
    verdict.problems += after.problems
    common.numbers_consecutive(path, verdict)
    total = sum(len(r.confirmed.records) for r in runs)
    info: dict[str, object] = {"failures": failures, "records": total}
    return Trial(verdict, f"{writers} writers", len(confirmed), info)
