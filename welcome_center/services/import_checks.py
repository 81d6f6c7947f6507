"""Checking the rows of an import file one by one, without touching the database."""

from __future__ import annotations

import re
from datetime import date

from welcome_center.domain.case_number import CaseNumber
from welcome_center.domain.dates import parse_date
from welcome_center.domain.enums import ClientKind, RecordKind, Vocabulary
from welcome_center.domain.rules import organisation_key, person_key
from welcome_center.domain.text_input import (
    TextFinding,
    TextKind,
    TextProblem,
    clean_text,
    find_problem,
)
from welcome_center.i18n import _
from welcome_center.i18n.text_problems import problem_message
from welcome_center.services import countries, import_anonymous, import_facts
from welcome_center.services.import_mapping import FIELD_KINDS, values_of
from welcome_center.services.import_reading import (
    Cell,
    count_of,
    date_of,
    find,
    split_list,
    text_of,
    visible,
)
from welcome_center.services.import_rows import Columns, FileClient, Lookups, ParsedRow, Problems
from welcome_center.services.people import person_name

_KINDS = {"anfrage": RecordKind.ENQUIRY, "enquiry": RecordKind.ENQUIRY}
_KINDS |= {"inquiry": RecordKind.ENQUIRY, "fall": RecordKind.CASE, "case": RecordKind.CASE}
_CLIENT_KINDS = {"person": ClientKind.PERSON, "organisation": ClientKind.ORGANISATION}
_CLIENT_KINDS |= {"organization": ClientKind.ORGANISATION}
_USERNAME = re.compile(r"^[A-Za-z0-9._@-]{2,64}$")  # as users.add_user requires
EARLIEST = date(1990, 1, 1)  # an earlier date is a typo in the year
MAX_CONSULTATIONS = 1000
_NAMES = frozenset({"family_name", "given_name", "organisation"})  # TextKind.NAME
_LISTS = frozenset({"topics", "referrals"})  # one line of labels; longer than one label
MAX_LIST_CHARS = 2000


def valid_username(text: str) -> bool:
    """Whether an unknown counsellor ``text`` can become an (inactive) user's name."""
    return bool(_USERNAME.match(text))


def _short(value: str) -> str:
    return visible(value if len(value) <= 60 else value[:57] + "...")


def _kind(name: str) -> TextKind:
    return TextKind.NAME if name in _NAMES else TextKind.SHORT


def _finding(text: str, name: str) -> TextFinding | None:
    """The first problem of a cleaned cell of field ``name``."""
    finding = find_problem(text, _kind(name))
    if finding is None or finding.problem is not TextProblem.TOO_LONG or name not in _LISTS:
        return finding
    if len(text) <= MAX_LIST_CHARS:
        return None
    return TextFinding(TextProblem.TOO_LONG, length=len(text), limit=MAX_LIST_CHARS)


