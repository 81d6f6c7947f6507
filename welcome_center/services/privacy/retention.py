"""Retention by the clock (DOMAIN.md, "Data protection"): what is due, the run that anonymises
it, and legal hold. The rules are :mod:`welcome_center.domain.retention`'s; what anonymising
changes is :mod:`welcome_center.services.privacy.anonymise`'s.

A run works in batches, each its own short transaction (a run over 100,000 records never holds
the write lock for more than a moment, and desks go on saving meanwhile):

1. a ``retention_runs`` row is written first (the run's counts grow with every batch, in the
   batch's transaction: after a crash they say what was done);
2. the records due, a batch at a time: each batch reads its records' facts again inside its
   transaction (a record reopened or put on legal hold meanwhile is left), anonymises them and
   rebuilds their search entries;
3. the persons due now (their records are anonymised by then), likewise;
4. the audit entries past the audit period, a batch at a time;
5. one audit entry for the run, with its counts;
6. the copies (:mod:`welcome_center.db.erasure`): the search index merged, the ``-wal``
   checkpointed and truncated, the file rebuilt with ``VACUUM``, the backups in the backups
   folder rotated and re-anonymised (:mod:`welcome_center.services.privacy.backups`);
7. the run's row is closed with its time and what the copies' step did.

A run that was killed stops between two batches: what it did is whole and counted, its row stays
without an end, and the next run carries on (it also does step 6 then, even with nothing new to
anonymise). Two runs at once (two desks starting at eight) do no harm: each batch takes only what
is still due inside its own transaction.

The automatic run (:func:`run_daily`) happens when a desk starts, at most once a day, for the
office (``system:retention``), whoever logged in; ``welcome-center retention run`` and the
administrator's "Run now" run it by hand.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any, cast

from sqlalchemy import CursorResult, String, select, update
from sqlalchemy.orm import Session, load_only

from welcome_center.db import text_guard
from welcome_center.db.erasure import compact
from welcome_center.db.models import OfficeSettings, Record, RetentionRun
from welcome_center.db.types import utcnow
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.audit import AuditAction
from welcome_center.domain.dates import office_today
from welcome_center.domain.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from welcome_center.domain.permissions import Permission
from welcome_center.domain.retention import (
    DUE_LIST,
    DueRecord,
    HeldRecord,
    MonthDue,
    RetentionPeriods,
    RetentionStatus,
    RunView,
    audit_cut_off,
    is_due,
    month_of,
    next_months,
    record_due,
    stale_open,
)
from welcome_center.i18n import _
from welcome_center.services import audit, server_accounts, settings, storage
from welcome_center.services.context import Actor, Changes, Saved, record_changed
from welcome_center.services.privacy import anonymise, backups

BATCH = 500  # records or persons per transaction
AUDIT_BATCH = 5000  # audit entries per transaction
RUNS_SHOWN = 10
SYSTEM = "retention"  # the automatic run acts as system:retention

Progress = Callable[[str, int, int], None]
"""Told (phase, done, total) as a run goes on: records, persons, audit, copies, backups."""


def periods_of(s: Session) -> tuple[RetentionPeriods, int]:
    """The office's retention periods and the number of backups kept."""
    cfg = settings.current(s)
    periods = RetentionPeriods(
        cfg.retention_enquiry_months, cfg.retention_case_months, cfg.retention_audit_months
    )
    return periods, cfg.backups_keep


# --- what is due -----------------------------------------------------------------------------


def status(uow: UnitOfWork, actor: Actor, today: date | None = None) -> RetentionStatus:
    """What is due on ``today`` (default: the office's today) and when the rest will be: counts
    per month, the records by number and kind (never a client's name), legal holds, the last
    runs."""
    actor.require(Permission.MANAGE_SETTINGS)
    today = today or office_today()
    with uow.read() as s:
        periods, keep = periods_of(s)
        states = anonymise.open_records(s)
        dues = {rid: record_due(st.facts, periods) for rid, st in states.items()}
        person_dues = anonymise.due_persons(s, periods, dues)
        cut = audit_cut_off(today, periods)
        audit_due = anonymise.count_audit_due(s, cut)
        held = _held(s)
        runs = _runs(s, RUNS_SHOWN)
    months = next_months(today)
    last = months[-1]
    record_months = Counter(month_of(d) for d in dues.values() if d is not None and d > today)
    person_months = Counter(
        month_of(d) for d in person_dues.values() if d is not None and d > today
    )
    ordered = sorted((d, states[rid].number, rid) for rid, d in dues.items() if d is not None)
    return RetentionStatus(
        today=today,
        periods=periods,
        backups_keep=keep,
        records_due=sum(1 for d in dues.values() if is_due(d, today)),
        persons_due=sum(1 for d in person_dues.values() if is_due(d, today)),
        audit_due=audit_due,
        audit_cut_off=cut,
        by_month=tuple(MonthDue(m, record_months[m], person_months[m]) for m in months),
        later_records=sum(n for m, n in record_months.items() if m > last),
        open_records=sum(
            1 for rid, d in dues.items() if d is None and not states[rid].facts.legal_hold
        ),
        stale_records=tuple(
            sorted(st.number for st in states.values() if stale_open(st.facts, periods, today))
        ),
        held=held,
        due_list=tuple(
            DueRecord(rid, number, states[rid].facts.kind, d)
            for d, number, rid in ordered[:DUE_LIST]
        ),
        runs=runs,
    )


