"""Who signs in and what they may do, the office's settings and the login throttle."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from welcome_center.db.models.base import Base, enum_column
from welcome_center.db.types import UTCDateTime, utcnow
from welcome_center.domain.enums import (
    Role,
)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    # Loaded only when asked for: on a team server a counsellor's login may not read the
    # hashes (db/server_roles.py), and a query for users must not ask for them.
    password_hash: Mapped[str | None] = mapped_column(String(200), deferred=True)
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
    role: Mapped[Role] = mapped_column(enum_column(Role), primary_key=True)


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


class LoginAttempts(Base):
    """Failed logins in a row per account name tried (domain/login_policy.py): the name as
    typed, in lower case, whether or not a user has it. A row is removed at the name's next
    successful login or when an administrator lifts its lock; rows whose last failure is over
    15 minutes old are removed as the next failure is counted."""

    __tablename__ = "login_attempts"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    last_failure: Mapped[datetime] = mapped_column(UTCDateTime)
