"""Flip single bits at random places of a copy of a database and see what `db check` says.

    python scripts/flip_bytes.py DB --flips 300 [--seed 1]

Prints how many flips SQLite's checks found, how many left the data as it was (unused
bytes), how many changed data unseen, and whether the check ever failed with an error. The
file itself is never changed: every flip goes into a copy in a temporary folder.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import tempfile
from pathlib import Path

from welcome_center.db.engine import url_for_path
from welcome_center.services import storage


def _dump(path: Path) -> str:
    try:
        con = sqlite3.connect(f"{path.absolute().as_uri()}?immutable=1", uri=True)
        try:
            return "\n".join(con.iterdump())
        finally:
            con.close()
    except sqlite3.Error as exc:
        return f"unreadable: {exc}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path, help="a checkpointed database (no -wal beside it)")
    parser.add_argument("--flips", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    clean = args.db.read_bytes()
    original = _dump(args.db)
    rng = random.Random(args.seed)
    counts = {"found": 0, "harmless": 0, "changed unseen": 0, "check failed with an error": 0}
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(args.flips):
            copy = Path(folder) / "flipped.db"
            for suffix in ("-wal", "-shm"):
                Path(f"{copy}{suffix}").unlink(missing_ok=True)
            data = bytearray(clean)
            data[rng.randrange(100, len(data))] ^= 1 << rng.randrange(8)
            copy.write_bytes(bytes(data))
            try:
                report = storage.check_database(url_for_path(copy))
            except Exception:  # counted: the check must never fail like this
                counts["check failed with an error"] += 1
                continue
            if not report.ok:
                counts["found"] += 1
            elif _dump(copy) == original:
                counts["harmless"] += 1
            else:
                counts["changed unseen"] += 1
    for name, n in counts.items():
        print(f"{name:<28} {n:>5}")


if __name__ == "__main__":
    main()