def _held(s: Session) -> tuple[HeldRecord, ...]:
    rows = s.execute(
        select(Record.id, Record.number, Record.legal_hold_reason, Record.version)
        .where(Record.legal_hold.is_(True), Record.anonymised_at.is_(None))
        .order_by(Record.number)
    )
    return tuple(HeldRecord(rid, number, reason or "", v) for rid, number, reason, v in rows)


def _runs(s: Session, limit: int) -> tuple[RunView, ...]:
    rows = s.scalars(
        select(RetentionRun).order_by(RetentionRun.started_at.desc(), RetentionRun.id.desc())
    ).fetchmany(limit)
    return tuple(_run_view(r) for r in rows)


def _run_view(r: RetentionRun) -> RunView:
    try:
        detail = json.loads(r.detail) if r.detail else {}
    except ValueError:
        detail = {}
    return RunView(
        id=r.id,
        started_at=r.started_at,
        finished_at=r.finished_at,
        actor=r.actor,
        records_anonymised=r.records_anonymised,
        persons_anonymised=r.persons_anonymised,
        audit_rows_deleted=r.audit_rows_deleted,
        backups_removed=r.backups_removed,
        backups_anonymised=int(detail.get("backups_anonymised", 0)),
        seconds=detail.get("seconds"),
        wal_truncated=detail.get("wal_truncated"),
    )


def runs(uow: UnitOfWork, actor: Actor, limit: int = RUNS_SHOWN) -> list[RunView]:
    """The last runs, newest first."""
    actor.require(Permission.MANAGE_SETTINGS)
    with uow.read() as s:
        return list(_runs(s, limit))


# --- the run -------------------------------------------------------------------------------


def system_actor() -> Actor:
    """Who the automatic run acts as: the office itself, recorded as ``system:retention``."""
    return Actor.system(SYSTEM)


def run(
    uow: UnitOfWork,
    actor: Actor,
    today: date | None = None,
    *,
    backups_folder: Path | None = None,
    progress: Progress | None = None,
    batch: int = BATCH,
) -> Saved[RunView]:
    """Anonymise what is due on ``today`` (default: the office's today), delete the audit
    entries past their period, and deal with the copies; ``backups_folder`` defaults to the
    folder ``backups`` beside the database file. Returns the run with its counts."""
    actor.require(Permission.MANAGE_SETTINGS)
    refusal = server_refusal(uow)
    if refusal is not None:
        raise PermissionDeniedError(refusal)
    run_id = _claim(uow, actor, daily=False)
    assert run_id is not None
    return _carry_out(uow, actor, run_id, today or office_today(), backups_folder, progress, batch)


def server_refusal(uow: UnitOfWork) -> str | None:
    """Why this connection does not run the retention rules (None: it does): on a team server
    a user's own login may neither anonymise case content nor delete audit entries; the
    server's administrator runs them with the owner's URL, scheduled (README, team server)."""
    if not server_accounts.signed_in_as_login(uow.db):
        return None
    return _(
        "On the team server the retention rules are run by the server's administrator: a run "
        "anonymises case content and deletes old audit entries, which no user's login may do. "
        "The administrator schedules 'welcome-center --db <the owner's URL> --user NAME "
        "retention run' on the server; this page shows what is due and the runs."
    )


def run_daily(
    uow: UnitOfWork,
    today: date | None = None,
    *,
    backups_folder: Path | None = None,
    progress: Progress | None = None,
) -> Saved[RunView] | None:
    """The automatic run at a desk's start, for the office (``system:retention``): None when
    a run was started today already (by anyone, finished or not), and on a team server where
    the desk signed in as a user's own login, which may not delete audit entries: there the
    server's administrator runs ``retention run`` with the owner's URL (docs/ARCHITECTURE.md)."""
    if server_accounts.signed_in_as_login(uow.db):
        return None
    actor = system_actor()
    run_id = _claim(uow, actor, daily=True)
    if run_id is None:
        return None
    return _carry_out(uow, actor, run_id, today or office_today(), backups_folder, progress, BATCH)