class RowChecker:
    """Checks rows one by one, collecting every problem (at most the first hundred of them are
    kept, see :class:`Problems`). ``is_csv``: a line break in a cell is a quote left open."""

    def __init__(self, cols: Columns, lookups: Lookups, is_csv: bool = False) -> None:
        self.cols = cols
        self.lookups = lookups
        self.is_csv = is_csv
        self.problems = Problems(cols)
        self._fields = {i: name for name, i in cols.index.items()}
        self._bad: set[str] = set()  # fields of the row whose text is refused
        self.clients: dict[tuple[ClientKind, str], FileClient] = {}
        self._numbers: dict[str, int] = {}
        self._visits: dict[tuple[ClientKind, str, date], int] = {}
        self._used = frozenset(cols.index.values())
        self._line = 0
        self._cells: tuple[Cell, ...] = ()
        self.skipped: list[int] = []  # lines left out: a value mapped to "skip the row"

    def missing_columns(self) -> list[tuple[str, str]]:
        """(column, reason) for required columns the header lacks."""
        out, h = [], self.cols.header
        if "opened_on" not in self.cols.index:
            reason = _('The column "%(column)s" (the opening date) is missing.')
            out.append((h["opened_on"], reason % {"column": h["opened_on"]}))
        if "family_name" not in self.cols.index and "organisation" not in self.cols.index:
            reason = _('The file needs a column "%(family)s" or "%(org)s" for the clients.')
            out.append(("", reason % {"family": h["family_name"], "org": h["organisation"]}))
        return out

    def _problem(self, name: str, reason: str, **values: object) -> None:
        if name not in self._bad:  # one problem per cell: its text first
            self.problems.add(self._line, name, reason % values)

    def _clean(self, cells: tuple[Cell, ...]) -> tuple[Cell, ...]:
        """The row's text cells cleaned (NFC, no invisible formatting characters); a control
        character, a line break or an over-long text is a problem of its cell."""
        self._bad = set()
        out = list(cells)
        for i, cell in enumerate(cells):
            name = self._fields.get(i)
            if not isinstance(cell, str) or name is None:
                continue
            out[i] = text = clean_text(cell, _kind(name))
            finding = _finding(text, name)
            if finding is None:
                continue
            reason = problem_message(finding)
            if self.is_csv and finding.problem is TextProblem.LINE_BREAK:
                starts = self._line + sum(str(c).count("\n") for c in cells[:i])
                reason += " " + _("An unclosed quote probably starts in line %(line)d.") % {
                    "line": starts
                }
            self.problems.add(self._line, name, reason)
            self._bad.add(name)
        return tuple(out)

    def _cell(self, name: str) -> Cell:
        i = self.cols.index.get(name)
        return self._cells[i] if i is not None and i < len(self._cells) else None

    def _text(self, name: str) -> str:
        return text_of(self._cell(name))

    def check(self, line: int, cells: tuple[Cell, ...]) -> ParsedRow | None:
        """The row's values, or None when it has a problem (recorded in ``problems``)."""
        self._line, before = line, len(self.problems)
        if self._skips(cells):
            self.skipped.append(line)
            return None
        self._cells = self._clean(cells)
        self._stray()
        number = self._number()
        kind = self._kind()
        opened = self._date("opened_on")
        closed = self._date("closed_on")
        reason = self._closing(opened, closed)
        anonymous = import_anonymous.no_client(self)
        client = None if anonymous else self._client()
        kind = import_anonymous.kind(self, kind) if anonymous else kind
        facts = import_facts.apply(self, client) if client is not None else ()
        municipality = self._vocabulary("municipality", Vocabulary.MUNICIPALITY)
        requester_type = self._vocabulary("requester_type", Vocabulary.REQUESTER_TYPE)
        channel = self._vocabulary("channel", Vocabulary.CHANNEL)
        topics = self._topics()
        counsellor_id, new_counsellor = self._counsellor()
        referrals = self._referrals(opened)
        consultations = self._consultations()
        if anonymous:
            import_anonymous.check_referrals(self, referrals)
        if client and municipality and client.municipality is None:
            client.municipality = municipality
        if opened is None or (client is None and not anonymous) or len(self.problems) > before:
            return None
        if not self._unique(number, client, opened):
            return None
        return ParsedRow(
            line=line,
            number=number,
            kind=kind,
            opened_on=opened,
            closed_on=closed,
            closing_reason=reason,
            client=client,
            requester_type=requester_type,
            channel=channel,
            municipality=municipality,
            topics=topics,
            counsellor_id=counsellor_id,
            new_counsellor=new_counsellor,
            referrals=referrals,
            consultations=consultations,
            facts=facts,
        )

    def _skips(self, cells: tuple[Cell, ...]) -> bool:
        """Whether the row writes a value the user mapped to "skip the row" (checked before
        anything else: a row left out has no problems)."""
        if not any(self.lookups.skips.values()):
            return False
        for name, kind in FIELD_KINDS.items():
            i = self.cols.index.get(name)
            cell = cells[i] if i is not None and i < len(cells) else None
            text = clean_text(cell, TextKind.SHORT) if isinstance(cell, str) else text_of(cell)
            if any(self.lookups.skipped(kind, v) for v in values_of(name, text)):
                return True
        return False

    def _stray(self) -> None:
        for i, cell in enumerate(self._cells):
            if i in self._used or not (value := text_of(cell)):
                continue
            if i >= self.cols.width:
                reason = _('"%(value)s" stands right of the last column that has a header.')
            elif i in self.cols.unnamed:
                reason = _('"%(value)s" stands in a column without a header.')
            else:
                continue  # an unknown column, reported on line 1
            self._problem("", reason, value=_short(value))

    def _number(self) -> CaseNumber | None:
        text = self._text("case_number")
        try:
            return CaseNumber.parse(text) if text else None
        except ValueError:
            reason = _('"%(value)s" is not a case number like WC-2024-0042.')
            self._problem("case_number", reason, value=_short(text))
            return None

    def _kind(self) -> RecordKind:
        text = self._text("kind")
        kind = _KINDS.get(text.casefold()) if text else RecordKind.CASE
        if kind is None:
            reason = _('"%(value)s" is neither Anfrage/enquiry nor Fall/case.')
            self._problem("kind", reason, value=_short(text))
        return kind or RecordKind.CASE

    def _date(self, name: str) -> date | None:
        cell = self._cell(name)
        written = _short(text_of(cell))
        try:
            if isinstance(cell, (int, float)):  # a date cell without a date format
                raise ValueError(cell)
            value = date_of(cell)
        except ValueError:
            reason = _('"%(value)s" is not a date; write YYYY-MM-DD or DD.MM.YYYY.')
            self._problem(name, reason, value=written)
            return None
        if value is not None and value > self.lookups.today:
            self._problem(name, _("The date %(value)s lies in the future."), value=written)
        elif value is not None and value < EARLIEST:
            reason = _("The date %(value)s lies before 1990; check the year.")
            self._problem(name, reason, value=written)
        else:
            return value
        return None

    def _closing(self, opened: date | None, closed: date | None) -> str | None:
        if opened is None and "opened_on" in self.cols.index and not self._cell("opened_on"):
            self._problem("opened_on", _("The opening date is missing."))
        if opened is not None and closed is not None and closed < opened:
            reason = _("The closing date %(value)s lies before the opening date %(opened)s.")
            self._problem(
                "closed_on",
                reason,
                value=text_of(self._cell("closed_on")),
                opened=text_of(self._cell("opened_on")),
            )
        code = self._vocabulary("closing_reason", Vocabulary.CLOSING_REASON)
        written = text_of(self._cell("closing_reason"))
        if closed is not None and not written:
            reason = _("The record is closed on %(value)s, but the closing reason is missing.")
            self._problem("closing_reason", reason, value=text_of(self._cell("closed_on")))
        elif written and not text_of(self._cell("closed_on")):
            reason = _('The closing reason "%(value)s" needs a closing date.')
            self._problem("closing_reason", reason, value=_short(written))
        return code

    def _vocabulary(self, name: str, vocabulary: Vocabulary) -> str | None:
        text = self._text(name)
        code = find(self.lookups.vocabularies[vocabulary], text) if text else None
        if text and code is None:
            reason = _(
                '"%(value)s" is not an entry of this list (a code, German or English label).'
            )
            self._problem(name, reason, value=_short(text))
        return code

    def _topics(self) -> tuple[str, ...]:
        out: dict[str, None] = {}
        for part in split_list(self._text("topics")):
            code = find(self.lookups.vocabularies[Vocabulary.TOPIC], part)
            if code is None:
                reason = _(
                    '"%(value)s" is not a topic of the list (a code, German or English label).'
                )
                self._problem("topics", reason, value=_short(part))
            else:
                out[code] = None
        return tuple(out)

    def _client(self) -> FileClient | None:
        family, given = self._text("family_name"), self._text("given_name")
        org, nationality = self._text("organisation"), self._text("nationality")
        text = self._text("client_kind")
        kind = _CLIENT_KINDS.get(text.casefold()) if text else None
        if text and kind is None:
            reason = _('"%(value)s" is neither Person nor Organisation.')
            self._problem("client_kind", reason, value=_short(text))
            return None
        if kind is None and (family or given) and org:
            reason = _(
                "The row names a person (%(person)s) and an organisation (%(org)s); "
                'say in column "%(column)s" which one is the client.'
            )
            person, column = person_name(family, given), self.cols.header["client_kind"]
            self._problem(
                "client_kind", reason, person=_short(person), org=_short(org), column=column
            )
            return None
        if kind is ClientKind.ORGANISATION or (kind is None and org):
            others = {"family_name": family, "given_name": given, "nationality": nationality}
            return self._organisation(org, others)
        return self._person(family, given, org, nationality)

    def _person(self, family: str, given: str, org: str, nationality: str) -> FileClient | None:
        code = countries.resolve(nationality) if nationality else None
        if nationality and code is None:
            reason = _(
                '"%(value)s" is not a country (an ISO code such as DE or VN, or a country name '
                "in German or English)."
            )
            self._problem("nationality", reason, value=_short(nationality))
        if org:
            reason = _('This column must be empty for a person client; it holds "%(value)s".')
            self._problem("organisation", reason, value=_short(org))
        if not family:
            given_too = import_anonymous.client_columns_given(self)
            if "family_name" in self.cols.index or "organisation" in self.cols.index:
                reason = _(
                    "The family name of the person client is missing; the row gives %(columns)s. "
                    "For a caller who gave no name, leave every client column empty."
                )
                self._problem("family_name", reason, columns=", ".join(given_too))
            return None
        key = person_key(family, given)
        client = self.clients.setdefault(
            (ClientKind.PERSON, key),
            FileClient(ClientKind.PERSON, key, person_name(family, given), family, given),
        )
        client.nationality = client.nationality or code
        return client

    def _organisation(self, org: str, others: dict[str, str]) -> FileClient | None:
        for name, value in others.items():
            if value:
                reason = _(
                    'This column must be empty for an organisation client; it holds "%(value)s".'
                )
                self._problem(name, reason, value=_short(value))
        key = organisation_key(org)
        if not org:
            self._problem("organisation", _("The name of the organisation client is missing."))
        elif not key:
            reason = _('"%(value)s" is a legal form only, not the name of an organisation.')
            self._problem("organisation", reason, value=_short(org))
        if not key:
            return None
        new = FileClient(ClientKind.ORGANISATION, key, org, "", "")
        return self.clients.setdefault((ClientKind.ORGANISATION, key), new)

    def _counsellor(self) -> tuple[int | None, str | None]:
        text = self._text("counsellor")
        user_id = find(self.lookups.users, text) if text else None
        if not text or user_id is not None:
            return user_id, None
        if _USERNAME.match(text):
            return None, text
        reason = _(
            '"%(value)s" is neither a user nor a valid user name '
            "(2 to 64 letters, digits or . _ @ -, no spaces)."
        )
        self._problem("counsellor", reason, value=_short(text))
        return None, None

    def _referrals(self, opened: date | None) -> tuple[tuple[int, date], ...]:
        out: dict[tuple[int, date], None] = {}
        for item in split_list(self._text("referrals")):
            name, at, when = item.rpartition("@")
            name, when = (name.strip(), when.strip()) if at else (item, "")
            partner = self.lookups.partners.find(name)
            if partner is None:
                reason = _('"%(value)s" is not a partner (a code, name or short name).')
                self._problem("referrals", reason, value=_short(name))
                continue
            try:
                on = parse_date(when) if at else opened
            except ValueError:
                reason = _('"%(value)s" is not a date; write YYYY-MM-DD or DD.MM.YYYY.')
                self._problem("referrals", reason, value=_short(when))
                continue
            if on is None or opened is None:
                continue
            if not opened <= on <= self.lookups.today:
                reason = _(
                    "The referral date %(value)s must lie between the opening date and today."
                )
                self._problem("referrals", reason, value=when)
            out[(partner, on)] = None
        return tuple(out)

    def _consultations(self) -> int:
        cell = self._cell("consultations")
        try:
            n = count_of(cell)
            if n is None or n <= MAX_CONSULTATIONS:
                return n or 0
        except ValueError:
            pass
        reason = _('"%(value)s" is not a number of consultations (a whole number from 0 to %(n)d).')
        self._problem("consultations", reason, value=_short(text_of(cell)), n=MAX_CONSULTATIONS)
        return 0

    def _unique(self, number: CaseNumber | None, client: FileClient | None, opened: date) -> bool:
        if number is None and client is None:
            return True  # anonymous callers: several on a day are no repetition
        if number is not None:
            other = self._numbers.setdefault(str(number), self._line)
            reason = _("The case number %(value)s appears on line %(other)d too.")
            name, value = "case_number", str(number)
        else:
            assert client is not None
            other = self._visits.setdefault((client.kind, client.key, opened), self._line)
            reason = _(
                "This row repeats line %(other)d: the same client (%(value)s) on the same "
                "opening date. Give each row a case number, or delete one."
            )
            name, value = "opened_on", _short(client.name)
        if other != self._line:
            self._problem(name, reason, value=value, other=other)
        return other == self._line
