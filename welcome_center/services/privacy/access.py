"""Access requests (Art. 15 GDPR): everything held about one person, as PDF or JSON.

What belongs in the export and what stays out is :mod:`welcome_center.domain.access`'s rule.
The export is audited (``access_export``, about the person) in the same transaction that reads
it, so the export lists itself among the accesses.

Who may: a counsellor (``Permission.ACCESS_EXPORT``): the export is case content, which an
administrator manages without reading (DOMAIN.md, need to know). The command line acts for the
operating-system account that holds the database file and may, as it may everything else.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, selectinload

from welcome_center.db.models import (
    AuditEntry,
    Consent,
    Consultation,
    ContactPerson,
    Document,
    FollowUp,
    OfficeSettings,
    Person,
    RecognitionProcedure,
    Record,
    RecordParty,
    Referral,
    ResidenceTitle,
    User,
    VocabularyEntry,
)
from welcome_center.db.types import utcnow
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.access import (
    AccessAuditEntry,
    AccessConsent,
    AccessConsultation,
    AccessDocument,
    AccessExport,
    AccessFollowUp,
    AccessFormat,
    AccessParty,
    AccessPartyLink,
    AccessPerson,
    AccessRecognition,
    AccessRecord,
    AccessReferral,
    AccessResidenceTitle,
    name_words,
    redact,
)
from welcome_center.domain.audit import AuditAction, AuditEntity, action_of
from welcome_center.domain.dates import office_today
from welcome_center.domain.enums import ClientKind, Vocabulary
from welcome_center.domain.errors import NotFoundError, ValidationError
from welcome_center.domain.permissions import Permission
from welcome_center.domain.views import VocabularyItem
from welcome_center.i18n import _
from welcome_center.reports import access_export as render
from welcome_center.services import audit, audit_chain, visibility
from welcome_center.services.context import Actor

# Of a record the person is only a further party of, these entries are about them too: who
# looked at the record (and so at their name on it), and the linking itself.
_PARTY_ACTIONS = (AuditAction.READ, AuditAction.LINK_PARTY, AuditAction.UNLINK_PARTY)

_Row = TypeVar("_Row", Consultation, Referral, FollowUp)
_Clean = Callable[[str], str]
_Staff = Callable[[int | None], str | None]


def _require(actor: Actor) -> None:
    if not actor.is_system:
        actor.require(Permission.ACCESS_EXPORT)


def format_of(path: Path) -> AccessFormat:
    """The format a file name asks for by its ending (``.pdf`` or ``.json``)."""
    try:
        return AccessFormat(path.suffix.lower().lstrip("."))
    except ValueError:
        raise ValidationError(
            _("An access export is written as .pdf or .json; %(name)s is neither.")
            % {"name": path.name},
            field="file",
        ) from None


def suggested_file_name(display_name: str, fmt: AccessFormat = AccessFormat.PDF) -> str:
    """A file name for a person's export: ``Auskunft_Nguyen_Thi_Lan_2026-12-06.pdf`` (letters
    and digits of the name, the office's date)."""
    words = re.findall(r"\w+", display_name)
    stem = "_".join([_("Access_request"), *words, office_today().isoformat()])
    return f"{stem}.{fmt.value}"


def access_export(uow: UnitOfWork, actor: Actor, person_id: int) -> AccessExport:
    """Everything held about the person ``person_id``, with nobody else's name in it (the
    export is audited as ``access_export`` about the person)."""
    _require(actor)
    with uow.begin() as s:
        p = s.get(Person, person_id)
        if p is None:
            raise NotFoundError(_("This person does not exist (any more)."))
        visibility.check_person(s, actor, p.id)
        return _collect(s, actor, p)