def _claim(uow: UnitOfWork, actor: Actor, daily: bool) -> int | None:
    """Write the run's row; with ``daily`` only when no run was started today (the write lock,
    or the settings row's lock on a server, makes two desks starting at once take turns)."""
    with uow.begin() as s:
        if daily:
            s.execute(select(OfficeSettings.id).with_for_update())  # a server's row lock
            newest = select(RetentionRun.started_at).order_by(RetentionRun.started_at.desc())
            last = s.scalar(newest.limit(1))
            if last is not None and anonymise.office_day(last) == office_today():
                return None
        row = RetentionRun(
            actor=actor.name,
            records_anonymised=0,
            persons_anonymised=0,
            audit_rows_deleted=0,
            backups_removed=0,
            detail="",
        )
        s.add(row)
        s.flush()
        return row.id


def _count(s: Session, run_id: int, **added: int) -> None:
    columns = {name: getattr(RetentionRun, name) + n for name, n in added.items() if n}
    if columns:
        s.execute(update(RetentionRun).where(RetentionRun.id == run_id).values(columns))


def _carry_out(
    uow: UnitOfWork,
    actor: Actor,
    run_id: int,
    today: date,
    folder: Path | None,
    progress: Progress | None,
    batch: int,
) -> Saved[RunView]:
    started = time.perf_counter()

    def tell(phase: str, done: int, total: int) -> None:
        if progress is not None:
            progress(phase, done, total)

    with uow.read() as s:
        periods, keep = periods_of(s)
        dues = anonymise.due_records(s, periods)
        # A run before this one that did not finish may have left its copies' step undone.
        unfinished = bool(
            s.scalar(
                select(RetentionRun.id)
                .where(RetentionRun.finished_at.is_(None), RetentionRun.id != run_id)
                .limit(1)
            )
        )
    record_ids = sorted(rid for rid, d in dues.items() if is_due(d, today))
    changed_records: set[int] = set()
    tell("records", 0, len(record_ids))
    for start in range(0, len(record_ids), batch):
        chunk = record_ids[start : start + batch]
        with uow.begin() as s:
            p, _keep = periods_of(s)  # the settings as they are now
            still = [r for r, d in anonymise.due_records(s, p, chunk).items() if is_due(d, today)]
            n = anonymise.anonymise_records(s, still, utcnow())
            _count(s, run_id, records_anonymised=n)
        changed_records.update(still)
        tell("records", min(start + batch, len(record_ids)), len(record_ids))

    with uow.read() as s:
        person_dues = anonymise.due_persons(s, periods)
    person_ids = sorted(pid for pid, d in person_dues.items() if is_due(d, today))
    changed_persons: set[int] = set()
    tell("persons", 0, len(person_ids))
    for start in range(0, len(person_ids), batch):
        chunk = person_ids[start : start + batch]
        with uow.begin() as s:
            p, _keep = periods_of(s)
            dues_now = anonymise.due_persons(s, p, person_ids=chunk)
            still = [pid for pid, d in dues_now.items() if is_due(d, today)]
            n = anonymise.anonymise_persons(s, still, utcnow())
            _count(s, run_id, persons_anonymised=n)
        changed_persons.update(still)
        tell("persons", min(start + batch, len(person_ids)), len(person_ids))

    cut = audit_cut_off(today, periods)
    deleted = 0
    with uow.read() as s:
        audit_total = anonymise.count_audit_due(s, cut)
    tell("audit", 0, audit_total)
    while True:
        with uow.begin() as s:
            n = anonymise.delete_audit(s, cut, AUDIT_BATCH)
            _count(s, run_id, audit_rows_deleted=n)
        deleted += n
        tell("audit", min(deleted, audit_total), audit_total)
        if n < AUDIT_BATCH:
            break

    with uow.begin() as s:
        audit.log(
            s, actor, AuditAction.RETENTION_RUN, "database", None,
            detail=f"run={run_id} records={len(changed_records)} "
            f"persons={len(changed_persons)} audit_deleted={deleted} today={today.isoformat()}",
        )  # fmt: skip

    tell("copies", 0, 1)
    erased = bool(changed_records or changed_persons or deleted or unfinished)
    compacted = compact(uow.db, full=erased)
    tell("copies", 1, 1)
    folder = folder if folder is not None else storage.backups_folder(uow)
    done = backups.look_after(uow, folder, keep, cut, utcnow(), progress)

    detail = {
        "today": today.isoformat(),
        "periods": [periods.enquiry_months, periods.case_months, periods.audit_months],
        "audit_cut_off": cut.isoformat(),
        "vacuumed": compacted.vacuumed,
        "compact_seconds": round(compacted.seconds, 3),
        "wal_truncated": compacted.wal_truncated if uow.db.is_sqlite else None,
        "backups_anonymised": done.anonymised,
        "backups_kept": done.kept,
        "backup_errors": list(done.errors),
        "seconds": round(time.perf_counter() - started, 3),
    }
    with uow.begin() as s:
        _count(s, run_id, backups_removed=done.removed)
        s.execute(
            update(RetentionRun)
            .where(RetentionRun.id == run_id)
            .values(finished_at=utcnow(), detail=json.dumps(detail))
        )
        row = s.get(RetentionRun, run_id)
        assert row is not None
        s.refresh(row)
        view = _run_view(row)
    return Saved(
        view,
        Changes(
            records=frozenset(changed_records),
            persons=frozenset(changed_persons),
            follow_ups=bool(changed_records),
        ),
    )


