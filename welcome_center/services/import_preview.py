"""A look at an import file before it is imported: its first rows as read, what each column is
taken for, how many rows it has, and every value of the list columns (Wohnort, Zielgruppe,
Themen, Kanal, Abschlussgrund), the partners of "Verweise" and the counsellors that the program
does not know, with what each could be mapped to (import_mapping). Nothing is written."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from welcome_center.db.models import Organisation, User
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.enums import Vocabulary
from welcome_center.domain.text_input import TextKind, clean_text
from welcome_center.i18n import N_, _, language
from welcome_center.services import server_accounts, vocabularies
from welcome_center.services.context import Actor
from welcome_center.services.import_checks import valid_username
from welcome_center.services.import_mapping import (
    FIELD_KINDS,
    PartnerFinder,
    Target,
    ValueKind,
    alias_pairs,
    partner_rows,
    user_pairs,
    values_of,
)
from welcome_center.services.import_reading import (
    Cell,
    UnreadableFileError,
    find,
    keyed,
    open_sheet,
    text_of,
    visible,
)
from welcome_center.services.import_rows import COLUMNS, ImportProblem, map_columns

PREVIEW_ROWS = 20  # rows shown as read
MAX_VALUES = 500  # unknown values listed; a file of endless typos is summed up

# What each import field holds, in words (the preview's "read as").
FIELD_WORDS: dict[str, str] = {
    "case_number": N_("Case number"),
    "kind": N_("Enquiry or case"),
    "opened_on": N_("Opened on"),
    "closed_on": N_("Closed on"),
    "closing_reason": N_("Closing reason"),
    "client_kind": N_("Person or organisation"),
    "family_name": N_("Family name"),
    "given_name": N_("Given name"),
    "organisation": N_("Organisation"),
    "nationality": N_("Nationality"),
    "municipality": N_("Municipality"),
    "requester_type": N_("Requester type"),
    "topics": N_("Topics"),
    "channel": N_("Channel"),
    "counsellor": N_("Counsellor"),
    "referrals": N_("Referrals to partners"),
    "consultations": N_("Number of consultations"),
    "gender": N_("Gender"),
    "birth_year": N_("Birth year"),
    "employment_status": N_("Employment status at first contact"),
    "education": N_("Education"),
    "german_level": N_("Knowledge of German"),
    "arrival_year": N_("Arrival year"),
    "organisation_kind": N_("Kind of organisation"),
    "organisation_size": N_("Size (employees)"),
}
assert set(FIELD_WORDS) == set(COLUMNS)


@dataclass(frozen=True)
class ColumnView:
    """A column of the file: its header as written and what it is read as (None: unknown)."""

    written: str
    field: str | None
    meaning: str


@dataclass(frozen=True)
class FoundValue:
    """A value of a list column, a partner or a counsellor that the program's lists do not
    know: where it stands first, in how many rows, and what an alias remembered for it."""

    kind: ValueKind
    column: str  # the header as the file writes it
    written: str
    rows: int
    first_line: int
    remembered: Target | None = None  # the target of a remembered alias
    # A counsellor's valid user name: created as an inactive user unless mapped.
    new_user: bool = False


@dataclass(frozen=True)
class Choice:
    """What a value can be mapped to: an entry's code or a partner's or user's id, in words."""

    target: Target
    text: str


@dataclass(frozen=True)
class Preview:
    file_name: str
    columns: tuple[ColumnView, ...] = ()
    rows: tuple[tuple[int, tuple[str, ...]], ...] = ()  # (line, cells as read), the first ones
    row_count: int = 0
    problems: tuple[ImportProblem, ...] = ()  # of the header, or of a file that cannot be read
    values: tuple[FoundValue, ...] = ()  # unknown to the lists; first those without an alias
    more_values: int = 0  # unknown values beyond those listed
    choices: dict[ValueKind, tuple[Choice, ...]] = field(default_factory=dict)

    @property
    def unknown(self) -> tuple[FoundValue, ...]:
        """The values neither the lists nor a remembered alias know."""
        return tuple(v for v in self.values if v.remembered is None)


def preview(uow: UnitOfWork, actor: Actor, path: Path) -> Preview:
    """Read ``path`` as the import would and say what it holds; nothing is written."""
    server_accounts.require_import(uow, actor)  # before the file is read
    try:
        with open_sheet(path) as sheet, uow.read() as s:
            header = tuple(
                visible(clean_text(c)) if isinstance(c, str) else c for c in sheet.header
            )
            cols = map_columns(header)
            problems = [ImportProblem(1, column, reason) for column, reason in cols.problems]
            fields = {i: name for name, i in cols.index.items()}
            columns = tuple(
                ColumnView(
                    text_of(cell), fields.get(i), _(FIELD_WORDS[fields[i]]) if i in fields else ""
                )
                for i, cell in enumerate(header)
            )
            seen = _Seen(s, {f: cols.header[f] for f in FIELD_KINDS if f in cols.index})
            shown: list[tuple[int, tuple[str, ...]]] = []
            count = 0
            try:
                for line, cells in sheet.rows:
                    count += 1
                    if len(shown) < PREVIEW_ROWS:
                        shown.append((line, tuple(visible(text_of(c)) for c in cells)))
                    for name, i in cols.index.items():
                        if name in FIELD_KINDS and i < len(cells):
                            seen.add(name, line, cells[i])
            except UnreadableFileError as exc:
                problems.append(ImportProblem(exc.line, "", exc.message))
            values, more = seen.found()
            return Preview(
                file_name=path.name,
                columns=columns,
                rows=tuple(shown),
                row_count=count,
                problems=tuple(problems),
                values=values,
                more_values=more,
                choices=_choices(s),
            )
    except UnreadableFileError as exc:
        return Preview(path.name, problems=(ImportProblem(exc.line, "", exc.message),))


