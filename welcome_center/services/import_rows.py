"""The columns of an import file and its rows, resolved against the program's lists."""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from welcome_center.domain.case_number import CaseNumber
from welcome_center.domain.enums import ClientKind, RecordKind, Vocabulary
from welcome_center.domain.text import fold
from welcome_center.i18n import _
from welcome_center.services.import_facts import COLUMNS as FACT_COLUMNS
from welcome_center.services.import_reading import Cell, find, text_of

if TYPE_CHECKING:
    from welcome_center.services.import_mapping import PartnerFinder, ValueKind

# field -> (German header, English header), in the order of DOMAIN.md.
COLUMNS: dict[str, tuple[str, str]] = {
    "case_number": ("Fallnummer", "case_number"),
    "kind": ("Typ", "kind"),
    "opened_on": ("Eingang", "opened_on"),
    "closed_on": ("Abschluss", "closed_on"),
    "closing_reason": ("Abschlussgrund", "closing_reason"),
    "client_kind": ("Art", "client_kind"),
    "family_name": ("Nachname", "family_name"),
    "given_name": ("Vorname", "given_name"),
    "organisation": ("Organisation", "organisation"),
    "nationality": ("Staatsangehörigkeit", "nationality"),
    "municipality": ("Wohnort", "municipality"),
    "requester_type": ("Zielgruppe", "requester_type"),
    "topics": ("Themen", "topics"),
    "channel": ("Kanal", "channel"),
    "counsellor": ("Berater/in", "counsellor"),
    "referrals": ("Verweise", "referrals"),
    "consultations": ("Kontakte", "consultations"),
    **FACT_COLUMNS,  # optional: the facts funders count
}
_ALIASES = {  # other spellings people write for a header
    "berater": "counsellor",
    "beraterin": "counsellor",
    "berater:in": "counsellor",
    "berater*in": "counsellor",
    "counselor": "counsellor",
    "organization": "organisation",
}


@dataclass(frozen=True)
class Lookups:
    """What a row's values are resolved against, loaded once per import."""

    vocabularies: dict[Vocabulary, dict[str, str]]  # keyed: code, label or alias -> code
    partners: PartnerFinder  # code, name, short name or alias -> organisation id
    users: dict[str, int]  # keyed: user name, display name or alias -> user id
    today: date
    # keyed per kind: values the user mapped to "skip the row"
    skips: dict[ValueKind, dict[str, bool]] = field(default_factory=dict)

    def skipped(self, kind: ValueKind, text: str) -> bool:
        """Whether rows writing ``text`` as a value of ``kind`` are left out of the import."""
        lookup = self.skips.get(kind)
        return lookup is not None and find(lookup, text) is not None


# --- the header --------------------------------------------------------------------------------


def _header_key(text: str) -> str:
    return "_".join(fold(text).replace("-", " ").split())


@dataclass
class Columns:
    """Where each known field is, and its header as written (or as this file would write it)."""

    index: dict[str, int] = field(default_factory=dict)
    header: dict[str, str] = field(default_factory=dict)
    width: int = 0
    unnamed: set[int] = field(default_factory=set)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (column, reason) of line 1


def map_columns(header: tuple[Cell, ...]) -> Columns:
    """Find the known fields among the header cells; unknown and repeated headers are problems."""
    keys = {_header_key(en): (f, 1) for f, (_de, en) in COLUMNS.items()}
    keys |= {_header_key(de): (f, 0) for f, (de, _en) in COLUMNS.items()}
    keys |= {_header_key(a): (f, 0) for a, f in _ALIASES.items()}
    cols, votes, unknown = Columns(width=len(header)), [0, 0], []
    for i, cell in enumerate(header):
        written = text_of(cell)
        found = keys.get(_header_key(written)) if written else None
        if not written:
            cols.unnamed.add(i)
            continue
        if not found:
            unknown.append(written)
            continue
        name, lang = found
        votes[lang] += COLUMNS[name][0].casefold() != COLUMNS[name][1].casefold()
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
        cols.problems.append((column, reason % {"column": column, "known": known}))
    for name, pair in COLUMNS.items():
        cols.header.setdefault(name, pair[lang])
    return cols


