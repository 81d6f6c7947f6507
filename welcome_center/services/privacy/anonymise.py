"""Anonymisation inside a caller's transaction: which records and persons are due (read from the
database, judged by :mod:`welcome_center.domain.retention`), and the updates that anonymise
them exactly as DOMAIN.md lists it.

What goes and what stays:

- a **person's** family and given name (and their folded search key), e-mail, phone, spoken
  languages (not needed by any figure; a rare language identifies), notes, the notes on their
  residence titles and on recognition procedures linked to them, and the birth date go: only
  the birth year stays (``birth_year``, which a report's age bands read). Nationalities,
  municipality, gender, employment status, education, German level and arrival year stay (the
  figures count them), as do residence titles' kinds and dates and consents (dates, purposes,
  partners: no text).
- a **record's** summary, the notes of its consultations, the reasons and outcomes of its
  referrals (and the reason of a consent override, kept as an empty text so that the override
  itself still shows), the notes of its follow-ups, of its further parties and of its
  recognition procedures go, and its documents are deleted (bytes, names and all: no figure
  counts them). Dates, kinds, status, closing reasons, topics, services, channels, requester
  types, municipality, partners, durations, languages and interpreters of consultations, the
  counsellor and the record number stay: every figure stays the same.
- organisations (companies and partners) and their contact persons stay: they are not clients
  in a vulnerable position, and DOMAIN.md names no rule for them.

Every row changed gets a new version, so that a desk holding the old text gets a conflict
instead of writing it back; the search index entries of the records concerned are rebuilt in
the same transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    Table,
    bindparam,
    case,
    delete,
    func,
    literal,
    select,
    union,
    update,
)
from sqlalchemy.orm import Session

from welcome_center.db import name_keys, search
from welcome_center.db.models import (
    Consultation,
    Document,
    FollowUp,
    Person,
    RecognitionProcedure,
    Record,
    RecordParty,
    Referral,
    ResidenceTitle,
)
from welcome_center.domain.dates import OFFICE_TZ
from welcome_center.domain.enums import RecordKind, RecordStatus
from welcome_center.domain.person_facts import birth_year_of
from welcome_center.domain.retention import (
    PersonRecord,
    RecordFacts,
    RetentionPeriods,
    person_due,
    record_due,
)
from welcome_center.services import audit_chain

CHUNK = 500  # ids per IN (...): well below every driver's limit of bound parameters


def _chunks(ids: Sequence[int], size: int = CHUNK) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def office_day(at: datetime | None) -> date | None:
    return at.astimezone(OFFICE_TZ).date() if at is not None else None


def _table(model: Any) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


# --- what is due ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordState:
    """A record not anonymised yet: its number (for the administrator's list) and facts."""

    id: int
    number: str
    facts: RecordFacts


def open_records(s: Session, ids: Collection[int] | None = None) -> dict[int, RecordState]:
    """The facts of every record not anonymised yet (or of those among ``ids``)."""

    def latest(column: Any, parent: Any) -> Any:
        return select(func.max(column)).where(parent == Record.id).scalar_subquery()

    stmt = select(
        Record.id,
        Record.number,
        Record.kind,
        Record.status,
        Record.opened_on,
        Record.promoted_on,
        Record.closed_on,
        Record.legal_hold,
        Record.updated_at,
        latest(Consultation.held_on, Consultation.record_id),
        latest(Referral.referred_on, Referral.record_id),
        latest(Referral.feedback_on, Referral.record_id),
        latest(FollowUp.due_on, FollowUp.record_id),
        latest(FollowUp.done_on, FollowUp.record_id),
    ).where(Record.anonymised_at.is_(None))
    rows: list[Any] = []
    if ids is None:
        rows = list(s.execute(stmt))
    else:
        for chunk in _chunks(sorted(ids)):
            rows.extend(s.execute(stmt.where(Record.id.in_(chunk))))
    out: dict[int, RecordState] = {}
    for rid, number, kind, status, opened, promoted, closed, hold, updated, *dated in rows:
        changed = office_day(updated)
        activity = tuple(d for d in (*dated, changed) if d is not None)
        out[rid] = RecordState(
            rid,
            number,
            RecordFacts(
                kind=RecordKind(kind),
                status=RecordStatus(status),
                opened_on=opened,
                promoted_on=promoted,
                closed_on=closed,
                legal_hold=bool(hold),
                activity=activity,
            ),
        )
    return out


def due_records(
    s: Session, periods: RetentionPeriods, ids: Collection[int] | None = None
) -> dict[int, date | None]:
    """The due day of every record not anonymised yet (None: open or on legal hold)."""
    return {rid: record_due(st.facts, periods) for rid, st in open_records(s, ids).items()}


def _links(s: Session, person_ids: Collection[int] | None) -> dict[int, set[int]]:
    """The records of each person not anonymised yet: as client, further party, or the person
    of a recognition procedure."""
    alive = Person.anonymised_at.is_(None)
    parts = [
        select(Record.client_person_id.label("pid"), Record.id.label("rid"))
        .join(Person, Person.id == Record.client_person_id)
        .where(alive),
        select(RecordParty.person_id.label("pid"), RecordParty.record_id.label("rid"))
        .join(Person, Person.id == RecordParty.person_id)
        .where(alive),
        select(RecognitionProcedure.person_id.label("pid"), RecognitionProcedure.record_id)
        .join(Person, Person.id == RecognitionProcedure.person_id)
        .where(alive),
    ]
    out: dict[int, set[int]] = defaultdict(set)
    if person_ids is None:
        for pid, rid in s.execute(union(*parts)):
            if pid is not None:
                out[pid].add(rid)
        return out
    for chunk in _chunks(sorted(person_ids)):
        restricted = [p.where(Person.id.in_(chunk)) for p in parts]
        for pid, rid in s.execute(union(*restricted)):
            if pid is not None:
                out[pid].add(rid)
    return out


def due_persons(
    s: Session,
    periods: RetentionPeriods,
    record_dues: dict[int, date | None] | None = None,
    person_ids: Collection[int] | None = None,
) -> dict[int, date | None]:
    """The due day of every person not anonymised yet (or of those among ``person_ids``);
    ``record_dues`` are the records' due days if already read (from :func:`due_records`)."""
    stmt = select(Person.id, Person.updated_at).where(Person.anonymised_at.is_(None))
    persons: list[tuple[int, datetime]] = []
    if person_ids is None:
        persons = [(pid, at) for pid, at in s.execute(stmt)]
    else:
        for chunk in _chunks(sorted(person_ids)):
            persons.extend((pid, at) for pid, at in s.execute(stmt.where(Person.id.in_(chunk))))
    links = _links(s, None if person_ids is None else [p for p, _at in persons])
    linked = {rid for rids in links.values() for rid in rids}
    dues = due_records(s, periods, linked) if record_dues is None else record_dues
    # Records anonymised already, and whether one was opened again since.
    gone: dict[int, bool] = {}
    missing = sorted(linked - dues.keys())
    for chunk in _chunks(missing):
        for rid, status, closed in s.execute(
            select(Record.id, Record.status, Record.closed_on).where(
                Record.id.in_(chunk), Record.anonymised_at.is_not(None)
            )
        ):
            gone[rid] = RecordStatus(status) is not RecordStatus.CLOSED or closed is None
    out: dict[int, date | None] = {}
    for pid, updated in persons:
        records = []
        for rid in links.get(pid, ()):
            if rid in gone:
                records.append(PersonRecord(None, anonymised=True, is_open=gone[rid]))
            elif rid in dues:  # None while open or on legal hold: the person waits
                records.append(PersonRecord(dues[rid]))
        last_change = office_day(updated) or date.min
        out[pid] = person_due(records, last_change, periods)
    return out


# --- anonymising -------------------------------------------------------------------------


def anonymise_records(s: Session, ids: Collection[int], now: datetime) -> int:
    """Anonymise these records (those not anonymised yet) and their consultations, referrals,
    follow-ups, parties' notes and recognition procedures, delete their documents; rebuild
    their search entries. Returns how many records were anonymised."""
    done = 0
    for chunk in _chunks(sorted(ids)):
        rids = list(
            s.scalars(select(Record.id).where(Record.id.in_(chunk), Record.anonymised_at.is_(None)))
        )
        if not rids:
            continue
        s.execute(
            update(_table(Record))
            .where(Record.id.in_(rids))
            .values(
                summary="",
                anonymised_at=now,
                updated_at=now,
                updated_by_id=None,
                version=Record.version + 1,
            )
        )
        for model, column in (
            (Consultation, Consultation.notes),
            (FollowUp, FollowUp.note),
            (RecognitionProcedure, RecognitionProcedure.notes),
        ):
            s.execute(
                update(_table(model))
                .where(model.record_id.in_(rids), column != "")
                .values({column.key: "", "version": model.version + 1})
            )
        s.execute(
            update(_table(Referral))
            .where(Referral.record_id.in_(rids))
            .values(
                reason="",
                outcome="",
                consent_override_reason=case(
                    (Referral.consent_override_reason.is_(None), None), else_=literal("")
                ),
                version=Referral.version + 1,
            )
        )
        s.execute(
            update(_table(RecordParty))
            .where(RecordParty.record_id.in_(rids), RecordParty.note != "")
            .values(note="")
        )
        s.execute(delete(_table(Document)).where(Document.record_id.in_(rids)))
        search.reindex(s, rids)
        done += len(rids)
    return done


def anonymise_persons(s: Session, ids: Collection[int], now: datetime) -> int:
    """Anonymise these persons (those not anonymised yet): names, contact data, languages,
    notes, the birth date (its year stays), the keys the duplicate check found them by; the
    notes of their residence titles and recognition procedures. Rebuilds the search entries of
    every record they are client or party of. Returns how many persons were anonymised."""
    done = 0
    persons = _table(Person)
    for chunk in _chunks(sorted(ids)):
        rows = list(
            s.execute(
                select(Person.id, Person.birth_date, Person.birth_year).where(
                    Person.id.in_(chunk), Person.anonymised_at.is_(None)
                )
            )
        )
        if not rows:
            continue
        pids = [pid for pid, _born, _year in rows]
        s.execute(
            update(persons)
            .where(persons.c.id == bindparam("pid"))
            .values(
                family_name="",
                given_name="",
                name_key="",
                email="",
                phone="",
                languages="",
                notes="",
                birth_date=None,
                birth_year=bindparam("year"),
                anonymised_at=now,
                updated_at=now,
                updated_by_id=None,
                version=persons.c.version + 1,
            ),
            [{"pid": pid, "year": birth_year_of(born, year)} for pid, born, year in rows],
        )
        name_keys.forget(s, pids)  # the sound of a name is a trace of it
        for model in (ResidenceTitle, RecognitionProcedure):
            s.execute(
                update(_table(model))
                .where(model.person_id.in_(pids), model.notes != "")
                .values(notes="", version=model.version + 1)
            )
        records = set(s.scalars(select(Record.id).where(Record.client_person_id.in_(pids))))
        records.update(
            s.scalars(select(RecordParty.record_id).where(RecordParty.person_id.in_(pids)))
        )
        search.reindex(s, records)
        done += len(pids)
    return done


def audit_before(cut_off: date) -> datetime:
    """The first moment after the office day ``cut_off``: entries before it are deleted."""
    return datetime.combine(cut_off + timedelta(days=1), time(), OFFICE_TZ)


def count_audit_due(s: Session, cut_off: date) -> int:
    return audit_chain.count_due(s, audit_before(cut_off))


def delete_audit(s: Session, cut_off: date, limit: int) -> int:
    """Delete up to ``limit`` audit entries of ``cut_off`` and earlier; returns how many. The
    chain records the gap they leave (services/audit_chain.py)."""
    return audit_chain.prune(s, audit_before(cut_off), limit)


def anonymised_ids(s: Session) -> tuple[set[int], set[int]]:
    """The ids of every anonymised record and person."""
    records = set(s.scalars(select(Record.id).where(Record.anonymised_at.is_not(None))))
    persons = set(s.scalars(select(Person.id).where(Person.anonymised_at.is_not(None))))
    return records, persons
