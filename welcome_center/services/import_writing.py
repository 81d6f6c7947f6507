"""Writing the checked rows of an import file: records and their details, in bulk."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from welcome_center.db import activity, bulk, search
from welcome_center.db.models import (
    Base,
    Consultation,
    Organisation,
    Person,
    Record,
    RecordTopic,
    Referral,
)
from welcome_center.domain.audit import AuditAction
from welcome_center.domain.case_number import CaseNumber
from welcome_center.domain.enums import ClientKind, RecordKind, RecordStatus, ReferralStatus
from welcome_center.services import audit, audit_chain, import_facts, numbering, users
from welcome_center.services.context import Actor, Changes
from welcome_center.services.import_client_facts import FactUpdate, write_updates
from welcome_center.services.import_rows import ParsedRow

WRITE_CHUNK = 2000  # records per INSERT between two progress reports


@dataclass(frozen=True)
class Written:
    """What :func:`write` created, for the import's report."""

    rows: int  # all valid rows of the file
    new: list[ParsedRow]  # the rows written: those not imported before
    persons: int
    organisations: int
    users: tuple[str, ...]  # the names of the new users, sorted
    consultations: int
    referrals: int
    changes: Changes
    anonymous: int = 0  # of the new records: anonymous enquiries


def _table(model: type[Base]) -> Table:
    """The model's table: rows nobody needs as objects go in by one Core executemany (with the
    columns' defaults), which skips the ORM's bookkeeping per row."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


def write(
    s: Session,
    actor: Actor,
    rows: list[ParsedRow],
    file_name: str,
    fact_updates: Sequence[FactUpdate] = (),
    step: Callable[[int, int], None] | None = None,
) -> Written:
    """Write the rows not imported before, with their new clients and users, and the facts
    filled into existing clients, and audit it. ``step(done, total)`` hears of the records
    written, a chunk at a time (it may raise to stop: the caller's transaction rolls back)."""
    new = [r for r in rows if not r.existing]
    new_users = _create_users(s, actor, new)
    numbers = _numbers(s, new)
    person_ids, org_ids = _insert_clients(s, actor, new)
    values: list[dict[str, Any]] = []
    for r, number in zip(new, numbers, strict=True):
        c, client_id = r.client, None
        if c is not None:
            ids = person_ids if c.kind is ClientKind.PERSON else org_ids
            client_id = c.existing_id if c.existing_id is not None else ids[c.key]
        values.append(_record(r, number, actor, new_users, client_id))
    # One executemany, not ORM objects: a hundred thousand Records and their session state
    # took 650 MB. The search index is brought up to date here, once the details are in.
    stmt = insert(_table(Record)).returning(Record.id, sort_by_parameter_order=True)
    record_ids: list[int] = []
    for start in range(0, len(values), WRITE_CHUNK):
        chunk = values[start : start + WRITE_CHUNK]
        copied = bulk.new_ids(s, Record, chunk)  # a server's COPY
        record_ids += copied if copied is not None else s.scalars(stmt, chunk)
        if step is not None:
            step(len(record_ids), len(values))
    if step is not None and not values:
        step(0, 0)  # nothing new: the rest follows all the same
    records = [
        (record_id, v["kind"], v["counsellor_id"])
        for record_id, v in zip(record_ids, values, strict=True)
    ]
    counts = _add_details(s, actor, new, records)
    search.reindex(s, record_ids, new=True)  # a server's COPY
    activity.add_new(s, record_ids)  # the months in which the new records were active
    _audit_creations(s, actor, records, person_ids.values(), org_ids.values())
    updated = write_updates(s, actor, fact_updates)
    detail = f"file={file_name} rows={len(rows)} created={len(new)} existing={len(rows) - len(new)}"
    if fact_updates:
        detail += f" facts_filled={len(fact_updates)}"
    audit.log(s, actor, AuditAction.IMPORT, "database", None, detail=detail)
    changes = Changes(
        records=frozenset(record_ids),
        persons=frozenset(person_ids.values()) | frozenset(updated["person"]),
        organisations=frozenset(org_ids.values()) | frozenset(updated["organisation"]),
        users=bool(new_users),
    )
    return Written(
        rows=len(rows),
        new=new,
        persons=len(person_ids),
        organisations=len(org_ids),
        users=tuple(sorted(_new_names(new), key=str.casefold)),
        consultations=counts[0],
        referrals=counts[1],
        changes=changes,
        anonymous=sum(r.client is None for r in new),
    )


def _insert_clients(
    s: Session, actor: Actor, rows: list[ParsedRow]
) -> tuple[dict[str, int], dict[str, int]]:
    """Insert the new persons and organisations, one statement each: their key -> new id.

    A key is unique among the new clients, so the rows come back by key; that lets SQLite
    batch the INSERT ... RETURNING (asking for the ids in order would insert row by row)."""
    clients = {id(c): c for r in rows if (c := r.client) and c.existing_id is None}
    persons = [
        {
            "family_name": c.family_name,
            "given_name": c.given_name,
            "name_key": c.key,
            "nationality": c.nationality,
            "municipality": c.municipality,
            "updated_by_id": actor.user_id,
            **import_facts.person_values(c.facts),
        }
        for c in clients.values()
        if c.kind is ClientKind.PERSON
    ]
    orgs = [
        {
            "name": c.name,
            "name_key": c.key,
            "municipality": c.municipality,
            "is_partner": False,
            "updated_by_id": actor.user_id,
            **import_facts.organisation_values(c.facts),
        }
        for c in clients.values()
        if c.kind is ClientKind.ORGANISATION
    ]
    person_ids: dict[str, int] = {}
    org_ids: dict[str, int] = {}
    kinds: list[tuple[type[Person] | type[Organisation], list[dict[str, Any]], dict[str, int]]] = [
        (Person, persons, person_ids),
        (Organisation, orgs, org_ids),
    ]
    for model, values, ids in kinds:
        if not values:
            continue
        copied = bulk.new_ids(s, model, values)  # a server's COPY
        if copied is not None:
            ids.update(zip((str(v["name_key"]) for v in values), copied, strict=True))
            continue
        stmt = insert(_table(model)).returning(model.name_key, model.id)
        ids.update(s.execute(stmt, values).all())
    return person_ids, org_ids


def _new_names(rows: list[ParsedRow]) -> list[str]:
    first: dict[str, str] = {}
    for r in rows:
        if r.new_counsellor:
            first.setdefault(r.new_counsellor.casefold(), r.new_counsellor)
    return list(first.values())


def _create_users(s: Session, actor: Actor, rows: list[ParsedRow]) -> dict[str, int]:
    """Create the unknown counsellors of the new rows as inactive users: folded name -> id."""
    return {name.casefold(): users.ensure_user(s, actor, name) for name in _new_names(rows)}


def _numbers(s: Session, rows: list[ParsedRow]) -> list[str]:
    """The numbers of the new records: given ones are reserved, the others handed out per year
    after them, so that a generated number never meets an imported one."""
    top: dict[tuple[str, int], CaseNumber] = {}
    for r in rows:
        if r.number is not None:
            k = (r.number.prefix, r.number.year)
            top[k] = max(top.get(k, r.number), r.number)
    for number in top.values():
        numbering.reserve(s, number)
    wanted: dict[int, int] = {}
    for r in rows:
        if r.number is None:
            wanted[r.opened_on.year] = wanted.get(r.opened_on.year, 0) + 1
    nxt: dict[int, CaseNumber] = {}
    for year, count in sorted(wanted.items()):
        first = numbering.next_number(s, year)  # one call per year, then the range is reserved
        numbering.reserve(s, CaseNumber(first.prefix, year, first.seq + count - 1))
        nxt[year] = first
    out: list[str] = []
    for r in rows:
        if r.number is not None:
            out.append(str(r.number))
            continue
        n = nxt[r.opened_on.year]
        out.append(str(n))
        nxt[r.opened_on.year] = CaseNumber(n.prefix, n.year, n.seq + 1)
    return out


def _status(r: ParsedRow) -> RecordStatus:
    if r.closed_on is not None:
        return RecordStatus.CLOSED
    if r.kind is RecordKind.CASE or r.consultations or r.referrals:
        return RecordStatus.IN_PROGRESS
    return RecordStatus.NEW


def _record(
    r: ParsedRow, number: str, actor: Actor, new_users: dict[str, int], client_id: int | None
) -> dict[str, Any]:
    counsellor = new_users[r.new_counsellor.casefold()] if r.new_counsellor else r.counsellor_id
    kind = r.client.kind if r.client is not None else None
    return {
        "number": number,
        "kind": r.kind,
        "anonymous": r.client is None,
        "client_person_id": client_id if kind is ClientKind.PERSON else None,
        "client_organisation_id": client_id if kind is ClientKind.ORGANISATION else None,
        "status": _status(r),
        "opened_on": r.opened_on,
        "promoted_on": r.opened_on if r.kind is RecordKind.CASE else None,
        "closed_on": r.closed_on,
        "closing_reason": r.closing_reason,
        "counsellor_id": counsellor,
        "requester_type": r.requester_type,
        "channel": r.channel,
        "municipality": r.municipality,
        "summary": "",
        "updated_by_id": actor.user_id,
    }


NewRecord = tuple[int, RecordKind, int | None]  # id, kind, counsellor id


def _add_details(
    s: Session, actor: Actor, rows: list[ParsedRow], records: list[NewRecord]
) -> tuple[int, int]:
    """Topics, consultations and referrals of the new records, one executemany per table."""
    topics: list[dict[str, Any]] = []
    consultations: list[dict[str, Any]] = []
    referrals: list[dict[str, Any]] = []
    for r, (record_id, _kind, counsellor_id) in zip(rows, records, strict=True):
        topics += ({"record_id": record_id, "topic": t} for t in r.topics)
        consultations += (
            {
                "record_id": record_id,
                "held_on": r.opened_on,
                "duration_minutes": 0,
                "channel": r.channel,
                "counsellor_id": counsellor_id,
                "is_first": i == 0,
            }
            for i in range(r.consultations)
        )
        status = ReferralStatus.NO_FEEDBACK if r.closed_on else ReferralStatus.SENT
        referrals += (
            {
                "record_id": record_id,
                "partner_id": partner_id,
                "referred_on": on,
                "status": status,
                "created_by_id": actor.user_id,
            }
            for partner_id, on in r.referrals
        )
    for model, values in (
        (RecordTopic, topics),
        (Consultation, consultations),
        (Referral, referrals),
    ):
        if values:
            bulk.bulk_insert(s, model, values)  # a server's COPY, a file's executemany
    return len(consultations), len(referrals)


def _audit_creations(
    s: Session,
    actor: Actor,
    records: list[NewRecord],
    person_ids: Iterable[int],
    org_ids: Iterable[int],
) -> None:
    """A "create" entry per new record, person and organisation, as :func:`audit.log` writes
    them, in one bulk insert: ten thousand entries added one by one would double the time."""
    entries = [("record", rid, f"{kind.value} import") for rid, kind, _c in records]
    entries += [("person", i, "import") for i in person_ids]
    entries += [("organisation", i, "import") for i in org_ids]
    values = [
        {
            "user_id": actor.user_id,
            "actor": actor.name,
            "action": AuditAction.CREATE.value,
            "entity": entity,
            "entity_id": entity_id,
            "detail": detail,
        }
        for entity, entity_id, detail in entries
    ]
    audit_chain.add_many(s, values)  # one bulk insert at the commit, chained
