"""The command line: ``welcome-center [--db URL] [--lang de|en] COMMAND``.

Exit codes: 0 success, 1 bad input (a message on stderr, never a traceback), 2 wrong usage.
The command line acts as a system actor, recorded in the audit log with the OS account name.
"""

from __future__ import annotations

import argparse
import errno
import getpass
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.exc import DBAPIError

from welcome_center import __version__, i18n
from welcome_center.app import AppContext, choose_language, open_app, report_start_error, run_gui
from welcome_center.db.engine import display_location, sqlite_path
from welcome_center.db.failures import storage_error
from welcome_center.db.uow import ConcurrentChangeError
from welcome_center.domain.dates import parse_date
from welcome_center.domain.enums import Role
from welcome_center.domain.errors import DomainError
from welcome_center.domain.statistics import Period, ReportFormat
from welcome_center.i18n import N_, _
from welcome_center.i18n.labels import roles_label
from welcome_center.paths import AppPaths, resolve
from welcome_center.reports.files import write_atomically
from welcome_center.services.context import Actor
from welcome_center.services.storage import database_exists

if TYPE_CHECKING:
    from welcome_center.services.imports import ImportReport

EXIT_OK, EXIT_INPUT, EXIT_USAGE = 0, 1, 2

# argparse's own words, translated through our catalog (argparse looks them up with its
# module-level gettext, which :func:`_translate_argparse` points at ours).
_ARGPARSE_MESSAGES = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("show program's version number and exit"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("invalid %(type)s value: %(value)r"),
    N_("expected one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("ignored explicit argument %r"),
)


def _translate_argparse() -> None:
    argparse._ = _  # type: ignore[attr-defined]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(
            _("%(prog)s: error: %(message)s") % {"prog": self.prog, "message": message},
            file=sys.stderr,
        )
        raise SystemExit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="welcome-center", description=_("Case management for a Welcome Center."))
    p.add_argument(
        "--version",
        action="version",
        version=f"%(prog)s {__version__}",
        help=_("show program's version number and exit"),
    )
    p.add_argument(
        "--db",
        metavar="URL",
        help=_("database URL or SQLite file (default: the user data folder, or WELCOME_CENTER_DB)"),
    )
    p.add_argument("--lang", choices=i18n.LANGUAGES, help=_("language (default: German)"))
    p.add_argument(
        "--demo",
        action="store_true",
        help=_("use the separate demonstration database (filled on first use)"),
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.add_parser("gui", help=_("start the desk (the default)"))
    setup = sub.add_parser(
        "setup",
        help=_("create the office's database (the desk offers the same on its first start)"),
    )
    setup.add_argument("--office", default="", help=_("the office's name, shown on reports"))
    imp = sub.add_parser("import", help=_("import a CSV or XLSX list of records"))
    imp.add_argument("file", type=Path, help=_("the .csv or .xlsx file"))
    imp.add_argument("--dry-run", action="store_true", help=_("check the file, write nothing"))
    demo = sub.add_parser("demo", help=_("fill an empty database with demonstration data"))
    demo.add_argument("--records", type=int, default=400, help=_("number of records"))
    demo.add_argument("--seed", type=int, default=1, help=_("random seed (same seed, same data)"))
    _add_report_parser(sub)
    _add_person_parser(sub)
    _add_retention_parser(sub)
    db = sub.add_parser("db", help=_("database maintenance"))
    dbsub = db.add_subparsers(
        dest="db_command", metavar="ACTION", required=True, parser_class=_Parser
    )
    dbsub.add_parser("upgrade", help=_("bring the schema up to date (a backup is taken first)"))
    dbsub.add_parser("check", help=_("check the schema version and the file's integrity"))
    backup = dbsub.add_parser("backup", help=_("write a consistent copy of the database"))
    backup.add_argument("file", type=Path, help=_("the new backup file"))
    user = sub.add_parser("user", help=_("manage users"))
    usub = user.add_subparsers(
        dest="user_command", metavar="ACTION", required=True, parser_class=_Parser
    )
    add = usub.add_parser(
        "add", help=_("add a user (the password is asked for, or read from standard input)")
    )
    add.add_argument("name", help=_("user name"))
    add.add_argument(
        "--role",
        required=True,
        action="append",
        choices=[r.value for r in Role],
        help=_("role (repeat for several: --role admin --role counsellor)"),
    )
    add.add_argument("--display-name", default="", help=_("name shown in the program"))
    usub.add_parser("list", help=_("list the users"))
    return p


def _add_report_parser(sub: argparse._SubParsersAction[_Parser]) -> None:
    rep = sub.add_parser(
        "report",
        help=_("the statistics report of a month, a year or a range"),
        description=_(
            "The office's figures for a period as PDF, XLSX, CSV or JSON (JSON goes to standard "
            "output unless -o names a file). Names of clients never appear in a report; names "
            "of staff only in the internal workload report (--internal)."
        ),
    )
    when = rep.add_mutually_exclusive_group(required=True)
    when.add_argument("--month", metavar="YYYY-MM", help=_("a calendar month"))
    when.add_argument("--year", metavar="YYYY", type=int, help=_("a calendar year"))
    when.add_argument("--from", dest="date_from", metavar="DATE", help=_("first day of a range"))
    rep.add_argument("--to", dest="date_to", metavar="DATE", help=_("last day of the range"))
    rep.add_argument(
        "--format", choices=[f.value for f in ReportFormat], default=None,
        help=_("file format (default: from the file name of -o, else JSON)"),
    )  # fmt: skip
    rep.add_argument("-o", "--output", type=Path, metavar="FILE", help=_("the file to write"))
    rep.add_argument("--lang", choices=i18n.LANGUAGES, default=argparse.SUPPRESS,
                     help=_("language of the report (default: German)"))  # fmt: skip
    rep.add_argument(
        "--archive", action="store_true",
        help=_("keep the report in the archive of published reports"),
    )  # fmt: skip
    rep.add_argument(
        "--internal", action="store_true",
        help=_("the internal workload report, with the counsellors (marked as internal, not "
               "for publication, never archived)"),
    )  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--lang", choices=i18n.LANGUAGES)
    known, _rest = pre.parse_known_args(args_list)
    choose_language(known.lang)
    _translate_argparse()
    args = build_parser().parse_args(args_list)
    command = args.command or "gui"
    handler = _HANDLERS.get((command, getattr(args, f"{command}_command", None)))
    assert handler is not None
    try:
        return handler(args)
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
    except KeyboardInterrupt:
        return EXIT_INPUT


def _system_actor() -> Actor:
    try:
        account = getpass.getuser()
    except (KeyError, OSError):
        account = "unknown"
    return Actor.system(account)


def _target(args: argparse.Namespace) -> tuple[AppPaths, str]:
    paths = resolve(args.db)
    if args.demo and not args.db:
        return paths, paths.demo_db_url
    return paths, paths.db_url


def _open(args: argparse.Namespace) -> AppContext:
    """The existing database (never a new one: only ``setup`` and the desk's first run make
    one), except the demonstration database, which is made and filled on first use."""
    paths, url = _target(args)
    return open_app(paths, url, create=bool(args.demo and not args.db))


def _gui(args: argparse.Namespace) -> int:
    paths, url = _target(args)
    demo = bool(args.demo and not args.db)
    try:
        if not demo and not database_exists(url):
            return run_gui(None, lang_option=args.lang, new_at=(paths, url))
        ctx = open_app(paths, url, create=demo)
    except DomainError as exc:
        return report_start_error(exc.message, args.lang, paths.data_dir)
    try:
        return run_gui(ctx, demo=args.demo, lang_option=args.lang)
    finally:
        ctx.close()


def _setup(args: argparse.Namespace) -> int:
    from welcome_center.services import settings

    paths, url = _target(args)
    where = display_location(url)
    if sqlite_path(url) is not None and database_exists(url):
        raise DomainError(
            _("There is a database at %(where)s already; nothing was changed.") % {"where": where}
        )
    ctx = open_app(paths, url, create=True)
    try:
        if args.office.strip():
            settings.update_settings(ctx.uow, _system_actor(), office_name=args.office)
    finally:
        ctx.close()
    print(
        _(
            "The office's database is ready at %(where)s. Start the desk to create the first "
            "administrator, or add one with: welcome-center user add NAME --role admin"
        )
        % {"where": where}
    )
    return EXIT_OK


def _import(args: argparse.Namespace) -> int:
    from welcome_center.services.imports import import_file

    if not args.file.is_file():
        print(_("error: %(path)s does not exist.") % {"path": args.file}, file=sys.stderr)
        return EXIT_INPUT
    ctx = _open(args)
    try:
        report = import_file(ctx.uow, _system_actor(), args.file, dry_run=args.dry_run)
    finally:
        ctx.close()
    _print_import_report(report, args.file)
    return EXIT_OK if report.ok else EXIT_INPUT


def _print_import_report(report: ImportReport, path: Path) -> None:
    if not report.ok:
        print(
            i18n.ngettext(
                "%(file)s: %(n)d problem; nothing was imported.",
                "%(file)s: %(n)d problems; nothing was imported.",
                report.problem_count,
            )
            % {"file": path.name, "n": report.problem_count},
            file=sys.stderr,
        )
        for p in report.problems:
            print(
                _("line %(line)d, column %(column)s: %(reason)s")
                % {"line": p.line, "column": p.column or "-", "reason": p.reason},
                file=sys.stderr,
            )
        if report.more_problems:
            more = i18n.ngettext(
                "... and %(n)s more problem", "... and %(n)s more problems", report.more_problems
            )
            print(more % {"n": i18n.format_number(report.more_problems)}, file=sys.stderr)
        return
    head = _("Checked (dry run, nothing written)") if report.dry_run else _("Imported")
    print(
        _(
            "%(head)s: %(file)s, %(rows)d rows: %(new)d new records, %(old)d already there, "
            "%(persons)d new persons, %(orgs)d new organisations."
        )
        % {
            "head": head,
            "file": path.name,
            "rows": report.rows,
            "new": report.created_records,
            "old": report.existing_records,
            "persons": report.created_persons,
            "orgs": report.created_organisations,
        }
    )
    if report.created_users:
        print(
            _("Counsellors created as inactive users: %(names)s")
            % {"names": ", ".join(report.created_users)}
        )
    if report.matches:
        print(_("Clients matched to existing ones (please check):"))
        for m in report.matches:
            print(
                _("  line %(line)d: %(name)s -> %(existing)s (no. %(id)d)")
                % {"line": m.line, "name": m.name, "existing": m.existing_name, "id": m.existing_id}
            )


def _demo(args: argparse.Namespace) -> int:
    from welcome_center.services.demo import generate_demo

    if args.records < 1:
        print(_("error: --records must be at least 1."), file=sys.stderr)
        return EXIT_USAGE
    ctx = _open(args)
    try:
        summary = generate_demo(ctx.uow, _system_actor(), records=args.records, seed=args.seed)
    finally:
        ctx.close()
    print(
        _(
            "Demonstration data written to %(where)s: %(records)d records, "
            "%(consultations)d consultations."
        )
        % {
            "where": ctx.db.display_name(),
            "records": summary.records,
            "consultations": summary.consultations,
        }
    )
    return EXIT_OK


def _report_period(args: argparse.Namespace) -> Period:
    if args.date_to and not args.date_from:
        raise DomainError(_("--to needs --from: the first day of the range."))
    try:
        if args.month:
            year, month = args.month.split("-")
            return Period.month(int(year), int(month))
        if args.year:
            return Period.year(int(args.year))
        if not args.date_to:
            raise DomainError(_("--from needs --to: the last day of the range."))
        return Period(parse_date(args.date_from), parse_date(args.date_to))
    except ValueError:
        raise DomainError(
            _("The period is not valid: give --month YYYY-MM, --year YYYY, or --from and --to "
              "as dates (YYYY-MM-DD or DD.MM.YYYY), the end not before the start.")
        ) from None  # fmt: skip


def _report_format(args: argparse.Namespace) -> ReportFormat:
    if args.format:
        return ReportFormat(args.format)
    if args.output is not None:
        try:
            return ReportFormat(args.output.suffix.lower().lstrip("."))
        except ValueError:
            raise DomainError(
                _("Choose the format with --format: %(name)s has no known ending.")
                % {"name": args.output.name}
            ) from None
    return ReportFormat.JSON


def _report(args: argparse.Namespace) -> int:
    from welcome_center.services import reporting

    period = _report_period(args)
    fmt = _report_format(args)
    if args.output is None and fmt is not ReportFormat.JSON:
        raise DomainError(_("Name the file to write with -o; only JSON goes to standard output."))
    if args.internal and args.archive:
        raise DomainError(
            _("--internal and --archive exclude each other: an internal report is not published.")
        )
    ctx = _open(args)
    try:
        actor = _system_actor()
        report = reporting.content(ctx.uow, actor, period, i18n.language(), args.internal)
        if args.archive:
            entry, data = reporting.publish(ctx.uow, actor, report, fmt)
        else:
            entry, data = None, reporting.render(report, fmt)
    finally:
        ctx.close()
    if args.output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        write_atomically(args.output, data)  # whole or not at all, no temporary file left
        print(_("Report written to %(path)s.") % {"path": args.output})
    if entry is not None:
        print(_("Kept in the archive as number %(id)d.") % {"id": entry.id}, file=sys.stderr)
    return EXIT_OK


def _db_upgrade(args: argparse.Namespace) -> int:
    ctx = _open(args)  # opening migrates, with a backup first
    try:
        from welcome_center.services.storage import schema_status

        current, _head = schema_status(ctx.db)
        print(
            _("The database at %(where)s is up to date (schema %(rev)s).")
            % {"where": ctx.db.display_name(), "rev": current}
        )
    finally:
        ctx.close()
    return EXIT_OK


def _db_check(args: argparse.Namespace) -> int:
    from welcome_center.services.storage import check_database

    report = check_database(resolve(args.db).db_url)
    for line in report.lines:
        print(line)
    return EXIT_OK if report.ok else EXIT_INPUT


def _db_backup(args: argparse.Namespace) -> int:
    from welcome_center.services.storage import backup

    ctx = _open(args)
    try:
        target = backup(ctx.db, args.file.expanduser().absolute(), _system_actor(), ctx.uow)
    finally:
        ctx.close()
    print(_("Backup written to %(path)s.") % {"path": target})
    return EXIT_OK


def _read_password() -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(_("Password: "))
    if getpass.getpass(_("Repeat the password: ")) != first:
        raise DomainError(_("The passwords differ."))
    return first


def _user_add(args: argparse.Namespace) -> int:
    from welcome_center.services import users

    ctx = _open(args)
    try:
        password = _read_password()
        saved = users.add_user(
            ctx.uow,
            _system_actor(),
            args.name,
            password,
            [Role(r) for r in args.role],
            args.display_name,
        )
    finally:
        ctx.close()
    print(
        i18n.ngettext(
            "User %(name)s added with the role %(role)s.",
            "User %(name)s added with the roles %(role)s.",
            len(saved.value.roles),
        )
        % {"name": saved.value.username, "role": roles_label(saved.value.roles)}
    )
    return EXIT_OK


def _user_list(args: argparse.Namespace) -> int:
    from welcome_center.services import users

    ctx = _open(args)
    try:
        rows = users.list_users(ctx.uow)
    finally:
        ctx.close()
    if not rows:
        print(_("No users yet. Add one with: welcome-center user add NAME --role admin"))
    for u in rows:
        state = _("active") if u.active else _("inactive")
        print(f"{u.username:<20} {roles_label(u.roles):<16} {state:<10} {u.display_name}")
    return EXIT_OK


def _add_person_parser(sub: argparse._SubParsersAction[_Parser]) -> None:
    person = sub.add_parser("person", help=_("a person's data"))
    psub = person.add_subparsers(
        dest="person_command", metavar="ACTION", required=True, parser_class=_Parser
    )
    export = psub.add_parser(
        "export",
        help=_("everything held about a person, for an access request (Art. 15 GDPR)"),
        description=_(
            "Everything the office holds about one person (their data, records, consultations "
            "with notes, referrals, consents, residence titles, recognition procedures, and "
            "who read or changed them when), with nobody else's name in it, as PDF or JSON by "
            "the ending of the file. The export is audited."
        ),
    )
    export.add_argument("person_id", type=int, metavar="PERSON_ID", help=_("the person's number"))
    export.add_argument(
        "-o", "--output", type=Path, required=True, metavar="FILE",
        help=_("the file to write: .pdf or .json"),
    )  # fmt: skip
    export.add_argument("--lang", choices=i18n.LANGUAGES, default=argparse.SUPPRESS,
                        help=_("language of the export (default: German)"))  # fmt: skip


def _person_export(args: argparse.Namespace) -> int:
    from welcome_center.services.privacy import access

    path = args.output.expanduser().absolute()
    access.format_of(path)  # a wrong ending is refused before the database is opened
    ctx = _open(args)
    try:
        access.write_access_export(ctx.uow, _system_actor(), args.person_id, path)
    finally:
        ctx.close()
    print(_("Access export written to %(path)s.") % {"path": path})
    return EXIT_OK


def _add_retention_parser(sub: argparse._SubParsersAction[_Parser]) -> None:
    ret = sub.add_parser("retention", help=_("retention periods: what is due, and the run"))
    rsub = ret.add_subparsers(
        dest="retention_command", metavar="ACTION", required=True, parser_class=_Parser
    )
    status = rsub.add_parser(
        "status", help=_("what is due for anonymisation now and when the rest will be")
    )
    status.add_argument("--today", metavar="DATE", help=_("as on this day (to plan ahead)"))
    status.add_argument("--list", action="store_true", help=_("list the records due, by number"))
    rsub.add_parser(
        "run",
        help=_("anonymise what is due, delete old audit entries, deal with the backups"),
    )


def _retention_status(args: argparse.Namespace) -> int:
    from welcome_center.services.privacy import retention, retention_text

    try:
        today = parse_date(args.today) if args.today else None
    except ValueError:
        raise DomainError(_("Give the day as YYYY-MM-DD or DD.MM.YYYY.")) from None
    ctx = _open(args)
    try:
        st = retention.status(ctx.uow, _system_actor(), today)
    finally:
        ctx.close()
    print("\n".join(retention_text.status_lines(st, with_list=args.list)))
    return EXIT_OK


def _retention_run(args: argparse.Namespace) -> int:
    from welcome_center.services.privacy import retention, retention_text

    ctx = _open(args)
    try:
        saved = retention.run(ctx.uow, _system_actor())
    finally:
        ctx.close()
    print(retention_text.run_line(saved.value))
    return EXIT_OK


_HANDLERS: dict[tuple[str, str | None], Callable[[argparse.Namespace], int]] = {
    ("gui", None): _gui,
    ("setup", None): _setup,
    ("import", None): _import,
    ("demo", None): _demo,
    ("report", None): _report,
    ("db", "upgrade"): _db_upgrade,
    ("db", "check"): _db_check,
    ("db", "backup"): _db_backup,
    ("user", "add"): _user_add,
    ("user", "list"): _user_list,
    ("person", "export"): _person_export,
    ("retention", "status"): _retention_status,
    ("retention", "run"): _retention_run,
}
