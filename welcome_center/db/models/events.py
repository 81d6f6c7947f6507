"""The office's events and the partners that took part."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from welcome_center.db.models.base import Base, enum_column
from welcome_center.db.types import UTCDateTime, utcnow
from welcome_center.domain.enums import (
    EventKind,
)


class Event(Base):
    """An information event, workshop or training: counted in reports, not as an enquiry."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[EventKind] = mapped_column(enum_column(EventKind))
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
