"""Import of existing lists (CSV or XLSX, one row per record), all or nothing (DOMAIN.md).

Rules where DOMAIN.md is silent:

- Client kind (``Art``): when empty, a row with a family name is a person client and a row with
  only an organisation is an organisation client. A row that fills both, or that fills the
  columns of the other kind of client, is a problem: a further party is linked in the program.
- Kind (``Typ``): empty means a case (an enquiry for a row without a client: import_anonymous);
  a case is promoted on its opening date.
- Status: closed when a closing date is given (which then needs a closing reason, and a reason
  needs a date); otherwise in progress for a case, and for an enquiry with consultations or
  referrals (as recording them in the program does); otherwise new.
- Referrals start as "sent"; on a closed record as "no feedback", so that old lists do not fill
  the list of referrals awaiting feedback.
- Retired vocabulary entries and inactive partners are accepted: old lists use them.
- A counsellor is a user name or a user's display name; an unknown user name is created as an
  inactive user. A row without a counsellor has none (not the importing user).
- A new client takes nationality and municipality from its first row that gives them; existing
  clients are linked and keep these. The facts funders count (gender, birth year, ...) fill
  what an existing client has not recorded, never overwrite what it has, and every other value
  of the file is listed in the report as a difference (import_client_facts).
- Hostile and huge files: a file over 50 MB, a workbook that unpacks to over 500 MB (or declares
  XML entities), or more than 100,000 rows is refused before it is read whole; rows are streamed.
  Every text cell is cleaned as typed text is (``domain.text_input``: NFC, invisible formatting
  characters removed) and a control character, a line break or an over-long text is a problem of
  its line and column. A CSV file's quoting is read strictly. The report lists the first hundred
  problems and counts the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from welcome_center.db.models import Organisation, Person, Record
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.enums import ClientKind
from welcome_center.domain.text_input import clean_text
from welcome_center.i18n import _
from welcome_center.services import (
    import_aliases,
    import_anonymous,
    import_client_facts,
    import_mapping,
    server_accounts,
)
from welcome_center.services.context import Actor, Changes
from welcome_center.services.import_checks import RowChecker
from welcome_center.services.import_client_facts import FactDifference, FactFill, FactOutcome
from welcome_center.services.import_mapping import ValueMapping
from welcome_center.services.import_reading import Sheet, UnreadableFileError, open_sheet, visible
from welcome_center.services.import_rows import (
    Columns,
    FileClient,
    ImportProblem,
    ParsedRow,
    Problems,
    ProblemsFound,
    Rollback,
    map_columns,
)
from welcome_center.services.import_writing import Written, write
from welcome_center.services.people import person_name

_CHUNK = 500  # ids or keys per IN (...) query
# phase ("check", "write", then "finish": no more cancelling), done, total
Progress = Callable[[str, int, int | None], None]

__all__ = [
    "ClientMatch",
    "FactDifference",
    "FactFill",
    "ImportProblem",
    "ImportReport",
    "ValueMapping",
    "import_file",
]


@dataclass(frozen=True)
class ClientMatch:
    """A client of the file linked to an existing person or organisation: for the user to check."""

    line: int
    kind: ClientKind
    name: str
    existing_id: int
    existing_name: str


@dataclass(frozen=True)
class ImportReport(ProblemsFound):
    """What an import did (or, on a dry run or with problems, would do / did not do)."""

    rows: int
    created_records: int = 0
    existing_records: int = 0
    created_persons: int = 0
    created_organisations: int = 0
    created_users: tuple[str, ...] = ()
    matches: tuple[ClientMatch, ...] = ()
    problems: tuple[ImportProblem, ...] = ()
    dry_run: bool = False
    created_consultations: int = 0
    created_referrals: int = 0
    changes: Changes = field(default_factory=Changes)
    more_problems: int = 0  # problems found beyond those listed in ``problems``
    # Facts funders count filled into existing clients, and values of the file not taken.
    filled: tuple[FactFill, ...] = ()
    differences: tuple[FactDifference, ...] = ()
    skipped: tuple[int, ...] = ()  # lines left out: a value mapped to "skip the row"
    aliases_saved: int = 0  # mappings remembered (or changed) as aliases for the next import
    anonymous_records: int = 0  # of the records created: anonymous enquiries (no client)
    cancelled: bool = False  # the user cancelled: nothing was written


def import_file(
    uow: UnitOfWork,
    actor: Actor,
    path: Path,
    dry_run: bool = False,
    *,
    mappings: Sequence[ValueMapping] = (),
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportReport:
    """Import the records of a CSV or XLSX file, all or nothing.

    Every row is checked first and every problem reported; only a file without problems is
    written, in one transaction. A dry run does all of it and then rolls back, so its report
    says what would be created. Rows imported before (same case number, or else same client and
    opening date) count as existing and are skipped: importing a file twice changes nothing.

    ``mappings`` say what values the lists do not know mean (or that their rows are left out);
    those to remember become aliases in the same transaction. ``progress(phase, done, total)``
    hears of the rows checked ("check", total unknown: None) and written ("write");
    ``cancelled()`` is asked between rows: when it says yes, everything is rolled back and the
    report says so.
    """
    server_accounts.require_import(uow, actor)  # before the file is read
    step = _Steps(progress, cancelled)
    try:
        with open_sheet(path) as sheet, uow.begin() as s:
            count, rows, problems, cols, skipped = _check(s, sheet, mappings, step)
            if problems:
                listed = problems.listed()
                more = problems.count - len(listed)
                report = ImportReport(
                    count, problems=listed, dry_run=dry_run, more_problems=more, skipped=skipped
                )
                raise Rollback(report)
            facts = import_client_facts.reconcile(s, rows, cols.header)
            written = write(s, actor, rows, path.name, facts.updates, step.written)
            saved = import_aliases.remember(s, actor, mappings)
            report = _report(written, facts, dry_run, skipped, saved)
            if dry_run:
                raise Rollback(report)
        return report
    except UnreadableFileError as exc:
        problem = ImportProblem(exc.line, "", exc.message)
        return ImportReport(0, problems=(problem,), dry_run=dry_run)
    except Rollback as stop:
        assert isinstance(stop.report, ImportReport)
        return stop.report
    except ImportCancelled:
        return ImportReport(step.checked, dry_run=dry_run, cancelled=True)


class ImportCancelled(Exception):
    """The user cancelled the import: its transaction is rolled back."""


class _Steps:
    """Tells ``progress`` of the rows checked and written, and asks ``cancelled`` between
    them."""

    EVERY = 50  # rows checked between two reports

    def __init__(self, progress: Progress | None, cancelled: Callable[[], bool] | None) -> None:
        self.progress = progress
        self.cancelled = cancelled
        self.checked = 0

    def _stop_if_cancelled(self) -> None:
        if self.cancelled is not None and self.cancelled():
            raise ImportCancelled

    def check(self, done: int, final: bool = False) -> None:
        self.checked = done
        self._stop_if_cancelled()
        if self.progress is not None and (final or done % self.EVERY == 0):
            self.progress("check", done, done if final else None)

    def written(self, done: int, total: int) -> None:
        self._stop_if_cancelled()
        if self.progress is not None:
            self.progress("write", done, total)
            if done == total:  # the details, search index and audit log follow, uncancellable
                self.progress("finish", done, total)


def _check(
    s: Session, sheet: Sheet, mappings: Sequence[ValueMapping], step: _Steps
) -> tuple[int, list[ParsedRow], Problems, Columns, tuple[int, ...]]:
    """The number of data rows, the valid ones matched to the database, the problems of the
    file, its columns and the lines left out (mapped to "skip the row"). A file that cannot be
    read on ends the check with a problem of its line."""
    header = (visible(clean_text(c)) if isinstance(c, str) else c for c in sheet.header)
    cols = map_columns(tuple(header))
    checker = RowChecker(cols, import_mapping.lookups(s, mappings), sheet.is_csv)
    problems = checker.problems
    for column, reason in cols.problems + checker.missing_columns():
        problems.add(1, "", reason, column=column)
    count, rows = 0, []
    try:
        for line, cells in sheet.rows:
            count += 1
            row = checker.check(line, cells)
            if row is not None:
                rows.append(row)
            step.check(count)
    except UnreadableFileError as exc:
        problems.add(exc.line, "", exc.message)
        return count, rows, problems, cols, tuple(checker.skipped)
    step.check(count, final=True)
    _match_clients(s, checker.clients.values())
    _mark_existing(s, rows, problems)
    return count, rows, problems, cols, tuple(checker.skipped)


def _report(
    written: Written,
    facts: FactOutcome,
    dry_run: bool,
    skipped: tuple[int, ...] = (),
    aliases: int = 0,
) -> ImportReport:
    """The report on the rows written (and the rows skipped as imported before)."""
    matches: dict[int, ClientMatch] = {}
    for r in written.new:
        c = r.client
        if c is not None and c.existing_id is not None:
            m = ClientMatch(r.line, c.kind, c.name, c.existing_id, c.existing_name)
            matches.setdefault(id(c), m)
    return ImportReport(
        rows=written.rows,
        created_records=len(written.new),
        anonymous_records=written.anonymous,
        existing_records=written.rows - len(written.new),
        created_persons=written.persons,
        created_organisations=written.organisations,
        created_users=written.users,
        matches=tuple(matches.values()),
        dry_run=dry_run,
        created_consultations=written.consultations,
        created_referrals=written.referrals,
        changes=Changes() if dry_run else written.changes,
        filled=facts.fills,
        differences=facts.differences,
        skipped=skipped,
        aliases_saved=aliases,
    )


# --- reading the database ---------------------------------------------------------------------


def _chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    return (items[i : i + _CHUNK] for i in range(0, len(items), _CHUNK))


def _match_clients(s: Session, clients: Iterable[FileClient]) -> None:
    """Link the file's clients to existing persons (family and given name) and organisations
    (name), ignoring case and accents; the lowest id wins among equals."""
    # A key with a NUL byte belongs to a refused row and can match nothing stored (PostgreSQL
    # would not even take it as a parameter).
    clients = [c for c in clients if "\x00" not in c.key]
    persons = {c.key: c for c in clients if c.kind is ClientKind.PERSON}
    orgs = {c.key: c for c in clients if c.kind is ClientKind.ORGANISATION}
    for keys in _chunks(list(persons)):
        for pid, key, family, given in s.execute(
            select(Person.id, Person.name_key, Person.family_name, Person.given_name)
            .where(Person.name_key.in_(keys), Person.anonymised_at.is_(None))
            .order_by(Person.id.desc())
        ):
            persons[key].existing_id = pid
            persons[key].existing_name = person_name(family, given)
    for keys in _chunks(list(orgs)):
        for oid, key, name in s.execute(
            select(Organisation.id, Organisation.name_key, Organisation.name)
            .where(Organisation.name_key.in_(keys))
            .order_by(Organisation.id.desc())
        ):
            orgs[key].existing_id, orgs[key].existing_name = oid, name


def _mark_existing(s: Session, rows: list[ParsedRow], problems: Problems) -> None:
    """Mark the rows imported before. A case number used by another client's record is a
    problem: it would otherwise hide a different record."""
    numbered = {str(r.number): r for r in rows if r.number is not None}
    for numbers in _chunks(list(numbered)):
        stmt = (
            select(
                Record.number,
                Record.client_person_id,
                Record.client_organisation_id,
                Person.name_key,
                Person.anonymised_at,
                Organisation.name_key,
            )
            .outerjoin(Person, Person.id == Record.client_person_id)
            .outerjoin(Organisation, Organisation.id == Record.client_organisation_id)
            .where(Record.number.in_(numbers))
        )
        for number, pid, oid, pkey, anonymised, okey in s.execute(stmt):
            r = numbered[number]
            c = r.client
            if c is None:  # an anonymous row names nobody whom the record could contradict
                r.existing = True
                continue
            same = (pid, pkey) if c.kind is ClientKind.PERSON else (oid, okey)
            if c.existing_id == same[0] or c.key == same[1] or anonymised is not None:
                r.existing = True
                if c.existing_id != same[0]:
                    r.facts = ()  # the record is another client's: its facts are not hers
            else:
                reason = _("The case number %(value)s belongs to another client's record.")
                problems.add(r.line, "case_number", reason % {"value": number})
    for kind, column in (
        (ClientKind.PERSON, Record.client_person_id),
        (ClientKind.ORGANISATION, Record.client_organisation_id),
    ):
        by_client = [
            (r, c) for r in rows if r.number is None and (c := r.client) and c.kind is kind
        ]
        ids = sorted({c.existing_id for _r, c in by_client if c.existing_id})
        seen: set[tuple[int | None, Any]] = set()
        for chunk in _chunks(ids):
            seen.update(s.execute(select(column, Record.opened_on).where(column.in_(chunk))).all())
        for r, c in by_client:
            r.existing = (c.existing_id, r.opened_on) in seen
    import_anonymous.mark_existing(s, rows)
