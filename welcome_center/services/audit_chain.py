"""Audit entries written as a hash chain (domain/audit_chain.py), in one order for all writers.

:func:`add` queues an entry in the session; the entries are written when the transaction
commits, after everything else of it has been flushed: then the transaction locks the chain's
head row (``SELECT ... FOR UPDATE``; on SQLite the write transaction holds the file's write lock
since ``BEGIN IMMEDIATE``), gives the entries the ids after the head's, hashes each over its
content and the one before, inserts them in one bulk insert and moves the head. The head is the
last lock a transaction takes and it waits for nothing while holding it, so writers cannot
deadlock on it, and it is held only for the inserts. An ``AuditEntry`` added to a session as an
object is queued the same way when the session flushes, so no entry escapes the chain.

The retention rules delete old entries (:func:`prune`); each gap they leave is recorded, so the
check can tell it from a removal with a SQLite tool.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Table,
    delete,
    event,
    func,
    insert,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session, SessionTransaction

from welcome_center.db import bulk, changes
from welcome_center.db.models import AuditChainGap, AuditChainHead, AuditEntry
from welcome_center.db.types import utcnow
from welcome_center.domain.audit_chain import (
    FORMAT_JSON,
    GENESIS,
    ChainReport,
    ChainVerifier,
    Gap,
    Head,
    StoredEntry,
    row_hash,
    row_middle,
    utc_text,
)

_PENDING = "audit_chain_pending"
_COLUMNS = ("at", "user_id", "actor", "action", "entity", "entity_id", "fields", "detail")
_CHUNK = 5_000
# On a server a transaction's entries (up to this many) go in one call of the database's
# ``audit_append`` (migration 0019): the head stays locked for that call and the commit only.
_APPEND_AT_MOST = 500
# The other desks' notice (a payload, or NULL for none) in the same statement, and only if
# the entries were appended: else the program chains them and sends it.
_APPEND = text(
    "SELECT n, CASE WHEN n IS NOT NULL AND CAST(:payload AS text) IS NOT NULL "
    "THEN pg_notify(:channel, CAST(:payload AS text)) END "
    "FROM audit_append(:format_json, CAST(:entries AS json)) AS n"
)


def _table(model: Any) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


ENTRIES, HEAD, GAPS = _table(AuditEntry), _table(AuditChainHead), _table(AuditChainGap)


def add(session: Session, values: Mapping[str, Any]) -> None:
    """Queue one entry (its column values, without id and hashes) for the transaction's end."""
    row = {
        "at": values.get("at") or utcnow(),
        "user_id": values.get("user_id"),
        "actor": values["actor"],
        "action": values["action"],
        "entity": values["entity"],
        "entity_id": values.get("entity_id"),
        "fields": list(values.get("fields") or ()),
        "detail": _storable(values.get("detail") or ""),
    }
    row["actor"] = _storable(row["actor"])
    session.info.setdefault(_PENDING, []).append(row)


def _storable(text: str) -> str:
    """``text`` as UTF-8 can hold it: a file name that is not valid UTF-8 (a backup's, say)
    comes from the operating system with lone surrogates, which no database stores and no
    hash encodes; each becomes a question mark."""
    return text.encode("utf-8", "replace").decode("utf-8")


def add_many(session: Session, rows: Iterable[Mapping[str, Any]]) -> None:
    """Queue several entries, in their order."""
    for row in rows:
        add(session, row)


def pending(session: Session) -> list[dict[str, Any]]:
    """The entries the session's transaction will write at its commit, oldest first."""
    return list(session.info.get(_PENDING, ()))


def write_now(session: Session) -> None:
    """Write the queued entries now, for a transaction that reads them back (an access export
    lists itself). The head stays locked until the transaction ends: call it only where the
    transaction waits for no other lock afterwards, reads only."""
    session.flush()
    rows = session.info.pop(_PENDING, None)
    if rows:
        write(session, rows)


@event.listens_for(Session, "before_flush")
def _queue_objects(session: Session, _context: Any, _instances: Any) -> None:
    """Entries added as objects go the same way as those queued with :func:`add`."""
    for obj in [o for o in session.new if isinstance(o, AuditEntry)]:
        session.expunge(obj)
        add(session, {c: getattr(obj, c) for c in _COLUMNS})


