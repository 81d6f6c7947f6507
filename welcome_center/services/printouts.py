"""Print-outs from a record: the client summary to take home, and the referral note for a
partner (PDF, or the text of an e-mail). Each one made is audited; the rules of what goes on
them are in :mod:`welcome_center.domain.printouts`.

The client summary is built from choices that hold no internal text of the record (its
summary, consultation notes, referral reasons and outcomes, follow-up notes), so none can
reach it. A referral note passes the client's data to a partner: it is made only while a
consent of the client to referrals to that partner (or to all partners) is in force, and it
carries the name and only the details the counsellor ticked.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from welcome_center.db.models import (
    FollowUp,
    Organisation,
    Person,
    Record,
    Referral,
    User,
    VocabularyEntry,
)
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.audit import AuditAction
from welcome_center.domain.dates import office_today
from welcome_center.domain.enums import ClientKind, Vocabulary
from welcome_center.domain.errors import NotFoundError, ValidationError
from welcome_center.domain.permissions import Permission
from welcome_center.domain.printout_texts import DEFAULT_SUMMARY_TEXTS
from welcome_center.domain.printouts import (
    MAX_STEPS,
    STEP_CHARS,
    ClientDetail,
    NoteChoices,
    NoteContent,
    NoteRequest,
    OfficeContact,
    PartnerContact,
    StepChoice,
    SummaryChoices,
    SummaryError,
    SummaryProblem,
    SummaryRequest,
    TopicChoice,
    build_note,
    build_summary,
)
from welcome_center.domain.views import OfficeSettingsView
from welcome_center.i18n import LANGUAGES, _, format_short_date
from welcome_center.reports import client_summary as summary_sheet
from welcome_center.reports import referral_note as note_sheet
from welcome_center.reports.files import write_atomically
from welcome_center.services import audit, cases, settings
from welcome_center.services.context import Actor
from welcome_center.services.privacy import consent

# --- the office ----------------------------------------------------------------------------------


def office_contact(office: OfficeSettingsView) -> OfficeContact:
    """The office as the print-outs show it (its settings)."""
    return OfficeContact(
        name=office.office_name,
        address=office.office_address,
        phone=office.office_phone,
        email=office.office_email,
        website=office.office_website,
    )


def summary_texts(office: OfficeSettingsView) -> dict[str, str]:
    """The client summary's template per language: the office's own where it wrote one, the
    built-in one for German, simple German and English otherwise."""
    return {**DEFAULT_SUMMARY_TEXTS, **dict(office.summary_texts)}


def _counsellor(s: Session, r: Record, actor: Actor) -> str:
    """Who advised, as the sheet names them: the record's counsellor, else who prints it."""
    user = s.get(User, r.counsellor_id) if r.counsellor_id is not None else None
    if user is None and actor.user_id is not None:
        user = s.get(User, actor.user_id)
    return (user.display_name or user.username) if user is not None else ""


def _topics(s: Session, codes: Sequence[str]) -> dict[str, TopicChoice]:
    rows = s.scalars(
        select(VocabularyEntry)
        .where(
            VocabularyEntry.vocabulary == Vocabulary.TOPIC.value,
            VocabularyEntry.code.in_(set(codes)),
        )
        .order_by(VocabularyEntry.position, VocabularyEntry.code)
    )
    return {e.code: TopicChoice(e.code, e.label_de, e.label_en) for e in rows}


def _partner(o: Organisation, topics: Sequence[str] = ()) -> PartnerContact:
    people = []
    for c in o.contacts:
        head = c.name + (f" ({c.function})" if c.function else "")
        people.append(", ".join(x for x in (head, c.phone, c.email) if x))
    return PartnerContact(
        id=o.id,
        name=o.name,
        phone=o.phone,
        email=o.email,
        website=o.website,
        people=tuple(people),
        topics=tuple(dict.fromkeys(topics)),
    )


# --- the client summary --------------------------------------------------------------------------


