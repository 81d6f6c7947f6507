"""PostgreSQL's own backup programs, ``pg_dump`` and ``pg_restore``, run for a server database.

The connection is handed to them without its password on the command line (where ``ps`` shows
it to every user of the machine): the password goes into a temporary password file readable
only by us (``PGPASSFILE``, mode 0600), removed when the program has finished. Their error
output is passed on with the password blanked out, should a server ever echo it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from welcome_center.db.engine import remove_leftovers

DUMP_MAGIC = b"PGDMP"  # the first bytes of a custom-format dump


class ToolMissingError(Exception):
    """``program`` is not on the PATH."""

    def __init__(self, program: str) -> None:
        super().__init__(program)
        self.program = program


class ToolFailedError(Exception):
    """The program ran and failed; ``detail`` is its error output (without the password)."""

    def __init__(self, program: str, detail: str) -> None:
        super().__init__(f"{program}: {detail}")
        self.program = program
        self.detail = detail


@dataclass(frozen=True)
class _Connection:
    uri: str  # libpq URI without the password
    password: str | None


def _connection(url: str) -> _Connection:
    u = make_url(url)
    plain = URL.create(  # URL.set(password=None) would keep the password
        "postgresql", u.username, None, u.host, u.port, u.database, u.query
    )
    return _Connection(plain.render_as_string(hide_password=False), u.password)


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace(":", "\\:")


@contextmanager
def _environment(conn: _Connection) -> Iterator[dict[str, str]]:
    """The child's environment: a password file of our own for this one run."""
    env = dict(os.environ)
    env.pop("PGPASSWORD", None)  # ours, from the URL, or the user's usual ~/.pgpass
    env.setdefault("PGCONNECT_TIMEOUT", "15")
    if conn.password is None:
        yield env
        return
    folder = tempfile.mkdtemp(prefix="wc-pg-")  # 0700
    passfile = Path(folder) / "pgpass"
    try:
        fd = os.open(passfile, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(f"*:*:*:*:{_escape(conn.password)}\n")
        env["PGPASSFILE"] = str(passfile)
        yield env
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _run(program: str, args: list[str], conn: _Connection) -> None:
    exe = shutil.which(program)
    if exe is None:
        raise ToolMissingError(program)
    with _environment(conn) as env:
        done = subprocess.run(
            [exe, *args], env=env, capture_output=True, text=True, errors="replace", check=False
        )
    if done.returncode != 0:
        detail = done.stderr.strip() or f"exit status {done.returncode}"
        if conn.password:
            detail = detail.replace(conn.password, "***")
        raise ToolFailedError(program, "\n".join(detail.splitlines()[-5:]))


def dump(url: str, target: Path) -> Path:
    """``pg_dump --format=custom`` of the database at ``url`` into the new file ``target``.

    Written under a temporary name beside it and renamed when complete and synced, as the
    SQLite backup is: a failed dump never leaves a file under the backup's name."""
    if target.exists():
        raise FileExistsError(str(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(target.parent, ".*.partial*")
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    conn = _connection(url)
    try:
        _run(
            "pg_dump",
            ["--format=custom", "--no-password", f"--file={partial}", f"--dbname={conn.uri}"],
            conn,
        )
        fd = os.open(partial, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def is_dump(path: Path) -> bool:
    """Whether ``path`` starts as a custom-format dump does."""
    try:
        with path.open("rb") as f:
            return f.read(len(DUMP_MAGIC)) == DUMP_MAGIC
    except OSError:
        return False


def restore(url: str, source: Path) -> None:
    """``pg_restore`` of the custom-format dump ``source`` into the database at ``url``, in one
    transaction (all or nothing), the objects owned by the role that restores."""
    conn = _connection(url)
    _run(
        "pg_restore",
        [
            "--no-password",
            "--single-transaction",
            "--exit-on-error",
            "--no-owner",
            f"--dbname={conn.uri}",
            str(source),
        ],
        conn,
    )
