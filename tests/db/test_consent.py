"""Consent per client and purpose (DOMAIN.md): recorded, listed, withdrawn, audited; a referral
without a covering consent is refused, naming what is missing; the override needs the office's
setting and a reason, and is audited. On SQLite and PostgreSQL."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from welcome_center.db.models import AuditEntry, Referral
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.consent import ConsentDraft
from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import (
    ClientChoice,
    OrganisationDraft,
    PersonDraft,
    RecordDraft,
    ReferralDraft,
)
from welcome_center.domain.enums import ClientKind, ConsentForm, ConsentPurpose
from welcome_center.domain.errors import (
    ConsentMissingError,
    NotFoundError,
    PermissionDeniedError,
    StateError,
    ValidationError,
)
from welcome_center.services import cases, people, referrals, settings
from welcome_center.services.context import Actor
from welcome_center.services.privacy import consent

TODAY = office_today()
OPENED = TODAY - timedelta(days=60)
D = TODAY - timedelta(days=20)  # the referral day of most tests


def _partner(uow: UnitOfWork, code: str) -> int:
    return next(o.id for o in people.list_partners(uow) if o.code == code)


def _person_record(uow: UnitOfWork, actor: Actor) -> tuple[int, int]:
    pid = people.create_person(
        uow, actor, PersonDraft(family_name="Nguyen", given_name="Thi Lan")
    ).value.id
    draft = RecordDraft(client=ClientChoice(ClientKind.PERSON, pid), opened_on=OPENED)
    return pid, cases.open_record(uow, actor, draft).value.id


def _give(
    uow: UnitOfWork,
    actor: Actor,
    pid: int,
    partner: int | None,
    on: date,
    purpose: ConsentPurpose = ConsentPurpose.REFERRAL,
):  # type: ignore[no-untyped-def]
    draft = ConsentDraft(purpose, on, ConsentForm.WRITTEN, partner)
    return consent.record_consent(uow, actor, ClientKind.PERSON, pid, draft).value


def _last(uow: UnitOfWork, n: int = 1) -> list[SimpleNamespace]:
    """The newest ``n`` audit entries, newest first (plain values)."""
    with uow.read() as s:
        rows = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(n)).all()
        names = ("action", "entity", "entity_id", "fields", "detail", "actor")
        return [SimpleNamespace(**{k: getattr(e, k) for k in names}) for e in rows]


def test_a_consent_is_recorded_listed_and_audited(uow: UnitOfWork, anna: Actor) -> None:
    pid, _rid = _person_record(uow, anna)
    fizuz = _partner(uow, "fizuz")
    saved = consent.record_consent(
        uow,
        anna,
        ClientKind.PERSON,
        pid,
        ConsentDraft(ConsentPurpose.REFERRAL, D, ConsentForm.ORAL, fizuz),
    )
    c = saved.value
    assert saved.changes.persons == frozenset({pid})
    assert (c.purpose, c.partner_id, c.partner, c.given_on) == ("referral", fizuz, "FIZUZ", D)
    assert (c.form, c.text_version, c.recorded_by, c.withdrawn_on) == (
        "oral",
        "1",
        "Anna Berger",
        None,
    )
    (entry,) = _last(uow)
    assert (entry.action, entry.entity, entry.entity_id) == ("record_consent", "person", pid)
    assert entry.detail == f"consent={c.id} purpose=referral partner={fizuz}"
    events = _give(uow, anna, pid, None, TODAY, ConsentPurpose.EVENTS)
    assert consent.consents_of(uow, anna, ClientKind.PERSON, pid) == [events, c]  # newest first
    (read,) = _last(uow)
    assert (read.action, read.entity, read.entity_id, read.detail) == (
        "read",
        "person",
        pid,
        "consents",
    )


def test_an_organisation_consents_too(uow: UnitOfWork, anna: Actor) -> None:
    oid = people.create_organisation(uow, anna, OrganisationDraft(name="Autohaus Kühn")).value.id
    draft = ConsentDraft(ConsentPurpose.EMPLOYER, D, ConsentForm.ELECTRONIC)
    c = consent.record_consent(uow, anna, ClientKind.ORGANISATION, oid, draft).value
    assert (c.client_kind, c.client_id) == (ClientKind.ORGANISATION, oid)
    assert consent.consents_of(uow, anna, ClientKind.ORGANISATION, oid) == [c]


def test_a_bad_consent_is_refused(uow: UnitOfWork, anna: Actor, manager: Actor) -> None:
    pid, _rid = _person_record(uow, anna)
    company = people.create_organisation(uow, anna, OrganisationDraft(name="Muster GmbH")).value.id
    written = ConsentForm.WRITTEN
    cases_ = [
        (ConsentDraft(ConsentPurpose.REFERRAL, TODAY + timedelta(1), written), "given_on"),
        (ConsentDraft(ConsentPurpose.EVENTS, D, written, _partner(uow, "mbe")), "partner"),
        (ConsentDraft(ConsentPurpose.REFERRAL, D, written, company), "partner"),
    ]
    for draft, field in cases_:
        with pytest.raises(ValidationError) as info:
            consent.record_consent(uow, anna, ClientKind.PERSON, pid, draft)
        assert info.value.field == field
    ok = ConsentDraft(ConsentPurpose.REFERRAL, D, ConsentForm.WRITTEN)
    with pytest.raises(NotFoundError):
        consent.record_consent(uow, anna, ClientKind.PERSON, 4711, ok)
    with pytest.raises(PermissionDeniedError):  # a manager sees figures, never clients
        consent.record_consent(uow, manager, ClientKind.PERSON, pid, ok)
    with pytest.raises(PermissionDeniedError):
        consent.consents_of(uow, manager, ClientKind.PERSON, pid)
    assert consent.consents_of(uow, anna, ClientKind.PERSON, pid) == []


def test_a_referral_without_consent_is_refused_naming_client_partner_and_what_is_missing(
    uow: UnitOfWork, anna: Actor
) -> None:
    pid, rid = _person_record(uow, anna)
    fizuz = _partner(uow, "fizuz")
    _give(uow, anna, pid, _partner(uow, "mbe"), OPENED)  # another partner: does not count
    _give(uow, anna, pid, None, OPENED, ConsentPurpose.COUNSELLING)  # another purpose
    with pytest.raises(ConsentMissingError) as info:
        referrals.refer(uow, anna, rid, ReferralDraft(partner_id=fizuz, referred_on=D))
    exc = info.value
    assert exc.message == (
        "Nguyen, Thi Lan has not consented to referrals to FIZUZ. Missing: a consent to "
        "referrals to FIZUZ (or to all partners)."
    )
    assert (exc.client_kind, exc.client_id, exc.partner_id, exc.referred_on) == (
        "person",
        pid,
        fizuz,
        D,
    )
    assert exc.override_allowed is False
    assert cases.get_record(uow, anna, rid).referrals == ()


def test_a_consent_for_the_partner_or_for_all_partners_lets_the_referral_through(
    uow: UnitOfWork, anna: Actor
) -> None:
    pid, rid = _person_record(uow, anna)
    fizuz, zav, jmd = _partner(uow, "fizuz"), _partner(uow, "zav"), _partner(uow, "jmd")
    _give(uow, anna, pid, fizuz, D)  # given on the very day
    assert (
        referrals.refer(
            uow, anna, rid, ReferralDraft(partner_id=fizuz, referred_on=D)
        ).value.partner_id
        == fizuz
    )
    with pytest.raises(ConsentMissingError):
        referrals.refer(uow, anna, rid, ReferralDraft(partner_id=zav, referred_on=D))
    _give(uow, anna, pid, None, D - timedelta(days=1))
    referrals.refer(uow, anna, rid, ReferralDraft(partner_id=zav, referred_on=D))
    referrals.refer(uow, anna, rid, ReferralDraft(partner_id=jmd, referred_on=D))
    with uow.read() as s:
        reasons = s.scalars(select(Referral.consent_override_reason)).all()
    assert reasons == [None, None, None]


def test_a_consent_given_after_the_referral_day_does_not_count(
    uow: UnitOfWork, anna: Actor
) -> None:
    pid, rid = _person_record(uow, anna)
    fizuz = _partner(uow, "fizuz")
    _give(uow, anna, pid, fizuz, D + timedelta(days=1))
    with pytest.raises(ConsentMissingError) as info:
        referrals.refer(uow, anna, rid, ReferralDraft(partner_id=fizuz, referred_on=D))
    assert "only on" in info.value.message and "Missing: a consent given on or before" in (
        info.value.message
    )


def test_a_withdrawal_before_the_day_refuses_and_never_changes_past_referrals(
    uow: UnitOfWork, anna: Actor, ben: Actor
) -> None:
    pid, rid = _person_record(uow, anna)
    fizuz = _partner(uow, "fizuz")
    c = _give(uow, anna, pid, None, OPENED)
    past = referrals.refer(uow, anna, rid, ReferralDraft(partner_id=fizuz, referred_on=D)).value
    withdrawn = consent.withdraw_consent(
        uow, ben, c.id, D + timedelta(days=2), expected_version=c.version
    )
    w = withdrawn.value
    assert (w.withdrawn_on, w.withdrawn_by) == (D + timedelta(days=2), "Ben Schulz")
    assert withdrawn.changes.persons == frozenset({pid})
    (entry,) = _last(uow)
    assert (entry.action, entry.entity, entry.entity_id, entry.fields) == (
        "withdraw_consent",
        "person",
        pid,
        ["withdrawn_on"],
    )
    # The referral made while the consent stood stays as it was.
    assert cases.get_record(uow, anna, rid).referrals == (past,)
    # A day before the withdrawal still counts; on and after it, no more.
    referrals.refer(
        uow, anna, rid, ReferralDraft(partner_id=fizuz, referred_on=D + timedelta(days=1))
    )
    for day in (D + timedelta(days=2), TODAY):
        with pytest.raises(ConsentMissingError) as info:
            referrals.refer(uow, anna, rid, ReferralDraft(partner_id=fizuz, referred_on=day))
        assert "withdrew the consent to referrals to FIZUZ on" in info.value.message


def test_a_withdrawal_is_checked(uow: UnitOfWork, anna: Actor) -> None:
    pid, _rid = _person_record(uow, anna)
    c = _give(uow, anna, pid, None, D)
    for on in (D - timedelta(days=1), TODAY + timedelta(days=1)):
        with pytest.raises(ValidationError) as info:
            consent.withdraw_consent(uow, anna, c.id, on, expected_version=c.version)
        assert info.value.field == "withdrawn_on"
    w = consent.withdraw_consent(uow, anna, c.id, expected_version=c.version).value
    assert w.withdrawn_on == TODAY
    with pytest.raises(StateError):
        consent.withdraw_consent(uow, anna, c.id, expected_version=w.version)
    with pytest.raises(NotFoundError):
        consent.withdraw_consent(uow, anna, 4711, expected_version=1)


def test_the_override_needs_the_setting_and_a_reason_and_is_audited(
    uow: UnitOfWork, anna: Actor, admin: Actor
) -> None:
    _pid, rid = _person_record(uow, anna)
    fizuz = _partner(uow, "fizuz")
    draft = ReferralDraft(partner_id=fizuz, referred_on=D)
    with pytest.raises(ConsentMissingError) as info:  # not allowed: a reason does not help
        referrals.refer(uow, anna, rid, draft, consent_override="Notfall: Frist morgen")
    assert "This office does not allow referrals without consent." in info.value.message
    settings.update_settings(uow, admin, consent_override_allowed=True)
    with pytest.raises(ConsentMissingError) as info:  # allowed, but no reason
        referrals.refer(uow, anna, rid, draft, consent_override="   ")
    assert info.value.override_allowed is True
    f = referrals.refer(uow, anna, rid, draft, consent_override=" Notfall: Frist morgen ").value
    with uow.read() as s:
        row = s.get(Referral, f.id)
        assert row is not None and row.consent_override_reason == "Notfall: Frist morgen"
    override, refer = _last(uow, 2)
    assert (refer.action, refer.detail) == ("refer", f"referral={f.id}")
    assert (override.action, override.entity, override.entity_id) == (
        "consent_override",
        "record",
        rid,
    )
    assert (override.fields, override.detail, override.actor) == (
        ["consent_override_reason"],
        f"referral={f.id}",
        "anna",
    )
    assert "Notfall" not in override.detail  # the reason stays with the referral


def test_a_reason_given_although_consent_covers_is_not_stored(
    uow: UnitOfWork, anna: Actor, admin: Actor
) -> None:
    pid, rid = _person_record(uow, anna)
    settings.update_settings(uow, admin, consent_override_allowed=True)
    _give(uow, anna, pid, None, OPENED)
    f = referrals.refer(
        uow,
        anna,
        rid,
        ReferralDraft(partner_id=_partner(uow, "fizuz"), referred_on=D),
        consent_override="x",
    ).value
    with uow.read() as s:
        row = s.get(Referral, f.id)
        assert row is not None and row.consent_override_reason is None
    assert [e.action for e in _last(uow, 1)] == ["refer"]


def test_the_consent_form_is_a_pdf_in_the_clients_language_and_audited(
    uow: UnitOfWork, anna: Actor, tmp_path: Path
) -> None:
    pid, _rid = _person_record(uow, anna)
    for lang, words in (("de", "Einwilligung"), ("en", "Consent")):
        target = consent.consent_form(
            uow, anna, ClientKind.PERSON, pid, lang, tmp_path / f"form_{lang}.pdf",
            partner_id=_partner(uow, "fizuz"),
        )  # fmt: skip
        data = target.read_bytes()
        assert data.startswith(b"%PDF")
        text = " ".join(PdfReader(io.BytesIO(data)).pages[0].extract_text().split())
        assert words in text and "Nguyen, Thi Lan" in text
        assert "☒ Fachinformationszentrum Zuwanderung" in text and text.count("☒") == 1
        (entry,) = _last(uow)
        assert (entry.action, entry.entity, entry.entity_id) == ("export", "person", pid)
        assert entry.detail == f"consent_form language={lang}"
    with pytest.raises(ValidationError):
        consent.consent_form(uow, anna, ClientKind.PERSON, pid, "fr", tmp_path / "x.pdf")
