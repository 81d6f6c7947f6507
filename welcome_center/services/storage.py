"""Opening the office's database: refuse foreign files, migrate safely, seed vocabularies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select

from welcome_center.db import backup as db_backup
from welcome_center.db import migrate
from welcome_center.db.engine import Database, DatabaseRefusedError, Refusal, open_engine
from welcome_center.db.models import Organisation, VocabularyEntry
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.errors import DomainError
from welcome_center.domain.permissions import Permission
from welcome_center.domain.rules import organisation_key
from welcome_center.i18n import _
from welcome_center.services import audit, seed_data
from welcome_center.services.context import Actor


class StorageRefusedError(DomainError):
    code = "database_refused"


def refusal_message(exc: DatabaseRefusedError) -> str:
    """The user's explanation of why a database was refused."""
    where = exc.location
    messages = {
        Refusal.NOT_SQLITE: _("%(path)s is not a Welcome Center database (not a SQLite file)."),
        Refusal.FOREIGN_SQLITE: _(
            "%(path)s belongs to another program; it was not opened and was left unchanged."
        ),
        Refusal.TRUNCATED: _(
            "%(path)s is damaged (shorter than it should be); it was left unchanged. "
            "Restore it from a backup."
        ),
        Refusal.NEWER_SCHEMA: _(
            "%(path)s was written by a newer version of this program; please update the program."
        ),
        Refusal.NETWORK_SHARE: _(
            "%(path)s lies on a network share, where SQLite can lose data. "
            "Keep the file on this computer, or let the team use a PostgreSQL server."
        ),
        Refusal.UNREADABLE: _("%(path)s cannot be read."),
        Refusal.MISSING: _("%(path)s does not exist."),
    }
    return messages[exc.reason] % {"path": where}


def open_database(url: str, backup_dir: Path | None = None) -> Database:
    """Open (creating if needed) and migrate the database at ``url``, seeding a new one.

    A file that is not ours raises StorageRefusedError and is left untouched. When a migration is
    pending on a populated SQLite file, a backup is written to ``backup_dir`` first.
    """
    try:
        db = open_engine(url)
    except DatabaseRefusedError as exc:
        raise StorageRefusedError(refusal_message(exc)) from exc
    try:
        migrate.upgrade(db, backup=_backup_before_migration(backup_dir))
    except DatabaseRefusedError as exc:
        db.dispose()
        raise StorageRefusedError(refusal_message(exc)) from exc
    seed(UnitOfWork(db))
    return db


def _backup_before_migration(backup_dir: Path | None):  # type: ignore[no-untyped-def]
    def take(db: Database, revision: str | None) -> Path | None:
        if not db.is_sqlite or backup_dir is None or db.path is None:
            return None
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        name = f"{db.path.stem}-before-migration-{revision}-{stamp}.db"
        return db_backup.backup_to(db, backup_dir / name)

    return take


def seed(uow: UnitOfWork) -> bool:
    """Fill the vocabularies and partners of a new database. Returns whether it did."""
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
    except OSError as exc:
        raise DomainError(
            _("The backup could not be written to %(path)s: %(reason)s")
            % {"path": target, "reason": exc.strerror or exc}
        ) from exc
    with uow.begin() as s:
        audit.log(s, actor, "backup", "database", None, detail=target.name)
    return target


@dataclass(frozen=True)
class CheckReport:
    ok: bool
    lines: tuple[str, ...]


def check_database(url: str) -> CheckReport:
    """Check a database without changing it: ours, schema version, integrity, foreign keys,
    search index."""
    try:
        db = open_engine(url, create=False)
    except DatabaseRefusedError as exc:
        return CheckReport(False, (refusal_message(exc),))
    lines: list[str] = []
    ok = True
    try:
        try:
            migrate.check_schema(db)
        except DatabaseRefusedError as exc:
            return CheckReport(False, (refusal_message(exc),))
        current, head = migrate.current_revision(db), migrate.head_revision()
        if current is None:
            return CheckReport(
                False, (_("%(where)s has no database yet.") % {"where": db.display_name()},)
            )
        lines.append(_("Database: %(where)s") % {"where": db.display_name()})
        if current == head:
            lines.append(_("Schema: %(rev)s, up to date.") % {"rev": current})
        else:
            lines.append(
                _("Schema: %(rev)s; this program would upgrade it to %(head)s.")
                % {"rev": current, "head": head}
            )
        for name, problem in storage_checks(db):
            if problem:
                ok = False
                lines.append(
                    _("%(check)s: FAILED: %(problem)s") % {"check": name, "problem": problem}
                )
            else:
                lines.append(_("%(check)s: ok") % {"check": name})
    finally:
        db.dispose()
    return CheckReport(ok, tuple(lines))


def storage_checks(db: Database) -> list[tuple[str, str]]:
    """(check name, problem or "") for the file's integrity, foreign keys and search index."""
    if not db.is_sqlite:
        return []
    out: list[tuple[str, str]] = []
    with db.engine.connect() as conn:
        result = [r[0] for r in conn.exec_driver_sql("PRAGMA quick_check").all()]
        out.append((_("Integrity"), "" if result == ["ok"] else "; ".join(map(str, result[:5]))))
        fk = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
        out.append(
            (
                _("Foreign keys"),
                "" if not fk else _("%(n)d rows point to missing rows") % {"n": len(fk)},
            )
        )
        try:
            conn.exec_driver_sql(
                "INSERT INTO record_search(record_search, rank) VALUES ('integrity-check', 1)"
            )
            out.append((_("Search index"), ""))
        except Exception as exc:  # sqlite3 reports a corrupt index as a generic database error
            out.append((_("Search index"), str(exc)))
        conn.rollback()
    return out


def schema_status(db: Database) -> tuple[str | None, str]:
    """The database's schema revision and the program's."""
    return migrate.current_revision(db), migrate.head_revision()
