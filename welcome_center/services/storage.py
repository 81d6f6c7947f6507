"""Opening the office's database: refuse foreign files, migrate safely, seed vocabularies."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from welcome_center.db import backup as db_backup
from welcome_center.db import cipher, migrate
from welcome_center.db.engine import (
    MIN_SQLITE,
    Database,
    DatabaseRefusedError,
    Refusal,
    check_sqlite_file,
    open_engine,
    require_utf8,
    sqlite_path,
)
from welcome_center.db.failures import Failure, classify, storage_error
from welcome_center.db.keyring import Keyring, key_file_path
from welcome_center.db.models import AuditEntry, Organisation, VocabularyEntry
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.audit import AuditAction
from welcome_center.domain.backups import BackupStatus
from welcome_center.domain.dates import OFFICE_TZ
from welcome_center.domain.errors import DomainError
from welcome_center.domain.permissions import Permission
from welcome_center.domain.rules import organisation_key
from welcome_center.i18n import _
from welcome_center.services import audit, seed_data
from welcome_center.services.context import Actor


class StorageRefusedError(DomainError):
    code = "database_refused"


def refusal_message(exc: DatabaseRefusedError) -> str:
    """The user's explanation of why a database was refused, and what to do."""
    messages = {
        Refusal.NOT_SQLITE: _(
            "%(path)s is not a database of this program, or its key file is missing (an "
            "encrypted database opens only with the file %(keys)s beside it). It was left "
            "unchanged."
        ),
        Refusal.LOCKED: _(
            "%(path)s is encrypted: it opens with a user's name and password, or with the "
            "office's recovery key."
        ),
        Refusal.WRONG_KEY: _(
            "The key file beside %(path)s belongs to another database; nothing was changed. "
            "Put the key file that was made with this database beside it."
        ),
        Refusal.FOREIGN_SQLITE: _(
            "%(path)s belongs to another program; it was not opened and was left unchanged."
        ),
        Refusal.DAMAGED: _(
            "%(path)s is damaged; it was left unchanged. SQLite's check found: %(detail)s. "
            "Do not delete it and do not put a backup in its place yet: a backup lacks "
            "everything saved since it was made. Copy the file (with any -wal file beside it) "
            "to a safe place first; SQLite's '.recover' command can then rescue what is "
            "readable into a new file."
        ),
        Refusal.NEWER_SCHEMA: _(
            "%(path)s was written by a newer version of this program; please update the program."
        ),
        Refusal.NETWORK_SHARE: _(
            "%(path)s lies on a network share, where SQLite can lose data. "
            "Keep the file on this computer, or let the team use a PostgreSQL server."
        ),
        Refusal.UNREADABLE: _("%(path)s cannot be read: %(detail)s."),
        Refusal.MISSING: _(
            "There is no database at %(path)s yet. Start the desk to set up a new office "
            "there, or create it with 'welcome-center setup'."
        ),
        Refusal.UNWRITABLE: _("A new database cannot be made at %(path)s: %(detail)s."),
        Refusal.OLD_SQLITE: _(
            "%(path)s was not opened: this program needs SQLite %(needed)s or newer to save "
            "records, but the SQLite of this Python is %(detail)s. Install a newer Python "
            "(or a newer SQLite library for it); the database was left unchanged."
        ),
        Refusal.NOT_UTF8: _(
            "The database %(path)s stores text as %(detail)s, but this program needs UTF-8 "
            "(names in every script); nothing was changed. The server's administrator makes "
            "a new database for the office with: CREATE DATABASE %(name)s ENCODING 'UTF8' "
            "TEMPLATE template0 (with LC_COLLATE and LC_CTYPE of a UTF-8 locale, such as "
            "'C.UTF-8', where the server's own locale is not one), and runs "
            "'welcome-center server setup' on it."
        ),
    }
    keys = key_file_path(Path(exc.location)).name
    return messages[exc.reason] % {
        "path": exc.location,
        "detail": exc.detail or "-",
        "keys": keys,
        "needed": ".".join(str(n) for n in MIN_SQLITE[:2]),
        "name": _database_name(exc.location),
    }


def _database_name(location: str) -> str:
    """The database's name in a server's ``location`` (a placeholder for a file)."""
    try:
        name = make_url(location).database
    except ArgumentError:
        name = None
    return f'"{name}"' if name else "office"


