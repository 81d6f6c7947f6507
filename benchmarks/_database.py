"""The benchmark's database: built once per size by the demo generator, copied for each run,
and the search words a counsellor would type, taken from it with a fixed seed."""

from __future__ import annotations

import os
import random
import re
import sqlite3
import subprocess
import sys
import tempfile
from contextlib import closing
from pathlib import Path

from benchmarks._result import now_ms, say
from benchmarks._server import is_server, settle


def default_path(records: int) -> Path:
    return Path(tempfile.gettempdir()) / f"welcome-center-bench-{records}.db"


def record_count(path: Path) -> int | None:
    """The number of records in the file, or None when it is no readable database of ours."""
    if not path.exists():
        return None
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            return int(conn.execute("SELECT count(*) FROM records").fetchone()[0])
    except sqlite3.Error:
        return None


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def ensure_database(path: Path, records: int, ours: bool) -> str:
    """Reuse ``path`` if it holds ``records`` records, else build it with the demo generator.

    A file of another size is rebuilt only when it is the benchmark's own default file."""
    found = record_count(path)
    if found == records:
        return f"reused {path} ({records:,} records)"
    if path.exists():
        if not ours:
            raise SystemExit(
                f"{path} holds {found if found is not None else 'no'} records, not {records:,}; "
                "name a new file with --db (it is built) or leave --db out."
            )
        _remove(path)
    say(f"building {path} with {records:,} demonstration records ...")
    start = now_ms()
    # In a child process, so that the generator's memory is not counted in this one's; through
    # the services, not the command line (whose new files are encrypted, and which needs a user).
    cmd = [sys.executable, "-m", "benchmarks._database", str(path), str(records)]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return f"built {path} ({records:,} records) in {(now_ms() - start) / 1000:.1f} s"


def build(path: Path, records: int) -> None:
    """A new plain database at ``path`` filled by the demo generator (the encrypted copy of
    each run is made from it)."""
    from welcome_center.app import open_app
    from welcome_center.paths import resolve
    from welcome_center.services.context import Actor
    from welcome_center.services.demo import generate_demo

    ctx = open_app(resolve(str(path)), create=True)
    try:
        generate_demo(ctx.uow, Actor.system("benchmark"), records=records)
    finally:
        ctx.close()


def retention_caught_up(target: str) -> str:
    """Today's retention run on the database at ``target`` (a file or a server's URL), as the
    first desk of an office's day makes it, before anything is measured.

    A demo database is filled in one go with years of records, of which many are past their
    time (126,550 of 300,000 records): the desk started on it in the benchmark would catch up
    years of anonymising in the background while it is measured (70 s of CPU on the file, three
    minutes on the server), where an office's desk anonymises a day's share each morning. Once
    done, the desk's run at start finds today's run and does nothing. On a server the tables
    are vacuumed after it, as after the fill (``_server.settle``): the server's autovacuum
    otherwise cleans up after 126,550 anonymised records while the figures are measured."""
    from welcome_center.app import open_app
    from welcome_center.paths import resolve
    from welcome_center.services.privacy import retention

    start = now_ms()
    ctx = open_app(resolve(target))
    try:
        saved = retention.run_daily(ctx.uow)
    finally:
        ctx.close()
    if saved is None:
        return "the retention run of today was made already"
    run = saved.value
    if is_server(target) and (run.records_anonymised or run.persons_anonymised):
        settle(target)  # the anonymised rows' old versions vacuumed, as after the fill
    return (
        f"today's retention run, as a desk makes it each morning: {run.records_anonymised:,} "
        f"records and {run.persons_anonymised:,} persons anonymised in "
        f"{(now_ms() - start) / 1000:.0f} s"
    )


def work_copy(source: Path, target: Path) -> None:
    """A consistent copy through SQLite's online backup (never a copy of the file)."""
    _remove(target)
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


