"""The commands on the office's data: import, import-events, demo, report, person export,
retention, users. Each opens the database as --user (session.open_as) and acts with that
user's roles."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from welcome_center import i18n
from welcome_center.cli.parser import EXIT_INPUT, EXIT_OK, EXIT_USAGE
from welcome_center.cli.session import new_password, open_as, recovery_key, target
from welcome_center.domain.dates import parse_date
from welcome_center.domain.enums import Role
from welcome_center.domain.errors import DomainError
from welcome_center.domain.permissions import Permission
from welcome_center.domain.quarters import parse_quarter
from welcome_center.domain.statistics import Period, ReportFormat
from welcome_center.i18n import _
from welcome_center.i18n.labels import roles_label
from welcome_center.reports.files import write_atomically

if TYPE_CHECKING:
    from welcome_center.services.event_import import EventImportReport
    from welcome_center.services.imports import ImportReport


def import_(args: argparse.Namespace) -> int:
    from welcome_center.services.imports import import_file

    if not args.file.is_file():
        print(_("error: %(path)s does not exist.") % {"path": args.file}, file=sys.stderr)
        return EXIT_INPUT
    session = open_as(args)
    try:
        report = import_file(session.uow, session.actor, args.file, dry_run=args.dry_run)
    finally:
        session.close()
    print_import_report(report, args.file)
    return EXIT_OK if report.ok else EXIT_INPUT


def print_import_report(report: ImportReport, path: Path) -> None:
    from welcome_center.services.import_summary import summary_lines

    if not report.ok:
        _print_problems(report, path)
        return
    for line in summary_lines(report, path.name):
        print(line)


def import_events(args: argparse.Namespace) -> int:
    """An event list (CSV or XLSX), checked whole and written all or nothing."""
    from welcome_center.services.event_import import import_events as run_import

    if not args.file.is_file():
        print(_("error: %(path)s does not exist.") % {"path": args.file}, file=sys.stderr)
        return EXIT_INPUT
    session = open_as(args)
    try:
        report = run_import(session.uow, session.actor, args.file, dry_run=args.dry_run)
    finally:
        session.close()
    if not report.ok:
        _print_problems(report, args.file)
        return EXIT_INPUT
    head = _("Checked (dry run, nothing written)") if report.dry_run else _("Imported")
    print(
        _("%(head)s: %(file)s, %(rows)d rows: %(new)d new events, %(old)d already there.")
        % {
            "head": head,
            "file": args.file.name,
            "rows": report.rows,
            "new": report.created,
            "old": report.existing,
        }
    )
    return EXIT_OK


def _print_problems(report: ImportReport | EventImportReport, path: Path) -> None:
    """Every problem listed with its line and column, on standard error."""
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


def demo(args: argparse.Namespace) -> int:
    from welcome_center.services.demo import generate_demo

    if args.records < 1:
        print(_("error: --records must be at least 1."), file=sys.stderr)
        return EXIT_USAGE
    session = open_as(args)
    try:
        summary = generate_demo(session.uow, session.actor, records=args.records, seed=args.seed)
        where = session.ctx.db.display_name()
    finally:
        session.close()
    print(
        _(
            "Demonstration data written to %(where)s: %(records)d records, "
            "%(consultations)d consultations."
        )
        % {"where": where, "records": summary.records, "consultations": summary.consultations}
    )
    return EXIT_OK


def _report_period(args: argparse.Namespace) -> Period:
    if args.date_to and not args.date_from:
        raise DomainError(_("--to needs --from: the first day of the range."))
    try:
        if args.month:
            year, month = args.month.split("-")
            return Period.month(int(year), int(month))
        if args.quarter:
            return _quarter(args.quarter)
        if args.year:
            return Period.year(int(args.year))
        if not args.date_to:
            raise DomainError(_("--from needs --to: the last day of the range."))
        return Period(parse_date(args.date_from), parse_date(args.date_to))
    except ValueError:
        raise DomainError(
            _("The period is not valid: give --month YYYY-MM, --quarter YYYY-QN, --year YYYY, "
              "or --from and --to as dates (YYYY-MM-DD or DD.MM.YYYY), the end not before the "
              "start.")
        ) from None  # fmt: skip


def _quarter(text: str) -> Period:
    try:
        return parse_quarter(text)
    except ValueError:
        raise DomainError(
            _("--quarter %(value)s is not a quarter: give the year and Q1 to Q4, e.g. 2024-Q2.")
            % {"value": text}
        ) from None


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


def report(args: argparse.Namespace) -> int:
    from welcome_center.services import reporting

    period = _report_period(args)
    fmt = _report_format(args)
    if args.output is None and fmt is not ReportFormat.JSON:
        raise DomainError(_("Name the file to write with -o; only JSON goes to standard output."))
    if args.internal and args.archive:
        raise DomainError(
            _("--internal and --archive exclude each other: an internal report is not published.")
        )
    session = open_as(args)
    try:
        uow, actor = session.uow, session.actor
        content = reporting.content(uow, actor, period, i18n.language(), args.internal)
        if args.archive:
            entry, data = reporting.publish(uow, actor, content, fmt)
        else:
            entry, data = None, reporting.render(content, fmt)
    finally:
        session.close()
    if args.output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        write_atomically(args.output, data)  # whole or not at all, no temporary file left
        print(_("Report written to %(path)s.") % {"path": args.output})
    if entry is not None:
        print(_("Kept in the archive as number %(id)d.") % {"id": entry.id}, file=sys.stderr)
    return EXIT_OK


def person_export(args: argparse.Namespace) -> int:
    from welcome_center.services.privacy import access

    path = args.output.expanduser().absolute()
    access.format_of(path)  # a wrong ending is refused before the database is opened
    session = open_as(args)
    try:
        access.write_access_export(session.uow, session.actor, args.person_id, path)
    finally:
        session.close()
    print(_("Access export written to %(path)s.") % {"path": path})
    return EXIT_OK


def retention_status(args: argparse.Namespace) -> int:
    from welcome_center.services.privacy import retention, retention_text

    try:
        today = parse_date(args.today) if args.today else None
    except ValueError:
        raise DomainError(_("Give the day as YYYY-MM-DD or DD.MM.YYYY.")) from None
    session = open_as(args)
    try:
        st = retention.status(session.uow, session.actor, today)
    finally:
        session.close()
    print("\n".join(retention_text.status_lines(st, with_list=args.list)))
    return EXIT_OK


def retention_run(args: argparse.Namespace) -> int:
    from welcome_center.services.privacy import retention, retention_text

    session = open_as(args)
    try:
        saved = retention.run(session.uow, session.actor)
    finally:
        session.close()
    print(retention_text.run_line(saved.value))
    return EXIT_OK


def user_add(args: argparse.Namespace) -> int:
    from welcome_center.services import users

    session = open_as(args)
    try:
        session.actor.require(Permission.MANAGE_USERS)  # before a password is asked for
        password = new_password(_("Password of the new user: "))
        saved = users.add_user(
            session.uow,
            session.actor,
            args.name,
            password,
            [Role(r) for r in args.role],
            args.display_name,
        )
    finally:
        session.close()
    print(
        i18n.ngettext(
            "User %(name)s added with the role %(role)s.",
            "User %(name)s added with the roles %(role)s.",
            len(saved.value.roles),
        )
        % {"name": saved.value.username, "role": roles_label(saved.value.roles)}
    )
    return EXIT_OK


def user_list(args: argparse.Namespace) -> int:
    from welcome_center.services import users
    from welcome_center.services.login_attempts import clock_text

    session = open_as(args)
    try:
        session.actor.require(Permission.MANAGE_USERS)
        rows = users.list_users(session.uow)
    finally:
        session.close()
    table = []
    for u in rows:
        state = _("active") if u.active else _("inactive")
        if u.locked_until is not None:
            state = _("locked until %(time)s") % {"time": clock_text(u.locked_until)}
        table.append((u.username, roles_label(u.roles), state, u.display_name))
    widths = [max((len(row[k]) for row in table), default=0) for k in range(3)]
    for row in table:  # columns as wide as their longest entry
        print("  ".join(cell.ljust(w) for cell, w in zip(row[:3], widths, strict=True)), row[3])
    return EXIT_OK


def user_password(args: argparse.Namespace) -> int:
    from welcome_center.services import users

    session = open_as(args)
    try:
        new = new_password(_("New password: "))
        users.change_own_password(session.uow, session.actor, session.password, new)
    finally:
        session.close()
    print(_("The password of %(user)s was changed.") % {"user": session.actor.name})
    return EXIT_OK


def user_recover(args: argparse.Namespace) -> int:
    from welcome_center.services import encryption

    paths, url = target(args)
    if not encryption.needs_key(url):
        raise DomainError(
            _("Only an encrypted database has a recovery key; %(where)s is not encrypted.")
            % {"where": url}
        )
    key = recovery_key()
    new = new_password(_("New password of %(user)s: ") % {"user": args.name})
    encryption.recover_administrator(url, paths.backup_dir, key, args.name, new)
    print(_("%(user)s has a new password and can log in with it.") % {"user": args.name})
    return EXIT_OK
