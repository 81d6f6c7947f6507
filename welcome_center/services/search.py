"""Search over record numbers, client and party names, organisation names and notes."""

from __future__ import annotations

from welcome_center.db import search as db_search
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.audit import AuditAction
from welcome_center.domain.permissions import Permission
from welcome_center.domain.views import RecordSummary
from welcome_center.services import audit, record_views
from welcome_center.services.context import Actor


def search_record_ids(
    uow: UnitOfWork, actor: Actor, text: str, limit: int | None = None
) -> list[int]:
    """Ids of the matching records, best first. Any input is safe: every word is quoted."""
    actor.require(Permission.WORK_RECORDS)
    with uow.read() as s:
        return db_search.match_records(s, text, limit)


def search_records(
    uow: UnitOfWork, actor: Actor, text: str, limit: int = 200
) -> list[RecordSummary]:
    """The matching records as list lines, best first (the search is audited, not its words)."""
    actor.require(Permission.WORK_RECORDS)
    with uow.begin() as s:
        ids = db_search.match_records(s, text, limit)
        audit.log(s, actor, AuditAction.SEARCH, "record", None, detail=f"hits={len(ids)}")
        return record_views.summaries(s, ids)
