"""The facts funders count in an import file (DOMAIN.md "Who was advised", import columns):
gender, birth and arrival year, employment status, education and German level of a person
client, kind and size of an organisation client. Each column is optional; a value is a code or a
label in German or English (ignoring case and accents; "w", "m", "d" for gender, a label's words
before the parenthesis, "ISCED 5-8"), a year is four digits. A fact of the other kind of client
in a row is a problem of its cell, like a nationality on an organisation's row.

Which of the rows' values a client gets, and what becomes of an existing client's facts, is
decided over the whole file in import_client_facts."""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING

from welcome_center.domain.enums import (
    ClientKind,
    EducationLevel,
    EmploymentStatus,
    Gender,
    GermanLevel,
    OrganisationKind,
    OrganisationSize,
)
from welcome_center.domain.person_facts import plausible_year
from welcome_center.domain.text import fold
from welcome_center.i18n import _, using
from welcome_center.i18n.labels import label
from welcome_center.services.import_reading import Cell, text_of

if TYPE_CHECKING:
    from welcome_center.services.import_checks import RowChecker
    from welcome_center.services.import_rows import FileClient

# field -> (German header, English header), in the order of DOMAIN.md.
COLUMNS: dict[str, tuple[str, str]] = {
    "gender": ("Geschlecht", "gender"),
    "birth_year": ("Geburtsjahr", "birth_year"),
    "employment_status": ("Erwerbsstatus", "employment_status"),
    "education": ("Bildung", "education"),
    "german_level": ("Deutsch", "german_level"),
    "arrival_year": ("Einreisejahr", "arrival_year"),
    "organisation_kind": ("Organisationsart", "organisation_kind"),
    "organisation_size": ("Größe", "organisation_size"),
}
PERSON_CODED: dict[str, type[StrEnum]] = {
    "gender": Gender,
    "employment_status": EmploymentStatus,
    "education": EducationLevel,
    "german_level": GermanLevel,
}
PERSON_YEARS = ("birth_year", "arrival_year")
ORGANISATION_CODED: dict[str, type[StrEnum]] = {
    "organisation_kind": OrganisationKind,
    "organisation_size": OrganisationSize,
}
_ALIASES: dict[type[StrEnum], dict[str, StrEnum]] = {
    Gender: {"w": Gender.FEMALE, "f": Gender.FEMALE, "m": Gender.MALE, "d": Gender.DIVERSE,
             "x": Gender.DIVERSE, "keine angabe": Gender.NOT_STATED},
    GermanLevel: {"keine": GermanLevel.NONE, "0": GermanLevel.NONE},
}  # fmt: skip
_YEAR = re.compile(r"^\d{4}$")


def _key(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", fold(text).casefold())


@cache
def lookup(kind: type[StrEnum]) -> dict[str, StrEnum]:
    """Code, German and English label (also its words before a parenthesis or a colon), and
    the usual short forms -> member."""
    out: dict[str, StrEnum] = {}
    for member in kind:
        names = [member.value]
        for lang in ("de", "en"):
            with using(lang):
                text = label(member)
            names += [text, text.split(" (")[0], text.split(":")[0]]
        for name in names:
            out.setdefault(_key(name), member)
    for name, member in _ALIASES.get(kind, {}).items():
        out.setdefault(_key(name), member)
    return out


def _coded(checker: RowChecker, name: str, kind: type[StrEnum]) -> StrEnum | None:
    text = checker._text(name)
    if not text:
        return None
    member = lookup(kind).get(_key(text))
    if member is None:
        known = ", ".join(m.value for m in kind)
        reason = _(
            '"%(value)s" is not an entry of this list (a code, German or English label: %(known)s).'
        )
        checker._problem(name, reason, value=text[:60], known=known)
    return member


def _year(checker: RowChecker, name: str) -> int | None:
    cell: Cell = checker._cell(name)
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    text = text_of(cell).strip()
    if not text:
        return None
    if not _YEAR.match(text):
        checker._problem(
            name, _('"%(value)s" is not a year (four digits, e.g. 1990).'), value=text[:60]
        )
        return None
    year = int(text)
    if not plausible_year(year, checker.lookups.today):
        checker._problem(name, _("The year %(value)s is not plausible."), value=text)
        return None
    return year


def _empty_for(checker: RowChecker, names: Iterable[str], message: str) -> None:
    for name in names:
        text = checker._text(name)
        if text:
            checker._problem(name, message, value=text[:60])


RowFacts = tuple[tuple[str, object], ...]  # (import field name, code or year) of one row


def apply(checker: RowChecker, client: FileClient) -> RowFacts:
    """Check the row's facts: the valid ones of ``client``'s kind, by import field name (what
    the client gets is decided over all rows: import_client_facts)."""
    out: list[tuple[str, object]] = []
    if client.kind is ClientKind.PERSON:
        _empty_for(
            checker,
            ORGANISATION_CODED,
            _('This column must be empty for a person client; it holds "%(value)s".'),
        )
        for name, kind in PERSON_CODED.items():
            if (member := _coded(checker, name, kind)) is not None:
                out.append((name, member))
        for name in PERSON_YEARS:
            if (year := _year(checker, name)) is not None:
                out.append((name, year))
        return tuple(out)
    _empty_for(
        checker,
        (*PERSON_CODED, *PERSON_YEARS),
        _('This column must be empty for an organisation client; it holds "%(value)s".'),
    )
    for name, kind in ORGANISATION_CODED.items():
        if (member := _coded(checker, name, kind)) is not None:
            out.append((name, member))
    return tuple(out)


def column_of(name: str) -> str:
    """The person's or organisation's column of an import field ("organisation_kind": "kind")."""
    return name.removeprefix("organisation_")


def person_values(facts: dict[str, object]) -> dict[str, object]:
    """Every person fact column for an INSERT (one set of keys for all rows of a batch)."""
    coded = {name: facts.get(name, kind("not_recorded")) for name, kind in PERSON_CODED.items()}
    return coded | {name: facts.get(name) for name in PERSON_YEARS}


def organisation_values(facts: dict[str, object]) -> dict[str, object]:
    """Every organisation fact column for an INSERT; ``facts`` by import field name."""
    return {
        column_of(name): facts.get(name, kind("not_recorded"))
        for name, kind in ORGANISATION_CODED.items()
    }


def not_recorded(value: object) -> bool:
    """Whether a stored fact is missing: ``not_recorded`` or no year."""
    return value is None or value == "not_recorded"
