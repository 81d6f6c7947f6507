"""The part of an import's summary about the facts funders count: what was filled into existing
clients, and the file's values that were not taken (the import never overwrites a recorded
fact), each with its line, for the user to check as the matches."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from welcome_center.i18n import _
from welcome_center.i18n.labels import label

if TYPE_CHECKING:
    from welcome_center.services.imports import FactDifference, ImportReport


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


def print_fact_changes(report: ImportReport) -> None:
    """The facts filled in and the differences, after the matches (nothing when none)."""
    if report.filled:
        print(_("Facts filled in where existing clients had none recorded:"))
        for f in report.filled:
            facts = "; ".join(
                _("%(column)s: %(value)s") % {"column": column, "value": _value(value)}
                for column, value in f.facts
            )
            print(
                _("  line %(line)d: %(client)s: %(facts)s")
                % {
                    "line": f.line,
                    "client": _client(f.name, f.existing_id, f.existing_name),
                    "facts": facts,
                }
            )
    if report.differences:
        print(_("Facts the file gives otherwise; the client keeps its value (please check):"))
        for d in report.differences:
            print(_difference(d))
