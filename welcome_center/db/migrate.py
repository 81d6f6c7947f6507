"""The safe migration runner: backup first, one transaction, foreign keys off, checked after.

All pending migrations run in one real transaction (the engine begins it explicitly, so SQLite's
DDL is transactional): a crash or a kill leaves the old schema, never half of the new one.
Batch mode on SQLite copies a table, drops it and renames the copy; with foreign keys on, the
drop would cascade into child tables and delete their rows (STACK.md). So the runner switches
foreign keys off outside the transaction and runs ``PRAGMA foreign_key_check`` inside it, before
the commit: a violation rolls the whole upgrade back.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, inspect

from welcome_center.db import server_roles
from welcome_center.db.engine import BEGIN_OPTION, Database, DatabaseRefusedError, Refusal

if TYPE_CHECKING:
    from alembic.config import Config

SCRIPT_LOCATION = "welcome_center.db:migrations"
# The newest migration. Start-up compares the stored revision with it in plain SQL, so that an
# up-to-date database opens without importing Alembic (a quarter of a second); a test keeps it
# equal to the head of the migration scripts.
HEAD = "0021"


def alembic_config(script_location: str = SCRIPT_LOCATION) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", script_location)
    return cfg


def head_revision(script_location: str = SCRIPT_LOCATION) -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config(script_location)).get_current_head()
    assert head is not None
    return head


def current_revision(db: Database) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def is_known_revision(revision: str, script_location: str = SCRIPT_LOCATION) -> bool:
    """Whether ``revision`` is one of this program's migrations (not a newer program's)."""
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(alembic_config(script_location))
    return revision in {s.revision for s in scripts.walk_revisions()}


def check_schema(db: Database, script_location: str = SCRIPT_LOCATION) -> None:
    """Refuse a database made by a newer program (a revision we do not know)."""
    current = current_revision(db)
    if current is None:
        if db.is_sqlite and _has_tables(db):
            # Our application_id but no migration history: not a state we ever write.
            raise DatabaseRefusedError(Refusal.FOREIGN_SQLITE, db.display_name())
        return
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(alembic_config(script_location))
    known = {s.revision for s in scripts.walk_revisions()}
    if current not in known:
        raise DatabaseRefusedError(Refusal.NEWER_SCHEMA, db.display_name(), current)


def _stored_revision(db: Database) -> str | None:
    """The revision in ``alembic_version``, read with plain SQL (None without the table)."""
    with db.engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        value = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        return str(value) if value is not None else None


def _has_tables(db: Database) -> bool:
    with db.engine.connect() as conn:
        return bool(inspect(conn).get_table_names())


def pending(db: Database) -> bool:
    """Whether the database is behind the program's schema."""
    return current_revision(db) != head_revision()


def upgrade(
    db: Database,
    backup: Callable[[Database, str | None], Path | None] | None = None,
    script_location: str = SCRIPT_LOCATION,
) -> Path | None:
    """Bring the schema to head. ``backup`` is called first when a populated database is behind.

    Returns the backup file, if one was taken.
    """
    if script_location == SCRIPT_LOCATION and _stored_revision(db) == HEAD:
        return None  # up to date: the common start, without Alembic
    from alembic import command

    check_schema(db, script_location)
    current = current_revision(db)
    if current == head_revision(script_location):
        return None
    backup_file = backup(db, current) if (backup is not None and current is not None) else None
    cfg = alembic_config(script_location)
    with db.engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        raw = conn.connection.dbapi_connection
        if sqlite:
            assert raw is not None
            raw.execute("PRAGMA foreign_keys=OFF")  # ignored inside a transaction
            conn.execution_options(**{BEGIN_OPTION: "IMMEDIATE"})
        try:
            with conn.begin():
                cfg.attributes["connection"] = conn
                views = None if sqlite else server_roles.set_aside_figure_views(conn)
                command.upgrade(cfg, "head")
                if views is not None:  # a team server's: made again on the new schema
                    server_roles.make_figure_views(conn, views)
                if sqlite:
                    _check_foreign_keys(conn)
        finally:
            if sqlite and raw is not None:
                raw.execute("PRAGMA foreign_keys=ON")
    return backup_file


def _check_foreign_keys(conn: Connection) -> None:
    bad = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
    if bad:
        raise RuntimeError(f"foreign key violations after migration: {bad[:10]}")


def schema_differences(db: Database) -> list[str]:
    """How the database's tables, columns and indexes differ from the program's models
    ([] when they agree); the search index, which the models do not describe, is left out."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from welcome_center.db.models import Base

    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diffs = compare_metadata(ctx, Base.metadata)
    return [_describe(d) for d in diffs if "record_search" not in str(d)]


def _describe(diff: Any) -> str:
    """One difference as ``kind table.column`` (Alembic gives tuples, or lists of them)."""
    if isinstance(diff, list):
        diff = diff[0]
    names = [
        part if isinstance(part, str) else str(getattr(part, "name", "") or "") for part in diff[1:]
    ]
    return f"{diff[0]} {'.'.join(n for n in names if n)}"
