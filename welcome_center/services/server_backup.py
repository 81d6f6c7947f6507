"""Backups of a server database: ``pg_dump`` and ``pg_restore`` (db/pg_tools.py), audited.

A dump is restored only into an empty database: ``pg_restore`` into a database that holds our
tables would mix two states of the office. The restored database is brought to the program's
schema by the migrations, and the user who restores must be an administrator in it (the only
users it knows are the ones in the dump); otherwise what was restored is removed again, leaving
the database empty as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, func, inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from welcome_center.db import migrate, pg_tools
from welcome_center.db.engine import Database, display_location, make_engine, open_engine
from welcome_center.db.failures import storage_error
from welcome_center.db.models import Base, Person, Record, User
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.audit import AuditAction
from welcome_center.domain.dates import OFFICE_TZ
from welcome_center.domain.enums import Role
from welcome_center.domain.errors import DomainError, PermissionDeniedError
from welcome_center.domain.permissions import Permission
from welcome_center.i18n import _
from welcome_center.services import audit, users
from welcome_center.services.context import Actor


def _missing(program: str) -> DomainError:
    return DomainError(
        _(
            "%(program)s was not found on this computer (PATH), so nothing was done. Install "
            "PostgreSQL's client programs, in the server's version or newer (Debian and "
            "Ubuntu: the package postgresql-client; Windows and macOS: the PostgreSQL "
            "installer), or run this command where they are installed."
        )
        % {"program": program}
    )


def _failed(exc: pg_tools.ToolFailedError, nothing: str) -> DomainError:
    return DomainError(
        _("%(program)s failed: %(detail)s") % {"program": exc.program, "detail": exc.detail}
        + " "
        + nothing
    )


def suggested_dump_file(db: Database, folder: Path, now: datetime | None = None) -> Path:
    """A new file in ``folder`` named after the server database and the office's date and
    time (``office-2026-12-01-1403.dump``)."""
    stem = make_url(db.url).database or "welcome-center"
    local = (now or datetime.now(UTC)).astimezone(OFFICE_TZ)
    base = f"{stem}-{local:%Y-%m-%d-%H%M}"
    target, n = folder / f"{base}.dump", 1
    while target.exists():
        n += 1
        target = folder / f"{base}-{n}.dump"
    return target


def backup(db: Database, target: Path, actor: Actor, uow: UnitOfWork) -> Path:
    """A ``pg_dump`` (custom format) of the server database into the new file ``target``,
    audited as the SQLite backup is."""
    actor.require(Permission.BACKUP)
    if target.exists():
        raise DomainError(_("%(path)s exists already; choose a new file name.") % {"path": target})
    try:
        pg_tools.dump(db.url, target)
    except pg_tools.ToolMissingError as exc:
        raise _missing(exc.program) from exc
    except pg_tools.ToolFailedError as exc:
        raise _failed(exc, _("No backup was written.")) from exc
    except OSError as exc:
        raise DomainError(
            _("The backup could not be written to %(path)s: %(reason)s. Nothing was changed.")
            % {"path": target, "reason": exc.strerror or str(exc)}
        ) from exc
    with uow.begin() as s:
        audit.log(s, actor, AuditAction.BACKUP, "database", None, detail=target.name)
    return target


@dataclass(frozen=True)
class Restored:
    """What a restore brought back."""

    revision: str | None  # the dump's schema revision
    head: str  # the revision it was upgraded to
    records: int
    persons: int
    users: int


def _removed_note() -> str:
    return _("What was restored was removed again; the database is empty as it was.")


OUR_TABLES = frozenset(Base.metadata.tables) | {"alembic_version"}


def _relations(engine: Engine) -> set[tuple[str, str]]:
    """(kind, name) of the tables, views and sequences in the database's current schema."""
    with engine.connect() as conn:
        insp = inspect(conn)
        return (
            {("TABLE", t) for t in insp.get_table_names()}
            | {("VIEW", v) for v in insp.get_view_names()}
            | {("SEQUENCE", q) for q in insp.get_sequence_names()}
        )


def _remove(engine: Engine, relations: set[tuple[str, str]]) -> None:
    """Drop what a failed restore made, leaving the database as it was before."""
    prep = engine.dialect.identifier_preparer
    with engine.begin() as conn:
        for kind in ("VIEW", "TABLE", "SEQUENCE"):
            for k, name in sorted(relations):
                if k == kind:
                    conn.exec_driver_sql(f"DROP {kind} IF EXISTS {prep.quote(name)} CASCADE")


def restore(url: str, source: Path, username: str, password: str) -> Restored:
    """Restore the dump ``source`` into the EMPTY server database at ``url``, migrate it, and
    audit it under ``username``, who must be an administrator in the restored data."""
    where = display_location(url)
    if not source.is_file():
        raise DomainError(_("%(path)s does not exist.") % {"path": source})
    if not pg_tools.is_dump(source):
        raise DomainError(
            _(
                "%(path)s is not a backup of a server database (a file written by pg_dump "
                "--format=custom, as 'db backup' writes); nothing was changed."
            )
            % {"path": source}
        )
    engine = make_engine(url)
    try:
        try:
            before = _relations(engine)
        except DBAPIError as exc:
            raise storage_error(exc, where) from exc
        ours = sorted(name for kind, name in before if kind == "TABLE" and name in OUR_TABLES)
        if ours:
            raise DomainError(
                _(
                    "The database %(where)s holds this program's tables already (%(n)d of "
                    "them); a backup is restored only into an empty database. Nothing was "
                    "changed. Create a new, empty database on the server (createdb) and give "
                    "it with --db."
                )
                % {"where": where, "n": len(ours)}
            )
        try:
            pg_tools.restore(url, source)
        except pg_tools.ToolMissingError as exc:
            raise _missing(exc.program) from exc
        except pg_tools.ToolFailedError as exc:
            raise _failed(exc, _("Nothing was restored; the database is as it was.")) from exc
        try:
            return _finish(url, source, username, password)
        except DomainError as exc:
            _remove(engine, _relations(engine) - before)
            raise DomainError(f"{exc.message} {_removed_note()}", code=exc.code) from exc
        except BaseException:
            _remove(engine, _relations(engine) - before)
            raise
    finally:
        engine.dispose()


def _finish(url: str, source: Path, username: str, password: str) -> Restored:
    from welcome_center.services.storage import open_database

    probe = open_engine(url)
    try:
        revision = migrate.current_revision(probe)
    finally:
        probe.dispose()
    db = open_database(url)  # migrates to the program's schema
    try:
        uow = UnitOfWork(db)
        actor = users.authenticate(uow, username, password)
        if Role.ADMIN not in actor.roles:
            raise PermissionDeniedError(
                _("Only an administrator may do this; %(user)s is not one.") % {"user": actor.name}
            )
        with uow.begin() as s:
            audit.log(s, actor, AuditAction.RESTORE, "database", None, detail=source.name)
        with uow.read() as s:
            counts = [
                s.scalar(select(func.count()).select_from(model)) or 0
                for model in (Record, Person, User)
            ]
        return Restored(revision, migrate.head_revision(), *counts)
    finally:
        db.dispose()