def last_run_started(uow: UnitOfWork) -> datetime | None:
    """When the last run started (for the desk: whether today's automatic run happened)."""
    with uow.read() as s:
        return s.scalar(select(RetentionRun.started_at).order_by(RetentionRun.started_at.desc()))


# --- legal hold ------------------------------------------------------------------------------


def _may_hold(actor: Actor) -> None:
    """Legal hold: the administrator (by record number, on the retention page) or a counsellor
    who works the record."""
    try:
        actor.require(Permission.MANAGE_SETTINGS)
    except PermissionDeniedError:
        actor.require(Permission.WORK_RECORDS)


def record_by_number(uow: UnitOfWork, actor: Actor, number: str) -> HeldRecord:
    """The record with this number (typed as people type it: ``wc-2026-42``), with its legal
    hold; NotFoundError if there is none."""
    _may_hold(actor)
    wanted = audit.record_number(number)
    with uow.read() as s:
        row = s.execute(
            select(Record.id, Record.number, Record.legal_hold_reason, Record.version).where(
                Record.number == wanted
            )
        ).first()
    if row is None:
        raise NotFoundError(
            _("There is no record %(number)s.") % {"number": wanted}, field="record_number"
        )
    return HeldRecord(row.id, row.number, row.legal_hold_reason or "", row.version)


def set_legal_hold(
    uow: UnitOfWork,
    actor: Actor,
    record_id: int,
    reason: str | None,
    expected_version: int | None = None,
) -> Saved[HeldRecord]:
    """Put the record on legal hold with ``reason`` (retention then skips it), or release it
    (``reason`` None). Audited; the reason is kept with the record, not in the log."""
    _may_hold(actor)
    with uow.begin() as s:
        # The hold's columns only: on a team server an administrator's login reads no summary.
        held = load_only(
            Record.number, Record.legal_hold, Record.legal_hold_reason, Record.anonymised_at
        )
        r = s.get(Record, record_id, options=[held])
        if r is None:
            raise NotFoundError(_("The record no longer exists."))
        if expected_version is not None and r.version != expected_version:
            raise ConflictError(_("The record was changed meanwhile; look at it again."))
        text: str | None = None
        if reason is None:
            if not r.legal_hold:
                return Saved(HeldRecord(r.id, r.number, "", r.version))
        else:
            text = _reason_rule().apply(reason)
            if not text:
                raise ValidationError(_("Give the reason for the legal hold."), field="reason")
            if r.anonymised_at is not None:
                raise ValidationError(
                    _("Record %(number)s is anonymised already; a legal hold can keep nothing.")
                    % {"number": r.number},
                    field="record_number",
                )
        # Not an activity on the case: its last change (and so its due day) stays; nor on its
        # words: a Core UPDATE, which the search index does not reindex (on a team server an
        # administrator's login could not read the names it would reindex from).
        done = s.execute(
            update(Record)
            .where(Record.id == r.id, Record.version == r.version)
            .values(legal_hold=text is not None, legal_hold_reason=text, version=r.version + 1)
            .execution_options(synchronize_session=False)
        )
        if cast(CursorResult[Any], done).rowcount != 1:
            raise ConflictError(_("The record was changed meanwhile; look at it again."))
        audit.log(
            s, actor, AuditAction.LEGAL_HOLD, "record", r.id,
            ["legal_hold", "legal_hold_reason"], detail="on" if text is not None else "off",
        )  # fmt: skip
        return Saved(HeldRecord(r.id, r.number, text or "", r.version + 1), record_changed(r.id))


def _reason_rule() -> text_guard.Rule:
    """The text guard's rule for a legal hold's reason (a Core UPDATE passes no listener)."""
    column_type = Record.__table__.c.legal_hold_reason.type
    assert isinstance(column_type, String)
    rule = text_guard.rule_for("records", "legal_hold_reason", column_type)
    assert rule is not None
    return rule
