"""SQLAlchemy 2 typed models for everything in DOMAIN.md, one module per area.

Enums are stored as their string values (no database enum type, so a new state is a code
change, not a schema change). Vocabulary references are stored as codes: stable, readable in
exports, and still valid after an entry is retired. Every model is imported here, so that
``Base.metadata`` knows every table and ``from welcome_center.db.models import X`` works.
"""

from welcome_center.db.models.base import NAMING, Base
from welcome_center.db.models.events import Event, EventPartner
from welcome_center.db.models.files import Document, ImportAlias
from welcome_center.db.models.people import (
    ContactPerson,
    Organisation,
    Person,
    PersonNameKey,
    VocabularyEntry,
)
from welcome_center.db.models.privacy import (
    AuditChainGap,
    AuditChainHead,
    AuditEntry,
    Consent,
    PublishedReport,
    RetentionRun,
)
from welcome_center.db.models.records import (
    Consultation,
    ConsultationTopic,
    FollowUp,
    NumberCounter,
    RecognitionProcedure,
    Record,
    RecordMonth,
    RecordParty,
    RecordService,
    RecordTopic,
    Referral,
    ResidenceTitle,
)
from welcome_center.db.models.users import LoginAttempts, OfficeSettings, User, UserRole

__all__ = [
    "NAMING",
    "AuditChainGap",
    "AuditChainHead",
    "AuditEntry",
    "Base",
    "Consent",
    "Consultation",
    "ConsultationTopic",
    "ContactPerson",
    "Document",
    "Event",
    "EventPartner",
    "FollowUp",
    "ImportAlias",
    "LoginAttempts",
    "NumberCounter",
    "OfficeSettings",
    "Organisation",
    "Person",
    "PersonNameKey",
    "PublishedReport",
    "RecognitionProcedure",
    "Record",
    "RecordMonth",
    "RecordParty",
    "RecordService",
    "RecordTopic",
    "Referral",
    "ResidenceTitle",
    "RetentionRun",
    "User",
    "UserRole",
    "VocabularyEntry",
]
