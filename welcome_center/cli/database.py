"""The commands on the database as a whole: setup, and db upgrade, check, backup, restore,
encrypt."""

from __future__ import annotations

import argparse
from pathlib import Path

from welcome_center.app import create_office, open_app
from welcome_center.cli.parser import EXIT_INPUT, EXIT_OK
from welcome_center.cli.session import (
    new_password,
    open_as,
    recovery_key,
    require_admin,
    require_user,
    target,
    user_password,
)
from welcome_center.db.engine import display_location, sqlite_path
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.audit import AuditAction
from welcome_center.domain.errors import DomainError
from welcome_center.i18n import _, ngettext
from welcome_center.services import audit, encryption, login, server_accounts, settings, users
from welcome_center.services.context import Actor
from welcome_center.services.encryption import Unlock
from welcome_center.services.storage import database_exists


def _print_recovery_key(key: str) -> None:
    print()
    print(_("Recovery key:") + "  " + key)
    print()
    print(
        _(
            "Print this recovery key and keep it in the data protection officer's safe. It "
            "opens the database when every password is lost. It will not be shown again."
        )
    )


def setup(args: argparse.Namespace) -> int:
    """A new office: the database (encrypted unless --plain), its first administrator, the
    office's name, and the recovery key shown once."""
    paths, url = target(args)
    where = display_location(url)
    if sqlite_path(url) is not None and database_exists(url):
        raise DomainError(
            _("There is a database at %(where)s already; nothing was changed.") % {"where": where}
        )
    password = new_password(_("Password of %(user)s: ") % {"user": args.admin})
    users.check_new_user(args.admin, password)  # refused before anything is made
    ctx, recovery = create_office(paths, url, encrypted=not args.plain)
    try:
        saved = users.add_user(ctx.uow, None, args.admin, password, users.FIRST_USER_ROLES)
        admin = Actor(saved.value.id, saved.value.username, saved.value.roles)
        if args.office.strip():
            settings.update_settings(ctx.uow, admin, office_name=args.office)
    finally:
        ctx.close()
    if recovery is None:
        print(
            _("The office's database is ready at %(where)s, with the administrator %(user)s.")
            % {"where": where, "user": saved.value.username}
        )
    else:
        print(
            _(
                "The office's encrypted database is ready at %(where)s, with the "
                "administrator %(user)s."
            )
            % {"where": where, "user": saved.value.username}
        )
        _print_recovery_key(recovery)
    return EXIT_OK


def db_upgrade(args: argparse.Namespace) -> int:
    from welcome_center.services.storage import schema_status

    session = open_as(args)  # opening migrates, with a backup first
    try:
        current, _head = schema_status(session.ctx.db)
        where = session.ctx.db.display_name()
        team = server_accounts.set_up_here(session.ctx.uow)
    finally:
        session.close()
    print(
        _("The database at %(where)s is up to date (schema %(rev)s).")
        % {"where": where, "rev": current}
    )
    if team:  # the migration made the tables; the office's groups get their rights from setup
        print(
            _(
                "On a team server, run 'welcome-center --db URL server setup' now as well: it "
                "gives the office's groups their rights on what this version added. Until "
                "then the desks cannot save."
            )
        )
    return EXIT_OK


def db_check(args: argparse.Namespace) -> int:
    """Reads only; an encrypted file needs --user, whose key slot opens it (throttled as a
    login is; a check logs nobody in)."""
    from welcome_center.services.storage import check_database

    _paths, url = target(args)
    keyring = None
    if encryption.needs_key(url):
        username = require_user(args)
        keyring = login.unlock(url, username, user_password(username))  # throttled
    report = check_database(url, keyring)
    for line in report.lines:
        print(line)
    return EXIT_OK if report.ok else EXIT_INPUT


def db_backup(args: argparse.Namespace) -> int:
    """A SQLite file through SQLite's backup API; a server database with pg_dump."""
    from welcome_center.services import server_backup
    from welcome_center.services.storage import backup, backups_folder, suggested_backup_file

    session = open_as(args)
    try:
        db = session.ctx.db
        if args.file is not None:
            target_file = args.file.expanduser().absolute()
        elif db.is_sqlite:
            folder = backups_folder(session.uow) or session.ctx.paths.backup_dir
            target_file = suggested_backup_file(session.uow, folder)
        else:
            target_file = server_backup.suggested_dump_file(db, Path.cwd())
        if db.is_sqlite:
            written = backup(db, target_file, session.actor, session.uow)
        else:
            written = server_backup.backup(db, target_file, session.actor, session.uow)
    finally:
        session.close()
    print(_("Backup written to %(path)s.") % {"path": written})
    return EXIT_OK


def _log(uow: UnitOfWork, actor: Actor, action: AuditAction, detail: str) -> None:
    """An entry about the database as a whole, under the name of the user who acted."""
    with uow.begin() as s:
        audit.log(s, actor, action, "database", None, detail=detail)


def _same_user(uow: UnitOfWork, actor: Actor) -> Actor:
    """``actor`` as the user of that name in another copy of the database (a restored one),
    where the id may differ or be missing."""
    for u in users.list_users(uow):
        if u.username.lower() == actor.name.lower():
            return Actor(u.id, u.username, actor.roles)
    return Actor(None, actor.name, actor.roles)


