"""SQLAlchemy 2 typed models for everything in DOMAIN.md.

Enums are stored as their string values (no database enum type, so a new state is a code
change, not a schema change). Vocabulary references are stored as codes: stable, readable in
exports, and still valid after an entry is retired.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from welcome_center.db.types import UTCDateTime, utcnow
from welcome_center.domain.enums import (
    ConsentForm,
    ConsentPurpose,
    EducationLevel,
    EmploymentStatus,
    EventKind,
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

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _enum(cls: type) -> Enum:
    return Enum(
        cls,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda e: [m.value for m in e],
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    # One row per role the user holds (an administrator who also counsels holds both).
    role_rows: Mapped[list[UserRole]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="UserRole.role"
    )

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(r.role for r in self.role_rows)

    @roles.setter
    def roles(self, roles: frozenset[Role]) -> None:
        kept = [r for r in self.role_rows if r.role in roles]
        have = {r.role for r in kept}
        self.role_rows = kept + [UserRole(role=r) for r in sorted(roles - have)]


class UserRole(Base):
    """A role a user holds."""

    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[Role] = mapped_column(_enum(Role), primary_key=True)


class OfficeSettings(Base):
    """One row: the office-wide settings (per-user window state lives in the desk's QSettings)."""

    __tablename__ = "office_settings"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    office_name: Mapped[str] = mapped_column(String(200))
    number_prefix: Mapped[str] = mapped_column(String(10))
    project_start: Mapped[date | None] = mapped_column(Date)
    suppression_threshold: Mapped[int] = mapped_column(Integer, default=3)
    residence_expiry_window_days: Mapped[int] = mapped_column(Integer, default=90)
    referral_feedback_days: Mapped[int] = mapped_column(Integer, default=14)
    # Data protection (DOMAIN.md): consent, retention, need to know.
    consent_override_allowed: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    consent_text_de: Mapped[str] = mapped_column(Text, default="", server_default="")
    consent_text_en: Mapped[str] = mapped_column(Text, default="", server_default="")
    consent_text_version: Mapped[str] = mapped_column(String(32), default="1", server_default="1")
    retention_enquiry_months: Mapped[int] = mapped_column(Integer, default=12, server_default="12")
    retention_case_months: Mapped[int] = mapped_column(Integer, default=36, server_default="36")
    retention_audit_months: Mapped[int] = mapped_column(Integer, default=36, server_default="36")
    backups_keep: Mapped[int] = mapped_column(Integer, default=10, server_default="10")
    # A RecordVisibility: "all" records, or a counsellor's "own" and substituted ones only.
    record_visibility: Mapped[str] = mapped_column(String(16), default="all", server_default="all")
    # Minutes without input after which the desk locks (1 to 60).
    idle_lock_minutes: Mapped[int] = mapped_column(Integer, default=5, server_default="5")
    # Printed on the client summary and the referral note (services/printouts.py).
    office_address: Mapped[str] = mapped_column(Text, default="", server_default="")
    office_phone: Mapped[str] = mapped_column(String(100), default="", server_default="")
    office_email: Mapped[str] = mapped_column(String(200), default="", server_default="")
    office_website: Mapped[str] = mapped_column(String(300), default="", server_default="")
    # The client summary's template per language, a JSON object; "" = the built-in texts.
    summary_texts: Mapped[str] = mapped_column(Text, default="", server_default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class VocabularyEntry(Base):
    __tablename__ = "vocabulary_entries"
    __table_args__ = (UniqueConstraint("vocabulary", "code", name="vocabulary_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vocabulary: Mapped[str] = mapped_column(String(32))
    code: Mapped[str] = mapped_column(String(64))
    label_de: Mapped[str] = mapped_column(String(200))
    label_en: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Person(Base):
    __tablename__ = "persons"

    id: Mapped[int] = mapped_column(primary_key=True)
    family_name: Mapped[str] = mapped_column(String(200))
    given_name: Mapped[str] = mapped_column(String(200), default="")
    name_key: Mapped[str] = mapped_column(String(400), index=True)  # domain.text.fold of both
    birth_date: Mapped[date | None] = mapped_column(Date)
    # The year alone when only it is known; a full birth date's year otherwise (person_facts).
    birth_year: Mapped[int | None] = mapped_column(Integer)
    nationality: Mapped[str | None] = mapped_column(String(2))  # ISO 3166-1 alpha-2
    nationality_2: Mapped[str | None] = mapped_column(String(2))  # a second one, if any
    municipality: Mapped[str | None] = mapped_column(String(64))  # vocabulary code
    email: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(100), default="")
    languages: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    # The facts funders count (DOMAIN.md "Who was advised"), ``not_recorded`` when not asked.
    gender: Mapped[Gender] = mapped_column(
        _enum(Gender), default=Gender.NOT_RECORDED, server_default=Gender.NOT_RECORDED.value
    )
    employment_status: Mapped[EmploymentStatus] = mapped_column(
        _enum(EmploymentStatus),
        default=EmploymentStatus.NOT_RECORDED,
        server_default=EmploymentStatus.NOT_RECORDED.value,
    )
    education: Mapped[EducationLevel] = mapped_column(
        _enum(EducationLevel),
        default=EducationLevel.NOT_RECORDED,
        server_default=EducationLevel.NOT_RECORDED.value,
    )
    german_level: Mapped[GermanLevel] = mapped_column(
        _enum(GermanLevel),
        default=GermanLevel.NOT_RECORDED,
        server_default=GermanLevel.NOT_RECORDED.value,
    )
    arrival_year: Mapped[int | None] = mapped_column(Integer)  # in Germany; empty while abroad
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}

    residence_titles: Mapped[list[ResidenceTitle]] = relationship(
        back_populates="person", order_by="ResidenceTitle.valid_from"
    )


class PersonNameKey(Base):
    """A key the duplicate check finds a person by: sounds of the family and given names
    (``domain.name_match.stored_keys``), several per person, kept by ``db/name_keys.py``. The
    key comes first in the primary key, so that looking keys up reads the index alone; on
    SQLite the table is that index (WITHOUT ROWID)."""

    __tablename__ = "person_name_keys"
    __table_args__ = {"sqlite_with_rowid": False}  # the primary key is the table: no copy

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    person_id: Mapped[int] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    short_name: Mapped[str] = mapped_column(String(100), default="")
    name_key: Mapped[str] = mapped_column(String(300), index=True)
    code: Mapped[str | None] = mapped_column(String(64), unique=True)  # partners' stable code
    is_partner: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    municipality: Mapped[str | None] = mapped_column(String(64))
    email: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(100), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[OrganisationKind] = mapped_column(
        _enum(OrganisationKind),
        default=OrganisationKind.NOT_RECORDED,
        server_default=OrganisationKind.NOT_RECORDED.value,
    )
    size: Mapped[OrganisationSize] = mapped_column(
        _enum(OrganisationSize),
        default=OrganisationSize.NOT_RECORDED,
        server_default=OrganisationSize.NOT_RECORDED.value,
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}

    contacts: Mapped[list[ContactPerson]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan", order_by="ContactPerson.id"
    )


class ContactPerson(Base):
    __tablename__ = "contact_persons"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    function: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(100), default="")
    # NULL until the first change after creation (bulk inserts leave it out).
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    organisation: Mapped[Organisation] = relationship(back_populates="contacts")


class NumberCounter(Base):
    """The last sequence number handed out per prefix and year."""

    __tablename__ = "number_counters"

    prefix: Mapped[str] = mapped_column(String(10), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


ONE_CLIENT_OR_ANONYMOUS = (
    "(anonymous AND client_person_id IS NULL AND client_organisation_id IS NULL)"
    " OR (NOT anonymous AND (client_person_id IS NULL) <> (client_organisation_id IS NULL))"
)


class Record(Base):
    """An enquiry or a case: one record type with a ``kind`` (DOMAIN.md)."""

    __tablename__ = "records"
    __table_args__ = (
        # One client, a person or an organisation; none only for an anonymous enquiry (a caller
        # who gave no name, DOMAIN.md), which has no client until one is assigned.
        CheckConstraint(ONE_CLIENT_OR_ANONYMOUS, name="one_client_or_anonymous"),
        Index("ix_records_opened_on", "opened_on"),
        Index("ix_records_closed_on", "closed_on"),
        Index("ix_records_promoted_on", "promoted_on"),
        Index("ix_records_status_counsellor", "status", "counsellor_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[RecordKind] = mapped_column(_enum(RecordKind))
    status: Mapped[RecordStatus] = mapped_column(_enum(RecordStatus))
    client_person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)
    client_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id"), index=True
    )
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    opened_on: Mapped[date] = mapped_column(Date)
    promoted_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    closing_reason: Mapped[str | None] = mapped_column(String(64))
    counsellor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # Who stands in for the counsellor on this record: where the office shows counsellors only
    # their own records, they see it too (DOMAIN.md, need to know).
    substitute_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    requester_type: Mapped[str | None] = mapped_column(String(64))
    channel: Mapped[str | None] = mapped_column(String(64))
    municipality: Mapped[str | None] = mapped_column(String(64))
    summary: Mapped[str] = mapped_column(Text, default="")
    # Retention skips a record on legal hold; anonymisation keeps its figures (DOMAIN.md).
    legal_hold: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    legal_hold_reason: Mapped[str | None] = mapped_column(Text)
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}

    client_person: Mapped[Person | None] = relationship(foreign_keys=[client_person_id])
    client_organisation: Mapped[Organisation | None] = relationship(
        foreign_keys=[client_organisation_id]
    )
    counsellor: Mapped[User | None] = relationship(foreign_keys=[counsellor_id])
    topics: Mapped[list[RecordTopic]] = relationship(cascade="all, delete-orphan")
    services: Mapped[list[RecordService]] = relationship(cascade="all, delete-orphan")
    parties: Mapped[list[RecordParty]] = relationship(
        cascade="all, delete-orphan", order_by="RecordParty.id"
    )


class RecordTopic(Base):
    __tablename__ = "record_topics"

    record_id: Mapped[int] = mapped_column(
        ForeignKey("records.id", ondelete="CASCADE"), primary_key=True
    )
    topic: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)