@event.listens_for(Session, "before_commit")
def _write_pending(session: Session) -> None:
    write_now(session)  # the transaction's other rows (and their locks) first


@event.listens_for(Session, "after_transaction_end")
def _forget_pending(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # rolled back (a commit has written them already)
        session.info.pop(_PENDING, None)


def _lock_head(session: Session) -> Head:
    """The head row, locked until the transaction ends; made from the log if it is missing."""
    row = session.execute(
        select(HEAD.c.last_id, HEAD.c.last_hash, HEAD.c.count)
        .where(HEAD.c.id == 1)
        .with_for_update()
    ).first()
    if row is not None:
        return Head(row.last_id, row.last_hash, row[2])
    last = session.execute(
        select(ENTRIES.c.id, ENTRIES.c.hash).order_by(ENTRIES.c.id.desc()).limit(1)
    ).first()
    count = session.scalar(select(func.count()).select_from(ENTRIES)) or 0
    head = Head(last.id, last.hash or GENESIS, count) if last is not None else Head(0, GENESIS, 0)
    session.execute(insert(HEAD).values(id=1, **_head_values(head)))
    return head


def _head_values(head: Head) -> dict[str, Any]:
    return {"last_id": head.last_id, "last_hash": head.last_hash, "count": head.count}


def write(session: Session, rows: Sequence[Mapping[str, Any]]) -> None:
    """Chain and insert ``rows`` now, in the caller's transaction (which then holds the head)."""
    payload = changes.notice(session, [(r["action"], r["entity"], r["entity_id"]) for r in rows])
    if _appended_on_server(session, rows, payload):
        return
    changes.announce(session, payload)  # before the head is locked: no round trip under it
    head = _lock_head(session)
    ids = _next_ids(session, head, len(rows))
    if ids[0] != head.last_id + 1:  # a retention gap waiting for the next entry moves to it
        session.execute(
            update(GAPS).where(GAPS.c.entry_id == head.last_id + 1).values(entry_id=ids[0])
        )
    prev = head.last_hash
    chained = []
    for entry_id, row in zip(ids, rows, strict=True):
        entry = {**row, "id": entry_id, "prev_hash": prev}
        prev = entry["hash"] = row_hash(entry, prev)
        chained.append(entry)
    bulk.bulk_insert(session, ENTRIES, chained)
    changes.written(session, ids)  # other desks are told (announce); a file's watcher reads them
    session.execute(
        update(HEAD)
        .where(HEAD.c.id == 1)
        .values(last_id=ids[-1], last_hash=prev, count=HEAD.c.count + len(chained))
    )


def _appended_on_server(
    session: Session, rows: Sequence[Mapping[str, Any]], payload: str | None
) -> bool:
    """On a server, chain and insert ``rows`` in one call that holds the head's lock from
    there to the commit, the other desks' notice (``payload``) sent in the same round trip;
    False where the rows are for the program to chain (a file, a batch of thousands, a log
    without a head row yet: nothing was sent then)."""
    if session.get_bind().dialect.name != "postgresql" or len(rows) > _APPEND_AT_MOST:
        return False
    entries = [
        {
            "at": utc_text(r["at"]),
            "user_id": r.get("user_id"),
            "actor": r["actor"],
            "action": r["action"],
            "entity": r["entity"],
            "entity_id": r.get("entity_id"),
            "fields": list(r.get("fields") or ()),
            "detail": r.get("detail") or "",
            "middle": row_middle(r),
        }
        for r in rows
    ]
    params = {"format_json": FORMAT_JSON, "entries": json.dumps(entries),
              "channel": changes.CHANNEL, "payload": payload}  # fmt: skip
    return session.scalar(_APPEND, params) is not None


_NEXTVAL = text(
    "SELECT nextval(pg_get_serial_sequence('audit_log', 'id')) FROM generate_series(1, :n)"
)
_SETVAL = text("SELECT setval(pg_get_serial_sequence('audit_log', 'id'), :last)")


def _next_ids(session: Session, head: Head, n: int) -> list[int]:
    """``n`` ids after the head's, rising. PostgreSQL's sequence gives them (so that it stays in
    step with the table); on SQLite the ones after the head's and the table's highest."""
    if session.get_bind().dialect.name == "postgresql":
        ids = sorted(session.scalars(_NEXTVAL, {"n": n}))
        if ids[0] <= head.last_id:  # the sequence is behind (set back by hand, say)
            session.execute(_SETVAL, {"last": head.last_id})
            ids = sorted(session.scalars(_NEXTVAL, {"n": n}))
        return ids
    highest = session.scalar(select(func.max(ENTRIES.c.id))) or 0
    first = max(head.last_id, highest) + 1
    return list(range(first, first + n))


# --- the retention rules ------------------------------------------------------------------------


def is_chained(session: Session) -> bool:
    """Whether the database has the chain (an old backup's copy may not)."""
    return inspect(session.connection()).has_table(HEAD.name)


def count_due(session: Session, before: datetime) -> int:
    """How many entries are older than ``before``."""
    stmt = select(func.count()).select_from(ENTRIES).where(ENTRIES.c.at < before)
    return int(session.scalar(stmt) or 0)


def prune(session: Session, before: datetime, limit: int) -> int:
    """Delete up to ``limit`` entries older than ``before`` (the oldest ids first), recording
    the gaps they leave in the chain; returns how many were deleted."""
    ids = list(
        session.scalars(
            select(ENTRIES.c.id).where(ENTRIES.c.at < before).order_by(ENTRIES.c.id).limit(limit)
        )
    )
    if not ids:
        return 0
    if not is_chained(session):
        _delete(session, ids)
        return len(ids)
    head = _lock_head(session)
    doomed = set(ids)
    lo, hi = ids[0], ids[-1]
    span = session.execute(
        select(ENTRIES.c.id, ENTRIES.c.hash)
        .where(ENTRIES.c.id.between(lo, hi))
        .order_by(ENTRIES.c.id)
    ).all()
    after = session.scalar(select(func.min(ENTRIES.c.id)).where(ENTRIES.c.id > hi))
    after = after if after is not None else head.last_id + 1  # the next entry's id
    old = {
        g.entry_id: g.removed
        for g in session.execute(select(GAPS).where(GAPS.c.entry_id.between(lo, after)))
    }
    gaps: list[dict[str, Any]] = []
    run, last_hash = 0, GENESIS
    for entry_id, entry_hash in [*span, (after, None)]:
        if entry_id in doomed:
            run += 1 + old.get(entry_id, 0)
            last_hash = entry_hash or GENESIS
        elif run:
            removed = run + old.get(entry_id, 0)
            gaps.append({"entry_id": entry_id, "prev_hash": last_hash, "removed": removed})
            run = 0
    _delete(session, ids)
    gone = [*doomed, *(g["entry_id"] for g in gaps)]
    for start in range(0, len(gone), _CHUNK):
        session.execute(delete(GAPS).where(GAPS.c.entry_id.in_(gone[start : start + _CHUNK])))
    if gaps:
        session.execute(insert(GAPS), gaps)
    session.execute(update(HEAD).where(HEAD.c.id == 1).values(count=HEAD.c.count - len(ids)))
    return len(ids)


def _delete(session: Session, ids: Sequence[int]) -> None:
    for start in range(0, len(ids), _CHUNK):
        session.execute(delete(ENTRIES).where(ENTRIES.c.id.in_(ids[start : start + _CHUNK])))


# --- checking ------------------------------------------------------------------------------------


def _stored(conn: Connection) -> Iterator[StoredEntry]:
    stmt = select(ENTRIES).order_by(ENTRIES.c.id)
    result = conn.execution_options(stream_results=True, yield_per=_CHUNK).execute(stmt)
    for r in result:
        yield StoredEntry(
            r.id, r.at, r.user_id, r.actor, r.action, r.entity, r.entity_id,
            tuple(r.fields or ()), r.detail, r.prev_hash, r.hash,
        )  # fmt: skip


def check(conn: Connection) -> ChainReport:
    """Walk the whole log in id order (in one transaction: one consistent view)."""
    row = conn.execute(
        select(HEAD.c.last_id, HEAD.c.last_hash, HEAD.c.count).where(HEAD.c.id == 1)
    ).first()
    head = Head(row.last_id, row.last_hash, row[2]) if row is not None else None
    gaps = {g.entry_id: Gap(g.entry_id, g.prev_hash, g.removed) for g in conn.execute(select(GAPS))}
    verifier = ChainVerifier(head, gaps)
    for entry in _stored(conn):
        verifier.feed(entry)
    return verifier.finish()
