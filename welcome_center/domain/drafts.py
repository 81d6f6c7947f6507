"""Input dataclasses: what a form or an import hands to a service to create or change an item."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from welcome_center.domain.enums import (
    ClientKind,
    EducationLevel,
    EmploymentStatus,
    Gender,
    GermanLevel,
    OrganisationKind,
    OrganisationSize,
    PartyRole,
    RecognitionDecision,
    RecognitionState,
    RecordKind,
)


@dataclass(frozen=True, kw_only=True)
class PersonDraft:
    family_name: str
    given_name: str = ""
    birth_date: date | None = None
    nationality: str | None = None
    municipality: str | None = None
    email: str = ""
    phone: str = ""
    languages: str = ""
    notes: str = ""
    # The facts funders count (DOMAIN.md "Who was advised"); a full birth date gives the year.
    birth_year: int | None = None
    nationality_2: str | None = None
    gender: Gender = Gender.NOT_RECORDED
    employment_status: EmploymentStatus = EmploymentStatus.NOT_RECORDED
    education: EducationLevel = EducationLevel.NOT_RECORDED
    german_level: GermanLevel = GermanLevel.NOT_RECORDED
    arrival_year: int | None = None


@dataclass(frozen=True, kw_only=True)
class ContactDraft:
    name: str
    function: str = ""
    email: str = ""
    phone: str = ""
    id: int | None = None  # the contact person this line changes; None for a new one


@dataclass(frozen=True, kw_only=True)
class OrganisationDraft:
    name: str
    short_name: str = ""
    is_partner: bool = False
    code: str | None = None
    municipality: str | None = None
    email: str = ""
    phone: str = ""
    website: str = ""
    notes: str = ""
    kind: OrganisationKind = OrganisationKind.NOT_RECORDED
    size: OrganisationSize = OrganisationSize.NOT_RECORDED


@dataclass(frozen=True)
class ClientChoice:
    kind: ClientKind
    id: int


@dataclass(frozen=True, kw_only=True)
class RecordDraft:
    """The overview fields of an enquiry or case. ``client`` None: an anonymous enquiry (the
    caller gave no name; no person is created, DOMAIN.md)."""

    client: ClientChoice | None
    opened_on: date
    kind: RecordKind = RecordKind.ENQUIRY
    counsellor_id: int | None = None
    requester_type: str | None = None
    channel: str | None = None
    municipality: str | None = None
    topics: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    summary: str = ""
    substitute_id: int | None = None  # who stands in for the counsellor on this record
    # The contact that brought the enquiry, saved with the record in one transaction (only
    # when a record is opened; changing a record leaves its consultations alone).
    consultation: ConsultationDraft | None = field(default=None, kw_only=True)


@dataclass(frozen=True, kw_only=True)
class PartyDraft:
    client: ClientChoice
    role: PartyRole
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class ConsultationDraft:
    held_on: date
    duration_minutes: int = 0
    channel: str | None = None
    counsellor_id: int | None = None
    is_first: bool = False
    topics: tuple[str, ...] = ()
    language: str = ""
    interpreter: bool = False
    notes: str = ""


@dataclass(frozen=True, kw_only=True)
class ReferralDraft:
    partner_id: int
    referred_on: date
    topic: str | None = None
    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class RecognitionDraft:
    qualification: str
    reference_occupation: str = ""
    regulated: bool = False
    competent_body: str = ""
    training_country: str | None = None  # ISO 3166-1 alpha-2
    state: RecognitionState = RecognitionState.INFORMED
    decision: RecognitionDecision | None = None
    submitted_on: date | None = None
    decided_on: date | None = None
    notes: str = ""


@dataclass(frozen=True, kw_only=True)
class ResidenceTitleDraft:
    title: str
    valid_from: date | None = None
    expires_on: date | None = None
    accelerated_procedure: bool = False
    notes: str = ""


@dataclass(frozen=True, kw_only=True)
class EventDraft:
    title: str
    kind: str
    held_on: date
    target_group: str = ""
    participants: int = 0
    # Of the participants, persons and organisations where known (None: not recorded).
    participants_persons: int | None = None
    participants_organisations: int | None = None
    partner_ids: tuple[int, ...] = field(default_factory=tuple)
    notes: str = ""


@dataclass(frozen=True, kw_only=True)
class ClosingChoices:
    """What closing a record does with its open work: its open follow-ups are kept or marked
    done, its referrals still waiting for an answer ("sent") are kept or marked "no feedback".
    Keeping loses nothing and is the default. ``seen_follow_ups`` and ``seen_referrals`` are the
    (id, version) pairs the user saw when choosing: an item changed or added since is a
    conflict, so that nothing is marked that the user did not see."""

    follow_ups_done: bool = False
    referrals_no_feedback: bool = False
    seen_follow_ups: tuple[tuple[int, int], ...] = ()
    seen_referrals: tuple[tuple[int, int], ...] = ()
