"""Enquiries and cases (one record type with a kind): open, promote, edit, close, reopen."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from welcome_center.db.models import (
    Organisation,
    Person,
    Record,
    RecordParty,
    RecordService,
    RecordTopic,
    User,
)
from welcome_center.db.types import utcnow
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.audit import AuditAction
from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import ClientChoice, ClosingChoices, PartyDraft, RecordDraft
from welcome_center.domain.enums import ClientKind, RecordKind, RecordStatus, Vocabulary
from welcome_center.domain.errors import NotFoundError, StateError, ValidationError
from welcome_center.domain.permissions import Permission
from welcome_center.domain.views import RecordDetails, RecordSummary
from welcome_center.i18n import _
from welcome_center.services import (
    audit,
    closing,
    consultation_rules,
    numbering,
    record_views,
    visibility,
    vocabularies,
)
from welcome_center.services.context import Actor, Saved, record_changed
from welcome_center.services.locking import check_unchanged

_OVERVIEW = (
    "counsellor_id",
    "substitute_id",
    "requester_type",
    "channel",
    "municipality",
    "summary",
    "opened_on",
    "promoted_on",
    "client_person_id",
    "client_organisation_id",
)
# Words for a client assigned to an anonymous enquiry (the audit entry names the fields).
CLIENT_FIELDS = ("client_person_id", "client_organisation_id", "anonymous")


def load(s: Session, record_id: int, actor: Actor) -> Record:
    """The record, if the actor may see it (PermissionDeniedError), or NotFoundError."""
    r = s.get(Record, record_id)
    if r is None:
        raise NotFoundError(_("This record does not exist."))
    visibility.check_record(s, actor, r.id)
    return r


def _load_unchanged(s: Session, record_id: int, expected_version: int, actor: Actor) -> Record:
    """The record, if nobody changed it since the caller read ``expected_version``."""
    r = load(s, record_id, actor)
    check_unchanged(s, _("This record"), r, expected_version)
    return r


def require_client(r: Record, refusal: str) -> None:
    """Refuse what an anonymous enquiry cannot have: it has no client to consent to a
    referral, to accompany as a case or to link others to (``refusal`` says which and why)."""
    if r.anonymous:
        raise StateError(refusal)


def _check_client(s: Session, client: ClientChoice) -> None:
    model = Person if client.kind is ClientKind.PERSON else Organisation
    if s.get(model, client.id) is None:
        raise ValidationError(_("Choose the client again; it no longer exists."), field="client")


def _check_counsellor(s: Session, user_id: int | None, field: str = "counsellor") -> None:
    if user_id is not None and s.get(User, user_id) is None:
        raise ValidationError(_("This counsellor does not exist."), field=field)


def _check_draft(s: Session, d: RecordDraft, record: Record | None) -> None:
    if d.opened_on > office_today():
        raise ValidationError(_("The opening date lies in the future."), field="opened_on")
    if d.client is not None:
        _check_client(s, d.client)
    elif d.kind is RecordKind.CASE:
        raise ValidationError(
            _(
                "A case accompanies a client over time: record an anonymous caller as an "
                "enquiry, and promote it once a client is assigned."
            ),
            field="client",
        )
    if record is not None and record.anonymous and d.client is not None:
        raise ValidationError(
            _("Give the anonymous enquiry its client with “Assign a client…”."), field="client"
        )
    if record is not None and not record.anonymous and d.client is None:
        raise ValidationError(_("A record with a client cannot become anonymous."), field="client")
    _check_counsellor(s, d.counsellor_id)
    _check_counsellor(s, d.substitute_id, "substitute")
    if d.substitute_id is not None and d.substitute_id == d.counsellor_id:
        raise ValidationError(
            _("The substitute stands in for the counsellor: choose someone else."),
            field="substitute",
        )
    # Codes a record had before may stay even if retired since; new ones must be active.
    old_topics = frozenset(t.topic for t in record.topics) if record else frozenset()
    old_services = frozenset(t.service for t in record.services) if record else frozenset()
    keep = {
        "requester_type": record.requester_type if record else None,
        "channel": record.channel if record else None,
        "municipality": record.municipality if record else None,
    }
    for field, vocab, value in (
        ("requester_type", Vocabulary.REQUESTER_TYPE, d.requester_type),
        ("channel", Vocabulary.CHANNEL, d.channel),
        ("municipality", Vocabulary.MUNICIPALITY, d.municipality),
    ):
        if value:
            kept = keep[field]
            allowed = frozenset({kept}) if kept else frozenset()
            vocabularies.require_codes(s, vocab, [value], field, allowed)
    vocabularies.require_codes(s, Vocabulary.TOPIC, list(d.topics), "topics", old_topics)
    vocabularies.require_codes(s, Vocabulary.SERVICE, list(d.services), "services", old_services)


def _apply(r: Record, d: RecordDraft) -> None:
    set_client(r, d.client)
    r.opened_on = d.opened_on
    r.counsellor_id = d.counsellor_id
    r.substitute_id = d.substitute_id
    r.requester_type = d.requester_type or None
    r.channel = d.channel or None
    r.municipality = d.municipality or None
    r.summary = d.summary
    topics = list(dict.fromkeys(d.topics))
    services = list(dict.fromkeys(d.services))
    if sorted(t.topic for t in r.topics) != sorted(topics):
        r.topics = [RecordTopic(topic=t) for t in topics]
    if sorted(x.service for x in r.services) != sorted(services):
        r.services = [RecordService(service=x) for x in services]


def set_client(r: Record, client: ClientChoice | None) -> None:
    """The record's client, or none for an anonymous enquiry."""
    kind = client.kind if client is not None else None
    r.client_person_id = client.id if client is not None and kind is ClientKind.PERSON else None
    r.client_organisation_id = (
        client.id if client is not None and kind is ClientKind.ORGANISATION else None
    )
    r.anonymous = client is None


