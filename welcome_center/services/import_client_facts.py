"""The facts funders count, from an import file's rows onto its clients (DOMAIN.md, spreadsheet
interchange).

- The first row that gives a fact gives it to its client; a later row of the same client with
  another value changes nothing and is listed as a difference.
- A client matched to an existing person or organisation gets the facts it has not recorded
  (``not_recorded``, no year) and keeps those it has: an import never overwrites what a
  counsellor recorded. A value of the file other than the one kept is listed as a difference.
- Differences are listed once per client, fact and value, at the first line giving that value;
  what the import fills in is listed per client, so that the user can check both.
- Rows imported before give their facts too (a list re-imported with the fact columns added
  fills them in), unless their record belongs to another client than the one the row is
  matched to (an anonymised one, or a namesake): such a row gives none.

The existing clients' changes are written in bulk, versioned (an open editor sees the conflict)
and audited as the import's updates.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from welcome_center.db.models import Organisation, Person
from welcome_center.db.types import utcnow
from welcome_center.domain.audit import AuditAction
from welcome_center.domain.enums import ClientKind
from welcome_center.services import audit_chain
from welcome_center.services.context import Actor
from welcome_center.services.import_facts import (
    ORGANISATION_CODED,
    PERSON_CODED,
    PERSON_YEARS,
    column_of,
    not_recorded,
)
from welcome_center.services.import_rows import FileClient, ParsedRow

_CHUNK = 500  # ids per IN (...) query
_PERSON_FIELDS = (*PERSON_CODED, *PERSON_YEARS)
_ORGANISATION_FIELDS = tuple(ORGANISATION_CODED)


@dataclass(frozen=True, kw_only=True)
class FactDifference:
    """A value the file gives for a client's fact other than the one the client keeps."""

    line: int  # the first line giving ``value``
    column: str  # the column's header as the file writes it
    kind: ClientKind
    name: str  # the client as the file names it
    existing_id: int | None  # the matched client's id; None for a client the import creates
    existing_name: str
    kept: object  # the code (a StrEnum) or the year the client keeps
    kept_line: int | None  # the line the kept value came from; None: recorded before
    value: object  # the file's other value


@dataclass(frozen=True, kw_only=True)
class FactFill:
    """Facts an existing client had not recorded, filled in from the file."""

    line: int  # the first line giving one of them
    kind: ClientKind
    name: str
    existing_id: int
    existing_name: str
    facts: tuple[tuple[str, object], ...]  # (the column's header as written, code or year)


@dataclass(frozen=True)
class FactUpdate:
    """What is written onto one existing client: its columns and their new values."""

    kind: ClientKind
    client_id: int
    values: dict[str, object]


@dataclass(frozen=True)
class FactOutcome:
    """What the import does with the facts of its file."""

    fills: tuple[FactFill, ...] = ()
    differences: tuple[FactDifference, ...] = ()
    updates: tuple[FactUpdate, ...] = ()