def database_exists(url: str) -> bool:
    """Whether ``url`` names a database that is there (a server database always is); a missing
    or empty SQLite file is not. Raises StorageRefusedError for a file that is not ours."""
    path = sqlite_path(url)
    if path is None:
        return True
    try:
        return not check_sqlite_file(path)
    except DatabaseRefusedError as exc:
        raise StorageRefusedError(refusal_message(exc)) from exc


def open_database(
    url: str,
    backup_dir: Path | None = None,
    create: bool = False,
    keyring: Keyring | None = None,
) -> Database:
    """Open and migrate the database at ``url``, seeding a new one; an encrypted file with its
    ``keyring`` (services.encryption unlocks one), a new one encrypted when it is given.

    A file that is not ours raises StorageRefusedError and is left untouched; so does a missing
    or empty file unless ``create`` is true (only setting up an office creates a database), and
    an encrypted one without its keyring. When a migration is pending on a populated SQLite
    file, a backup is written to ``backup_dir`` first (encrypted like the file).
    """
    try:
        db = open_engine(url, create=create, keyring=keyring)
    except DatabaseRefusedError as exc:
        raise StorageRefusedError(refusal_message(exc)) from exc
    try:
        require_utf8(db)  # before a migration writes anything
        migrate.upgrade(db, backup=_backup_before_migration(backup_dir))
        seed(UnitOfWork(db))
    except DatabaseRefusedError as exc:
        db.dispose()
        raise StorageRefusedError(refusal_message(exc)) from exc
    except (DBAPIError, OSError) as exc:
        db.dispose()
        raise storage_error(exc, db.display_name(), db.path) from exc
    except DomainError:
        db.dispose()
        raise
    return db


def _backup_before_migration(backup_dir: Path | None):  # type: ignore[no-untyped-def]
    def take(db: Database, revision: str | None) -> Path | None:
        if not db.is_sqlite or backup_dir is None or db.path is None:
            return None
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        base = f"{db.path.stem}-before-migration-{revision}-{stamp}"
        target = backup_dir / f"{base}.db"
        n = 1
        while target.exists():  # a second upgrade in the same second
            n += 1
            target = backup_dir / f"{base}-{n}.db"
        return db_backup.backup_to(db, target)

    return take


def seed(uow: UnitOfWork) -> bool:
    """Fill the vocabularies and partners of a new database. Returns whether it did."""
    with uow.read() as s:  # the common start writes nothing (a read-only file still opens)
        if s.scalar(select(func.count()).select_from(VocabularyEntry)):
            return False
    with uow.begin() as s:
        if s.scalar(select(func.count()).select_from(VocabularyEntry)):
            return False
        for vocabulary, entries in seed_data.VOCABULARIES.items():
            for position, (code, de, en) in enumerate(entries):
                s.add(
                    VocabularyEntry(
                        vocabulary=vocabulary,
                        code=code,
                        label_de=de,
                        label_en=en,
                        position=position,
                        active=True,
                    )
                )
        for code, name, short in seed_data.PARTNERS:
            s.add(
                Organisation(
                    name=name,
                    short_name=short,
                    name_key=organisation_key(name),
                    code=code,
                    is_partner=True,
                )
            )
    return True


def backup(db: Database, target: Path, actor: Actor, uow: UnitOfWork) -> Path:
    """An online backup of the database into the new file ``target`` (audited)."""
    actor.require(Permission.BACKUP)
    if not db.is_sqlite:
        raise DomainError(_("Back up a PostgreSQL database with pg_dump on the server."))
    if target.exists():
        raise DomainError(_("%(path)s exists already; choose a new file name.") % {"path": target})
    try:
        db_backup.backup_to(db, target)
    except cipher.FILE_ERRORS as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        if classify(exc) is Failure.FULL:
            reason = _("the disk is full")
        raise DomainError(
            _("The backup could not be written to %(path)s: %(reason)s. Nothing was changed.")
            % {"path": target, "reason": reason}
        ) from exc
    with uow.begin() as s:
        audit.log(s, actor, AuditAction.BACKUP, "database", None, detail=target.name)
    return target


