"""Enquiries and cases with their parties and topics, consultations, referrals, follow-ups,
recognition procedures and residence titles."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from welcome_center.db.models.base import Base, enum_column

if TYPE_CHECKING:
    from welcome_center.db.models.people import Organisation, Person
    from welcome_center.db.models.users import User
from welcome_center.db.types import UTCDateTime, utcnow
from welcome_center.domain.enums import (
    FollowUpSource,
    PartyRole,
    RecognitionDecision,
    RecognitionState,
    RecordKind,
    RecordStatus,
    ReferralStatus,
)


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
        # With the columns the statistics read beside the date: counted from the index (0020).
        Index("ix_records_closed_statistics", "closed_on", "opened_on", "closing_reason"),
        Index("ix_records_promoted_kind", "promoted_on", "kind"),
        Index("ix_records_status_counsellor", "status", "counsellor_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[RecordKind] = mapped_column(enum_column(RecordKind))
    status: Mapped[RecordStatus] = mapped_column(enum_column(RecordStatus))
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


class RecordMonth(Base):
    """A month in which a record was active: opened, promoted or closed in it, or a
    consultation held or a referral made (the first day of the month). Kept by
    ``welcome_center.db.activity`` at every commit; the figures of whole months and the trend
    read their active records here instead of from the five tables each time."""

    __tablename__ = "record_months"
    __table_args__ = (
        Index("ix_record_months_month", "month", "record_id"),
        {"sqlite_with_rowid": False},
    )

    record_id: Mapped[int] = mapped_column(
        ForeignKey("records.id", ondelete="CASCADE"), primary_key=True
    )
    month: Mapped[date] = mapped_column(Date, primary_key=True)


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
    role: Mapped[PartyRole] = mapped_column(enum_column(PartyRole))
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
    status: Mapped[ReferralStatus] = mapped_column(enum_column(ReferralStatus))
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
    source: Mapped[FollowUpSource] = mapped_column(enum_column(FollowUpSource))
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
    state: Mapped[RecognitionState] = mapped_column(enum_column(RecognitionState))
    decision: Mapped[RecognitionDecision | None] = mapped_column(enum_column(RecognitionDecision))
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