class RecordService(Base):
    __tablename__ = "record_services"

    record_id: Mapped[int] = mapped_column(
        ForeignKey("records.id", ondelete="CASCADE"), primary_key=True
    )
    service: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)


class RecordParty(Base):
    """A further party of a record (the employer of a person, a family member, ...)."""

    __tablename__ = "record_parties"
    __table_args__ = (
        CheckConstraint("(person_id IS NULL) <> (organisation_id IS NULL)", name="one_party"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    role: Mapped[PartyRole] = mapped_column(_enum(PartyRole))
    note: Mapped[str] = mapped_column(String(300), default="")

    person: Mapped[Person | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()


class Consultation(Base):
    __tablename__ = "consultations"
    # (held_on, record_id, minutes, channel, first, interpreter): the statistics find a
    # period's records, sum its minutes and count its consultations by channel and kind from
    # the index alone (migration 0017).
    __table_args__ = (
        Index("ix_consultations_record_date", "record_id", "held_on"),
        Index(
            "ix_consultations_statistics",
            "held_on",
            "record_id",
            "duration_minutes",
            "channel",
            "is_first",
            "interpreter",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"))
    held_on: Mapped[date] = mapped_column(Date)
    duration_minutes: Mapped[int] = mapped_column(Integer, default=0)
    channel: Mapped[str | None] = mapped_column(String(64))
    counsellor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    is_first: Mapped[bool] = mapped_column(Boolean, default=False)
    language: Mapped[str] = mapped_column(String(64), default="")
    interpreter: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # NULL until the first change after creation (bulk inserts leave it out).
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    topics: Mapped[list[ConsultationTopic]] = relationship(cascade="all, delete-orphan")


class ConsultationTopic(Base):
    __tablename__ = "consultation_topics"

    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), primary_key=True
    )
    topic: Mapped[str] = mapped_column(String(64), primary_key=True)


class Referral(Base):
    __tablename__ = "referrals"
    __table_args__ = (
        Index("ix_referrals_record_date", "record_id", "referred_on"),
        Index("ix_referrals_date_record", "referred_on", "record_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"))
    partner_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    topic: Mapped[str | None] = mapped_column(String(64))
    referred_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ReferralStatus] = mapped_column(_enum(ReferralStatus))
    feedback_on: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(Text, default="")
    # Why it was made without the client's consent (an override the office allows); else NULL.
    consent_override_reason: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # NULL until the first change after creation (bulk inserts leave it out).
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    partner: Mapped[Organisation] = relationship()


class FollowUp(Base):
    __tablename__ = "follow_ups"
    __table_args__ = (Index("ix_follow_ups_due", "assigned_to_id", "done_on", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"), index=True)
    due_on: Mapped[date] = mapped_column(Date)
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[FollowUpSource] = mapped_column(_enum(FollowUpSource))
    residence_title_id: Mapped[int | None] = mapped_column(
        ForeignKey("residence_titles.id", ondelete="CASCADE"), index=True
    )
    done_on: Mapped[date | None] = mapped_column(Date)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # NULL until the first change after creation (bulk inserts leave it out).
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}


class Document(Base):
    """A file attached to a record, its bytes inside the database: backed up, encrypted and
    anonymised with the record (DOMAIN.md, documents on a record). ``file_name`` is the name
    it came with, kept as text, never used as a path. Read its bytes through the services
    only: every read is audited."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"), index=True)
    file_name: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class RecognitionProcedure(Base):
    """The recognition of one foreign qualification (Anerkennungsverfahren)."""

    __tablename__ = "recognition_procedures"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)
    qualification: Mapped[str] = mapped_column(String(300))
    reference_occupation: Mapped[str] = mapped_column(String(300), default="")
    regulated: Mapped[bool] = mapped_column(Boolean, default=False)
    competent_body: Mapped[str] = mapped_column(String(300), default="")
    training_country: Mapped[str | None] = mapped_column(String(2))  # ISO 3166-1 alpha-2
    state: Mapped[RecognitionState] = mapped_column(_enum(RecognitionState))
    decision: Mapped[RecognitionDecision | None] = mapped_column(_enum(RecognitionDecision))
    submitted_on: Mapped[date | None] = mapped_column(Date)
    decided_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}


class ResidenceTitle(Base):
    """One residence title of a person; the history is the list ordered by ``valid_from``."""

    __tablename__ = "residence_titles"
    __table_args__ = (Index("ix_residence_titles_expires_on", "expires_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(64))  # vocabulary code
    valid_from: Mapped[date | None] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)
    accelerated_procedure: Mapped[bool] = mapped_column(Boolean, default=False)  # §81a AufenthG
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # NULL until the first change after creation (bulk inserts leave it out).
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    person: Mapped[Person] = relationship(back_populates="residence_titles")


class Event(Base):
    """An information event, workshop or training: counted in reports, not as an enquiry."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[EventKind] = mapped_column(_enum(EventKind))
    held_on: Mapped[date] = mapped_column(Date, index=True)
    target_group: Mapped[str] = mapped_column(String(300), default="")
    participants: Mapped[int] = mapped_column(Integer, default=0)
    # Of the participants, persons and organisations where known (NULL: not recorded).
    participants_persons: Mapped[int | None] = mapped_column(Integer)
    participants_organisations: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # NULL until the first change after creation (bulk inserts leave it out).
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    partners: Mapped[list[EventPartner]] = relationship(cascade="all, delete-orphan")


class EventPartner(Base):
    __tablename__ = "event_partners"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)


class Consent(Base):
    """A client's consent to one purpose (DOMAIN.md, data protection). Withdrawing sets
    ``withdrawn_on``; the row stays, so that past referrals keep the consent they relied on."""

    __tablename__ = "consents"
    __table_args__ = (
        CheckConstraint("(person_id IS NULL) <> (organisation_id IS NULL)", name="one_client"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    purpose: Mapped[ConsentPurpose] = mapped_column(_enum(ConsentPurpose))
    # For a referral consent: the named partner; NULL = every partner of the directory.
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    given_on: Mapped[date] = mapped_column(Date)
    form: Mapped[ConsentForm] = mapped_column(_enum(ConsentForm))
    text_version: Mapped[str] = mapped_column(String(32), default="")
    # NULL when the command line (a system actor) recorded it.
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_on: Mapped[date | None] = mapped_column(Date)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    partner: Mapped[Organisation | None] = relationship(foreign_keys=[partner_id])


class RetentionRun(Base):
    """One run of the retention rules (by the clock or from the command line) and its counts."""

    __tablename__ = "retention_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(200))  # user name, or "system:<os account>"
    records_anonymised: Mapped[int] = mapped_column(Integer, default=0)
    persons_anonymised: Mapped[int] = mapped_column(Integer, default=0)
    audit_rows_deleted: Mapped[int] = mapped_column(Integer, default=0)
    backups_removed: Mapped[int] = mapped_column(Integer, default=0)
    detail: Mapped[str] = mapped_column(Text, default="")


class AuditEntry(Base):
    """Who did or saw what, when. Holds ids and field names, never the personal data itself."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_entity", "entity", "entity_id"),
        # The audit page filters by user or by action, newest first.
        Index("ix_audit_log_user_at", "user_id", "at"),
        Index("ix_audit_log_action_at", "action", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor: Mapped[str] = mapped_column(String(200))  # user name, or "system:<os account>"
    action: Mapped[str] = mapped_column(String(32))  # an AuditAction's code
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    # The names of the changed fields (a JSON list), never their values.
    fields: Mapped[list[str]] = mapped_column(JSON, server_default="[]")
    detail: Mapped[str] = mapped_column(Text, default="")
    # The hash chain (domain/audit_chain.py): the previous entry's hash and this entry's, over
    # its content and that previous hash. Written once, with the entry (services/audit_chain.py).
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))


class AuditChainHead(Base):
    """The audit chain's newest entry and the number of entries: one row, locked by each writer
    of audit entries, so that several writers (PostgreSQL) form one chain in id order."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)  # always 1
    last_id: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))
    count: Mapped[int] = mapped_column(Integer)


class AuditChainGap(Base):
    """Audit entries deleted under the retention rules: the entry after them (it may not exist
    yet) links to ``prev_hash``, the hash of the last one deleted."""

    __tablename__ = "audit_chain_gaps"

    entry_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    prev_hash: Mapped[str] = mapped_column(String(64))
    removed: Mapped[int] = mapped_column(Integer)


class LoginAttempts(Base):
    """Failed logins in a row per account name tried (domain/login_policy.py): the name as
    typed, in lower case, whether or not a user has it. A row is removed at the name's next
    successful login or when an administrator lifts its lock; rows whose last failure is over
    15 minutes old are removed as the next failure is counted."""

    __tablename__ = "login_attempts"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    last_failure: Mapped[datetime] = mapped_column(UTCDateTime)


class PublishedReport(Base):
    """A report as it left the office: its figures (the published JSON) and the file itself, so
    that later corrections or anonymisation never change what was sent out."""

    __tablename__ = "published_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_by: Mapped[str] = mapped_column(String(200))  # display name, or "system:<account>"
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    format: Mapped[str] = mapped_column(String(8))
    language: Mapped[str] = mapped_column(String(8))
    file_name: Mapped[str] = mapped_column(String(200))
    figures: Mapped[str] = mapped_column(Text)  # the published figures as JSON
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))


class ImportAlias(Base):
    """A value an import file writes that the directory does not know, remembered as meaning a
    vocabulary entry (``code``), a partner (``organisation_id``) or a user (``user_id``), so
    that the next import, in the desk or on the command line, understands it (DOMAIN.md,
    spreadsheet interchange). ``kind`` is a vocabulary's name, "partner" or "counsellor";
    ``key`` the written value with case and spaces folded, as an import looks it up."""

    __tablename__ = "import_aliases"
    __table_args__ = (UniqueConstraint("kind", "key", name="import_alias_kind_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(300))
    written: Mapped[str] = mapped_column(String(300))
    code: Mapped[str | None] = mapped_column(String(64))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