def db_restore(args: argparse.Namespace) -> int:
    """An administrator's: checked, put in place, the replaced file kept, then migrated."""
    paths, url = target(args)
    backup_file = args.backup.expanduser().absolute()
    if sqlite_path(url) is None:
        return _restore_server(args, url, backup_file)
    if not backup_file.is_file():
        raise DomainError(_("%(path)s does not exist.") % {"path": backup_file})
    session = open_as(args)  # the role is checked in the live database, which is closed again
    try:
        require_admin(session.actor)
    finally:
        session.close()
    actor = session.actor
    how = (
        Unlock(recovery_key=recovery_key())
        if args.recovery_key
        else Unlock(actor.name, session.password)
    )
    restored = encryption.restore(url, backup_file, how)
    print(
        _("%(backup)s was restored. The database it replaced was kept as %(kept)s.")
        % {"backup": backup_file, "kept": restored.kept}
    )
    ctx = open_app(paths, url, unlock=how if restored.encrypted else None)  # migrates it
    try:
        _log(ctx.uow, _same_user(ctx.uow, actor), AuditAction.RESTORE, backup_file.name)
    finally:
        ctx.close()
    return EXIT_OK


def _restore_server(args: argparse.Namespace, url: str, backup_file: Path) -> int:
    """pg_restore into an empty server database; the user is checked in the restored data."""
    from welcome_center.services import server_backup

    username = require_user(args)
    if args.recovery_key:
        raise DomainError(_("A server database has no recovery key; give --user."))
    done = server_backup.restore(url, backup_file, username, user_password(username))
    print(
        _(
            "%(backup)s was restored into %(where)s: %(records)d records, %(persons)d persons, "
            "%(users)d users."
        )
        % {
            "backup": backup_file,
            "where": display_location(url),
            "records": done.records,
            "persons": done.persons,
            "users": done.users,
        }
    )
    if done.revision == done.head:
        print(_("Schema %(rev)s, the program's own.") % {"rev": done.head})
    else:
        print(
            _("The backup had schema %(old)s; it was upgraded to %(head)s.")
            % {"old": done.revision or "-", "head": done.head}
        )
    return EXIT_OK


def _backup_folders(paths_backup: Path, db_file: Path) -> list[Path]:
    folders = {paths_backup, db_file.parent / "backups"}
    return sorted(f for f in folders if f.is_dir() and any(f.iterdir()))


def db_encrypt(args: argparse.Namespace) -> int:
    """An administrator's: the plain file becomes an encrypted one with a slot for --user and
    a new recovery key, shown once."""
    paths, _url = target(args)
    session = open_as(args)
    try:
        require_admin(session.actor)
        db_file = session.ctx.db.path
        if db_file is None:
            raise DomainError(_("A server database is encrypted by the server (see the README)."))
        result = encryption.encrypt(
            session.ctx.db,
            session.actor.name,
            session.password,
            args.keep_plain,
            actor=session.actor,  # audited in the file before it is encrypted
        )
    finally:
        session.close()
    print(
        _(
            "The database at %(where)s is encrypted now. Only %(user)s can open it so far: "
            "the other users can again once an administrator has set a new password for "
            "each of them."
        )
        % {"where": db_file, "user": session.actor.name}
    )
    if result.kept_plain is not None:
        print(
            _("The plain file was kept as %(path)s: it is not encrypted; delete it securely.")
            % {"path": result.kept_plain}
        )
    for folder in _backup_folders(paths.backup_dir, db_file):
        print(
            _("Backups written before are not encrypted; they are in %(folder)s.")
            % {"folder": folder}
        )
    _print_recovery_key(result.recovery_key)
    return EXIT_OK


def server_setup(args: argparse.Namespace) -> int:
    """The team server: schema, the office's roles and rights, the users' logins
    (services/server_accounts.py); run by the server's administrator, again whenever wanted."""
    _paths, url = target(args)
    password = None
    if args.admin:
        password = new_password(_("Password of %(user)s: ") % {"user": args.admin})
        users.check_new_user(args.admin, password)
    done = server_accounts.set_up_server(url, args.admin, password)
    print(
        ngettext(
            "The server database %(where)s is set up: roles %(prefix)s_*, a login for "
            "%(n)d user. Desks connect with the URL without a password; each user signs in "
            "with their own name and password.",
            "The server database %(where)s is set up: roles %(prefix)s_*, logins for "
            "%(n)d users. Desks connect with the URL without a password; each user signs in "
            "with their own name and password.",
            done.logins,
        )
        % {"where": display_location(url), "prefix": done.prefix, "n": done.logins}
    )
    if done.without_password:
        n = len(done.without_password)
        print(
            ngettext(
                "%(n)d user has no password on the server yet and cannot sign in until an "
                "administrator sets one (Administration > Users > Reset password): %(names)s",
                "%(n)d users have no password on the server yet and cannot sign in until an "
                "administrator sets one (Administration > Users > Reset password): %(names)s",
                n,
            )
            % {"n": n, "names": ", ".join(done.without_password)}
        )
    return EXIT_OK
