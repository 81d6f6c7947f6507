"""Frozen result dataclasses that services return and the desk and reports show."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from welcome_center.domain.documents import DocumentKind
from welcome_center.domain.enums import (
    ClientKind,
    EducationLevel,
    EmploymentStatus,
    FollowUpSource,
    Gender,
    GermanLevel,
    OrganisationKind,
    OrganisationSize,
    PartyRole,
    RecognitionDecision,
    RecognitionState,
    RecordKind,
    RecordStatus,
    ReferralStatus,
    Role,
)


@dataclass(frozen=True, kw_only=True)
class UserView:
    id: int
    username: str
    display_name: str
    roles: frozenset[Role]  # one or several
    active: bool
    has_password: bool
    # Until when logins are locked after failed ones (domain/login_policy.py), if they are.
    locked_until: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class OfficeSettingsView:
    office_name: str
    number_prefix: str
    project_start: date | None
    suppression_threshold: int
    residence_expiry_window_days: int
    referral_feedback_days: int
    version: int
    # Data protection (DOMAIN.md): consent, retention, need to know.
    consent_override_allowed: bool = False
    consent_text_de: str = ""
    consent_text_en: str = ""
    consent_text_version: str = "1"
    retention_enquiry_months: int = 12
    retention_case_months: int = 36
    retention_audit_months: int = 36
    backups_keep: int = 10
    record_visibility: str = "all"  # a RecordVisibility
    idle_lock_minutes: int = 5  # the desk locks after this many minutes without input
    # Print-outs (services/printouts.py): how to reach the office, the client summary's
    # template per language where the office wrote its own ((language, text), by language).
    office_address: str = ""
    office_phone: str = ""
    office_email: str = ""
    office_website: str = ""
    summary_texts: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, kw_only=True)
class VocabularyItem:
    vocabulary: str
    code: str
    label_de: str
    label_en: str
    position: int
    active: bool

    def label(self, lang: str) -> str:
        return self.label_de if lang == "de" else self.label_en


@dataclass(frozen=True, kw_only=True)
class PersonView:
    id: int
    family_name: str
    given_name: str
    birth_date: date | None
    nationality: str | None
    municipality: str | None
    email: str
    phone: str
    languages: str
    notes: str
    version: int
    updated_at: datetime
    birth_year: int | None = None
    nationality_2: str | None = None
    gender: Gender = Gender.NOT_RECORDED
    employment_status: EmploymentStatus = EmploymentStatus.NOT_RECORDED
    education: EducationLevel = EducationLevel.NOT_RECORDED
    german_level: GermanLevel = GermanLevel.NOT_RECORDED
    arrival_year: int | None = None

    @property
    def display_name(self) -> str:
        return f"{self.family_name}, {self.given_name}" if self.given_name else self.family_name


@dataclass(frozen=True, kw_only=True)
class ContactPersonView:
    id: int
    name: str
    function: str
    email: str
    phone: str
    version: int


@dataclass(frozen=True, kw_only=True)
class OrganisationView:
    id: int
    name: str
    short_name: str
    code: str | None
    is_partner: bool
    municipality: str | None
    email: str
    phone: str
    website: str
    notes: str
    active: bool
    contacts: tuple[ContactPersonView, ...]
    version: int
    updated_at: datetime
    kind: OrganisationKind = OrganisationKind.NOT_RECORDED
    size: OrganisationSize = OrganisationSize.NOT_RECORDED

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


@dataclass(frozen=True, kw_only=True)
class ClientFacts:
    """What tells two clients of the same name apart in a list: birth date and nationality (of
    a person), town, the last contact and the number of records. ``records`` counts the records
    whose client this is (not those it is a further party of); ``last_contact`` is the latest
    consultation or opening date among them."""

    birth_date: date | None = None
    birth_year: int | None = None  # known alone, without the day (or kept by anonymisation)
    nationality: str | None = None
    municipality: str | None = None
    last_contact: date | None = None
    records: int = 0


@dataclass(frozen=True, kw_only=True)
class DuplicateCandidate:
    """An existing person or organisation that may be the one being entered. ``reason`` says
    why in words; ``score`` orders the candidates, most likely first (a rank, not a
    probability)."""

    kind: ClientKind
    id: int
    display_name: str
    birth_date: date | None
    reason: str
    facts: ClientFacts = field(default_factory=ClientFacts, kw_only=True)
    score: float = 0.0


@dataclass(frozen=True, kw_only=True)
class DuplicatePair:
    """Two recorded persons who may be one, for the administrator's list: ``first`` has the
    lower id; both carry the pair's reason and score."""

    first: DuplicateCandidate
    second: DuplicateCandidate

    @property
    def reason(self) -> str:
        return self.first.reason

    @property
    def score(self) -> float:
        return self.first.score


