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
    JOB_FAIR = "job_fair"


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


# The facts funders count (DOMAIN.md "Who was advised"). Enums, not vocabulary rows: the lists
# are fixed by the funders' definitions (ESF+ common indicators, ISCED 2011, the CEFR levels), the
# figures branch on them (SMEs are micro, small and medium; the long-term unemployed are also
# unemployed), and an office that renamed or retired an entry would break every report. Each has
# ``not_recorded``: what existing rows and a form left empty hold, its own row in every figure.


class Gender(StrEnum):
    FEMALE = "female"
    MALE = "male"
    DIVERSE = "diverse"
    NOT_STATED = "not_stated"  # asked, and the person preferred not to say
    NOT_RECORDED = "not_recorded"


class EmploymentStatus(StrEnum):
    """At the first contact."""

    EMPLOYED = "employed"
    SELF_EMPLOYED = "self_employed"
    UNEMPLOYED = "unemployed"
    LONG_TERM_UNEMPLOYED = "long_term_unemployed"  # 12 months or more
    INACTIVE = "inactive"
    IN_EDUCATION = "in_education"
    NOT_RECORDED = "not_recorded"


class EducationLevel(StrEnum):
    """ISCED 2011 groups, as the ESF+ indicators count them."""

    ISCED_0_2 = "isced_0_2"
    ISCED_3_4 = "isced_3_4"
    ISCED_5_8 = "isced_5_8"
    NOT_RECORDED = "not_recorded"


class GermanLevel(StrEnum):
    """Common European Framework of Reference levels, written as DOMAIN.md does (``A1``)."""

    NONE = "none"
    A1 = "A1"
    A2 = "A2"
    B1 = "B1"
    B2 = "B2"
    C1 = "C1"
    C2 = "C2"
    NOT_RECORDED = "not_recorded"


class OrganisationKind(StrEnum):
    COMPANY = "company"
    PUBLIC_EMPLOYER = "public_employer"
    AUTHORITY = "authority"
    PARTNER = "partner"
    SCHOOL_OR_UNIVERSITY = "school_or_university"
    ASSOCIATION = "association"
    OTHER = "other"
    NOT_RECORDED = "not_recorded"


class OrganisationSize(StrEnum):
    """Employees: micro < 10, small 10-49, medium 50-249, large 250 or more."""

    MICRO = "micro"
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"
    NOT_RECORDED = "not_recorded"

    @property
    def is_sme(self) -> bool:
        """Micro, small and medium enterprises (EU recommendation 2003/361/EC, by headcount)."""
        return self in (OrganisationSize.MICRO, OrganisationSize.SMALL, OrganisationSize.MEDIUM)
