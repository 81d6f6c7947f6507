"""The fault-injection run by hand, with large counts, and a summary table to quote.

    .venv/bin/python -m tests.faults.run --kills 500 --checkpoint-kills 100 --upgrade-kills 50

Also: --first-session-kills N, --writers-rounds N (two and three writers, 0 = skip), --seed,
--jobs (trials at once), --keep (keep the folder of the run), --dir. Exit code 1 if any trial
failed. Disk-full and read-only cases need mounts and are run by pytest (tests/faults).
"""

from __future__ import annotations

import argparse
import functools
import random
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from tests.faults import common, scenarios

CHAIN = 5  # kills on one file before a fresh copy (and after any failure)


@dataclass
class Tally:
    name: str
    trials: int = 0
    failed: int = 0
    confirmed: int = 0
    hits: Counter[str] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)
    seconds: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, t: scenarios.Trial) -> None:
        with self.lock:
            self.trials += 1
            self.confirmed += t.confirmed
            self.hits[t.hit] += 1
            if not t.verdict.ok:
                self.failed += 1
                for kind in t.verdict.kinds():
                    self.kinds[kind] += 1
                if len(self.examples) < 5:
                    self.examples.append(f"{t.hit}: {t.verdict}")


def _progress(tally: Tally, total: int) -> None:
    if tally.trials % 25 == 0 or tally.trials == total:
        print(
            f"  {tally.name}: {tally.trials}/{total}, {tally.failed} failed",
            file=sys.stderr,
            flush=True,
        )


def _chains(
    tally: Tally,
    n: int,
    template: Path,
    folder: Path,
    rng: random.Random,
    trial: Callable[..., scenarios.Trial],
    jobs: int,
    cli_every: int,
) -> None:
    """``n`` kills in chains of CHAIN on one file each, ``jobs`` chains at once."""
    counter = iter(range(n))
    lock = threading.Lock()

    def job(j: int) -> None:
        local = random.Random(rng.randrange(1 << 30) + j)
        path, confirmed, left = Path(), common.Confirmed(), 0
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            if left == 0:
                path = folder / f"{tally.name.split()[0]}-{i}.db"
                shutil.copyfile(template, path)
                confirmed, left = common.Confirmed(), CHAIN
            t = trial(path, confirmed, local, cli_check=(i % cli_every == 0))
            left -= 1
            if not t.verdict.ok:
                left = 0
            tally.add(t)
            _progress(tally, n)

    with ThreadPoolExecutor(jobs) as pool:
        list(pool.map(job, range(jobs)))


def _each(tally: Tally, n: int, jobs: int, one: Callable[[int], scenarios.Trial]) -> None:
    def job(i: int) -> None:
        tally.add(one(i))
        _progress(tally, n)

    with ThreadPoolExecutor(jobs) as pool:
        list(pool.map(job, range(n)))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--kills", type=int, default=500, help="random kills of a writer")
    p.add_argument("--checkpoint-kills", type=int, default=100, help="kills during checkpoints")
    p.add_argument("--upgrade-kills", type=int, default=50, help="kills of `db upgrade`")
    p.add_argument("--first-session-kills", type=int, default=50, help="kills while creating")
    p.add_argument("--writers-rounds", type=int, default=50, help="rounds per concurrent writer")
    p.add_argument("--jobs", type=int, default=1, help="trials at once")
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--cli-check-every", type=int, default=10, help="`db check` as a command")
    p.add_argument("--dir", type=Path, default=None, help="where to work (default: a temp dir)")
    p.add_argument("--keep", action="store_true", help="keep the work folder")
    args = p.parse_args(argv)

    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    work = args.dir or Path(tempfile.mkdtemp(prefix="wc-faults-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"fault-injection run: seed {seed}, folder {work}", file=sys.stderr)
    import sqlite3

    from welcome_center import __version__

    started = time.monotonic()
    tallies: list[Tally] = []
    try:
        template = work / "template.db"
        common.create_office(template)

        def timed(tally: Tally, body: Callable[[], None]) -> None:
            t0 = time.monotonic()
            body()
            tally.seconds = time.monotonic() - t0
            tallies.append(tally)

        for name, n, trial in (
            ("random kills", args.kills, scenarios.random_kill),
            ("checkpoint kills", args.checkpoint_kills, scenarios.checkpoint_kill),
        ):
            if not n:
                continue
            tally = Tally(name)
            folder = work / name.split()[0]
            folder.mkdir()
            run_chains = functools.partial(
                _chains, tally, n, template, folder, rng, trial, args.jobs, args.cli_check_every
            )
            timed(tally, run_chains)
        if args.upgrade_kills:
            u = Tally("upgrade kills")
            setup = scenarios.prepare_upgrade(work / "upgrade", "0001", rounds=1500)

            def upgrade_trial(i: int) -> scenarios.Trial:
                return scenarios.upgrade_kill(
                    setup,
                    work / "upgrade" / f"t{i}",
                    random.Random(rng.random()),
                    cli_check=(i % args.cli_check_every == 0),
                )

            timed(u, functools.partial(_each, u, args.upgrade_kills, args.jobs, upgrade_trial))
        if args.first_session_kills:
            f = Tally("first-session kills")
            (work / "first").mkdir()

            def first_trial(i: int) -> scenarios.Trial:
                path = work / "first" / f"new{i}.db"
                return scenarios.first_session_kill(path, random.Random(rng.random()))

            timed(f, functools.partial(_each, f, args.first_session_kills, args.jobs, first_trial))
        if args.writers_rounds:
            for n in (2, 3):
                w = Tally(f"{n} writers")
                path = work / f"writers{n}.db"
                shutil.copyfile(template, path)

                def body(w: Tally = w, n: int = n, path: Path = path) -> None:
                    trial = scenarios.concurrent_writers(path, n, args.writers_rounds)
                    failures: dict[str, int] = trial.info["failures"]  # type: ignore[assignment]
                    trial.hit = (
                        f"{trial.info['records']} records, {sum(failures.values())} saves failed"
                    )
                    w.add(trial)

                timed(w, body)
    finally:
        elapsed = time.monotonic() - started
        _table(tallies)
        print(
            f"\nseed {seed}; {elapsed:.0f} s; welcome-center {__version__}; "
            f"SQLite {sqlite3.sqlite_version}; "
            f"command: python -m tests.faults.run {' '.join(argv or sys.argv[1:])}"
        )
        if not args.keep and args.dir is None:
            shutil.rmtree(work, ignore_errors=True)
    return 1 if any(t.failed for t in tallies) else 0


def _table(tallies: list[Tally]) -> None:
    print()
    head = (
        f"{'fault':<20} {'trials':>6} {'failed':>6} {'saves checked':>15} {'secs':>6}  "
        "what the kill hit"
    )
    print(head)
    print("-" * len(head))
    for t in tallies:
        hits = ", ".join(f"{k} {v}" for k, v in t.hits.most_common())
        print(
            f"{t.name:<20} {t.trials:>6} {t.failed:>6} {t.confirmed:>15} {t.seconds:>6.0f}  {hits}"
        )
    failing = [t for t in tallies if t.failed]
    if failing:
        print("\nfailures by kind:")
        for t in failing:
            for kind, n in t.kinds.most_common():
                print(f"  {t.name}: {kind}: {n}")
            for e in t.examples:
                print(f"    e.g. {e[:300]}")
    else:
        print("\nno failures: every confirmed save present, integrity ok, the program opens it")


if __name__ == "__main__":
    sys.exit(main())
