"""Consent rules (DOMAIN.md, data protection): which consent covers a referral, and what is
missing when none does. Pure: consents come in as plain values, nothing is read or written."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Protocol, TypeVar

from welcome_center.domain.enums import ClientKind, ConsentForm, ConsentPurpose


class ConsentLike(Protocol):
    """What the rules need of a consent (a row, a view or a test's value)."""

    @property
    def purpose(self) -> ConsentPurpose: ...
    @property
    def partner_id(self) -> int | None: ...
    @property
    def given_on(self) -> date: ...
    @property
    def withdrawn_on(self) -> date | None: ...


def in_force(consent: ConsentLike, day: date) -> bool:
    """Given on or before ``day`` and not withdrawn by it (a withdrawal on ``day`` counts)."""
    return consent.given_on <= day and (consent.withdrawn_on is None or consent.withdrawn_on > day)


def covers_referral(consent: ConsentLike, partner_id: int, day: date) -> bool:
    """Whether ``consent`` allows a referral to ``partner_id`` on ``day``: purpose referral, for
    that partner or for all partners (no partner named), in force on ``day``."""
    return (
        consent.purpose == ConsentPurpose.REFERRAL
        and consent.partner_id in (None, partner_id)
        and in_force(consent, day)
    )


C = TypeVar("C", bound=ConsentLike)


def covering_referral_consent(consents: Iterable[C], partner_id: int, day: date) -> C | None:
    """The consent a referral to ``partner_id`` on ``day`` relies on: one for that partner if
    there is one, else one for all partners; the earliest given of them. None: refuse."""
    covering = [c for c in consents if covers_referral(c, partner_id, day)]
    if not covering:
        return None
    return min(covering, key=lambda c: (c.partner_id is None, c.given_on))


class ConsentGap(StrEnum):
    """Why no consent covers a referral (the message says which)."""

    NONE = "none"  # no referral consent for this partner or for all partners at all
    NOT_YET = "not_yet"  # one exists, but is given only after the day
    WITHDRAWN = "withdrawn"  # one existed, but was withdrawn on or before the day


@dataclass(frozen=True)
class MissingConsent:
    gap: ConsentGap
    since: date | None = None  # NOT_YET: the date it was given; WITHDRAWN: the withdrawal date


def missing_referral_consent(
    consents: Iterable[ConsentLike], partner_id: int, day: date
) -> MissingConsent | None:
    """None when a consent covers the referral; else what is missing, the nearest reason first:
    a withdrawal (the latest), then a consent given only later (the earliest), then none."""
    relevant = [
        c
        for c in consents
        if c.purpose == ConsentPurpose.REFERRAL and c.partner_id in (None, partner_id)
    ]
    if any(in_force(c, day) for c in relevant):
        return None
    withdrawn = [c.withdrawn_on for c in relevant if c.given_on <= day and c.withdrawn_on]
    if withdrawn:
        return MissingConsent(ConsentGap.WITHDRAWN, max(withdrawn))
    later = [c.given_on for c in relevant if c.given_on > day]
    if later:
        return MissingConsent(ConsentGap.NOT_YET, min(later))
    return MissingConsent(ConsentGap.NONE)


@dataclass(frozen=True)
class ConsentDraft:
    """A consent as the desk records it; ``partner_id`` only for a referral consent (None:
    every partner of the directory); an empty ``text_version`` takes the office's current one."""

    purpose: ConsentPurpose
    given_on: date
    form: ConsentForm
    partner_id: int | None = None
    text_version: str = ""


@dataclass(frozen=True, kw_only=True)
class ConsentView:
    id: int
    client_kind: ClientKind
    client_id: int
    purpose: ConsentPurpose
    partner_id: int | None
    partner: str  # the partner's name; "" = all partners (or not a referral consent)
    given_on: date
    form: ConsentForm
    text_version: str
    recorded_by: str
    recorded_at: datetime
    withdrawn_on: date | None
    withdrawn_by: str
    version: int

    def in_force(self, day: date) -> bool:
        return in_force(self, day)


@dataclass(frozen=True)
class FormPartner:
    name: str
    ticked: bool = False  # the partner the form is printed for


@dataclass(frozen=True)
class ConsentFormContent:
    """What the printable consent form shows, in ``language``."""

    language: str
    office_name: str
    text: str  # the office's wording (its administrator edits it)
    text_version: str
    client_name: str
    birth_date: date | None
    partners: tuple[FormPartner, ...]  # the partner directory, by name
    printed_on: date


# The consent form's wording for a new office (the administrator adapts it in the settings);
# migration 0006 wrote the same text into offices that existed then.
DEFAULT_CONSENT_TEXT_DE = """\
Wir beraten Sie kostenlos und vertraulich. Dafür speichern wir die Angaben, die Sie uns geben. \
Mit Ihrer Unterschrift willigen Sie in die Zwecke ein, die unten angekreuzt sind:

• Beratung: Wir speichern und verarbeiten Ihre Angaben, um Sie zu beraten.
• Weitervermittlung: Wir geben die für Ihr Anliegen nötigen Angaben an die genannte \
Partnerstelle weiter (oder, wenn keine genannt ist, an die Partnerstellen unseres Netzwerks).
• Arbeitgeber: Wir sprechen mit Ihrem Arbeitgeber über Ihr Anliegen.
• Veranstaltungen: Wir laden Sie zu Informationsveranstaltungen ein.

Ihre Einwilligung ist freiwillig. Sie können sie jederzeit ganz oder für einzelne Zwecke \
widerrufen, formlos und ohne Angabe von Gründen; der Widerruf gilt ab dann. Sie haben das Recht \
auf Auskunft über Ihre gespeicherten Daten, auf Berichtigung und auf Löschung. Nach Ablauf der \
Aufbewahrungsfristen anonymisieren wir Ihre Daten."""

DEFAULT_CONSENT_TEXT_EN = """\
We advise you free of charge and in confidence. To do so, we store the information you give \
us. With your signature you consent to the purposes ticked below:

• Counselling: we store and process your information to advise you.
• Referral: we pass the information your matter needs to the partner named (or, if none is \
named, to the partners of our network).
• Employer: we talk with your employer about your matter.
• Events: we invite you to information events.

Your consent is voluntary. You may withdraw it at any time, entirely or for single purposes, \
informally and without giving reasons; the withdrawal applies from then on. You have the right \
to know what data we hold about you, to have it corrected and to have it erased. When the \
retention periods have passed, we anonymise your data."""