@dataclass(frozen=True)
class ClientRef:
    kind: ClientKind
    id: int
    display_name: str


@dataclass(frozen=True, kw_only=True)
class ClientHit:
    """A person or organisation found by name, with the facts that tell same names apart."""

    ref: ClientRef
    facts: ClientFacts

    @property
    def kind(self) -> ClientKind:
        return self.ref.kind

    @property
    def id(self) -> int:
        return self.ref.id

    @property
    def display_name(self) -> str:
        return self.ref.display_name


@dataclass(frozen=True, kw_only=True)
class PartyView:
    id: int
    client: ClientRef
    role: PartyRole
    note: str


@dataclass(frozen=True, kw_only=True)
class RecordSummary:
    """One line of the record list."""

    id: int
    number: str
    kind: RecordKind
    status: RecordStatus
    client: ClientRef | None  # None: an anonymous enquiry
    opened_on: date
    closed_on: date | None
    counsellor: str | None
    topics: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class ConsultationView:
    id: int
    record_id: int
    held_on: date
    duration_minutes: int
    channel: str | None
    counsellor_id: int | None
    counsellor: str | None
    is_first: bool
    topics: tuple[str, ...]
    language: str
    interpreter: bool
    notes: str
    version: int


@dataclass(frozen=True, kw_only=True)
class ReferralView:
    id: int
    record_id: int
    partner_id: int
    partner: str
    topic: str | None
    referred_on: date
    reason: str
    status: ReferralStatus
    feedback_on: date | None
    outcome: str
    version: int


@dataclass(frozen=True, kw_only=True)
class FollowUpView:
    id: int
    record_id: int
    record_number: str
    client: str
    due_on: date
    assigned_to_id: int | None
    note: str
    source: FollowUpSource
    done_on: date | None
    overdue: bool
    version: int


@dataclass(frozen=True, kw_only=True)
class DocumentView:
    """A document on a record, without its bytes (read those through services.documents)."""

    id: int
    record_id: int
    file_name: str  # as it came: text to show, never a path
    media_type: str
    kind: DocumentKind
    size: int  # bytes
    sha256: str
    added_at: datetime
    added_by: str | None  # the display name of who added it


@dataclass(frozen=True, kw_only=True)
class RecognitionView:
    id: int
    record_id: int
    qualification: str
    reference_occupation: str
    regulated: bool
    competent_body: str
    state: RecognitionState
    decision: RecognitionDecision | None
    submitted_on: date | None
    decided_on: date | None
    notes: str
    version: int
    training_country: str | None = None


@dataclass(frozen=True, kw_only=True)
class ResidenceTitleView:
    id: int
    person_id: int
    title: str
    valid_from: date | None
    expires_on: date | None
    accelerated_procedure: bool
    notes: str
    version: int


@dataclass(frozen=True, kw_only=True)
class RecordDetails:
    """Everything about one record, for the record editor."""

    id: int
    number: str
    kind: RecordKind
    status: RecordStatus
    client: ClientRef | None  # None: an anonymous enquiry (the caller gave no name)
    parties: tuple[PartyView, ...]
    opened_on: date
    promoted_on: date | None
    closed_on: date | None
    closing_reason: str | None
    counsellor_id: int | None
    counsellor: str | None
    requester_type: str | None
    channel: str | None
    municipality: str | None
    topics: tuple[str, ...]
    services: tuple[str, ...]
    summary: str
    consultations: tuple[ConsultationView, ...]
    referrals: tuple[ReferralView, ...]
    follow_ups: tuple[FollowUpView, ...]
    recognitions: tuple[RecognitionView, ...]
    residence_titles: tuple[ResidenceTitleView, ...]
    version: int
    updated_at: datetime
    updated_by: str | None
    # Who stands in for the counsellor on this record (sees it where counsellors see their own
    # records only).
    substitute_id: int | None = None
    substitute: str | None = None
    documents: tuple[DocumentView, ...] = ()  # newest first


@dataclass(frozen=True, kw_only=True)
class EventView:
    id: int
    title: str
    kind: str
    held_on: date
    target_group: str
    participants: int
    participants_persons: int | None  # None: not recorded
    participants_organisations: int | None
    partner_ids: tuple[int, ...]
    notes: str
    version: int


@dataclass(frozen=True, kw_only=True)
class PublishedReportView:
    """An entry of the archive of published reports (without the file itself)."""

    id: int
    created_at: datetime
    created_by: str
    period_start: date
    period_end: date
    format: str
    language: str
    file_name: str
    size: int
    sha256: str