def is_file_database(uow: UnitOfWork) -> bool:
    """Whether the office's database is a SQLite file, which the desk backs up (a server
    database is backed up on the server)."""
    return uow.db.is_sqlite and uow.db.path is not None


def backups_folder(uow: UnitOfWork) -> Path | None:
    """The folder ``backups`` beside the database file, where backups go unless the program
    was told another (None on a server database)."""
    path = uow.db.path if uow.db.is_sqlite else None
    return path.parent / "backups" if path is not None else None


def backup_status(
    uow: UnitOfWork, folder: Path | None, now: datetime | None = None
) -> BackupStatus | None:
    """The newest backup of the office's database file: the last one the audit log records
    (made with the desk or ``db backup``, wherever it was written) or the newest file in the
    backups ``folder`` (where the copies taken before a migration go), whichever is newer.
    None on a server database, whose backups are the server's business."""
    if not is_file_database(uow):
        return None
    found: list[tuple[datetime, str]] = []
    with uow.read() as s:
        row = s.execute(
            select(AuditEntry.at, AuditEntry.detail)
            .where(AuditEntry.entity == "database", AuditEntry.action == "backup")
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
            .limit(1)
        ).first()
    if row is not None:
        found.append((row.at, row.detail))
    newest = _newest_backup_file(folder)
    if newest is not None:
        found.append(newest)
    last, where = max(found) if found else (None, "")
    return BackupStatus(last, where, now or datetime.now(UTC))


def _newest_backup_file(folder: Path | None) -> tuple[datetime, str] | None:
    """(written at, name) of the newest complete backup in ``folder`` (half-written ones are
    hidden files, see db.backup)."""
    if folder is None:
        return None
    newest: tuple[datetime, str] | None = None
    try:
        for path in folder.glob("*.db"):
            if path.name.startswith(".") or not path.is_file():
                continue
            at = datetime.fromtimestamp(path.stat().st_mtime, UTC)
            newest = max(newest, (at, path.name)) if newest else (at, path.name)
    except OSError:  # a folder that is gone or unreadable holds no backup we can count on
        return newest
    return newest


def suggested_backup_file(uow: UnitOfWork, folder: Path, now: datetime | None = None) -> Path:
    """A new file in ``folder`` for a backup made now, named after the database and the
    office's date and time (``welcome-center-2026-12-01-1403.db``)."""
    path = uow.db.path
    stem = path.stem if path is not None else "welcome-center"
    local = (now or datetime.now(UTC)).astimezone(OFFICE_TZ)
    base = f"{stem}-{local:%Y-%m-%d-%H%M}"
    target, n = folder / f"{base}.db", 1
    while target.exists():
        n += 1
        target = folder / f"{base}-{n}.db"
    return target


@dataclass(frozen=True)
class CheckReport:
    ok: bool
    lines: tuple[str, ...]


def check_database(url: str, keyring: Keyring | None = None) -> CheckReport:
    """Check a database without changing it: ours, schema version and shape, SQLite's full
    integrity check, foreign keys, search index. Every finding is a line of text. An encrypted
    file needs its ``keyring`` (services.encryption.unlock)."""
    try:
        db = open_engine(url, create=False, keyring=keyring)
    except DatabaseRefusedError as exc:
        return CheckReport(False, (refusal_message(exc),))
    try:
        return _check_open_database(db)
    except (DBAPIError, OSError) as exc:
        return CheckReport(False, (storage_error(exc, db.display_name()).message,))
    except DatabaseRefusedError as exc:
        return CheckReport(False, (refusal_message(exc),))
    finally:
        db.dispose()