def reconcile(s: Session, rows: Sequence[ParsedRow], headers: dict[str, str]) -> FactOutcome:
    """Decide every client's facts: set ``client.facts`` (what a new client is created with)
    and return what existing clients get and the differences. ``headers``: import field name
    -> the column's header as written in the file, in the file's column order."""
    order = {name: i for i, name in enumerate(headers)}
    # client -> field -> the distinct values the file gives, in line order -> their first line
    given: dict[int, dict[str, dict[object, int]]] = {}
    clients: dict[int, FileClient] = {}
    for r in rows:
        c = r.client
        if not r.facts or c is None or (r.existing and c.existing_id is None):
            continue  # a row of a record kept, whose client is neither matched nor created
        clients.setdefault(id(c), c)
        per_fact = given.setdefault(id(c), {})
        for name, value in r.facts:
            per_fact.setdefault(name, {}).setdefault(value, r.line)
    stored = _stored(s, [c for c in clients.values() if c.existing_id is not None])
    fills: list[FactFill] = []
    differences: list[tuple[int, int, FactDifference]] = []  # line, field order, difference
    updates: list[FactUpdate] = []
    for key, c in clients.items():
        before = stored.get((c.kind, c.existing_id), {}) if c.existing_id is not None else {}
        filled: list[tuple[int, str, object]] = []  # (line, field, value)
        for name in sorted(given[key], key=order.__getitem__):
            (first, first_line), *_rest = given[key][name].items()
            if c.existing_id is not None and not not_recorded(before.get(name)):
                kept, kept_line = before[name], None
            else:
                kept, kept_line = first, first_line
                c.facts[name] = first
                if c.existing_id is not None:
                    filled.append((first_line, name, first))
            for value, line in given[key][name].items():
                if value == kept:
                    continue
                difference = FactDifference(
                    line=line,
                    column=headers[name],
                    kind=c.kind,
                    name=c.name,
                    existing_id=c.existing_id,
                    existing_name=c.existing_name,
                    kept=kept,
                    kept_line=kept_line,
                    value=value,
                )
                differences.append((line, order[name], difference))
        if filled and c.existing_id is not None:
            line = min(f[0] for f in filled)
            shown = tuple((headers[name], value) for _l, name, value in filled)
            fill = FactFill(
                line=line,
                kind=c.kind,
                name=c.name,
                existing_id=c.existing_id,
                existing_name=c.existing_name,
                facts=shown,
            )
            fills.append(fill)
            values = {column_of(name): value for _l, name, value in filled}
            updates.append(FactUpdate(c.kind, c.existing_id, values))
    differences.sort(key=lambda item: item[:2])
    fills.sort(key=lambda f: f.line)
    return FactOutcome(tuple(fills), tuple(d for _l, _o, d in differences), tuple(updates))


def _chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    return (items[i : i + _CHUNK] for i in range(0, len(items), _CHUNK))


def _stored(
    s: Session, clients: Iterable[FileClient]
) -> dict[tuple[ClientKind, int | None], dict[str, object]]:
    """The facts the matched clients have now, by import field name."""
    out: dict[tuple[ClientKind, int | None], dict[str, object]] = {}
    for kind, model, fields in (
        (ClientKind.PERSON, Person, _PERSON_FIELDS),
        (ClientKind.ORGANISATION, Organisation, _ORGANISATION_FIELDS),
    ):
        ids = sorted({c.existing_id for c in clients if c.kind is kind and c.existing_id})
        columns = [getattr(model, column_of(name)) for name in fields]
        for chunk in _chunks(ids):
            for client_id, *values in s.execute(
                select(model.id, *columns).where(model.id.in_(chunk))
            ):
                out[(kind, client_id)] = dict(zip(fields, values, strict=True))
    return out


def write_updates(s: Session, actor: Actor, updates: Sequence[FactUpdate]) -> dict[str, set[int]]:
    """Write the facts filled in onto the existing clients, one executemany per kind of client
    and set of columns; each change raises the client's version and is audited. Returns the
    ids changed per entity ("person", "organisation")."""
    changed: dict[str, set[int]] = {"person": set(), "organisation": set()}
    groups: dict[tuple[ClientKind, tuple[str, ...]], list[FactUpdate]] = {}
    for u in updates:
        groups.setdefault((u.kind, tuple(sorted(u.values))), []).append(u)
    now = utcnow()
    for (kind, columns), group in groups.items():
        model: type[Person] | type[Organisation] = (
            Person if kind is ClientKind.PERSON else Organisation
        )
        table = model.__table__
        assert isinstance(table, Table)
        stmt = (
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values(
                {c: bindparam(f"b_{c}", type_=table.c[c].type) for c in columns}
                | {
                    "version": table.c.version + 1,
                    "updated_at": now,
                    "updated_by_id": actor.user_id,
                }
            )
        )
        params = [{"b_id": u.client_id} | {f"b_{c}": u.values[c] for c in columns} for u in group]
        s.execute(stmt, params)
        entity = "person" if kind is ClientKind.PERSON else "organisation"
        changed[entity].update(u.client_id for u in group)
        audit_chain.add_many(
            s,
            (
                {
                    "user_id": actor.user_id,
                    "actor": actor.name,
                    "action": AuditAction.UPDATE.value,
                    "entity": entity,
                    "entity_id": u.client_id,
                    "fields": list(columns),
                    "detail": "import",
                }
                for u in group
            ),
        )
    return changed
