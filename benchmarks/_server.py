"""The benchmark against a PostgreSQL database (``--db postgresql+psycopg://...``): the same
demonstration data as the SQLite file (the demo generator with the same seed, built once on the
server when the database is empty), the hand-written baselines on a psycopg connection, and
imports into new databases made on the same server.

The run works on the server's database itself (SQLite's run works on a copy): the saved
consultations stay in it; the number of records, which the next run checks, does not change."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path
from typing import Any

from benchmarks._result import now_ms, say

SERVER = "postgresql"


def is_server(db: str | None) -> bool:
    return bool(db) and str(db).startswith("postgresql")


class ServerSQL:
    """A psycopg connection that takes the baselines' sqlite3-style SQL (``?`` markers)."""

    def __init__(self, url: str) -> None:
        import psycopg

        self.conn = psycopg.connect(_libpq(url))

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.conn.execute(sql.replace("?", "%s"), tuple(params))  # type: ignore[arg-type]

    def commit(self) -> None:
        self.conn.commit()

    def close(self) -> None:
        self.conn.close()


def _libpq(url: str) -> str:
    """``postgresql+psycopg://...`` as libpq reads it (without the driver's name)."""
    from sqlalchemy.engine import make_url

    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def record_count(url: str) -> int | None:
    """The records in the server's database; None when it has no schema of ours yet."""
    import psycopg

    with closing(psycopg.connect(_libpq(url))) as conn:
        found = conn.execute("SELECT to_regclass('records')").fetchone()
        if found is None or found[0] is None:
            return None
        row = conn.execute("SELECT count(*) FROM records").fetchone()
        return int(row[0]) if row else None


def ensure_database(url: str, records: int) -> str:
    """Reuse the server's database if it holds ``records`` records; fill it with the demo
    generator when it is empty; refuse one holding other data."""
    found = record_count(url)
    if found == records:
        return f"reused the PostgreSQL database ({records:,} records)"
    if found:
        raise SystemExit(
            f"the PostgreSQL database holds {found:,} records, not {records:,}; "
            "name an empty database (it is filled) or one of this size."
        )
    say(f"filling the PostgreSQL database with {records:,} demonstration records ...")
    start = now_ms()
    cmd = [sys.executable, "-m", "benchmarks._server", url, str(records)]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    seconds = (now_ms() - start) / 1000
    return f"filled the PostgreSQL database ({records:,} records) in {seconds:.0f} s"


def build(url: str, records: int) -> None:
    """The demo generator on the server (same seed as the SQLite file: the same data)."""
    from welcome_center.app import open_app
    from welcome_center.paths import resolve
    from welcome_center.services.context import Actor
    from welcome_center.services.demo import generate_demo

    ctx = open_app(resolve(url), create=True)
    try:
        generate_demo(ctx.uow, Actor.system("benchmark"), records=records)
    finally:
        ctx.close()
    settle(url)


def settle(url: str) -> None:
    """``VACUUM (ANALYZE)`` the program's tables once after the bulk fill: the state the
    server's autovacuum brings a database to in its first hours, which the office's server is
    in when it reports. Without it, at 300,000 records, the consultations' index-only scans
    still read 87,000 rows from the table and the year's report took 3.0 s instead of 2.5 s."""
    from sqlalchemy import create_engine, inspect

    engine = create_engine(url, isolation_level="AUTOCOMMIT")  # VACUUM runs outside one
    try:
        with engine.connect() as conn:
            for table in inspect(conn).get_table_names(schema="public"):
                conn.exec_driver_sql(f'VACUUM (ANALYZE) public."{table}"')
    finally:
        engine.dispose()


def import_once(csv: Path, url: str, n: int) -> float:
    """Import ``csv`` into a new database on the server (made and dropped here); returns the
    milliseconds of the import. Where the benchmark's role may create roles, the new database
    is set up for a team (``server setup``) and the import runs as an office runs it: on the
    login of its first user, who administers and counsels, under row-level security (which
    refuses COPY: db/bulk.py); else on the benchmark's role, the tables' owner."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    from benchmarks import _measures

    name = f"{make_url(url).database}_import_{n}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    roles = None
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
            may = "SELECT rolcreaterole FROM pg_roles WHERE rolname = current_user"
            team = bool(conn.exec_driver_sql(may).scalar())
        target = make_url(url).set(database=name).render_as_string(hide_password=False)
        if not team:
            return _measures.import_into(csv, target)
        from welcome_center.services import server_accounts

        roles = server_accounts.roles_of(target)
        return _import_on_login(csv, target)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            if roles is not None:
                from welcome_center.db import server_roles

                server_roles.drop_office_roles(conn, roles)
        admin.dispose()


def _import_on_login(csv: Path, target: str) -> float:
    import secrets

    from sqlalchemy.engine import URL, make_url

    from benchmarks import _measures
    from welcome_center.db.uow import UnitOfWork
    from welcome_center.services import server_accounts, users

    password = secrets.token_urlsafe(16)
    server_accounts.set_up_server(target, "admin", password)
    u = make_url(target)
    desk_url = URL.create(u.drivername, host=u.host, port=u.port, database=u.database)
    db = server_accounts.open_signed_in(desk_url.render_as_string(), None, "admin", password)
    try:
        uow = UnitOfWork(db)
        return _measures.timed_import(uow, users.authenticate(uow, "admin", password), csv)
    finally:
        db.dispose()


if __name__ == "__main__":
    build(sys.argv[1], int(sys.argv[2]))
