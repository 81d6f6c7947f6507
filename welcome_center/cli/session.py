"""Who the command line acts as: ``--user NAME`` and that user's password, and the database
opened as that user. A command acts with the user's roles and is audited under the user's name;
there is no nameless "system" at the shell."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from dataclasses import dataclass

from welcome_center.app import AppContext, open_app, prepare_demo
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.enums import Role
from welcome_center.domain.errors import DomainError, PermissionDeniedError
from welcome_center.i18n import _
from welcome_center.paths import AppPaths, resolve
from welcome_center.services import encryption, login, server_accounts, users
from welcome_center.services.context import Actor

ENV_PASSWORD = "WELCOME_CENTER_PASSWORD"

# The commands that read or change personal data, users or settings: each needs --user. The
# desk (``gui``) logs in itself; ``setup`` makes the first user; ``db check`` needs a user only
# on an encrypted file (a plain file's check reads the schema and SQLite's own structures).
NEEDS_USER: frozenset[tuple[str, str | None]] = frozenset(
    {
        ("import", None),
        ("import-events", None),
        ("demo", None),
        ("report", None),
        ("person", "export"),
        ("retention", "status"),
        ("retention", "run"),
        ("user", "add"),
        ("user", "list"),
        ("user", "password"),
        ("db", "upgrade"),
        ("db", "backup"),
        ("db", "restore"),
        ("db", "encrypt"),
    }
)


class UsageError(DomainError):
    """The command was called wrongly (exit code 2): nothing was opened."""


def command_words(args: argparse.Namespace) -> str:
    command = args.command or "gui"
    action = getattr(args, f"{command}_command", None)
    return f"welcome-center {command}" + (f" {action}" if action else "")


def require_user(args: argparse.Namespace) -> str:
    """The ``--user`` name; UsageError naming --user when there is none."""
    name = (args.user or "").strip()
    if not name:
        raise UsageError(
            _(
                "%(command)s needs --user NAME: the name of a user of the office, who must "
                "have the role for it. The password is taken from WELCOME_CENTER_PASSWORD, "
                "else from standard input, else asked for. Nothing was opened."
            )
            % {"command": command_words(args)}
        )
    return name


def _line(prompt: str, missing: str) -> str:
    """One line: from standard input when it is not a terminal, else typed unseen."""
    stdin = sys.stdin
    if stdin is None or not stdin.isatty():
        line = stdin.readline() if stdin is not None else ""
        if not line:
            raise DomainError(missing)
        return line.rstrip("\r\n")
    return getpass.getpass(prompt)


def user_password(username: str) -> str:
    """The password of ``--user``: WELCOME_CENTER_PASSWORD, else a line of standard input,
    else asked for."""
    from_env = os.environ.get(ENV_PASSWORD)
    if from_env is not None:
        return from_env
    return _line(
        _("Password of %(user)s: ") % {"user": username},
        _("No password for %(user)s: give it on standard input or in WELCOME_CENTER_PASSWORD.")
        % {"user": username},
    )


def new_password(prompt: str) -> str:
    """A new password: the next line of standard input, or typed twice at a terminal."""
    missing = _("No new password: give it on the next line of standard input.")
    if sys.stdin is None or not sys.stdin.isatty():
        return _line(prompt, missing)
    first = getpass.getpass(prompt)
    if getpass.getpass(_("Repeat the password: ")) != first:
        raise DomainError(_("The passwords differ."))
    return first


def recovery_key() -> str:
    """The recovery key: the next line of standard input, or typed at a terminal."""
    return _line(
        _("Recovery key: "),
        _("No recovery key: give it on the next line of standard input."),
    )


def target(args: argparse.Namespace) -> tuple[AppPaths, str]:
    paths = resolve(args.db)
    if args.demo and not args.db:
        return paths, paths.demo_db_url
    return paths, paths.db_url


@dataclass(frozen=True)
class Session:
    """The database opened as ``actor``, who proved ``password``."""

    ctx: AppContext
    actor: Actor
    password: str

    @property
    def uow(self) -> UnitOfWork:
        return self.ctx.uow

    def close(self) -> None:
        self.ctx.close()


def open_as(args: argparse.Namespace) -> Session:
    """The existing database (never a new one: only ``setup`` and the desk's first run make
    one, and the demonstration database is made and filled on first use), opened as --user.
    An encrypted file opens with the user's key slot; a plain one is opened and the password
    checked. A wrong password is refused with the login's one message."""
    username = require_user(args)
    paths, url = target(args)
    demo = bool(args.demo and not args.db)
    if demo:
        ctx = open_app(paths, url, create=True)
        prepare_demo(ctx)
        password = user_password(username)
    elif server_accounts.needs_sign_in(url):  # the user's own login on a team server
        password = user_password(username)
        db, actor = server_accounts.sign_in(url, paths.backup_dir, username, password)
        return Session(AppContext(paths, db, UnitOfWork(db)), actor, password)
    elif encryption.needs_key(url):  # throttled before the file is opened (services/login)
        password = user_password(username)
        db, actor = login.open_encrypted(url, paths.backup_dir, username, password)
        return Session(AppContext(paths, db, UnitOfWork(db)), actor, password)
    else:
        ctx = open_app(paths, url)  # a missing database is said before the password is asked
        password = user_password(username)
    try:
        actor = users.authenticate(ctx.uow, username, password)
    except BaseException:
        ctx.close()
        raise
    return Session(ctx, actor, password)


def require_admin(actor: Actor) -> None:
    """Commands on the database file as a whole are an administrator's."""
    if Role.ADMIN not in actor.roles:
        raise PermissionDeniedError(
            _("Only an administrator may do this; %(user)s is not one.") % {"user": actor.name}
        )