@dataclass
class _Tally:
    column: str
    written: str
    first_line: int
    remembered: Target | None
    rows: int = 1


class _Seen:
    """The values of the list, partner and counsellor columns, each looked up once."""

    def __init__(self, s: Session, headers: dict[str, str]) -> None:
        self.headers = headers
        self.vocab = {v: keyed(vocabularies.resolver(s, v).items()) for v in Vocabulary}
        self.partners = PartnerFinder(partner_rows(s))
        self.users = keyed(user_pairs(s))
        self.aliases = {kind: keyed(pairs) for kind, pairs in alias_pairs(s).items()}
        self.tallies: dict[tuple[ValueKind, str], _Tally] = {}
        self.known: set[tuple[ValueKind, str]] = set()

    def _is_known(self, kind: ValueKind, text: str) -> bool:
        """Whether the lists, the directory or the users know ``text`` without an alias."""
        vocabulary = kind.vocabulary
        if vocabulary is not None:
            return find(self.vocab[vocabulary], text) is not None
        if kind is ValueKind.PARTNER:
            return self.partners.known(text) is not None
        return find(self.users, text) is not None

    def add(self, name: str, line: int, cell: Cell) -> None:
        text = clean_text(cell, TextKind.SHORT) if isinstance(cell, str) else text_of(cell)
        kind = FIELD_KINDS[name]
        for value in values_of(name, text):
            key = (kind, " ".join(value.split()).casefold())
            if key in self.known:
                continue
            tally = self.tallies.get(key)
            if tally is not None:
                tally.rows += 1
                continue
            if self._is_known(kind, value):
                self.known.add(key)
                continue
            remembered = find(self.aliases[kind], value)
            by_words = kind is ValueKind.PARTNER and self.partners.by_words(value) is not None
            if remembered is None and by_words:  # the import finds it so
                self.known.add(key)
                continue
            self.tallies[key] = _Tally(self.headers[name], value, line, remembered)

    def found(self) -> tuple[tuple[FoundValue, ...], int]:
        """The values found, those without an alias first, in the order of their first line;
        at most :data:`MAX_VALUES`, and how many more there are."""
        values = [
            FoundValue(
                kind=kind,
                column=t.column,
                written=visible(t.written),
                rows=t.rows,
                first_line=t.first_line,
                remembered=t.remembered,
                new_user=kind is ValueKind.COUNSELLOR and valid_username(t.written),
            )
            for (kind, _key), t in self.tallies.items()
        ]
        values.sort(key=lambda v: (v.remembered is not None, v.first_line))
        return tuple(values[:MAX_VALUES]), max(0, len(values) - MAX_VALUES)


def _choices(s: Session) -> dict[ValueKind, tuple[Choice, ...]]:
    """What each kind of value can be mapped to, in words of the user's language; retired
    entries and partners last, marked (old lists use them)."""
    lang = language()
    out: dict[ValueKind, tuple[Choice, ...]] = {}
    for kind in ValueKind:
        vocabulary = kind.vocabulary
        if vocabulary is None:
            continue
        items = vocabularies.entries(s, vocabulary)
        items.sort(key=lambda e: not e.active)
        out[kind] = tuple(
            Choice(e.code, e.label(lang) if e.active else _retired(e.label(lang))) for e in items
        )
    partners = s.execute(
        select(Organisation.id, Organisation.name, Organisation.short_name, Organisation.active)
        .where(Organisation.is_partner.is_(True))
        .order_by(Organisation.active.desc(), Organisation.name)
    ).all()
    out[ValueKind.PARTNER] = tuple(
        Choice(pid, _partner_text(name, short) if active else _retired(name))
        for pid, name, short, active in partners
    )
    users = s.execute(
        select(User.id, User.username, User.display_name, User.active).order_by(
            User.active.desc(), User.display_name
        )
    ).all()
    out[ValueKind.COUNSELLOR] = tuple(
        Choice(uid, f"{display} ({username})" if active else _retired(f"{display} ({username})"))
        for uid, username, display, active in users
    )
    return out


def _retired(text: str) -> str:
    return _("%(name)s (retired)") % {"name": text}


def _partner_text(name: str, short: str) -> str:
    if not short or short.casefold() in name.casefold():
        return name
    return f"{name} – {short}"
