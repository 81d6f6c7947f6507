"""Every text set on a mapped model is cleaned and checked before it can be stored.

One place that every write through the ORM passes: an attribute "set" listener on each
String/Text column cleans the value (``domain.text_input.clean_text``: NFC, invisible formatting
characters removed, ends trimmed) and refuses control characters, line breaks in one-line
fields and over-long text with a ``ValidationError`` naming the attribute, which the desk shows
under the field of the same name. The services need not repeat it; Core inserts (bulk imports,
the demo) bypass it and check their rows themselves.

Each column's kind (and so its limit) is listed below; a column not listed is checked as one
line up to its ``String(n)`` length (a ``Text`` one for control characters only), so that a new
column is never left open. Internal columns (password hashes, audit entries, published reports)
are left alone; derived keys (``name_key``) are cleaned like the name they come from, never
refused on their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Enum, String, event
from sqlalchemy.orm import ColumnProperty, Mapper

from welcome_center.db.models import Base
from welcome_center.domain.errors import ValidationError
from welcome_center.domain.text_input import (
    LIMITS,
    TextFinding,
    TextKind,
    TextProblem,
    clean_text,
    find_problem,
)
from welcome_center.i18n.text_problems import invisible_only_message, problem_message

N, S, L, M, T = TextKind.NAME, TextKind.SHORT, TextKind.LABEL, TextKind.SUMMARY, TextKind.NOTE

# (table, column) -> kind of text. Codes, e-mail, phone numbers and the like are SHORT.
KINDS: dict[tuple[str, str], TextKind] = {
    ("users", "display_name"): N,
    ("office_settings", "office_name"): L,
    ("vocabulary_entries", "label_de"): L,
    ("vocabulary_entries", "label_en"): L,
    ("persons", "family_name"): N,
    ("persons", "given_name"): N,
    ("persons", "notes"): T,
    ("organisations", "name"): N,
    ("organisations", "short_name"): N,
    ("organisations", "notes"): T,
    ("contact_persons", "name"): N,
    ("records", "summary"): M,
    ("record_parties", "note"): L,
    ("consultations", "notes"): T,
    ("referrals", "reason"): M,
    ("referrals", "outcome"): M,
    ("follow_ups", "note"): M,
    ("recognition_procedures", "qualification"): L,
    ("recognition_procedures", "reference_occupation"): L,
    ("recognition_procedures", "competent_body"): N,
    ("recognition_procedures", "notes"): T,
    ("residence_titles", "notes"): T,
    ("events", "title"): L,
    ("events", "target_group"): L,
    ("events", "notes"): T,
}

# Not user text, or kept exactly as written: never touched.
INTERNAL_TABLES = frozenset(
    {"audit_log", "published_reports", "alembic_version", "person_name_keys"}
)
INTERNAL_COLUMNS = frozenset({("users", "password_hash")})
# Derived from a checked name: cleaned the same way, refused only through that name.
DERIVED_COLUMNS = frozenset({("persons", "name_key"), ("organisations", "name_key")})


@dataclass(frozen=True)
class Rule:
    """How one column's text is cleaned and checked."""

    field: str  # the attribute name: the field a form shows the message under
    kind: TextKind
    limit: int | None  # None: no length limit of its own (an unlisted Text column)
    refuse: bool = True

    def apply(self, value: str) -> str:
        text = clean_text(value, self.kind)
        if not self.refuse:
            return text
        if not text and value.strip():
            raise ValidationError(invisible_only_message(), field=self.field)
        finding = find_problem(text, self.kind)
        if finding is not None and finding.problem is TextProblem.TOO_LONG:
            finding = None  # the rule's own limit below decides (it may be the column's)
        if finding is None and self.limit is not None and len(text) > self.limit:
            finding = TextFinding(TextProblem.TOO_LONG, length=len(text), limit=self.limit)
        if finding is not None:
            raise ValidationError(problem_message(finding), field=self.field)
        return text


def rule_for(table: str, column: str, type_: String) -> Rule | None:
    """The rule for a String/Text column, or None when it is left alone."""
    if table in INTERNAL_TABLES or (table, column) in INTERNAL_COLUMNS:
        return None
    length = type_.length
    kind = KINDS.get((table, column))
    if kind is None:
        # Not listed: one line up to the column's length; a Text column may have lines.
        kind = S if length else T
        limit = length
    else:
        limit = min(LIMITS[kind].max_chars, length or LIMITS[kind].max_chars)
    return Rule(column, kind, limit, refuse=(table, column) not in DERIVED_COLUMNS)


_installed: set[tuple[type, str]] = set()


def install() -> None:
    """Attach the listeners to every String/Text column of the mapped models (idempotent)."""
    for mapper in Base.registry.mappers:
        for prop in mapper.column_attrs:
            _install_one(mapper, prop)


def _install_one(mapper: Mapper[Any], prop: ColumnProperty[Any]) -> None:
    key = (mapper.class_, prop.key)
    if key in _installed or len(prop.columns) != 1:
        return
    column = prop.columns[0]
    table = getattr(column, "table", None)
    if table is None or not isinstance(column.type, String) or isinstance(column.type, Enum):
        return
    _installed.add(key)
    rule = rule_for(table.name, column.name, column.type)
    if rule is None:
        return
    if rule.field != prop.key:
        rule = Rule(prop.key, rule.kind, rule.limit, rule.refuse)
    event.listen(getattr(mapper.class_, prop.key), "set", _listener(rule), retval=True)


def _listener(rule: Rule) -> Any:
    def on_set(_target: object, value: Any, _old: object, _initiator: object) -> Any:
        return rule.apply(value) if isinstance(value, str) else value

    return on_set