def open_record(uow: UnitOfWork, actor: Actor, draft: RecordDraft) -> Saved[RecordDetails]:
    """Record a new enquiry (or a case straight away); it gets the next number of its year.
    With ``draft.consultation`` the contact that brought it is recorded on it in the same
    transaction (both are saved, or neither), and the record is in progress from the start, as
    after any consultation. Without ``draft.client`` it is an anonymous enquiry: the caller
    gave no name, and no person is created."""
    actor.require(Permission.WORK_RECORDS)
    with uow.begin() as s:
        _check_draft(s, draft, None)
        r = Record(
            number=numbering.provisional_number(),
            kind=draft.kind,
            status=RecordStatus.NEW if draft.consultation is None else RecordStatus.IN_PROGRESS,
            updated_by_id=actor.user_id,
            topics=[],
            services=[],
        )
        if draft.counsellor_id is None and actor.user_id is not None:
            draft = _with_counsellor(draft, actor.user_id)
        _apply(r, draft)
        if draft.kind is RecordKind.CASE:
            r.promoted_on = draft.opened_on
        s.add(r)
        s.flush()
        audit.log(s, actor, AuditAction.CREATE, "record", r.id, detail=r.kind.value)
        if draft.consultation is not None:
            consultation_rules.add(s, actor, r, draft.consultation)
        details = record_views.details(s, r)
        # The number last, after the record is read back: on a server the counter stays locked
        # until the commit, and every other desk's new record waits for it (ten desks waited
        # seconds when the dozen reads of the details came after it: benchmarks/load.py).
        r.number = str(numbering.next_number(s, draft.opened_on.year))
        s.flush()
        return Saved(replace(details, number=r.number, version=r.version), record_changed(r.id))


def _with_counsellor(d: RecordDraft, user_id: int) -> RecordDraft:
    return replace(d, counsellor_id=user_id)


def update_record(
    uow: UnitOfWork, actor: Actor, record_id: int, draft: RecordDraft, expected_version: int
) -> Saved[RecordDetails]:
    """Change a record's overview; a concurrent change by someone else raises ConflictError."""
    actor.require(Permission.WORK_RECORDS)
    with uow.begin() as s:
        r = _load_unchanged(s, record_id, expected_version, actor)
        _check_draft(s, draft, r)
        # A record that became a case on its opening day (opened as a case) stays one from its
        # opening day: its promotion date follows a corrected opening date.
        promoted_on_opening = r.promoted_on is not None and r.promoted_on == r.opened_on
        if r.promoted_on and draft.opened_on > r.promoted_on and not promoted_on_opening:
            raise ValidationError(
                _("The opening date lies after the promotion to a case."), field="opened_on"
            )
        if r.closed_on and draft.opened_on > r.closed_on:
            raise ValidationError(
                _("The opening date lies after the closing date."), field="opened_on"
            )
        before = audit.snapshot(r, _OVERVIEW)
        before_codes = (sorted(t.topic for t in r.topics), sorted(x.service for x in r.services))
        _apply(r, draft)
        if promoted_on_opening and r.promoted_on != draft.opened_on:
            r.promoted_on = draft.opened_on
        fields = audit.changed_fields(before, audit.snapshot(r, _OVERVIEW))
        if before_codes[0] != sorted(draft.topics):
            fields.append("topics")
        if before_codes[1] != sorted(draft.services):
            fields.append("services")
        return _touch(s, actor, r, AuditAction.UPDATE, fields)


