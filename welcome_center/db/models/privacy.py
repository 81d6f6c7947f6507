"""Consent, retention runs, the audit log and its hash chain, and published reports."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from welcome_center.db.models.base import Base, enum_column

if TYPE_CHECKING:
    from welcome_center.db.models.people import Organisation
from welcome_center.db.types import UTCDateTime, utcnow
from welcome_center.domain.enums import (
    ConsentForm,
    ConsentPurpose,
)


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
    purpose: Mapped[ConsentPurpose] = mapped_column(enum_column(ConsentPurpose))
    # For a referral consent: the named partner; NULL = every partner of the directory.
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    given_on: Mapped[date] = mapped_column(Date)
    form: Mapped[ConsentForm] = mapped_column(enum_column(ConsentForm))
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
