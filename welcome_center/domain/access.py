"""An access request (Art. 15 GDPR): everything the office holds about one person, and the rule
that keeps everybody else out of it (DOMAIN.md, "Data protection: consent, retention, rights").

What belongs to the person:

- their own data, and every record whose client they are, whole: consultations with notes,
  referrals with the partner they went to, follow-ups, the documents attached (listed);
- of a record of someone else where they are a further party, only the link: the record's
  number, kind and dates, their role and the note on their link. The other client's notes,
  consultations and referrals are not theirs;
- their residence titles and the recognition procedures of their qualifications;
- their consents;
- who read or changed any of this, and when (the audit log: staff names, actions, field names).

Nobody else's name appears: another person linked to a record (a family member, the client of a
record they are a party of) is named only by their role ("another person"). Organisations are
not people and keep their names (an employer, the partner a referral went to); an
organisation's contact persons are people and are left out. Where the name of a linked person
stands in a note the office wrote, it is replaced by :data:`REDACTED` (Art. 15(4): a copy must
not adversely affect the rights of others).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from welcome_center.domain.audit import AuditAction
from welcome_center.domain.enums import (
    ClientKind,
    ConsentForm,
    ConsentPurpose,
    FollowUpSource,
    PartyRole,
    RecognitionDecision,
    RecognitionState,
    RecordKind,
    RecordStatus,
    ReferralStatus,
)
from welcome_center.domain.views import VocabularyItem


class AccessFormat(StrEnum):
    """The file formats of an access export (chosen by the file's ending)."""

    PDF = "pdf"
    JSON = "json"


# Stands where a linked person's name was found in a text of the office.
REDACTED = "[…]"
# Words of a name that are no name of their own ("Frau Dr. Lange": only "Lange" is a name).
_NOT_NAMES = frozenset({"frau", "herr", "herrn", "dr", "prof", "von", "van", "der", "de", "la"})
_MIN_NAME = 3  # shorter parts ("Li", "Ng") would strike syllables out of every other word


@dataclass(frozen=True, kw_only=True)
class AccessPerson:
    """The person's own fields as stored (codes for vocabularies and countries)."""

    id: int
    family_name: str
    given_name: str
    birth_date: date | None
    birth_year: int | None = None  # kept alone when only the year is known
    nationality: str | None
    nationality_2: str | None = None
    municipality: str | None
    email: str
    phone: str
    languages: str
    notes: str
    created_at: datetime
    updated_at: datetime
    anonymised_at: datetime | None
    # The facts funders count (DOMAIN.md, "Who was advised"): held about the person, so shown.
    gender: StrEnum | None = None
    employment_status: StrEnum | None = None
    education: StrEnum | None = None
    german_level: StrEnum | None = None
    arrival_year: int | None = None

    @property
    def display_name(self) -> str:
        return f"{self.family_name}, {self.given_name}" if self.given_name else self.family_name


@dataclass(frozen=True, kw_only=True)
class AccessParty:
    """A further party of the person's own record: an organisation by its name, a person only by
    the role (``name`` is None)."""

    kind: ClientKind
    role: PartyRole
    name: str | None


@dataclass(frozen=True, kw_only=True)
class AccessConsultation:
    held_on: date
    duration_minutes: int
    channel: str | None
    counsellor: str | None
    is_first: bool
    topics: tuple[str, ...]
    language: str
    interpreter: bool
    notes: str


@dataclass(frozen=True, kw_only=True)
class AccessReferral:
    referred_on: date
    partner: str
    topic: str | None
    reason: str
    status: ReferralStatus
    feedback_on: date | None
    outcome: str
    consent_override_reason: str | None  # made without consent, where the office allows it


@dataclass(frozen=True, kw_only=True)
class AccessFollowUp:
    due_on: date
    source: FollowUpSource
    assigned_to: str | None
    note: str
    done_on: date | None


@dataclass(frozen=True, kw_only=True)
class AccessDocument:
    """A document on the person's record: listed by name, kind, size and who added it when
    (its bytes are not part of the export; the office hands them over as the files)."""

    file_name: str
    media_type: str
    size: int
    added_at: datetime
    added_by: str | None


@dataclass(frozen=True, kw_only=True)
class AccessRecord:
    """A record whose client the person is, whole."""

    number: str
    kind: RecordKind
    status: RecordStatus
    opened_on: date
    promoted_on: date | None
    closed_on: date | None
    closing_reason: str | None
    counsellor: str | None
    requester_type: str | None
    channel: str | None
    municipality: str | None
    topics: tuple[str, ...]
    services: tuple[str, ...]
    summary: str
    legal_hold_reason: str | None  # None: not on legal hold
    parties: tuple[AccessParty, ...]
    consultations: tuple[AccessConsultation, ...]
    referrals: tuple[AccessReferral, ...]
    follow_ups: tuple[AccessFollowUp, ...]
    documents: tuple[AccessDocument, ...] = ()


@dataclass(frozen=True, kw_only=True)
class AccessPartyLink:
    """A record of someone else that links the person as a further party: the link only. The
    client is named when it is an organisation (``client_name``), never when it is a person."""

    record_number: str
    record_kind: RecordKind
    opened_on: date
    closed_on: date | None
    role: PartyRole
    note: str
    client_kind: ClientKind
    client_name: str | None


@dataclass(frozen=True, kw_only=True)
class AccessResidenceTitle:
    title: str
    valid_from: date | None
    expires_on: date | None
    accelerated_procedure: bool
    notes: str


@dataclass(frozen=True, kw_only=True)
class AccessRecognition:
    record_number: str
    qualification: str
    reference_occupation: str
    regulated: bool
    competent_body: str
    state: RecognitionState
    decision: RecognitionDecision | None
    submitted_on: date | None
    decided_on: date | None
    notes: str


@dataclass(frozen=True, kw_only=True)
class AccessConsent:
    """A consent of the person (DOMAIN.md: purpose, for which partner, date, form, version of
    the text shown, who recorded it, withdrawal)."""

    purpose: ConsentPurpose
    partner: str | None  # the named partner of a referral consent; None: all partners / n.a.
    given_on: date
    form: ConsentForm
    text_version: str
    recorded_by: str | None
    withdrawn_on: date | None


@dataclass(frozen=True, kw_only=True)
class AccessAuditEntry:
    """Who read or changed the person's data, when: staff only, ids and field names."""

    at: datetime
    actor: str  # the user name (or ``system:<account>``)
    actor_name: str  # the display name of the user, "" when none
    action: AuditAction | str
    about: str  # "person" or "record"
    record_number: str | None
    fields: tuple[str, ...]
    detail: str


@dataclass(frozen=True, kw_only=True)
class AccessExport:
    """Everything held about one person (Art. 15 GDPR), with nobody else's name in it."""

    office_name: str
    created_at: datetime
    created_by: str  # who ran the export: the display name of a user, or ``system:<account>``
    person: AccessPerson
    records: tuple[AccessRecord, ...]
    party_of: tuple[AccessPartyLink, ...]
    residence_titles: tuple[AccessResidenceTitle, ...]
    recognitions: tuple[AccessRecognition, ...]
    consents: tuple[AccessConsent, ...]
    audit: tuple[AccessAuditEntry, ...]
    # The labels of every vocabulary code used above, in both languages.
    vocabulary: tuple[VocabularyItem, ...]

    def label(self, vocabulary: str, code: str | None, lang: str) -> str:
        """The label of a vocabulary code in ``lang`` ("" for None; the code when unknown)."""
        if not code:
            return ""
        for item in self.vocabulary:
            if item.vocabulary == vocabulary and item.code == code:
                return item.label(lang)
        return code

    def texts(self) -> list[str]:
        """Every free text of the export (notes, summaries, reasons, outcomes)."""
        out = [self.person.notes]
        for r in self.records:
            out.append(r.summary)
            out += [c.notes for c in r.consultations]
            out.append(r.legal_hold_reason or "")
            out += [t for f in r.referrals for t in (f.reason, f.outcome)]
            out += [f.consent_override_reason or "" for f in r.referrals]
            out += [f.note for f in r.follow_ups]
            out += [d.file_name for d in r.documents]
        out += [link.note for link in self.party_of]
        out += [t.notes for t in self.residence_titles]
        out += [p.notes for p in self.recognitions]
        return [t for t in out if t]


def name_words(names: Iterable[str], own: Iterable[str]) -> frozenset[str]:
    """The words of other people's names worth striking from a text: each part of at least three
    letters, not a title, and not a part of the person's own name (a family member often shares
    the family name)."""
    mine = {w.casefold() for n in own for w in _parts(n)}
    return frozenset(
        w
        for n in names
        for w in _parts(n)
        if len(w) >= _MIN_NAME and w.casefold() not in _NOT_NAMES and w.casefold() not in mine
    )


def _parts(name: str) -> list[str]:
    return [w for w in re.split(r"[\s,;/()]+", name) if w and "." not in w]


def redact(text: str, words: frozenset[str]) -> str:
    """``text`` with each of ``words`` (whole words, as written: names start with a capital,
    "lange" the adverb is no "Lange") replaced by :data:`REDACTED`."""
    if not text or not words:
        return text
    pattern = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.sub(rf"(?<!\w)(?:{pattern})(?!\w)", REDACTED, text)
