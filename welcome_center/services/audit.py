"""The audit log: an entry for every write and every read of a person's or record's details.

Entries hold ids, actions and changed field names, never the personal data itself. The action is
an :class:`AuditAction` (its code is stored), the changed field names have their own column.
Administrators search the log (:func:`search_audit`) and export what they found
(:func:`export_audit`).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import ColumnElement, Select, and_, or_, select, union
from sqlalchemy.orm import Session

from welcome_center.db.models import AuditEntry, Record, RecordParty
from welcome_center.db.types import utcnow
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.audit import (
    EXPORT_LIMIT,
    AuditAction,
    AuditEntity,
    AuditEntryView,
    AuditFilter,
    action_of,
)
from welcome_center.domain.case_number import CaseNumber
from welcome_center.domain.dates import OFFICE_TZ
from welcome_center.domain.enums import ClientKind
from welcome_center.domain.errors import ValidationError
from welcome_center.domain.permissions import Permission
from welcome_center.i18n import _, format_short_date
from welcome_center.i18n.labels import label
from welcome_center.reports.files import atomic_path
from welcome_center.reports.table_export import guard
from welcome_center.services import audit_chain
from welcome_center.services.context import Actor, Changes, Saved


def log(
    session: Session,
    actor: Actor,
    action: AuditAction,
    entity: str,
    entity_id: int | None,
    fields: Iterable[str] = (),
    detail: str = "",
) -> None:
    """Add an entry in the caller's transaction; ``fields`` are the names of what changed. It is
    written, chained to the entries before it, when the transaction commits (audit_chain)."""
    audit_chain.add(
        session,
        {
            "user_id": actor.user_id,
            "actor": actor.name,
            "action": AuditAction(action).value,
            "entity": entity,
            "entity_id": entity_id,
            "fields": sorted(set(fields)),
            "detail": detail,
        },
    )


FAILED_LOGIN_PREFIX = "login:"  # user names have no colon: never taken for a user's own entry
# Why a login failed: the password was checked (the first four; "no_key_slot": the user exists
# but has no key slot to open the encrypted file with), or it was not, because the name must
# wait after failures ("too_soon") or is locked ("locked"): domain/login_policy.py.
FAILED_LOGIN_REASONS = (
    "unknown_user", "inactive", "no_password", "wrong_password", "no_key_slot", "too_soon",
    "locked",
)  # fmt: skip


def log_failed_login(
    session: Session, tried: str, user_id: int | None, reason: str, at: datetime | None = None
) -> None:
    """Record a failed login in the caller's transaction: nobody is logged in, so the entry's
    actor is the name tried (``login:<name>``, at most 64 characters, without control
    characters); it is about the user of that name, if there is one; ``reason`` is one of
    FAILED_LOGIN_REASONS. ``at``: when it happened, if earlier (a first login of an encrypted
    file, counted when the file was next opened)."""
    name = "".join(c for c in tried.strip() if c.isprintable())[:64]
    audit_chain.add(
        session,
        {
            "user_id": None,
            "actor": FAILED_LOGIN_PREFIX + name,
            "action": AuditAction.LOGIN_FAILED.value,
            "entity": AuditEntity.USER.value,
            "entity_id": user_id,
            "fields": [],
            "detail": reason,
            "at": at,
        },
    )


def log_many(
    session: Session,
    actor: Actor,
    action: AuditAction,
    entity: str,
    entity_ids: Iterable[int | None],
    detail: str = "",
) -> None:
    """Add one entry per id, as :func:`log` does, written in one bulk insert at the commit."""
    now = utcnow()
    code = AuditAction(action).value
    audit_chain.add_many(
        session,
        (
            {
                "at": now,
                "user_id": actor.user_id,
                "actor": actor.name,
                "action": code,
                "entity": entity,
                "entity_id": entity_id,
                "detail": detail,
            }
            for entity_id in entity_ids
        ),
    )


@dataclass(frozen=True)
class AuditLine:
    """One entry of a history, as shown to a user."""

    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: int | None
    detail: str
    fields: tuple[str, ...] = ()


def history(session: Session, entity: str, entity_id: int, limit: int = 500) -> list[AuditLine]:
    """The entries about one item, newest first, those of this transaction (written at its
    commit) included."""
    queued = [
        AuditLine(e["at"], e["actor"], e["action"], e["entity"], e["entity_id"], e["detail"],
                  tuple(e["fields"]))
        for e in reversed(audit_chain.pending(session))
        if e["entity"] == entity and e["entity_id"] == entity_id
    ][:limit]  # fmt: skip
    rows = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.entity == entity, AuditEntry.entity_id == entity_id)
        .order_by(AuditEntry.id.desc())
        .limit(limit - len(queued))
    )
    return queued + [
        AuditLine(e.at, e.actor, e.action, e.entity, e.entity_id, e.detail, tuple(e.fields or ()))
        for e in rows
    ]


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


# --- searching the log (administrators) -------------------------------------------------------


def _start_of(day: date) -> datetime:
    """The first moment of an office day, as an aware datetime."""
    return datetime.combine(day, time(), OFFICE_TZ)


def record_number(text: str) -> str:
    """A typed record number as records store it (``wc-2026-42`` → ``WC-2026-0042``)."""
    try:
        return str(CaseNumber.parse(text))
    except ValueError:
        raise ValidationError(
            _("%(text)s is not a record number (such as WC-2026-0042).") % {"text": text.strip()},
            field="record_number",
        ) from None


def _conditions(s: Session, f: AuditFilter) -> list[ColumnElement[bool]] | None:
    """The WHERE of a search; None when it can match nothing (an unknown record number)."""
    where: list[ColumnElement[bool]] = []
    if f.user_id is not None:
        where.append(AuditEntry.user_id == f.user_id)
    if f.action is not None:
        where.append(AuditEntry.action == AuditAction(f.action).value)
    if f.since is not None:
        where.append(AuditEntry.at >= _start_of(f.since))
    if f.until is not None:
        where.append(AuditEntry.at < _start_of(f.until + timedelta(days=1)))
    if f.record_number.strip():
        number = record_number(f.record_number)
        rid = s.scalar(select(Record.id).where(Record.number == number))
        if rid is None:
            return None
        where.append(and_(AuditEntry.entity == AuditEntity.RECORD, AuditEntry.entity_id == rid))
    if f.client is not None:
        kind, cid = f.client
        if kind is ClientKind.PERSON:
            own = select(Record.id).where(Record.client_person_id == cid)
            party = select(RecordParty.record_id).where(RecordParty.person_id == cid)
        else:
            own = select(Record.id).where(Record.client_organisation_id == cid)
            party = select(RecordParty.record_id).where(RecordParty.organisation_id == cid)
        records = union(own, party).subquery()
        where.append(
            or_(
                and_(AuditEntry.entity == kind.value, AuditEntry.entity_id == cid),
                and_(
                    AuditEntry.entity == AuditEntity.RECORD,
                    AuditEntry.entity_id.in_(select(records.c[0])),
                ),
            )
        )
    if f.before is not None:
        at, entry_id = f.before
        where.append(or_(AuditEntry.at < at, and_(AuditEntry.at == at, AuditEntry.id < entry_id)))
    return where


def _query(s: Session, f: AuditFilter) -> Select[AuditEntry, str] | None:
    where = _conditions(s, f)
    if where is None:
        return None
    return (
        select(AuditEntry, Record.number)
        .outerjoin(
            Record,
            and_(AuditEntry.entity == AuditEntity.RECORD, Record.id == AuditEntry.entity_id),
        )
        .where(*where)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )


def _view(e: AuditEntry, number: str | None) -> AuditEntryView:
    return AuditEntryView(
        e.id, e.at, e.user_id, e.actor, action_of(e.action), e.entity, e.entity_id, number,
        tuple(e.fields or ()), e.detail,
    )  # fmt: skip


def search_audit(uow: UnitOfWork, actor: Actor, f: AuditFilter) -> list[AuditEntryView]:
    """The entries matching ``f``, newest first, at most ``f.limit`` of them (the next page:
    the same filter with ``before`` set to the last entry's ``at`` and ``id``)."""
    actor.require(Permission.VIEW_AUDIT)
    with uow.read() as s:
        stmt = _query(s, f)
        if stmt is None:
            return []
        rows = s.execute(stmt.limit(max(1, min(f.limit, EXPORT_LIMIT))))
        return [_view(e, number) for e, number in rows]


def _entries(uow: UnitOfWork, f: AuditFilter, page: int = 5_000) -> Iterator[AuditEntryView]:
    """Every entry matching ``f`` (up to EXPORT_LIMIT), a page of one read at a time, so that
    no transaction stays open while the file is written."""
    left = EXPORT_LIMIT
    current = replace(f, limit=min(page, left), before=None)
    while left > 0:
        with uow.read() as s:
            stmt = _query(s, current)
            found = (
                [_view(e, n) for e, n in s.execute(stmt.limit(current.limit))]
                if stmt is not None
                else []
            )
        yield from found
        left -= len(found)
        if len(found) < current.limit:
            return
        last = found[-1]
        current = replace(current, before=(last.at, last.id), limit=min(page, left))


def action_label(action: AuditAction | str) -> str:
    """The word for an action in the active language (the stored code if it has none)."""
    return label(action) if isinstance(action, AuditAction) else action


def entity_label(entity: str) -> str:
    """The word for what an entry is about (the stored name if it has none)."""
    try:
        return label(AuditEntity(entity))
    except ValueError:
        return entity


def moment_text(at: datetime) -> str:
    """An entry's time in the office's time zone: ``06.12.2026 14:03:11`` in German."""
    local = at.astimezone(OFFICE_TZ)
    return f"{format_short_date(local.date())} {local:%H:%M:%S}"


def export_audit(uow: UnitOfWork, actor: Actor, f: AuditFilter, path: Path) -> Saved[int]:
    """Write the entries matching ``f`` (newest first, every page) to ``path`` as CSV for
    Excel (semicolons, UTF-8 with BOM, formula-safe cells); the export is audited with its row
    count. Returns the rows written."""
    actor.require(Permission.VIEW_AUDIT)
    header = [
        _("When"), _("User"), _("User no."), _("Action"), _("About"), _("No."),
        _("Record number"), _("Fields"), _("Detail"),
    ]  # fmt: skip
    count = 0
    # Whole or not at all: no half-written export stays behind (reports/files.py).
    with atomic_path(path) as temp, temp.open("w", encoding="utf-8-sig", newline="") as out:
        w = csv.writer(out, delimiter=";")
        w.writerow([guard(h) for h in header])
        for e in _entries(uow, f):
            w.writerow([
                moment_text(e.at), guard(e.actor), "" if e.user_id is None else e.user_id,
                guard(action_label(e.action)), guard(entity_label(e.entity)),
                "" if e.entity_id is None else e.entity_id, e.record_number or "",
                guard(",".join(e.fields)), guard(e.detail),
            ])  # fmt: skip
            count += 1
    with uow.begin() as s:
        detail = " ".join([f"rows={count}", *_filter_words(f)])
        log(s, actor, AuditAction.EXPORT, AuditEntity.AUDIT, None, detail=detail)
    return Saved(count, Changes())


def _filter_words(f: AuditFilter) -> list[str]:
    """What an export asked for, in ids and codes: ``user=3 client=person:17 since=...``."""
    words = []
    if f.user_id is not None:
        words.append(f"user={f.user_id}")
    if f.client is not None:
        words.append(f"client={f.client[0].value}:{f.client[1]}")
    if f.record_number.strip():
        words.append(f"record={record_number(f.record_number)}")
    if f.action is not None:
        words.append(f"action={AuditAction(f.action).value}")
    if f.since is not None:
        words.append(f"since={f.since.isoformat()}")
    if f.until is not None:
        words.append(f"until={f.until.isoformat()}")
    return words
