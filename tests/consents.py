"""A referral needs the client's consent (DOMAIN.md): tests that refer record one first."""

from __future__ import annotations

from datetime import date

from welcome_center.db.models import Record
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.consent import ConsentDraft, ConsentView
from welcome_center.domain.enums import ClientKind, ConsentForm, ConsentPurpose
from welcome_center.services.context import Actor
from welcome_center.services.privacy import consent

LONG_AGO = date(2000, 1, 1)


def consent_to_referrals(
    uow: UnitOfWork,
    actor: Actor,
    record_id: int,
    partner_id: int | None = None,
    given_on: date = LONG_AGO,
) -> ConsentView:
    """The client of record ``record_id`` consents, in writing on ``given_on``, to referrals to
    ``partner_id`` (None: to every partner)."""
    with uow.read() as s:
        r = s.get(Record, record_id)
        assert r is not None, record_id
        kind, client = (
            (ClientKind.PERSON, r.client_person_id)
            if r.client_person_id is not None
            else (ClientKind.ORGANISATION, r.client_organisation_id)
        )
    assert client is not None
    return client_consents_to_referrals(uow, actor, kind, client, partner_id, given_on)


def client_consents_to_referrals(
    uow: UnitOfWork,
    actor: Actor,
    kind: ClientKind,
    client_id: int,
    partner_id: int | None = None,
    given_on: date = LONG_AGO,
) -> ConsentView:
    """The person or organisation consents, in writing on ``given_on``, to referrals to
    ``partner_id`` (None: to every partner)."""
    draft = ConsentDraft(ConsentPurpose.REFERRAL, given_on, ConsentForm.WRITTEN, partner_id)
    return consent.record_consent(uow, actor, kind, client_id, draft).value
