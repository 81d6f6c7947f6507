"""Search over record numbers, client and party names, organisation names and notes."""

from __future__ import annotations

from sqlalchemy.orm import Session

from welcome_center.db import search as db_search
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.audit import AuditAction
from welcome_center.domain.permissions import Permission
from welcome_center.domain.views import RecordSummary
from welcome_center.services import audit, record_views, visibility
from welcome_center.services.context import Actor


def search_record_ids(
    uow: UnitOfWork, actor: Actor, text: str, limit: int | None = None
) -> list[int]:
    """Ids of the matching records the actor sees, best first. Any input is safe: every word
    is quoted."""
    actor.require(Permission.WORK_RECORDS)
    with uow.read() as s:
        return _matches(s, actor, text, limit)


def search_records(
    uow: UnitOfWork, actor: Actor, text: str, limit: int = 200
) -> list[RecordSummary]:
    """The matching records as list lines, best first (the search is audited, not its words)."""
    actor.require(Permission.WORK_RECORDS)
    with uow.begin() as s:
        ids = _matches(s, actor, text, limit)
        audit.log(s, actor, AuditAction.SEARCH, "record", None, detail=f"hits={len(ids)}")
        return record_views.summaries(s, ids)


def _matches(s: Session, actor: Actor, text: str, limit: int | None) -> list[int]:
    """The matches the actor sees, best first: where the office shows counsellors their own
    records only, the others' matches are left out before the limit is applied."""
    if visibility.sees_all(s, actor):
        return db_search.match_records(s, text, limit)
    seen = visibility.seen_record_ids(s, actor, db_search.match_records(s, text))
    return seen if limit is None else seen[:limit]