def _summary_choices(s: Session, actor: Actor, record_id: int) -> SummaryChoices:
    r = cases.load(s, record_id, actor)
    record_topics = [t.topic for t in r.topics]
    referrals = list(
        s.scalars(
            select(Referral)
            .where(Referral.record_id == r.id)
            .options(selectinload(Referral.partner).selectinload(Organisation.contacts))
            .order_by(Referral.referred_on, Referral.id)
        )
    )
    follow_ups = s.scalars(
        select(FollowUp)
        .where(FollowUp.record_id == r.id, FollowUp.done_on.is_(None))
        .order_by(FollowUp.due_on, FollowUp.id)
    )
    by_partner: dict[int, tuple[Organisation, list[str]]] = {}
    for f in referrals:
        by_partner.setdefault(f.partner_id, (f.partner, []))[1].extend([f.topic] if f.topic else [])
    labels = _topics(s, [*record_topics, *(f.topic for f in referrals if f.topic)])
    office = settings.current(s)
    return SummaryChoices(
        record_id=r.id,
        opened_on=r.opened_on,
        office=office_contact(office),
        counsellor=_counsellor(s, r, actor),
        texts=summary_texts(office),
        topics=tuple(t for c, t in labels.items() if c in record_topics),  # in the list's order
        follow_ups=tuple(StepChoice(f.id, f.due_on) for f in follow_ups),
        partners=tuple(_partner(o, topics) for o, topics in by_partner.values()),
        topic_labels=labels,
    )


def summary_choices(uow: UnitOfWork, actor: Actor, record_id: int) -> SummaryChoices:
    """What the counsellor chooses a client summary's content from: the record's topics, the
    days of its open follow-ups, the partners it was referred to, and the office's texts."""
    actor.require(Permission.WORK_RECORDS)
    with uow.read() as s:
        return _summary_choices(s, actor, record_id)


def _summary_error(exc: SummaryError) -> ValidationError:
    p = exc.problem
    if p is SummaryProblem.LANGUAGE:
        return ValidationError(_("Choose the language of the summary."), field="language")
    if p is SummaryProblem.DAY:
        return ValidationError(
            _("The date must lie between the opening of the record and today."), field="day"
        )
    if p is SummaryProblem.TOPIC:
        return ValidationError(_("Choose topics of this record only."), field="topics")
    if p is SummaryProblem.PARTNER:
        return ValidationError(
            _("Choose partners this record was referred to only."), field="partners"
        )
    if p is SummaryProblem.STEPS:
        return ValidationError(
            _("At most %(n)d next steps fit on the sheet.") % {"n": MAX_STEPS}, field="steps"
        )
    day = format_short_date(exc.step.due_on) if exc.step else ""
    if p is SummaryProblem.STEP_LONG:
        return ValidationError(
            _("The step of %(date)s is too long: at most %(n)d characters.")
            % {"date": day, "n": STEP_CHARS},
            field="steps",
        )
    return ValidationError(
        _("Write what the client does or can expect on %(date)s, or leave that step out.")
        % {"date": day},
        field="steps",
    )


def summary_problem(choices: SummaryChoices, request: SummaryRequest) -> ValidationError | None:
    """What keeps ``request`` from being printed, in words (None: nothing); the desk asks
    before it asks for a file."""
    try:
        build_summary(choices, request, office_today())
    except SummaryError as exc:
        return _summary_error(exc)
    return None


def client_summary(uow: UnitOfWork, actor: Actor, record_id: int, request: SummaryRequest) -> bytes:
    """The client summary as a one-page PDF (audited as ``client_summary``). More than fits
    on one page is refused, saying what to leave out."""
    actor.require(Permission.WORK_RECORDS)
    with uow.read() as s:
        choices = _summary_choices(s, actor, record_id)
    try:
        content = build_summary(choices, request, office_today())
    except SummaryError as exc:
        raise _summary_error(exc) from None
    data, pages = summary_sheet.render_client_summary(content)
    if pages > 1:
        raise ValidationError(
            _(
                "This is more than fits on one page. Leave out some topics, steps or partners, "
                "or shorten the steps."
            )
        )
    with uow.begin() as s:
        audit.log(
            s,
            actor,
            AuditAction.CLIENT_SUMMARY,
            "record",
            record_id,
            detail=(
                f"language={content.language} asked={request.language} "
                f"topics={len(content.topics)} steps={len(content.steps)} "
                f"partners={','.join(str(p.id) for p, _t in content.partners)}"
            ),
        )
    return data


def write_client_summary(
    uow: UnitOfWork, actor: Actor, record_id: int, request: SummaryRequest, target: Path
) -> Path:
    """:func:`client_summary` written to ``target``, whole or not at all."""
    write_atomically(target, client_summary(uow, actor, record_id, request))
    return target


# --- the referral note ---------------------------------------------------------------------------


