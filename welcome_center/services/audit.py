"""The audit log: an entry for every write and every read of a person's or record's details.

Entries hold ids, actions and changed field names, never the personal data itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from welcome_center.db import bulk
from welcome_center.db.models import AuditEntry
from welcome_center.db.types import utcnow
from welcome_center.services.context import Actor


def log(
    session: Session,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: int | None,
    fields: Iterable[str] = (),
    detail: str = "",
) -> None:
    """Add an entry in the caller's transaction."""
    names = ",".join(sorted(fields))
    text = detail if not names else (f"{detail} fields={names}" if detail else f"fields={names}")
    session.add(
        AuditEntry(
            user_id=actor.user_id,
            actor=actor.name,
            action=action,
            entity=entity,
            entity_id=entity_id,
            detail=text,
        )
    )


def log_many(
    session: Session,
    actor: Actor,
    action: str,
    entity: str,
    entity_ids: Iterable[int | None],
    detail: str = "",
) -> None:
    """Add one entry per id, as :func:`log` does, in one bulk insert in the caller's transaction."""
    now = utcnow()
    rows = [
        {
            "at": now,
            "user_id": actor.user_id,
            "actor": actor.name,
            "action": action,
            "entity": entity,
            "entity_id": entity_id,
            "detail": detail,
        }
        for entity_id in entity_ids
    ]
    bulk.bulk_insert(session, AuditEntry, rows)


@dataclass(frozen=True)
class AuditLine:
    """One entry of a history, as shown to a user."""

    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: int | None
    detail: str


def history(session: Session, entity: str, entity_id: int, limit: int = 500) -> list[AuditLine]:
    """The entries about one item, newest first."""
    rows = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.entity == entity, AuditEntry.entity_id == entity_id)
        .order_by(AuditEntry.id.desc())
        .limit(limit)
    )
    return [AuditLine(e.at, e.actor, e.action, e.entity, e.entity_id, e.detail) for e in rows]


def changed_fields(before: dict[str, object], after: dict[str, object]) -> list[str]:
    """The names whose values differ between two snapshots."""
    return [k for k in after if before.get(k) != after[k]]


def snapshot(obj: object, names: Iterable[str]) -> dict[str, object]:
    """The named attributes of ``obj`` (lists copied), for :func:`changed_fields`."""
    out: dict[str, object] = {}
    for n in names:
        v = getattr(obj, n)
        out[n] = list(v) if isinstance(v, list) else v
    return out
