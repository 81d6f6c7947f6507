"""Building the frozen views of records from rows (shared by the record services)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from welcome_center.db.models import (
    Consultation,
    Document,
    FollowUp,
    Organisation,
    Person,
    RecognitionProcedure,
    Record,
    RecordParty,
    Referral,
    ResidenceTitle,
    User,
)
from welcome_center.domain.dates import office_today
from welcome_center.domain.documents import kind_of
from welcome_center.domain.drafts import ClientChoice
from welcome_center.domain.enums import ClientKind, FollowUpSource
from welcome_center.domain.views import (
    ClientRef,
    ConsultationView,
    DocumentView,
    FollowUpView,
    PartyView,
    RecognitionView,
    RecordDetails,
    RecordSummary,
    ReferralView,
    ResidenceTitleView,
)
from welcome_center.i18n import _, format_short_date
from welcome_center.i18n.labels import client_name


def person_name(family: str | None, given: str | None) -> str:
    """A person as lists show them ("Family, Given"); an anonymised person says so."""
    if not family and not given:
        return _("(anonymised)")
    return f"{family}, {given}" if given else family or ""


def client_of(r: Record) -> ClientRef | None:
    """The record's client; None for an anonymous enquiry (the caller gave no name)."""
    if r.client_person is not None:
        p = r.client_person
        return ClientRef(ClientKind.PERSON, p.id, person_name(p.family_name, p.given_name))
    o = r.client_organisation
    if o is None:
        return None
    return ClientRef(ClientKind.ORGANISATION, o.id, o.name)


def _party(p: RecordParty) -> PartyView:
    if p.person is not None:
        name = person_name(p.person.family_name, p.person.given_name)
        return PartyView(
            id=p.id,
            client=ClientRef(ClientKind.PERSON, p.person.id, name),
            role=p.role,
            note=p.note,
        )
    assert p.organisation is not None
    ref = ClientRef(ClientKind.ORGANISATION, p.organisation.id, p.organisation.name)
    return PartyView(id=p.id, client=ref, role=p.role, note=p.note)


def consultation_view(c: Consultation, names: dict[int, str]) -> ConsultationView:
    return ConsultationView(
        id=c.id,
        record_id=c.record_id,
        held_on=c.held_on,
        duration_minutes=c.duration_minutes,
        channel=c.channel,
        counsellor_id=c.counsellor_id,
        counsellor=names.get(c.counsellor_id) if c.counsellor_id else None,
        is_first=c.is_first,
        topics=tuple(sorted(t.topic for t in c.topics)),
        language=c.language,
        interpreter=c.interpreter,
        notes=c.notes,
        version=c.version,
    )


def referral_view(f: Referral) -> ReferralView:
    partner = f.partner.short_name or f.partner.name
    return ReferralView(
        id=f.id,
        record_id=f.record_id,
        partner_id=f.partner_id,
        partner=partner,
        topic=f.topic,
        referred_on=f.referred_on,
        reason=f.reason,
        status=f.status,
        feedback_on=f.feedback_on,
        outcome=f.outcome,
        version=f.version,
    )


def follow_up_note(f: FollowUp) -> str:
    """The follow-up's note; a raised residence follow-up stores only the expiry day and is
    worded here, in the reader's language (a note written by a person is shown as written)."""
    if f.source is FollowUpSource.RESIDENCE_EXPIRY:
        try:
            expires = date.fromisoformat(f.note)
        except ValueError:
            return f.note
        return _("Residence title expires on %(date)s.") % {"date": format_short_date(expires)}
    return f.note


def follow_up_view(f: FollowUp, number: str, client: str) -> FollowUpView:
    overdue = f.done_on is None and f.due_on < office_today()
    return FollowUpView(
        id=f.id,
        record_id=f.record_id,
        record_number=number,
        client=client,
        due_on=f.due_on,
        assigned_to_id=f.assigned_to_id,
        note=follow_up_note(f),
        source=f.source,
        done_on=f.done_on,
        overdue=overdue,
        version=f.version,
    )


def recognition_view(p: RecognitionProcedure) -> RecognitionView:
    return RecognitionView(
        id=p.id,
        record_id=p.record_id,
        qualification=p.qualification,
        reference_occupation=p.reference_occupation,
        regulated=p.regulated,
        competent_body=p.competent_body,
        training_country=p.training_country,
        state=p.state,
        decision=p.decision,
        submitted_on=p.submitted_on,
        decided_on=p.decided_on,
        notes=p.notes,
        version=p.version,
    )


def residence_view(t: ResidenceTitle) -> ResidenceTitleView:
    return ResidenceTitleView(
        id=t.id,
        person_id=t.person_id,
        title=t.title,
        valid_from=t.valid_from,
        expires_on=t.expires_on,
        accelerated_procedure=t.accelerated_procedure,
        notes=t.notes,
        version=t.version,
    )


def user_names(s: Session) -> dict[int, str]:
    return {uid: name for uid, name in s.execute(select(User.id, User.display_name))}