def _client_details(s: Session, r: Record) -> tuple[ClientKind, str, dict[ClientDetail, str]]:
    if r.client_person_id is not None:
        p = s.get(Person, r.client_person_id)
        if p is None or p.anonymised_at is not None:
            raise NotFoundError(_("This person does not exist."))
        name = f"{p.given_name} {p.family_name}".strip()
        nationalities = ",".join(c for c in (p.nationality, p.nationality_2) if c)
        values = {
            ClientDetail.BIRTH_DATE: p.birth_date.isoformat() if p.birth_date else "",
            ClientDetail.NATIONALITY: nationalities,
            ClientDetail.LANGUAGES: p.languages,
            ClientDetail.PHONE: p.phone,
            ClientDetail.EMAIL: p.email,
        }
        kind = ClientKind.PERSON
    else:
        o = s.get(Organisation, r.client_organisation_id)
        assert o is not None
        name, kind = o.name, ClientKind.ORGANISATION
        values = {ClientDetail.PHONE: o.phone, ClientDetail.EMAIL: o.email}
        values[ClientDetail.WEBSITE] = o.website
    return kind, name, {k: v.strip() for k, v in values.items() if v and v.strip()}


def _note_choices(s: Session, actor: Actor, referral_id: int) -> NoteChoices:
    f = s.get(Referral, referral_id)
    if f is None:
        raise NotFoundError(_("This referral does not exist."))
    r = cases.load(s, f.record_id, actor)
    cases.require_client(  # it has no referrals either; the note needs a client's consent
        r, _("An anonymous enquiry has no client whose details a referral note could pass on.")
    )
    partner = f.partner
    given = consent.consent_to_pass_on(s, r, partner, office_today())
    kind, name, details = _client_details(s, r)
    topic = _topics(s, [f.topic]).get(f.topic or "") if f.topic else None
    return NoteChoices(
        referral_id=f.id,
        record_id=r.id,
        record_number=r.number,
        office=office_contact(settings.current(s)),
        counsellor=_counsellor(s, r, actor),
        partner=_partner(partner),
        referred_on=f.referred_on,
        topic_de=topic.label_de if topic else "",
        topic_en=topic.label_en if topic else "",
        reason=f.reason,
        client_kind=kind,
        client_name=name,
        details=details,
        consent_given_on=given.given_on,
        consent_partner=partner.name if given.partner_id is not None else "",
    )


def note_choices(uow: UnitOfWork, actor: Actor, referral_id: int) -> NoteChoices:
    """What a referral note can carry; ConsentMissingError (saying what is missing) unless a
    consent of the client to referrals to the partner is in force today. A read of the
    client's details: audited."""
    actor.require(Permission.WORK_RECORDS)
    with uow.begin() as s:
        choices = _note_choices(s, actor, referral_id)
        audit.log(
            s, actor, AuditAction.READ, "record", choices.record_id,
            detail=f"referral_note referral={referral_id}",
        )  # fmt: skip
        return choices


def _made(
    uow: UnitOfWork, actor: Actor, referral_id: int, request: NoteRequest, form: str
) -> NoteContent:
    """The note's content, checked again (the consent may have been withdrawn meanwhile), and
    its audit entry."""
    actor.require(Permission.WORK_RECORDS)
    if request.language not in LANGUAGES:
        raise ValidationError(_("Choose German or English."), field="language")
    with uow.begin() as s:
        choices = _note_choices(s, actor, referral_id)
        content = build_note(choices, request, office_today())
        audit.log(
            s,
            actor,
            AuditAction.REFERRAL_NOTE,
            "record",
            choices.record_id,
            detail=(
                f"referral={referral_id} partner={choices.partner.id} form={form} "
                f"language={request.language} details={','.join(d for d, _v in content.details)}"
            ),
        )
    return content


def referral_note_pdf(
    uow: UnitOfWork, actor: Actor, referral_id: int, request: NoteRequest
) -> bytes:
    """The referral note as PDF (audited as ``referral_note``)."""
    content = _made(uow, actor, referral_id, request, "pdf")
    return note_sheet.render_referral_note(content)


def write_referral_note(
    uow: UnitOfWork, actor: Actor, referral_id: int, request: NoteRequest, target: Path
) -> Path:
    """:func:`referral_note_pdf` written to ``target``, whole or not at all."""
    write_atomically(target, referral_note_pdf(uow, actor, referral_id, request))
    return target


def referral_note_email(
    uow: UnitOfWork, actor: Actor, referral_id: int, request: NoteRequest
) -> tuple[str, str]:
    """The referral note as an e-mail's subject and text (audited as ``referral_note``)."""
    content = _made(uow, actor, referral_id, request, "email")
    return note_sheet.note_subject(content), note_sheet.note_text(content)
