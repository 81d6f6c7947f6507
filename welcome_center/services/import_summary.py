"""An import's summary in words, line by line, as the command line prints it and the desk's
import shows it: what was written, the counsellors created, the clients matched to existing
ones, the facts funders count filled in and the file's values not taken (the import never
overwrites a recorded fact), each with its line for the user to check; the rows left out and
the aliases remembered."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from welcome_center.i18n import _, format_number, ngettext
from welcome_center.i18n.labels import label

if TYPE_CHECKING:
    from welcome_center.services.imports import FactDifference, ImportReport

SKIPPED_SHOWN = 20  # lines of skipped rows named; the rest are counted


def _value(value: object) -> str:
    """A code in words in the user's language; a year as it is."""
    return label(value) if isinstance(value, StrEnum) else str(value)


def _client(name: str, existing_id: int | None, existing_name: str) -> str:
    if existing_id is None:
        return name
    return _("%(name)s (no. %(id)d)") % {"name": existing_name, "id": existing_id}


def _difference(d: FactDifference) -> str:
    values = {
        "line": d.line,
        "column": d.column,
        "client": _client(d.name, d.existing_id, d.existing_name),
        "kept": _value(d.kept),
        "value": _value(d.value),
        "from": d.kept_line,
    }
    if d.kept_line is None:
        text = _(
            '  line %(line)d, %(column)s: %(client)s keeps "%(kept)s" (recorded before); '
            'the file says "%(value)s"'
        )
    else:
        text = _(
            '  line %(line)d, %(column)s: %(client)s keeps "%(kept)s" (from line %(from)d); '
            'the file says "%(value)s"'
        )
    return text % values


def fact_lines(report: ImportReport) -> list[str]:
    """The facts filled in and the differences, after the matches (nothing when none)."""
    out = []
    if report.filled:
        out.append(_("Facts filled in where existing clients had none recorded:"))
        for f in report.filled:
            facts = "; ".join(
                _("%(column)s: %(value)s") % {"column": column, "value": _value(value)}
                for column, value in f.facts
            )
            out.append(
                _("  line %(line)d: %(client)s: %(facts)s")
                % {
                    "line": f.line,
                    "client": _client(f.name, f.existing_id, f.existing_name),
                    "facts": facts,
                }
            )
    if report.differences:
        out.append(_("Facts the file gives otherwise; the client keeps its value (please check):"))
        out += [_difference(d) for d in report.differences]
    return out


def summary_lines(report: ImportReport, file_name: str) -> list[str]:
    """What a checked or written import did, for a file without problems."""
    head = _("Checked (dry run, nothing written)") if report.dry_run else _("Imported")
    values = {"head": head, "file": file_name}
    for key, n in (
        ("rows", report.rows),
        ("new", report.created_records),
        ("old", report.existing_records),
        ("persons", report.created_persons),
        ("orgs", report.created_organisations),
    ):
        values[key] = format_number(n)
    out = [
        _(
            "%(head)s: %(file)s, %(rows)s rows: %(new)s new records, %(old)s already there, "
            "%(persons)s new persons, %(orgs)s new organisations."
        )
        % values
    ]
    if report.anonymous_records:
        out.append(
            ngettext(
                "%(n)s of the new records is an anonymous enquiry (a row without a client).",
                "%(n)s of the new records are anonymous enquiries (rows without a client).",
                report.anonymous_records,
            )
            % {"n": format_number(report.anonymous_records)}
        )
    if report.skipped:
        lines = ", ".join(format_number(n) for n in report.skipped[:SKIPPED_SHOWN])
        if len(report.skipped) > SKIPPED_SHOWN:
            lines += ", …"
        out.append(
            ngettext(
                "%(n)d row left out (a value mapped to 'skip'): line %(lines)s",
                "%(n)d rows left out (a value mapped to 'skip'): lines %(lines)s",
                len(report.skipped),
            )
            % {"n": len(report.skipped), "lines": lines}
        )
    if report.aliases_saved and report.dry_run:
        out.append(
            ngettext(
                "%(n)d mapping would be remembered for the next import.",
                "%(n)d mappings would be remembered for the next import.",
                report.aliases_saved,
            )
            % {"n": report.aliases_saved}
        )
    elif report.aliases_saved:
        out.append(
            ngettext(
                "%(n)d mapping remembered for the next import.",
                "%(n)d mappings remembered for the next import.",
                report.aliases_saved,
            )
            % {"n": report.aliases_saved}
        )
    if report.created_users:
        out.append(
            _("Counsellors created as inactive users: %(names)s")
            % {"names": ", ".join(report.created_users)}
        )
    if report.matches:
        out.append(_("Clients matched to existing ones (please check):"))
        out += [
            _("  line %(line)d: %(name)s -> %(existing)s (no. %(id)d)")
            % {"line": m.line, "name": m.name, "existing": m.existing_name, "id": m.existing_id}
            for m in report.matches
        ]
    return out + fact_lines(report)


def problem_lines(report: ImportReport, file_name: str) -> list[str]:
    """Why nothing was imported: every problem with its line and column."""
    out = [
        ngettext(
            "%(file)s: %(n)d problem; nothing was imported.",
            "%(file)s: %(n)d problems; nothing was imported.",
            report.problem_count,
        )
        % {"file": file_name, "n": report.problem_count}
    ]
    out += [
        _("line %(line)d, column %(column)s: %(reason)s")
        % {"line": p.line, "column": p.column or "-", "reason": p.reason}
        for p in report.problems
    ]
    if report.more_problems:
        more = ngettext(
            "... and %(n)s more problem", "... and %(n)s more problems", report.more_problems
        )
        out.append(more % {"n": format_number(report.more_problems)})
    return out