def details(s: Session, r: Record) -> RecordDetails:
    """Everything about ``r``: overview, parties and every child list, in a few queries."""
    names = user_names(s)
    client = client_of(r)
    consultations = s.scalars(
        select(Consultation)
        .where(Consultation.record_id == r.id)
        .options(selectinload(Consultation.topics))
        .order_by(Consultation.held_on.desc(), Consultation.id.desc())
    ).all()
    referrals = s.scalars(
        select(Referral)
        .where(Referral.record_id == r.id)
        .options(selectinload(Referral.partner))
        .order_by(Referral.referred_on.desc(), Referral.id.desc())
    ).all()
    follow_ups = s.scalars(
        select(FollowUp).where(FollowUp.record_id == r.id).order_by(FollowUp.due_on, FollowUp.id)
    ).all()
    recognitions = s.scalars(
        select(RecognitionProcedure)
        .where(RecognitionProcedure.record_id == r.id)
        .order_by(RecognitionProcedure.id)
    ).all()
    titles: Sequence[ResidenceTitle] = ()
    if r.client_person_id is not None:
        titles = s.scalars(
            select(ResidenceTitle)
            .where(ResidenceTitle.person_id == r.client_person_id)
            .order_by(ResidenceTitle.valid_from.desc().nulls_last(), ResidenceTitle.id.desc())
        ).all()
    return RecordDetails(
        id=r.id,
        number=r.number,
        kind=r.kind,
        status=r.status,
        client=client,
        parties=tuple(_party(p) for p in r.parties),
        opened_on=r.opened_on,
        promoted_on=r.promoted_on,
        closed_on=r.closed_on,
        closing_reason=r.closing_reason,
        counsellor_id=r.counsellor_id,
        counsellor=names.get(r.counsellor_id) if r.counsellor_id else None,
        requester_type=r.requester_type,
        channel=r.channel,
        municipality=r.municipality,
        topics=tuple(sorted(t.topic for t in r.topics)),
        services=tuple(sorted(x.service for x in r.services)),
        summary=r.summary,
        consultations=tuple(consultation_view(c, names) for c in consultations),
        referrals=tuple(referral_view(f) for f in referrals),
        follow_ups=tuple(follow_up_view(f, r.number, client_name(client)) for f in follow_ups),
        recognitions=tuple(recognition_view(p) for p in recognitions),
        residence_titles=tuple(residence_view(t) for t in titles),
        version=r.version,
        updated_at=r.updated_at,
        updated_by=names.get(r.updated_by_id) if r.updated_by_id else None,
        substitute_id=r.substitute_id,
        substitute=names.get(r.substitute_id) if r.substitute_id else None,
        documents=documents(s, r.id, names),
    )


def documents(s: Session, record_id: int, names: dict[int, str]) -> tuple[DocumentView, ...]:
    """The documents of a record, newest first, without their bytes (which stay unread)."""
    rows = s.execute(
        select(
            Document.id,
            Document.file_name,
            Document.media_type,
            Document.size,
            Document.sha256,
            Document.added_at,
            Document.added_by_id,
        )
        .where(Document.record_id == record_id)
        .order_by(Document.added_at.desc(), Document.id.desc())
    )
    return tuple(
        DocumentView(
            id=did,
            record_id=record_id,
            file_name=name,
            media_type=media,
            kind=kind_of(media),
            size=size,
            sha256=digest,
            added_at=at,
            added_by=names.get(by) if by is not None else None,
        )
        for did, name, media, size, digest, at, by in rows
    )


def summaries(s: Session, ids: Sequence[int]) -> list[RecordSummary]:
    """List lines for ``ids``, in the order given."""
    if not ids:
        return []
    names = user_names(s)
    rows = s.scalars(
        select(Record)
        .where(Record.id.in_(ids))
        .options(
            selectinload(Record.client_person),
            selectinload(Record.client_organisation),
            selectinload(Record.topics),
        )
    ).all()
    by_id = {r.id: r for r in rows}
    out = []
    for rid in ids:
        r = by_id.get(rid)
        if r is None:
            continue
        out.append(
            RecordSummary(
                id=r.id,
                number=r.number,
                kind=r.kind,
                status=r.status,
                client=client_of(r),
                opened_on=r.opened_on,
                closed_on=r.closed_on,
                counsellor=names.get(r.counsellor_id) if r.counsellor_id else None,
                topics=tuple(sorted(t.topic for t in r.topics)),
            )
        )
    return out


def record_ids_of_client(s: Session, client: ClientChoice) -> list[int]:
    """Records where the person or organisation is client or further party, newest first."""
    if client.kind is ClientKind.PERSON:
        as_client = Record.client_person_id == client.id
        party = select(RecordParty.record_id).where(RecordParty.person_id == client.id)
    else:
        as_client = Record.client_organisation_id == client.id
        party = select(RecordParty.record_id).where(RecordParty.organisation_id == client.id)
    stmt = select(Record.id).where(or_(as_client, Record.id.in_(party)))
    return list(s.scalars(stmt.order_by(Record.opened_on.desc(), Record.id.desc())))


def client_names(s: Session, record_ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    """Number and client name per record id (for due lists)."""
    out: dict[int, tuple[str, str]] = defaultdict(lambda: ("", ""))
    rows = s.execute(
        select(
            Record.id,
            Record.number,
            Record.anonymous,
            Person.family_name,
            Person.given_name,
            Organisation.name,
        )
        .outerjoin(Person, Person.id == Record.client_person_id)
        .outerjoin(Organisation, Organisation.id == Record.client_organisation_id)
        .where(Record.id.in_(record_ids))
    ).all()
    for rid, number, anonymous, family, given, org in rows:
        name = client_name(None) if anonymous else (org or person_name(family, given))
        out[rid] = (number, name or "")
    return out