def _touch(
    s: Session,
    actor: Actor,
    r: Record,
    action: AuditAction,
    fields: list[str] | None = None,
    detail: str = "",
) -> Saved[RecordDetails]:
    r.updated_at, r.updated_by_id = utcnow(), actor.user_id
    s.flush()
    audit.log(s, actor, action, "record", r.id, fields or (), detail)
    return Saved(record_views.details(s, r), record_changed(r.id))


def set_status(
    uow: UnitOfWork, actor: Actor, record_id: int, status: RecordStatus, expected_version: int
) -> Saved[RecordDetails]:
    """Mark an open record new, in progress or waiting (closing has its own call)."""
    actor.require(Permission.WORK_RECORDS)
    if status is RecordStatus.CLOSED:
        raise StateError(_("Close a record with a closing reason."))
    with uow.begin() as s:
        r = _load_unchanged(s, record_id, expected_version, actor)
        if r.status is RecordStatus.CLOSED:
            raise StateError(_("The record is closed; reopen it first."))
        r.status = status
        return _touch(s, actor, r, AuditAction.STATUS, ["status"], status.value)


def promote(
    uow: UnitOfWork, actor: Actor, record_id: int, expected_version: int, on: date | None = None
) -> Saved[RecordDetails]:
    """Promote an enquiry to a case; the promotion date is kept (default today)."""
    actor.require(Permission.WORK_RECORDS)
    on = on or office_today()
    with uow.begin() as s:
        r = _load_unchanged(s, record_id, expected_version, actor)
        if r.kind is RecordKind.CASE:
            raise StateError(_("The record is a case already."))
        if r.status is RecordStatus.CLOSED:
            raise StateError(_("The record is closed; reopen it first."))
        require_client(
            r,
            _(
                "An anonymous enquiry cannot become a case: a case accompanies a client over "
                "time. Assign a client first."
            ),
        )
        if on < r.opened_on or on > office_today():
            raise ValidationError(
                _("The promotion date must lie between the opening date and today."),
                field="promoted_on",
            )
        r.kind, r.promoted_on = RecordKind.CASE, on
        if r.status is RecordStatus.NEW:
            r.status = RecordStatus.IN_PROGRESS
        return _touch(s, actor, r, AuditAction.PROMOTE, ["kind", "promoted_on"])


def close(
    uow: UnitOfWork,
    actor: Actor,
    record_id: int,
    reason: str,
    expected_version: int,
    on: date | None = None,
    choices: ClosingChoices | None = None,
) -> Saved[RecordDetails]:
    """Close a record with a closing reason (a vocabulary code) on ``on`` (default today);
    its open follow-ups and waiting referrals are kept, or marked done and "no feedback", as
    ``choices`` says, in the same transaction. A closed record raises no residence follow-ups,
    and the desk's lists leave out those it raised before."""
    actor.require(Permission.WORK_RECORDS)
    on = on or office_today()
    with uow.begin() as s:
        r = _load_unchanged(s, record_id, expected_version, actor)
        if r.status is RecordStatus.CLOSED:
            raise StateError(_("The record is closed already."))
        if not reason:
            raise ValidationError(_("Choose a closing reason."), field="closing_reason")
        vocabularies.require_codes(s, Vocabulary.CLOSING_REASON, [reason], "closing_reason")
        if on < r.opened_on or on > office_today() or (r.promoted_on and on < r.promoted_on):
            raise ValidationError(
                _("The closing date must lie between the opening date and today."),
                field="closed_on",
            )
        closing.settle(s, actor, r, choices or ClosingChoices(), on)
        r.status, r.closed_on, r.closing_reason = RecordStatus.CLOSED, on, reason
        saved = _touch(
            s, actor, r, AuditAction.CLOSE, ["status", "closed_on", "closing_reason"], reason
        )
        return Saved(saved.value, record_changed(r.id, follow_ups=True))


def reopen(
    uow: UnitOfWork, actor: Actor, record_id: int, expected_version: int
) -> Saved[RecordDetails]:
    """Reopen a closed record; it is in progress again and its closing date is cleared."""
    actor.require(Permission.WORK_RECORDS)
    with uow.begin() as s:
        r = _load_unchanged(s, record_id, expected_version, actor)
        if r.status is not RecordStatus.CLOSED:
            raise StateError(_("The record is not closed."))
        r.status, r.closed_on, r.closing_reason = RecordStatus.IN_PROGRESS, None, None
        saved = _touch(s, actor, r, AuditAction.REOPEN, ["status", "closed_on", "closing_reason"])
        return Saved(saved.value, record_changed(r.id, follow_ups=True))