def connect(path: Path, key: bytes | None = None) -> sqlite3.Connection:
    """A connection with the program's pragmas (the baselines use it): plain sqlite3, or with
    ``key`` SQLCipher's (the program's ``db.cipher.connect``, so its cipher settings too)."""
    from welcome_center.db import cipher

    conn: sqlite3.Connection = cipher.connect(path, key)
    if key is not None:
        conn.execute(f"PRAGMA {cipher.CACHE_PRAGMA}")  # as db.engine sets it
    for pragma in ("foreign_keys=ON", "journal_mode=WAL", "synchronous=NORMAL"):
        conn.execute(f"PRAGMA {pragma}")
    return conn


# --- what a counsellor types ---------------------------------------------------------------

_WORD = re.compile(r"[^\W\d_]{5,}")


def _column(conn: sqlite3.Connection, sql: str) -> list[str]:
    return [r[0] for r in conn.execute(sql) if r[0]]


def _note_words(conn: sqlite3.Connection, rng: random.Random) -> list[str]:
    notes = _column(conn, "SELECT notes FROM consultations ORDER BY id LIMIT 20000")
    notes += _column(conn, "SELECT summary FROM records ORDER BY id LIMIT 20000")
    words = sorted({w for text in notes for w in _WORD.findall(text)})
    return rng.sample(words, min(len(words), 30))


def _number_fragment(number: str) -> str:
    # "WC-2025-0042" -> "2025-004": the year and the start of the sequence, as typed.
    parts = number.split("-")
    return f"{parts[1]}-{parts[2][:-1]}" if len(parts) == 3 and len(parts[2]) > 1 else number


def search_queries(path: Path, count: int = 200, seed: int = 7) -> list[str]:
    """``count`` searches mixing family, given and organisation names, record numbers and
    their fragments, note words and name prefixes, taken from the database (same seed, same
    list)."""
    rng = random.Random(seed)
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        families = _column(conn, "SELECT family_name FROM persons ORDER BY id")
        givens = _column(conn, "SELECT given_name FROM persons ORDER BY id")
        pairs = conn.execute(
            "SELECT family_name, given_name FROM persons WHERE given_name != '' ORDER BY id"
        ).fetchall()
        orgs = _column(conn, "SELECT name FROM organisations WHERE NOT is_partner ORDER BY id")
        orgs = orgs or _column(conn, "SELECT name FROM organisations ORDER BY id")
        numbers = _column(conn, "SELECT number FROM records ORDER BY id")
        notes = _note_words(conn, rng)
    mix = [
        *(rng.choice(families) for _ in range(25)),
        *(rng.choice(families)[:3] for _ in range(15)),  # still typing
        *(rng.choice(givens) for _ in range(25)),
        *(" ".join(rng.choice(orgs).split()[:2]) for _ in range(25)),
        *(rng.choice(numbers) for _ in range(30)),
        *(_number_fragment(rng.choice(numbers)) for _ in range(30)),
        *notes,
    ]
    while len(mix) < count:  # family and given name together
        mix.append(" ".join(rng.choice(pairs)) if pairs else rng.choice(numbers))
    rng.shuffle(mix)
    return mix[:count]


def sample_ids(path: Path, count: int, seed: int) -> list[int]:
    """``count`` record ids drawn with a fixed seed."""
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        ids = [r[0] for r in conn.execute("SELECT id FROM records ORDER BY id")]
    return random.Random(seed).sample(ids, min(count, len(ids)))


def child_env(data_dir: Path) -> dict[str, str]:
    """The environment of a child process: offscreen Qt, a private data folder."""
    env = dict(os.environ)
    env.pop("WELCOME_CENTER_DB", None)
    env["WELCOME_CENTER_DATA"] = str(data_dir)
    env["QT_QPA_PLATFORM"] = "offscreen"
    return env


if __name__ == "__main__":
    build(Path(sys.argv[1]), int(sys.argv[2]))