def _check_open_database(db: Database) -> CheckReport:
    require_utf8(db)
    migrate.check_schema(db)
    current, head = migrate.current_revision(db), migrate.head_revision()
    if current is None:
        return CheckReport(
            False, (_("%(where)s has no database yet.") % {"where": db.display_name()},)
        )
    lines = [_("Database: %(where)s") % {"where": db.display_name()}]
    ok = True
    if current == head:
        lines.append(_("Schema: %(rev)s, up to date.") % {"rev": current})
        differences = migrate.schema_differences(db)
        if differences:
            ok = False
            lines.append(
                _("Schema: FAILED: the tables differ from what version %(rev)s should have:")
                % {"rev": current}
            )
            lines.extend(f"  {d}" for d in differences[:50])
    else:
        lines.append(
            _("Schema: %(rev)s; this program would upgrade it to %(head)s.")
            % {"rev": current, "head": head}
        )
    for name, problems in storage_checks(db, full=True):
        if problems:
            ok = False
            lines.append(_("%(check)s: FAILED:") % {"check": name})
            lines.extend(f"  {p}" for p in problems[:100])
            if len(problems) > 100:
                lines.append(_("  … and %(n)d more") % {"n": len(problems) - 100})
        else:
            lines.append(_("%(check)s: ok") % {"check": name})
    if current == head:
        ok = _check_audit_chain(db, lines) and ok
    return CheckReport(ok, tuple(lines))


def _check_audit_chain(db: Database, lines: list[str]) -> bool:
    """The audit log's hash chain (services/audit_check.py); adds its lines, says if it holds."""
    from welcome_center.services import audit_check

    try:
        chain_ok, chain_lines = audit_check.check_lines(db)
    except (ValueError, DBAPIError) as exc:  # a stored value that no longer reads: damage
        lines.append(
            _("Audit log: FAILED: an entry cannot be read (%(error)s); the file is damaged.")
            % {"error": str(exc).splitlines()[0][:200]}
        )
        return False
    lines.extend(chain_lines)
    return chain_ok


def storage_checks(db: Database, full: bool = False) -> list[tuple[str, list[str]]]:
    """(check name, problems) for the file's integrity, foreign keys and search index, with
    ``full`` the records' active months too; SQLite's ``integrity_check`` with ``full``, else
    its faster ``quick_check``. On a server only with
    ``full`` (``db check``; services/server_checks.py): the desk's check at start is SQLite's."""
    if not db.is_sqlite:
        from welcome_center.services import server_checks

        return server_checks.run(db) if full else []
    out: list[tuple[str, list[str]]] = []
    with db.engine.connect() as conn:
        pragma = "integrity_check" if full else "quick_check"
        out.append((_("Integrity"), _rows_or_error(conn, f"PRAGMA {pragma}", ["ok"])))
        try:
            fk = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
            fk_problems = (
                [_("%(n)d rows point to missing rows") % {"n": len(fk)}]
                + [
                    _("table %(table)s, row %(row)s: no %(parent)s") % {
                        "table": t, "row": r, "parent": p,
                    }
                    for t, r, p, *_rest in fk[:20]
                ]
                if fk
                else []
            )  # fmt: skip
        except DBAPIError as exc:
            fk_problems = [str(exc.orig)]
        out.append((_("Foreign keys"), fk_problems))
        try:
            conn.exec_driver_sql(
                "INSERT INTO record_search(record_search, rank) VALUES ('integrity-check', 1)"
            )
            out.append((_("Search index"), []))
        except DBAPIError as exc:  # sqlite3 reports a corrupt index as a generic database error
            out.append((_("Search index"), [str(exc.orig)]))
        conn.rollback()
        if full:  # compares every record's months: seconds at 300,000 records
            from welcome_center.services.server_checks import months_problems

            out.append((_("Active months"), _problems_or_error(months_problems, conn)))
            conn.rollback()
    return out


def _problems_or_error(check: Callable[[Connection], list[str]], conn: Connection) -> list[str]:
    try:
        return check(conn)
    except DBAPIError as exc:
        return [str(exc.orig)]


def _rows_or_error(conn: Connection, sql: str, healthy: list[str]) -> list[str]:
    try:
        rows = [str(r[0]) for r in conn.exec_driver_sql(sql).all()]
    except DBAPIError as exc:
        return [str(exc.orig)]
    return [] if rows == healthy else rows


def quick_check(uow: UnitOfWork) -> list[str]:
    """SQLite's quick check of the open database, for the desk after start: the problems
    found ([] when intact, and on a server, which checks itself)."""
    try:
        return [p for _name, problems in storage_checks(uow.db) for p in problems]
    except (DBAPIError, OSError) as exc:
        return [storage_error(exc, uow.db.display_name()).message]


def schema_status(db: Database) -> tuple[str | None, str]:
    """The database's schema revision and the program's."""
    return migrate.current_revision(db), migrate.head_revision()
