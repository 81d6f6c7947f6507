"""Writing an export so that no temporary or half-written file stays behind (DOMAIN.md, "Erasure
reaches every copy": temporary exports).

A file is written under a hidden temporary name in its own folder (so that the rename is atomic
and nothing lands in a shared temporary folder), synced, and renamed over the target when
complete; on any error the temporary file is removed and the target stays as it was. Temporary
files that a killed program left in the folder are removed by the next write there once they
are a day old (a younger one may belong to a program writing right now).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SUFFIX = ".partial"
LEFTOVER_AGE_S = 24 * 3600


def _remove_leftovers(path: Path) -> None:
    limit = time.time() - LEFTOVER_AGE_S
    with contextlib.suppress(OSError):
        for leftover in path.parent.glob(f".{path.name}.*{SUFFIX}"):
            with contextlib.suppress(OSError):
                if leftover.stat().st_mtime < limit:
                    leftover.unlink()


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary file beside ``path`` to write to (readable by its owner only); renamed over
    ``path`` when the block ends, removed when it raises. Errors name ``path``."""
    _remove_leftovers(path)
    try:
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=SUFFIX)
    except OSError as exc:  # named by the file asked for, not by the temporary one
        raise OSError(exc.errno, exc.strerror, str(path)) from exc
    os.close(fd)
    temp = Path(name)
    try:
        yield temp
        with temp.open("rb+") as f:
            os.fsync(f.fileno())
        os.replace(temp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise OSError(exc.errno, exc.strerror, str(path)) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder."""
    with atomic_path(path) as temp:
        temp.write_bytes(data)
