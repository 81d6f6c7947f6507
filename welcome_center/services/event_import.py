"""Import of an event list (CSV or XLSX, one row per event), all or nothing.

The file is read as the import of records reads it (``import_reading``: CSV in UTF-8 or
Windows-1252 with comma or semicolon, or XLSX; limits on size and rows; a formula or markup is
plain text, stored as written). Columns by header, German or English, in any order; unknown
columns are an error. Every row is checked first and each problem named with its line and column;
only a file without problems is written, in one transaction.

Rules where DOMAIN.md is silent:

- ``Datum`` and ``Titel`` are required; an empty ``Art`` is an information event, an empty
  ``Teilnehmende`` is 0, an empty split is "not recorded".
- ``Art``: a code (``workshop``) or a label in German or English (``Workshop``, ``Jobmesse``).
- ``Partner``: names separated by ``;``, each a partner's code, name or short name, or its name
  before a parenthesis as DOMAIN.md lists them ("IHK Chemnitz" for "IHK Chemnitz
  (Regionalkammer Zwickau)"), ignoring case and accents, or an alias remembered by a record
  import (import_mapping); retired partners count (old lists).
- The persons and organisations together may not exceed the participants in total.
- An event already recorded (same date and title, ignoring case) is skipped, so that importing
  a file twice changes nothing; the same event twice in one file is a problem of the second line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from welcome_center.db.models import Event
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.audit import AuditAction
from welcome_center.domain.drafts import EventDraft
from welcome_center.domain.enums import EventKind
from welcome_center.domain.permissions import Permission
from welcome_center.domain.text import fold
from welcome_center.domain.text_input import TextKind, TextProblem, clean_text, find_problem
from welcome_center.i18n import _, using
from welcome_center.i18n.labels import label
from welcome_center.i18n.text_problems import problem_message
from welcome_center.services import audit, events
from welcome_center.services.context import Actor, Changes
from welcome_center.services.import_mapping import (
    PartnerFinder,
    ValueKind,
    alias_pairs,
    partner_rows,
)
from welcome_center.services.import_reading import (
    Cell,
    Sheet,
    UnreadableFileError,
    count_of,
    date_of,
    find,
    keyed,
    open_sheet,
    split_list,
    text_of,
    visible,
)
from welcome_center.services.import_rows import (
    Columns,
    ImportProblem,
    Problems,
    ProblemsFound,
    Rollback,
)

__all__ = ["COLUMNS", "EventImportReport", "import_events"]

# field -> (German header, English header), as the page and the command line describe them.
COLUMNS: dict[str, tuple[str, str]] = {
    "held_on": ("Datum", "date"),
    "title": ("Titel", "title"),
    "kind": ("Art", "kind"),
    "target_group": ("Zielgruppe", "target_group"),
    "participants": ("Teilnehmende", "participants"),
    "participants_persons": ("davon Personen", "participants_persons"),
    "participants_organisations": ("davon Organisationen", "participants_organisations"),
    "partners": ("Partner", "partners"),
    "notes": ("Notizen", "notes"),
}
_ALIASES = {  # other spellings people write for a header
    "teilnehmer": "participants",
    "teilnehmer/innen": "participants",
    "teilnehmer:innen": "participants",
    "teilnehmerzahl": "participants",
    "personen": "participants_persons",
    "organisationen": "participants_organisations",
    "held_on": "held_on",
    "bemerkungen": "notes",
}
_TEXTS = {
    "title": TextKind.LABEL,
    "target_group": TextKind.LABEL,
    "notes": TextKind.NOTE,
    "partners": TextKind.LABEL,  # one line of names, up to MAX_LIST_CHARS
    "kind": TextKind.SHORT,
}
EARLIEST = date(1990, 1, 1)  # an earlier date is a typo in the year
MAX_PARTICIPANTS = 1_000_000
MAX_LIST_CHARS = 2000


@dataclass(frozen=True)
class EventImportReport(ProblemsFound):
    """What an import did (or, on a dry run or with problems, would do / did not do)."""

    rows: int
    created: int = 0
    existing: int = 0  # recorded before (same date and title): skipped
    problems: tuple[ImportProblem, ...] = ()
    more_problems: int = 0  # problems found beyond those listed
    dry_run: bool = False
    changes: Changes = field(default_factory=Changes)


def import_events(
    uow: UnitOfWork, actor: Actor, path: Path, dry_run: bool = False
) -> EventImportReport:
    """Import the events of a CSV or XLSX file, all or nothing (a dry run checks and rolls
    back, so that its report says what would be created)."""
    actor.require(Permission.MANAGE_EVENTS)
    try:
        with open_sheet(path) as sheet, uow.begin() as s:
            count, rows, problems = _check(s, sheet)
            if problems.count:
                listed = problems.listed()
                raise Rollback(
                    EventImportReport(
                        count,
                        problems=listed,
                        more_problems=problems.count - len(listed),
                        dry_run=dry_run,
                    )
                )
            recorded = _recorded(s)
            new = [d for _line, d in rows if (d.held_on, fold(d.title)) not in recorded]
            ids = [events.create(s, actor, d).id for d in new]
            detail = f"events={len(ids)} file={path.name}"[:200]
            audit.log(s, actor, AuditAction.IMPORT, "event", None, detail=detail)
            report = EventImportReport(
                count,
                created=len(ids),
                existing=len(rows) - len(ids),
                dry_run=dry_run,
                changes=Changes(events=bool(ids)) if not dry_run else Changes(),
            )
            if dry_run:
                raise Rollback(report)
        return report
    except UnreadableFileError as exc:
        problem = ImportProblem(exc.line, "", exc.message)
        return EventImportReport(0, problems=(problem,), dry_run=dry_run)
    except Rollback as stop:
        assert isinstance(stop.report, EventImportReport)
        return stop.report


def _recorded(s: Session) -> set[tuple[date, str]]:
    """The date and title (ignoring case and accents) of every event recorded (an office
    holds some hundreds)."""
    return {(on, fold(title)) for on, title in s.execute(select(Event.held_on, Event.title))}


# --- the header ---------------------------------------------------------------------------------


def _header_key(text: str) -> str:
    return "_".join(fold(text).replace("-", " ").split())


def map_columns(header: tuple[Cell, ...]) -> Columns:
    """Find the known fields among the header cells; unknown and repeated headers are problems
    of line 1 (the headers named in the file's language)."""
    keys = {_header_key(en): (f, 1) for f, (_de, en) in COLUMNS.items()}
    keys |= {_header_key(de): (f, 0) for f, (de, _en) in COLUMNS.items()}
    keys |= {_header_key(a): (f, 0) for a, f in _ALIASES.items()}
    cols, votes, unknown = Columns(width=len(header)), [0, 0], []
    for i, cell in enumerate(header):
        written = text_of(cell)
        if not written:
            cols.unnamed.add(i)
            continue
        found = keys.get(_header_key(written))
        if found is None:
            unknown.append(written)
            continue
        name, lang = found
        votes[lang] += 1
        if name in cols.index:
            reason = _('The column "%(column)s" appears twice (also as "%(other)s").')
            cols.problems.append(
                (written, reason % {"column": written, "other": cols.header[name]})
            )
            continue
        cols.index[name], cols.header[name] = i, written
    lang = 1 if votes[1] > votes[0] else 0
    known = ", ".join(pair[lang] for pair in COLUMNS.values())
    for column in unknown:
        reason = _('Unknown column "%(column)s". Known columns: %(known)s.')
        cols.problems.append(
            (visible(column), reason % {"column": visible(column), "known": known})
        )
    for name, pair in COLUMNS.items():
        cols.header.setdefault(name, pair[lang])
    for name in ("held_on", "title"):
        if name not in cols.index:
            column = cols.header[name]
            cols.problems.append(
                (column, _('The column "%(column)s" is missing.') % {"column": column})
            )
    return cols


# --- the rows -----------------------------------------------------------------------------------


def _kinds() -> dict[str, EventKind]:
    """Every kind by its code and its German and English label."""
    pairs: list[tuple[str, EventKind]] = [(k.value, k) for k in EventKind]
    for lang in ("de", "en"):
        with using(lang):
            pairs += [(label(k), k) for k in EventKind]
    return keyed(pairs)


def _partners(s: Session) -> PartnerFinder:
    """Partners as the record import finds them (import_mapping): code, name, short name, name
    before a parenthesis, a remembered alias, the words of the name in order."""
    aliases = [(written, int(pid)) for written, pid in alias_pairs(s)[ValueKind.PARTNER]]
    return PartnerFinder(partner_rows(s), aliases)


class _Checker:
    """Checks rows one by one, collecting every problem of every row."""

    def __init__(self, cols: Columns, partners: PartnerFinder) -> None:
        self.cols = cols
        self.partners = partners
        self.kinds = _kinds()
        self.problems = Problems(cols)
        self.seen: dict[tuple[date, str], int] = {}
        self._fields = {i: name for name, i in cols.index.items()}
        self._line = 0
        self._cells: dict[str, Cell] = {}
        self._bad: set[str] = set()

    def _problem(self, name: str, reason: str, **values: object) -> None:
        if name not in self._bad:  # one problem per cell
            self.problems.add(self._line, name, reason % values if values else reason)
            self._bad.add(name)

    def check(self, line: int, cells: tuple[Cell, ...]) -> EventDraft | None:
        self._line, before = line, self.problems.count
        self._bad, self._cells = set(), {}
        for i, cell in enumerate(cells):
            name = self._fields.get(i)
            if name is None:
                if (value := text_of(cell)) and (i >= self.cols.width or i in self.cols.unnamed):
                    reason = _('"%(value)s" stands in a column without a header.')
                    self.problems.add(line, "", reason % {"value": _short(value)})
                continue
            self._cells[name] = self._clean(name, cell)
        held_on = self._date()
        title = self._text("title")
        if not title and "title" not in self._bad and "title" in self.cols.index:
            self._problem("title", _("The title of the event is missing."))
        kind = self._kind()
        total = self._count("participants")
        persons = self._count("participants_persons")
        orgs = self._count("participants_organisations")
        self._split(total, persons, orgs)
        partners = self._partner_ids()
        if held_on is not None and title:
            first = self.seen.setdefault((held_on, fold(title)), line)
            if first != line:
                reason = _("The same event (date and title) is in line %(line)d already.")
                self._problem("title", reason, line=first)
        if self.problems.count > before or held_on is None or kind is None:
            return None
        return EventDraft(
            title=title,
            kind=kind.value,
            held_on=held_on,
            target_group=self._text("target_group"),
            participants=total or 0,
            participants_persons=persons,
            participants_organisations=orgs,
            partner_ids=partners,
            notes=self._text("notes"),
        )

    def _clean(self, name: str, cell: Cell) -> Cell:
        if not isinstance(cell, str):
            return cell
        kind = _TEXTS.get(name, TextKind.SHORT)
        text = clean_text(cell, kind)
        finding = find_problem(text, kind)
        if finding is not None and finding.problem is TextProblem.TOO_LONG and name == "partners":
            finding = None if len(text) <= MAX_LIST_CHARS else finding
        if finding is not None:
            self._problem(name, problem_message(finding))
        return text

    def _text(self, name: str) -> str:
        return "" if name in self._bad else text_of(self._cells.get(name))

    def _date(self) -> date | None:
        cell = self._cells.get("held_on")
        written = _short(text_of(cell))
        if "held_on" in self._bad:
            return None
        if not written:
            if "held_on" in self.cols.index:  # else line 1 says that the column is missing
                self._problem("held_on", _("The date of the event is missing."))
            return None
        try:
            if isinstance(cell, (int, float)):  # a date cell without a date format
                raise ValueError(cell)
            value = date_of(cell)
        except ValueError:
            reason = _('"%(value)s" is not a date; write YYYY-MM-DD or DD.MM.YYYY.')
            self._problem("held_on", reason, value=written)
            return None
        if value is not None and value < EARLIEST:
            self._problem(
                "held_on", _("The date %(value)s lies before 1990; check the year."), value=written
            )
            return None
        return value

    def _kind(self) -> EventKind | None:
        text = self._text("kind")
        if not text:
            return None if "kind" in self._bad else EventKind.INFORMATION_EVENT
        kind = find(self.kinds, text)
        if kind is None:
            known = ", ".join(label(k) for k in EventKind)
            reason = _('"%(value)s" is not a kind of event (%(known)s, or their codes).')
            self._problem("kind", reason, value=_short(text), known=known)
        return kind

    def _count(self, name: str) -> int | None:
        cell = self._cells.get(name)
        if name in self._bad:
            return None
        try:
            value = count_of(cell)
        except ValueError:
            reason = _('"%(value)s" is not a number of participants (a whole number, 0 or more).')
            self._problem(name, reason, value=_short(text_of(cell)))
            return None
        if value is not None and value > MAX_PARTICIPANTS:
            self._problem(
                name, _("%(value)s participants are too many; check the number."), value=value
            )
            return None
        return value

    def _split(self, total: int | None, persons: int | None, orgs: int | None) -> None:
        if persons is None and orgs is None:
            return
        if (persons or 0) + (orgs or 0) <= (total or 0):
            return
        name = "participants_organisations" if orgs is not None else "participants_persons"
        self._problem(name, events.split_message(total or 0, persons, orgs))

    def _partner_ids(self) -> tuple[int, ...]:
        found: dict[int, None] = {}
        text = self._text("partners")
        for part in split_list(text):
            pid = self.partners.find(part)
            if pid is None:
                reason = _(
                    '"%(value)s" is not a partner of the directory (its name, short name or code).'
                )
                self._problem("partners", reason, value=_short(part))
            else:
                found[pid] = None
        return tuple(found)


def _short(value: str) -> str:
    return visible(value if len(value) <= 60 else value[:57] + "...")


def _check(s: Session, sheet: Sheet) -> tuple[int, list[tuple[int, EventDraft]], Problems]:
    """The number of data rows, the valid ones and the problems of the file."""
    header = tuple(visible(clean_text(c)) if isinstance(c, str) else c for c in sheet.header)
    cols = map_columns(header)
    checker = _Checker(cols, _partners(s))
    for column, reason in cols.problems:
        checker.problems.add(1, "", reason, column=column)
    count, rows = 0, []
    try:
        for line, cells in sheet.rows:
            count += 1
            draft = checker.check(line, cells)
            if draft is not None:
                rows.append((line, draft))
    except UnreadableFileError as exc:
        checker.problems.add(exc.line, "", exc.message)
    return count, rows, checker.problems