# --- problems --------------------------------------------------------------------------------

MAX_PROBLEMS = 100  # problems listed; a file of a million bad rows is summed up, not printed


@dataclass(frozen=True)
class ImportProblem:
    """What is wrong where: ``line`` as the spreadsheet shows it (the header is line 1), the
    column's header as written in the file, and the reason (naming the offending value)."""

    line: int
    column: str
    reason: str


class ProblemsFound:
    """What an import report says of its problems (mixed into the report dataclasses, which
    hold ``problems`` and ``more_problems``)."""

    problems: tuple[ImportProblem, ...]
    more_problems: int  # problems found beyond those listed in ``problems``

    @property
    def ok(self) -> bool:
        """Whether the file had no problem (then it was imported, unless a dry run)."""
        return not self.problems

    @property
    def problem_count(self) -> int:
        """All problems found: those listed and the ``more_problems``."""
        return len(self.problems) + self.more_problems


class Rollback(Exception):
    """Ends an import's transaction without a commit, carrying its report out of it."""

    def __init__(self, report: ProblemsFound) -> None:
        super().__init__("rollback")
        self.report = report


class Problems:
    """The first :data:`MAX_PROBLEMS` problems of a file in line and column order, and how
    many there are in all: memory stays small however many rows are wrong."""

    def __init__(self, cols: Columns, limit: int = MAX_PROBLEMS) -> None:
        self._cols = cols
        self._limit = limit
        # a max-heap of the smallest keys seen: (-line, -column order, -sequence), problem
        self._kept: list[tuple[tuple[int, int, int], ImportProblem]] = []
        self.count = 0

    def __len__(self) -> int:
        return self.count

    def add(self, line: int, name: str, reason: str, column: str | None = None) -> None:
        """A problem of field ``name`` (or of the file's ``column`` as written) on ``line``."""
        self.count += 1
        key = (-line, -self._cols.index.get(name, -1), -self.count)
        if len(self._kept) >= self._limit and key <= self._kept[0][0]:
            return
        header = self._cols.header.get(name, "") if column is None else column
        item = (key, ImportProblem(line, header, reason))
        if len(self._kept) < self._limit:
            heapq.heappush(self._kept, item)
        else:
            heapq.heapreplace(self._kept, item)

    def listed(self) -> tuple[ImportProblem, ...]:
        """The problems kept, in line order and, within a line, in the file's column order."""
        return tuple(p for _key, p in sorted(self._kept, reverse=True))


# --- rows --------------------------------------------------------------------------------------


@dataclass(slots=True)
class FileClient:
    """A client as the file names it; rows naming the same client share one."""

    kind: ClientKind
    key: str  # Person.name_key or Organisation.name_key
    name: str  # as the file writes it ("Family, Given" or the organisation's name)
    family_name: str
    given_name: str
    nationality: str | None = None
    municipality: str | None = None
    existing_id: int | None = None  # set when matched to the database
    existing_name: str = ""
    # The facts funders count it gets, by import field name (import_client_facts).
    facts: dict[str, object] = field(default_factory=dict)


@dataclass(slots=True)
class ParsedRow:
    """A row whose every value is valid, resolved to codes and ids."""

    line: int
    number: CaseNumber | None
    kind: RecordKind
    opened_on: date
    closed_on: date | None
    closing_reason: str | None
    client: FileClient | None  # None: an anonymous enquiry (import_anonymous)
    requester_type: str | None
    channel: str | None
    municipality: str | None
    topics: tuple[str, ...]
    counsellor_id: int | None
    new_counsellor: str | None  # an unknown user name, to be created inactive
    referrals: tuple[tuple[int, date], ...]  # (partner id, date)
    consultations: int
    existing: bool = False  # imported before: skipped
    # The facts funders count this row gives, (import field name, code or year): import_facts.
    facts: tuple[tuple[str, object], ...] = ()