def write_access_export(uow: UnitOfWork, actor: Actor, person_id: int, path: Path) -> Path:
    """Export the person to ``path`` (PDF or JSON by its ending) in the active language. The
    file appears whole or not at all: written to a temporary file beside it, then renamed; the
    temporary file never stays behind. Returns ``path``."""
    _require(actor)
    fmt = format_of(path)
    if not path.parent.is_dir():  # before the export is read and audited
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(path.parent))
    export = access_export(uow, actor, person_id)
    data = render.render_pdf(export) if fmt is AccessFormat.PDF else render.render_json(export)
    write_atomically(path, data)
    return path


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder (readable by its
    owner only, as the export is), renamed over ``path`` when complete."""
    try:
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    except OSError as exc:  # named by the file asked for, not by the temporary one
        raise OSError(exc.errno, exc.strerror, str(path)) from exc
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


# --- collecting ------------------------------------------------------------------------------


def _collect(s: Session, actor: Actor, p: Person) -> AccessExport:
    users = {u.id: u for u in s.scalars(select(User))}

    def staff(user_id: int | None) -> str | None:
        u = users.get(user_id) if user_id is not None else None
        return (u.display_name or u.username) if u is not None else None

    own = list(
        s.scalars(
            select(Record)
            .where(Record.client_person_id == p.id)
            .options(
                selectinload(Record.topics),
                selectinload(Record.services),
                selectinload(Record.parties).selectinload(RecordParty.organisation),
                selectinload(Record.parties).selectinload(RecordParty.person),
            )
            .order_by(Record.opened_on, Record.id)
        )
    )
    own_ids = [r.id for r in own]
    links = list(
        s.execute(
            select(RecordParty, Record)
            .join(Record, Record.id == RecordParty.record_id)
            .where(RecordParty.person_id == p.id)
            .order_by(Record.opened_on, Record.id)
        )
    )
    party_ids = [r.id for _link, r in links]
    consultations = _by_record(
        s.scalars(
            select(Consultation)
            .where(Consultation.record_id.in_(own_ids))
            .options(selectinload(Consultation.topics))
            .order_by(Consultation.held_on, Consultation.id)
        )
    )
    referrals = _by_record(
        s.scalars(
            select(Referral)
            .where(Referral.record_id.in_(own_ids))
            .options(selectinload(Referral.partner))
            .order_by(Referral.referred_on, Referral.id)
        )
    )
    follow_ups = _by_record(
        s.scalars(
            select(FollowUp)
            .where(FollowUp.record_id.in_(own_ids))
            .order_by(FollowUp.due_on, FollowUp.id)
        )
    )
    documents: dict[int, list[AccessDocument]] = {}
    for rid, name, media, size, at, by in s.execute(
        select(
            Document.record_id, Document.file_name, Document.media_type, Document.size,
            Document.added_at, Document.added_by_id,
        )
        .where(Document.record_id.in_(own_ids))
        .order_by(Document.added_at, Document.id)
    ):  # fmt: skip
        documents.setdefault(rid, []).append(
            AccessDocument(
                file_name=name, media_type=media, size=size, added_at=at, added_by=staff(by)
            )
        )
    titles = list(
        s.scalars(
            select(ResidenceTitle)
            .where(ResidenceTitle.person_id == p.id)
            .order_by(ResidenceTitle.valid_from, ResidenceTitle.id)
        )
    )
    # Procedures of the person's qualifications: theirs by person, or on their own record
    # without a person named; a procedure of someone else on their record is not theirs.
    recognitions = list(
        s.execute(
            select(RecognitionProcedure, Record.number)
            .join(Record, Record.id == RecognitionProcedure.record_id)
            .where(
                or_(
                    RecognitionProcedure.person_id == p.id,
                    and_(
                        RecognitionProcedure.person_id.is_(None),
                        RecognitionProcedure.record_id.in_(own_ids),
                    ),
                )
            )
            .order_by(RecognitionProcedure.id)
        )
    )
    consents = list(
        s.scalars(
            select(Consent)
            .where(Consent.person_id == p.id)
            .options(selectinload(Consent.partner))
            .order_by(Consent.given_on, Consent.id)
        )
    )

    words = name_words(
        _other_names(s, p, own, [r for _l, r in links]), [p.family_name, p.given_name]
    )

    def clean(text: str) -> str:
        return redact(text, words)

    records = tuple(
        replace(
            _record(r, staff, clean, consultations.get(r.id, []), referrals.get(r.id, []),
                    follow_ups.get(r.id, [])),
            documents=tuple(replace(d, file_name=clean(d.file_name))
                            for d in documents.get(r.id, [])),
        )
        for r in own
    )  # fmt: skip
    party_of = tuple(
        AccessPartyLink(
            record_number=r.number,
            record_kind=r.kind,
            opened_on=r.opened_on,
            closed_on=r.closed_on,
            role=link.role,
            note=clean(link.note),
            client_kind=ClientKind.PERSON if r.client_person_id else ClientKind.ORGANISATION,
            # An organisation is no person: the company that asked about the person is named.
            client_name=r.client_organisation.name if r.client_organisation else None,
        )
        for link, r in links
    )
    audit.log(
        s, actor, AuditAction.ACCESS_EXPORT, AuditEntity.PERSON, p.id,
        detail=f"records={len(own)} party_of={len(links)}",
    )  # fmt: skip
    audit_chain.write_now(s)  # the export lists itself
    settings = s.get(OfficeSettings, 1)
    export = AccessExport(
        office_name=settings.office_name if settings is not None else "",
        created_at=utcnow(),
        created_by=staff(actor.user_id) or actor.name,
        person=_person(p, clean),
        records=records,
        party_of=party_of,
        residence_titles=tuple(
            AccessResidenceTitle(
                title=t.title,
                valid_from=t.valid_from,
                expires_on=t.expires_on,
                accelerated_procedure=t.accelerated_procedure,
                notes=clean(t.notes),
            )
            for t in titles
        ),
        recognitions=tuple(
            AccessRecognition(
                record_number=number,
                qualification=clean(x.qualification),
                reference_occupation=x.reference_occupation,
                regulated=x.regulated,
                competent_body=x.competent_body,
                state=x.state,
                decision=x.decision,
                submitted_on=x.submitted_on,
                decided_on=x.decided_on,
                notes=clean(x.notes),
            )
            for x, number in recognitions
        ),
        consents=tuple(
            AccessConsent(
                purpose=c.purpose,
                partner=c.partner.name if c.partner is not None else None,
                given_on=c.given_on,
                form=c.form,
                text_version=c.text_version,
                recorded_by=staff(c.recorded_by_id),
                withdrawn_on=c.withdrawn_on,
            )
            for c in consents
        ),
        audit=_audit(s, p.id, own_ids, party_ids, users),
        vocabulary=(),
    )
    return _with_vocabulary(s, export)


def _by_record(rows: Iterable[_Row]) -> dict[int, list[_Row]]:
    out: dict[int, list[_Row]] = {}
    for row in rows:
        out.setdefault(row.record_id, []).append(row)
    return out


def _person(p: Person, clean: _Clean) -> AccessPerson:
    return AccessPerson(
        id=p.id,
        family_name=p.family_name,
        given_name=p.given_name,
        birth_date=p.birth_date,
        birth_year=p.birth_year,
        nationality=p.nationality,
        nationality_2=p.nationality_2,
        municipality=p.municipality,
        email=p.email,
        phone=p.phone,
        languages=p.languages,
        notes=clean(p.notes),
        created_at=p.created_at,
        updated_at=p.updated_at,
        anonymised_at=p.anonymised_at,
        gender=p.gender,
        employment_status=p.employment_status,
        education=p.education,
        german_level=p.german_level,
        arrival_year=p.arrival_year,
    )


def _record(
    r: Record,
    staff: _Staff,
    clean: _Clean,
    consultations: Sequence[Consultation],
    referrals: Sequence[Referral],
    follow_ups: Sequence[FollowUp],
) -> AccessRecord:
    return AccessRecord(
        number=r.number,
        kind=r.kind,
        status=r.status,
        opened_on=r.opened_on,
        promoted_on=r.promoted_on,
        closed_on=r.closed_on,
        closing_reason=r.closing_reason,
        counsellor=staff(r.counsellor_id),
        requester_type=r.requester_type,
        channel=r.channel,
        municipality=r.municipality,
        topics=tuple(sorted(t.topic for t in r.topics)),
        services=tuple(sorted(x.service for x in r.services)),
        summary=clean(r.summary),
        legal_hold_reason=clean(r.legal_hold_reason or "") if r.legal_hold else None,
        parties=tuple(
            AccessParty(
                kind=ClientKind.ORGANISATION if x.organisation_id else ClientKind.PERSON,
                role=x.role,
                # Another person is named by the role only; an organisation by its name.
                name=x.organisation.name if x.organisation is not None else None,
            )
            for x in r.parties
        ),
        consultations=tuple(
            AccessConsultation(
                held_on=c.held_on,
                duration_minutes=c.duration_minutes,
                channel=c.channel,
                counsellor=staff(c.counsellor_id),
                is_first=c.is_first,
                topics=tuple(sorted(t.topic for t in c.topics)),
                language=c.language,
                interpreter=c.interpreter,
                notes=clean(c.notes),
            )
            for c in consultations
        ),
        referrals=tuple(
            AccessReferral(
                referred_on=f.referred_on,
                partner=f.partner.name,
                topic=f.topic,
                reason=clean(f.reason),
                status=f.status,
                feedback_on=f.feedback_on,
                outcome=clean(f.outcome),
                consent_override_reason=(
                    clean(f.consent_override_reason) if f.consent_override_reason else None
                ),
            )
            for f in referrals
        ),
        follow_ups=tuple(
            AccessFollowUp(
                due_on=f.due_on,
                source=f.source,
                assigned_to=staff(f.assigned_to_id),
                note=clean(f.note),
                done_on=f.done_on,
            )
            for f in follow_ups
        ),
    )


def _other_names(
    s: Session, p: Person, own: Sequence[Record], party_of: Sequence[Record]
) -> list[str]:
    """The names of the people linked to the person's data: the other persons on their records
    and on the records they are a party of, and the contact persons of every organisation
    there (an employer, a partner, the company that asked). Their names are struck from the
    texts of the export."""
    record_ids = [r.id for r in (*own, *party_of)]
    persons = {r.client_person_id for r in party_of if r.client_person_id}
    organisations = {r.client_organisation_id for r in party_of if r.client_organisation_id}
    for x in s.scalars(select(RecordParty).where(RecordParty.record_id.in_(record_ids))):
        if x.person_id:
            persons.add(x.person_id)
        if x.organisation_id:
            organisations.add(x.organisation_id)
    organisations |= set(
        s.scalars(select(Referral.partner_id).where(Referral.record_id.in_(record_ids)))
    )
    organisations |= {
        c for c in s.scalars(select(Consent.partner_id).where(Consent.person_id == p.id)) if c
    }
    persons.discard(p.id)
    names = [
        n
        for family, given in s.execute(
            select(Person.family_name, Person.given_name).where(Person.id.in_(persons))
        )
        for n in (family, given)
    ]
    names += s.scalars(
        select(ContactPerson.name).where(ContactPerson.organisation_id.in_(organisations))
    )
    return names


def _audit(
    s: Session, person_id: int, own: Sequence[int], party_of: Sequence[int], users: dict[int, User]
) -> tuple[AccessAuditEntry, ...]:
    """Who read or changed the person and their records, oldest first; of the records they are
    only a party of, who looked at them and who linked or unlinked a party."""
    about = [and_(AuditEntry.entity == AuditEntity.PERSON, AuditEntry.entity_id == person_id)]
    if own:
        about.append(and_(AuditEntry.entity == AuditEntity.RECORD, AuditEntry.entity_id.in_(own)))
    if party_of:
        about.append(
            and_(
                AuditEntry.entity == AuditEntity.RECORD,
                AuditEntry.entity_id.in_(party_of),
                AuditEntry.action.in_([a.value for a in _PARTY_ACTIONS]),
            )
        )
    numbers = dict(
        s.execute(select(Record.id, Record.number).where(Record.id.in_([*own, *party_of]))).all()
    )
    rows = s.scalars(select(AuditEntry).where(or_(*about)).order_by(AuditEntry.at, AuditEntry.id))
    out = []
    for e in rows:
        user = users.get(e.user_id) if e.user_id is not None else None
        is_record = e.entity == AuditEntity.RECORD
        out.append(
            AccessAuditEntry(
                at=e.at,
                actor=e.actor,
                actor_name=user.display_name if user is not None else "",
                action=action_of(e.action),
                about=e.entity,
                record_number=numbers.get(e.entity_id) if is_record and e.entity_id else None,
                fields=tuple(e.fields or ()),
                detail=e.detail,
            )
        )
    return tuple(out)


def _with_vocabulary(s: Session, export: AccessExport) -> AccessExport:
    """``export`` with the labels of every vocabulary code it uses."""
    used: set[tuple[Vocabulary, str]] = set()

    def add(vocabulary: Vocabulary, *codes: str | None) -> None:
        used.update((vocabulary, c) for c in codes if c)

    add(Vocabulary.MUNICIPALITY, export.person.municipality)
    for r in export.records:
        add(Vocabulary.CLOSING_REASON, r.closing_reason)
        add(Vocabulary.REQUESTER_TYPE, r.requester_type)
        add(Vocabulary.CHANNEL, r.channel)
        add(Vocabulary.MUNICIPALITY, r.municipality)
        add(Vocabulary.TOPIC, *r.topics)
        add(Vocabulary.SERVICE, *r.services)
        for c in r.consultations:
            add(Vocabulary.CHANNEL, c.channel)
            add(Vocabulary.TOPIC, *c.topics)
        for f in r.referrals:
            add(Vocabulary.TOPIC, f.topic)
    for t in export.residence_titles:
        add(Vocabulary.RESIDENCE_TITLE, t.title)
    entries = s.scalars(
        select(VocabularyEntry).where(
            VocabularyEntry.vocabulary.in_({v.value for v, _c in used}),
            VocabularyEntry.code.in_({c for _v, c in used}),
        )
    )
    items = tuple(
        VocabularyItem(
            vocabulary=e.vocabulary,
            code=e.code,
            label_de=e.label_de,
            label_en=e.label_en,
            position=e.position,
            active=e.active,
        )
        for e in entries
        if (Vocabulary(e.vocabulary), e.code) in used
    )
    return replace(export, vocabulary=items)
