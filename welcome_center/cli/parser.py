"""The command line's arguments, and argparse's own words in the user's language."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from welcome_center import __version__, i18n
from welcome_center.domain.enums import Role
from welcome_center.domain.statistics import ReportFormat
from welcome_center.i18n import N_, _

EXIT_OK, EXIT_INPUT, EXIT_USAGE = 0, 1, 2

# argparse's own words, translated through our catalog (argparse looks them up with its
# module-level gettext, which :func:`translate_argparse` points at ours).
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


def translate_argparse() -> None:
    argparse._ = _  # type: ignore[attr-defined]


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(
            _("%(prog)s: error: %(message)s") % {"prog": self.prog, "message": message},
            file=sys.stderr,
        )
        raise SystemExit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    p = Parser(
        prog="welcome-center",
        description=_("Case management for a Welcome Center."),
        epilog=_(
            "Every command but setup and the desk needs --user NAME: a user of the office, "
            "whose password comes from WELCOME_CENTER_PASSWORD, else from standard input "
            "(the first line), else is asked for. The command acts with that user's roles "
            "and is recorded in the audit log under that name."
        ),
    )
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
    p.add_argument(
        "--user",
        metavar="NAME",
        help=_("the user the command acts as (its password is asked for)"),
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    sub.add_parser("gui", help=_("start the desk (the default)"))
    _add_setup_parser(sub)
    imp = sub.add_parser("import", help=_("import a CSV or XLSX list of records"))
    imp.add_argument("file", type=Path, help=_("the .csv or .xlsx file"))
    imp.add_argument("--dry-run", action="store_true", help=_("check the file, write nothing"))
    events = sub.add_parser(
        "import-events", help=_("import a CSV or XLSX list of events (all or nothing)")
    )
    events.add_argument("file", type=Path, help=_("the .csv or .xlsx file"))
    events.add_argument("--dry-run", action="store_true", help=_("check the file, write nothing"))
    demo = sub.add_parser("demo", help=_("fill an empty database with demonstration data"))
    demo.add_argument("--records", type=int, default=400, help=_("number of records"))
    demo.add_argument("--seed", type=int, default=1, help=_("random seed (same seed, same data)"))
    _add_report_parser(sub)
    _add_person_parser(sub)
    _add_retention_parser(sub)
    _add_db_parser(sub)
    _add_user_parser(sub)
    _add_server_parser(sub)
    return p


def _add_server_parser(sub: argparse._SubParsersAction[Parser]) -> None:
    server = sub.add_parser("server", help=_("the team's PostgreSQL server"))
    ssub = server.add_subparsers(
        dest="server_command", metavar="ACTION", required=True, parser_class=Parser
    )
    setup = ssub.add_parser(
        "setup",
        help=_("create the schema, the roles, their rights and the users' logins on a server"),
        description=_(
            "Run once by the server's administrator, with --db naming the office's database "
            "as a role that may create roles (it owns the tables): brings the schema up to "
            "date, creates the office's group roles with their rights and row-level security, "
            "and a login for every user. With --admin NAME, that user's login gets the "
            "password read from standard input (or asked for twice); on a new database the "
            "user is made, as the office's first administrator. Running it again is safe."
        ),
    )
    setup.add_argument(
        "--admin", metavar="USER", help=_("the administrator whose login gets a password now")
    )


def _add_setup_parser(sub: argparse._SubParsersAction[Parser]) -> None:
    setup = sub.add_parser(
        "setup",
        help=_("create the office's database and its first administrator"),
        description=_(
            "Create the office's new database (encrypted unless --plain) with its first "
            "administrator, whose password is read from standard input (or asked for twice), "
            "and show the recovery key once. The desk offers the same on its first start."
        ),
    )
    setup.add_argument("--office", default="", help=_("the office's name, shown on reports"))
    setup.add_argument(
        "--admin", required=True, metavar="USER", help=_("the first administrator's user name")
    )
    setup.add_argument("--plain", action="store_true", help=_("do not encrypt the database file"))


def _add_db_parser(sub: argparse._SubParsersAction[Parser]) -> None:
    db = sub.add_parser("db", help=_("database maintenance"))
    dbsub = db.add_subparsers(
        dest="db_command", metavar="ACTION", required=True, parser_class=Parser
    )
    dbsub.add_parser("upgrade", help=_("bring the schema up to date (a backup is taken first)"))
    dbsub.add_parser(
        "check",
        help=_(
            "check the schema version and the file's integrity (an encrypted file needs --user)"
        ),
    )
    backup = dbsub.add_parser(
        "backup",
        help=_("write a consistent copy of the database (on a server with pg_dump)"),
    )
    backup.add_argument(
        "file",
        type=Path,
        nargs="?",
        help=_("the new backup file (by default a new one named after the database and the time)"),
    )
    restore = dbsub.add_parser(
        "restore",
        help=_("put a backup in place of the database (the replaced file is kept)"),
        description=_(
            "Check the backup and put it in place of the database, keeping the replaced file "
            "beside it. An administrator's command; nobody may be working with the database. "
            "An encrypted backup opens with the --user password, or with the recovery key. "
            "On a PostgreSQL server the backup (from pg_dump) is restored with pg_restore into "
            "an empty database only, and --user must be an administrator in it."
        ),
    )
    restore.add_argument("backup", type=Path, metavar="BACKUP", help=_("the backup file"))
    restore.add_argument(
        "--recovery-key",
        action="store_true",
        help=_("open the backup with the recovery key (read from standard input, or asked for)"),
    )
    encrypt = dbsub.add_parser(
        "encrypt",
        help=_("encrypt a plain database file (shows the new recovery key once)"),
    )
    encrypt.add_argument(
        "--keep-plain",
        action="store_true",
        help=_("keep the plain file beside, renamed (by default it is overwritten)"),
    )


def _add_user_parser(sub: argparse._SubParsersAction[Parser]) -> None:
    user = sub.add_parser("user", help=_("manage users"))
    usub = user.add_subparsers(
        dest="user_command", metavar="ACTION", required=True, parser_class=Parser
    )
    add = usub.add_parser(
        "add",
        help=_(
            "add a user (the new password is asked for, or read from the next line of "
            "standard input)"
        ),
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
    recover = usub.add_parser(
        "recover",
        help=_(
            "every password lost: with the office's recovery key (asked for, or the first line "
            "of standard input), give an administrator a new password (asked for twice, or the "
            "next line); an encrypted database only, no --user"
        ),
    )
    recover.add_argument("name", help=_("the administrator's user name"))
    usub.add_parser(
        "password",
        help=_(
            "change your own password (the --user password is the current one; the new one is "
            "asked for twice, or read from the next line of standard input)"
        ),
    )


def _add_report_parser(sub: argparse._SubParsersAction[Parser]) -> None:
    rep = sub.add_parser(
        "report",
        help=_("the statistics report of a month, a quarter, a year or a range"),
        description=_(
            "The office's figures for a period as PDF, XLSX, CSV or JSON (JSON goes to standard "
            "output unless -o names a file). Names of clients never appear in a report; names "
            "of staff only in the internal workload report (--internal)."
        ),
    )
    when = rep.add_mutually_exclusive_group(required=True)
    when.add_argument("--month", metavar="YYYY-MM", help=_("a calendar month"))
    when.add_argument("--quarter", metavar="YYYY-QN", help=_("a calendar quarter, e.g. 2024-Q2"))
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


def _add_person_parser(sub: argparse._SubParsersAction[Parser]) -> None:
    person = sub.add_parser("person", help=_("a person's data"))
    psub = person.add_subparsers(
        dest="person_command", metavar="ACTION", required=True, parser_class=Parser
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


def _add_retention_parser(sub: argparse._SubParsersAction[Parser]) -> None:
    ret = sub.add_parser("retention", help=_("retention periods: what is due, and the run"))
    rsub = ret.add_subparsers(
        dest="retention_command", metavar="ACTION", required=True, parser_class=Parser
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
