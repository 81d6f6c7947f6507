"""The command line: ``welcome-center [--db URL] [--lang de|en] [--user NAME] COMMAND``.

Exit codes: 0 success, 1 bad input (a message on stderr, never a traceback), 2 wrong usage.
Every command that reads or changes personal data, users or settings acts as ``--user``, with
that user's roles, audited under that name (session.py); ``setup`` makes the first user.
"""

from __future__ import annotations

import argparse
import errno
import sys
from collections.abc import Callable, Sequence

from sqlalchemy.exc import DBAPIError

from welcome_center import i18n
from welcome_center.app import choose_language, open_app, report_start_error, run_gui
from welcome_center.cli import commands, database
from welcome_center.cli.parser import (
    EXIT_INPUT,
    EXIT_OK,
    EXIT_USAGE,
    build_parser,
    translate_argparse,
)
from welcome_center.cli.session import NEEDS_USER, UsageError, require_user, target
from welcome_center.db.engine import display_location
from welcome_center.db.failures import storage_error
from welcome_center.db.uow import ConcurrentChangeError
from welcome_center.domain.errors import DomainError
from welcome_center.i18n import _
from welcome_center.paths import resolve
from welcome_center.services.encryption import needs_key
from welcome_center.services.server_accounts import needs_sign_in
from welcome_center.services.storage import database_exists

__all__ = ["EXIT_INPUT", "EXIT_OK", "EXIT_USAGE", "build_parser", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--lang", choices=i18n.LANGUAGES)
    known, _rest = pre.parse_known_args(args_list)
    choose_language(known.lang)
    translate_argparse()
    args = build_parser().parse_args(args_list)
    command = args.command or "gui"
    key = (command, getattr(args, f"{command}_command", None))
    handler = _HANDLERS.get(key)
    assert handler is not None
    try:
        if key in NEEDS_USER:
            require_user(args)  # before anything is opened
        return handler(args)
    except UsageError as exc:
        print(_("error: %(message)s") % {"message": exc.message}, file=sys.stderr)
        return EXIT_USAGE
    except DomainError as exc:
        print(_("error: %(message)s") % {"message": exc.message}, file=sys.stderr)
        return EXIT_INPUT
    except OSError as exc:  # a file of the command's own: a report, an import, a backup
        where = exc.filename or "-"
        reason = _("the disk is full") if exc.errno == errno.ENOSPC else exc.strerror or exc
        print(
            _("error: %(path)s: %(reason)s") % {"path": where, "reason": reason},
            file=sys.stderr,
        )
        return EXIT_INPUT
    except DBAPIError as exc:  # a driver error outside a unit of work
        where = display_location(resolve(args.db).db_url)
        message = storage_error(exc, where).message
        print(_("error: %(message)s") % {"message": message}, file=sys.stderr)
        return EXIT_INPUT
    except ConcurrentChangeError:
        print(
            _(
                "error: someone else saved the same item at the same moment; nothing was saved. "
                "Please try again."
            ),
            file=sys.stderr,
        )
        return EXIT_INPUT
    except (KeyboardInterrupt, EOFError):
        return EXIT_INPUT


def _gui(args: argparse.Namespace) -> int:
    """The desk logs in itself (and an encrypted file opens at its login)."""
    paths, url = target(args)
    demo = bool(args.demo and not args.db)
    try:
        if not demo and (not database_exists(url) or needs_key(url) or needs_sign_in(url)):
            # No database yet (the first run makes one), an encrypted file (it opens at the
            # login, with the user's password), or a team server (each user signs in as their
            # own login).
            return run_gui(None, lang_option=args.lang, new_at=(paths, url))
        ctx = open_app(paths, url, create=demo)
    except DomainError as exc:
        return report_start_error(exc.message, args.lang, paths.data_dir)
    try:
        return run_gui(ctx, demo=args.demo, lang_option=args.lang)
    finally:
        ctx.close()


_HANDLERS: dict[tuple[str, str | None], Callable[[argparse.Namespace], int]] = {
    ("gui", None): _gui,
    ("setup", None): database.setup,
    ("import", None): commands.import_,
    ("import-events", None): commands.import_events,
    ("demo", None): commands.demo,
    ("report", None): commands.report,
    ("db", "upgrade"): database.db_upgrade,
    ("db", "check"): database.db_check,
    ("db", "backup"): database.db_backup,
    ("db", "restore"): database.db_restore,
    ("db", "encrypt"): database.db_encrypt,
    ("user", "add"): commands.user_add,
    ("user", "list"): commands.user_list,
    ("user", "password"): commands.user_password,
    ("user", "recover"): commands.user_recover,
    ("person", "export"): commands.person_export,
    ("retention", "status"): commands.retention_status,
    ("retention", "run"): commands.retention_run,
    ("server", "setup"): database.server_setup,
}