def link_party(
    uow: UnitOfWork, actor: Actor, record_id: int, party: PartyDraft
) -> Saved[RecordDetails]:
    """Link a further party (an employer, a candidate, a family member, ...) to a record."""
    actor.require(Permission.WORK_RECORDS)
    with uow.begin() as s:
        r = load(s, record_id, actor)
        require_client(
            r,
            _(
                "An anonymous enquiry has no further parties: they are linked to a client. "
                "Assign a client first."
            ),
        )
        _check_client(s, party.client)
        is_person = party.client.kind is ClientKind.PERSON
        client_id = r.client_person_id if is_person else r.client_organisation_id
        if client_id == party.client.id:
            raise ValidationError(_("The client is already part of the record."), field="client")
        for p in r.parties:
            if (p.person_id if is_person else p.organisation_id) == party.client.id:
                raise ValidationError(_("This party is already linked."), field="client")
        r.parties.append(
            RecordParty(
                person_id=party.client.id if is_person else None,
                organisation_id=None if is_person else party.client.id,
                role=party.role,
                note=party.note.strip(),
            )
        )
        return _touch(s, actor, r, AuditAction.LINK_PARTY, ["parties"], party.role.value)


def unlink_party(
    uow: UnitOfWork, actor: Actor, record_id: int, party_id: int
) -> Saved[RecordDetails]:
    """Remove a further party from a record."""
    actor.require(Permission.WORK_RECORDS)
    with uow.begin() as s:
        r = load(s, record_id, actor)
        kept = [p for p in r.parties if p.id != party_id]
        if len(kept) == len(r.parties):
            raise NotFoundError(_("This party is not linked to the record."))
        r.parties = kept
        return _touch(s, actor, r, AuditAction.UNLINK_PARTY, ["parties"])


def get_record(uow: UnitOfWork, actor: Actor, record_id: int) -> RecordDetails:
    """Everything about a record, for the editor (the read is audited)."""
    actor.require(Permission.WORK_RECORDS)
    with uow.begin() as s:
        r = load(s, record_id, actor)
        audit.log(s, actor, AuditAction.READ, "record", r.id)
        return record_views.details(s, r)


def is_seen(uow: UnitOfWork, actor: Actor, record_id: int) -> bool:
    """Whether the record exists and the actor sees it: in an office of own records one given
    to a colleague is not seen any more (need to know), nor is a deleted one."""
    actor.require(Permission.WORK_RECORDS)
    with uow.read() as s:
        seen = select(Record.id).where(Record.id == record_id, visibility.visible_records(s, actor))
        return s.scalar(seen) is not None


def has_records(uow: UnitOfWork, actor: Actor, client: ClientChoice) -> bool:
    """Whether a person or organisation is the client of a record already: a contact with
    them now is a follow-up contact, not their first (the quick enquiry's preselection)."""
    actor.require(Permission.WORK_RECORDS)
    column = (
        Record.client_person_id
        if client.kind is ClientKind.PERSON
        else Record.client_organisation_id
    )
    with uow.read() as s:
        return s.scalar(select(Record.id).where(column == client.id).limit(1)) is not None


def find_by_number(uow: UnitOfWork, actor: Actor, number: str) -> int | None:
    """The id of the record with this number (ignoring case), if any."""
    actor.require(Permission.WORK_RECORDS)
    with uow.read() as s:
        return s.scalar(select(Record.id).where(Record.number == number.strip().upper()))


def records_of_client(uow: UnitOfWork, actor: Actor, client: ClientChoice) -> list[RecordSummary]:
    """The records where a person or organisation is client or further party, newest first."""
    actor.require(Permission.WORK_RECORDS)
    with uow.begin() as s:
        if client.kind is ClientKind.PERSON:
            visibility.check_person(s, actor, client.id)
        else:
            visibility.check_organisation(s, actor, client.id)
        ids = visibility.seen_record_ids(s, actor, record_views.record_ids_of_client(s, client))
        audit.log(s, actor, AuditAction.READ, client.kind.value, client.id, detail="records")
        return record_views.summaries(s, ids)


def history(uow: UnitOfWork, actor: Actor, record_id: int) -> list[audit.AuditLine]:
    """Who did what on a record, newest first."""
    actor.require(Permission.WORK_RECORDS)
    with uow.begin() as s:
        load(s, record_id, actor)
        audit.log(s, actor, AuditAction.READ, "record", record_id, detail="history")
        return audit.history(s, "record", record_id)
