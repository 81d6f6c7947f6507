"""Consent per client and purpose (DOMAIN.md, data protection): record, show, withdraw, the
printable form, and the check a referral must pass. Every call is audited; the rules are in
:mod:`welcome_center.domain.consent`."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from welcome_center.db.models import Consent, Organisation, Person, Record
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.audit import AuditAction
from welcome_center.domain.consent import (
    ConsentDraft,
    ConsentFormContent,
    ConsentGap,
    ConsentView,
    FormPartner,
    MissingConsent,
    covering_referral_consent,
    missing_referral_consent,
)
from welcome_center.domain.dates import office_today
from welcome_center.domain.enums import ClientKind, ConsentPurpose
from welcome_center.domain.errors import (
    ConsentMissingError,
    NotFoundError,
    StateError,
    ValidationError,
)
from welcome_center.domain.permissions import Permission
from welcome_center.i18n import _, format_short_date
from welcome_center.reports.files import write_atomically
from welcome_center.services import audit, record_views, settings, visibility
from welcome_center.services.context import Actor, Changes, Saved
from welcome_center.services.locking import check_version

OVERRIDE_REASON_CHARS = 2_000


def _entity(kind: ClientKind) -> str:
    return "person" if kind is ClientKind.PERSON else "organisation"


def _client(s: Session, kind: ClientKind, client_id: int) -> Person | Organisation:
    item: Person | Organisation | None = (
        s.get(Person, client_id) if kind is ClientKind.PERSON else s.get(Organisation, client_id)
    )
    if item is None or (isinstance(item, Person) and item.anonymised_at is not None):
        raise NotFoundError(
            _("This person does not exist.")
            if kind is ClientKind.PERSON
            else _("This organisation does not exist.")
        )
    return item


def _seen_client(
    s: Session, actor: Actor, kind: ClientKind, client_id: int
) -> Person | Organisation:
    """The client, if the actor may see them (the office's "own records only" setting)."""
    if kind is ClientKind.PERSON:
        visibility.check_person(s, actor, client_id)
    else:
        visibility.check_organisation(s, actor, client_id)
    return _client(s, kind, client_id)


def _client_name(item: Person | Organisation) -> str:
    if isinstance(item, Person):
        return f"{item.family_name}, {item.given_name}" if item.given_name else item.family_name
    return item.name


def _partner_name(o: Organisation) -> str:
    return o.short_name or o.name


def _changes(kind: ClientKind, client_id: int) -> Changes:
    if kind is ClientKind.PERSON:
        return Changes(persons=frozenset({client_id}))
    return Changes(organisations=frozenset({client_id}))


def _view(c: Consent, names: dict[int, str]) -> ConsentView:
    kind = ClientKind.PERSON if c.person_id is not None else ClientKind.ORGANISATION
    client_id = c.person_id if c.person_id is not None else c.organisation_id
    assert client_id is not None  # the check constraint: exactly one client
    return ConsentView(
        id=c.id,
        client_kind=kind,
        client_id=client_id,
        purpose=c.purpose,
        partner_id=c.partner_id,
        partner=_partner_name(c.partner) if c.partner is not None else "",
        given_on=c.given_on,
        form=c.form,
        text_version=c.text_version,
        recorded_by=names.get(c.recorded_by_id or 0, ""),
        recorded_at=c.recorded_at,
        withdrawn_on=c.withdrawn_on,
        withdrawn_by=names.get(c.withdrawn_by_id or 0, ""),
        version=c.version,
    )


def _of_client(s: Session, kind: ClientKind, client_id: int) -> list[Consent]:
    column = Consent.person_id if kind is ClientKind.PERSON else Consent.organisation_id
    return list(
        s.scalars(
            select(Consent)
            .where(column == client_id)
            .options(selectinload(Consent.partner))
            .order_by(Consent.given_on.desc(), Consent.id.desc())
        )
    )


def consents_of(
    uow: UnitOfWork, actor: Actor, kind: ClientKind, client_id: int
) -> list[ConsentView]:
    """A client's consents, the newest first, withdrawn ones included (read: audited)."""
    actor.require(Permission.WORK_RECORDS)
    with uow.begin() as s:
        _seen_client(s, actor, kind, client_id)
        names = record_views.user_names(s)
        found = [_view(c, names) for c in _of_client(s, kind, client_id)]
        audit.log(s, actor, AuditAction.READ, _entity(kind), client_id, detail="consents")
        return found


def record_consent(
    uow: UnitOfWork, actor: Actor, kind: ClientKind, client_id: int, draft: ConsentDraft
) -> Saved[ConsentView]:
    """Record that the client consented to ``draft.purpose`` (for a referral: to one partner,
    or to every partner when none is named) on ``draft.given_on``, no later than today."""
    actor.require(Permission.WORK_RECORDS)
    with uow.begin() as s:
        _seen_client(s, actor, kind, client_id)
        purpose = ConsentPurpose(draft.purpose)
        if draft.given_on > office_today():
            raise ValidationError(
                _("The date of the consent cannot lie in the future."), field="given_on"
            )
        partner_id = draft.partner_id
        if partner_id is not None:
            if purpose is not ConsentPurpose.REFERRAL:
                raise ValidationError(
                    _("Only a consent to referrals names a partner."), field="partner"
                )
            partner = s.get(Organisation, partner_id)
            if partner is None or not partner.is_partner:
                raise ValidationError(
                    _("Choose a partner from the partner directory."), field="partner"
                )
        version = draft.text_version.strip() or settings.current(s).consent_text_version
        c = Consent(
            person_id=client_id if kind is ClientKind.PERSON else None,
            organisation_id=client_id if kind is ClientKind.ORGANISATION else None,
            purpose=purpose,
            partner_id=partner_id,
            given_on=draft.given_on,
            form=draft.form,
            text_version=version[:32],
            recorded_by_id=actor.user_id,
        )
        s.add(c)
        s.flush()
        audit.log(
            s,
            actor,
            AuditAction.RECORD_CONSENT,
            _entity(kind),
            client_id,
            detail=f"consent={c.id} purpose={purpose.value}"
            + (f" partner={partner_id}" if partner_id is not None else ""),
        )
        s.refresh(c, ["partner"])
        return Saved(_view(c, record_views.user_names(s)), _changes(kind, client_id))


def withdraw_consent(
    uow: UnitOfWork,
    actor: Actor,
    consent_id: int,
    on: date | None = None,
    *,
    expected_version: int,
) -> Saved[ConsentView]:
    """The client withdrew the consent on ``on`` (today by default). Past referrals keep it; a
    referral on or after that day needs a new consent."""
    actor.require(Permission.WORK_RECORDS)
    on = on or office_today()
    with uow.begin() as s:
        c = s.get(Consent, consent_id)
        if c is None:
            raise NotFoundError(_("This consent does not exist."))
        if c.person_id is not None:
            visibility.check_person(s, actor, c.person_id)
        elif c.organisation_id is not None:
            visibility.check_organisation(s, actor, c.organisation_id)
        if c.withdrawn_on is not None:
            raise StateError(
                _("This consent was withdrawn on %(date)s already.")
                % {"date": format_short_date(c.withdrawn_on)}
            )
        check_version(
            s, _("This consent"), c.version, expected_version, c.recorded_by_id, c.recorded_at
        )
        if on < c.given_on or on > office_today():
            raise ValidationError(
                _("The withdrawal date must lie between the date of the consent and today."),
                field="withdrawn_on",
            )
        c.withdrawn_on, c.withdrawn_by_id = on, actor.user_id
        s.flush()
        view = _view(c, record_views.user_names(s))
        audit.log(
            s,
            actor,
            AuditAction.WITHDRAW_CONSENT,
            _entity(view.client_kind),
            view.client_id,
            ["withdrawn_on"],
            detail=f"consent={c.id} purpose={c.purpose.value}",
        )
        return Saved(view, _changes(view.client_kind, view.client_id))


# --- at a referral -------------------------------------------------------------------------


def check_referral(
    s: Session,
    actor: Actor,
    record: Record,
    partner: Organisation,
    day: date,
    override_reason: str = "",
) -> str | None:
    """Inside a referral's transaction: pass when a consent of the record's client covers a
    referral to ``partner`` on ``day``. Otherwise refuse with ConsentMissingError, unless the
    office allows overrides and ``override_reason`` says why; then the reason is returned (to
    be stored with the referral, whose writer audits the override with
    :func:`audit_override`). None: covered by a consent."""
    kind = ClientKind.PERSON if record.client_person_id is not None else ClientKind.ORGANISATION
    client_id = record.client_person_id or record.client_organisation_id
    assert client_id is not None
    consents = _of_client(s, kind, client_id)
    missing = missing_referral_consent(consents, partner.id, day)
    if missing is None:
        return None
    allowed = settings.current(s).consent_override_allowed
    reason = override_reason.strip()
    if reason and allowed:
        if len(reason) > OVERRIDE_REASON_CHARS:
            raise ValidationError(
                _("The reason may be at most %(n)d characters long.")
                % {"n": OVERRIDE_REASON_CHARS},
                field="consent_override_reason",
            )
        return reason
    client = _client(s, kind, client_id)
    names = {"client": _client_name(client), "partner": _partner_name(partner)}
    text = _missing_text(names, missing, day)
    if reason and not allowed:
        text += " " + _("This office does not allow referrals without consent.")
    raise ConsentMissingError(
        text,
        client_kind=kind.value,
        client_id=client_id,
        client_name=names["client"],
        partner_id=partner.id,
        partner_name=names["partner"],
        referred_on=day,
        override_allowed=allowed,
    )


def _missing_text(names: dict[str, str], missing: MissingConsent, day: date) -> str:
    """What is missing for a referral to names["partner"] on ``day``, in words."""
    if missing.gap is ConsentGap.WITHDRAWN:
        assert missing.since is not None
        return _(
            "%(client)s withdrew the consent to referrals to %(partner)s on %(date)s. "
            "Missing: a new consent to referrals to %(partner)s (or to all partners)."
        ) % {**names, "date": format_short_date(missing.since)}
    if missing.gap is ConsentGap.NOT_YET:
        assert missing.since is not None
        return _(
            "%(client)s consented to referrals to %(partner)s only on %(date)s, after the "
            "referral date %(day)s. Missing: a consent given on or before %(day)s."
        ) % {**names, "date": format_short_date(missing.since), "day": format_short_date(day)}
    return (
        _(
            "%(client)s has not consented to referrals to %(partner)s. Missing: a consent "
            "to referrals to %(partner)s (or to all partners)."
        )
        % names
    )


def consent_to_pass_on(s: Session, record: Record, partner: Organisation, day: date) -> Consent:
    """Inside a caller's transaction: the consent of the record's client that lets the office
    pass the record to ``partner`` on ``day`` (a referral note made that day), or
    ConsentMissingError saying what is missing; no override: the note carries personal data."""
    kind = ClientKind.PERSON if record.client_person_id is not None else ClientKind.ORGANISATION
    client_id = record.client_person_id or record.client_organisation_id
    assert client_id is not None
    consents = _of_client(s, kind, client_id)
    found = covering_referral_consent(consents, partner.id, day)
    if found is not None:
        return found
    missing = missing_referral_consent(consents, partner.id, day)
    assert missing is not None
    names = {"client": _client_name(_client(s, kind, client_id)), "partner": _partner_name(partner)}
    raise ConsentMissingError(
        _missing_text(names, missing, day),
        client_kind=kind.value,
        client_id=client_id,
        client_name=names["client"],
        partner_id=partner.id,
        partner_name=names["partner"],
        referred_on=day,
        override_allowed=False,
    )


def audit_override(s: Session, actor: Actor, record_id: int, referral_id: int) -> None:
    """Log that a referral was made without consent (its reason is stored with it)."""
    audit.log(
        s,
        actor,
        AuditAction.CONSENT_OVERRIDE,
        "record",
        record_id,
        ["consent_override_reason"],
        detail=f"referral={referral_id}",
    )


# --- the printable form --------------------------------------------------------------------


def consent_form(
    uow: UnitOfWork,
    actor: Actor,
    kind: ClientKind,
    client_id: int,
    language: str,
    target: Path,
    partner_id: int | None = None,
) -> Path:
    """Write the office's consent form for the client as a PDF in ``language`` (de or en): the
    office's text, the purposes as tick boxes, the partners of the directory (``partner_id``
    ticked), date and signature lines. Audited as an export."""
    from welcome_center.i18n import LANGUAGES
    from welcome_center.reports import consent_form as render

    actor.require(Permission.WORK_RECORDS)
    if language not in LANGUAGES:
        raise ValidationError(_("Choose German or English."), field="language")
    with uow.begin() as s:
        client = _seen_client(s, actor, kind, client_id)
        office = settings.current(s)
        partners = s.scalars(
            select(Organisation).where(
                Organisation.is_partner.is_(True), Organisation.active.is_(True)
            )
        ).all()
        content = ConsentFormContent(
            language=language,
            office_name=office.office_name,
            text=office.consent_text_de if language == "de" else office.consent_text_en,
            text_version=office.consent_text_version,
            client_name=_client_name(client),
            birth_date=client.birth_date if isinstance(client, Person) else None,
            partners=tuple(
                sorted(
                    (FormPartner(p.name, p.id == partner_id) for p in partners),
                    key=lambda p: p.name.casefold(),
                )
            ),
            printed_on=office_today(),
        )
        audit.log(
            s,
            actor,
            AuditAction.EXPORT,
            _entity(kind),
            client_id,
            detail=f"consent_form language={language}",
        )
    # Whole or not at all: no temporary or half-written form stays behind (reports/files.py).
    write_atomically(target, render.render_consent_form(content))
    return target
