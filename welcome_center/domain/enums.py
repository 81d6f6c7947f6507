"""States that code branches on. Everything that only labels data is a vocabulary (DOMAIN.md)."""

from enum import StrEnum


class Role(StrEnum):
    """A user holds one or more roles (an administrator who also counsels holds both)."""

    COUNSELLOR = "counsellor"
    MANAGER = "manager"
    ADMIN = "admin"
    # Not a job but a grant beside one: exporting lists with client names (DOMAIN.md, need to
    # know: "its own permission").
    LIST_EXPORT = "list_export"


class RecordKind(StrEnum):
    ENQUIRY = "enquiry"
    CASE = "case"


class RecordStatus(StrEnum):
    NEW = "new"
    IN_PROGRESS = "in_progress"
    WAITING = "waiting"
    CLOSED = "closed"


class ClientKind(StrEnum):
    PERSON = "person"
    ORGANISATION = "organisation"


class PartyRole(StrEnum):
    """How a further party is linked to a record."""

    EMPLOYER = "employer"
    CANDIDATE = "candidate"  # the person a company wants to hire
    FAMILY_MEMBER = "family_member"
    ON_BEHALF = "on_behalf"  # a professional or relative asking for someone
    OTHER = "other"


class ReferralStatus(StrEnum):
    SENT = "sent"
    ACCEPTED = "accepted"
    DONE = "done"
    DECLINED = "declined"
    NO_FEEDBACK = "no_feedback"


class RecognitionState(StrEnum):
    INFORMED = "informed"
    GATHERING_DOCUMENTS = "gathering_documents"
    SUBMITTED = "submitted"
    DOCUMENTS_COMPLETE = "documents_complete"
    DECIDED = "decided"
    COMPENSATION_MEASURE = "compensation_measure"
    CLOSED = "closed"


class RecognitionDecision(StrEnum):
    FULL = "full"
    PARTIAL = "partial"
    NONE = "none"
    ZAB_STATEMENT = "zab_statement"  # Zeugnisbewertung for non-regulated degrees


class FollowUpSource(StrEnum):
    MANUAL = "manual"
    RESIDENCE_EXPIRY = "residence_expiry"


class EventKind(StrEnum):
    INFORMATION_EVENT = "information_event"
    WORKSHOP = "workshop"
    TRAINING = "training"


class ConsentPurpose(StrEnum):
    """What a client consents to (DOMAIN.md, data protection)."""

    COUNSELLING = "counselling"  # processing for the counselling itself
    REFERRAL = "referral"  # passing the case to one named partner, or to all partners
    EMPLOYER = "employer"  # sharing with the employer on the same record
    EVENTS = "events"  # invitations


class ConsentForm(StrEnum):
    """How a consent was given."""

    WRITTEN = "written"
    ORAL = "oral"
    ELECTRONIC = "electronic"


class RecordVisibility(StrEnum):
    """Which records a counsellor sees (an office setting)."""

    ALL = "all"
    OWN = "own"  # their own and those they substitute


class Vocabulary(StrEnum):
    """The vocabularies kept as rows (code, German and English label, order, active)."""

    TOPIC = "topic"
    REQUESTER_TYPE = "requester_type"
    SERVICE = "service"
    CHANNEL = "channel"
    CLOSING_REASON = "closing_reason"
    RESIDENCE_TITLE = "residence_title"
    MUNICIPALITY = "municipality"
