"""Vocabularies, persons (with their duplicate-check name keys), organisations, contacts."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from welcome_center.db.models.base import Base, enum_column

if TYPE_CHECKING:
    from welcome_center.db.models.records import ResidenceTitle
from welcome_center.db.types import UTCDateTime, utcnow
from welcome_center.domain.enums import (
    EducationLevel,
    EmploymentStatus,
    Gender,
    GermanLevel,
    OrganisationKind,
    OrganisationSize,
)


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
        enum_column(Gender), default=Gender.NOT_RECORDED, server_default=Gender.NOT_RECORDED.value
    )
    employment_status: Mapped[EmploymentStatus] = mapped_column(
        enum_column(EmploymentStatus),
        default=EmploymentStatus.NOT_RECORDED,
        server_default=EmploymentStatus.NOT_RECORDED.value,
    )
    education: Mapped[EducationLevel] = mapped_column(
        enum_column(EducationLevel),
        default=EducationLevel.NOT_RECORDED,
        server_default=EducationLevel.NOT_RECORDED.value,
    )
    german_level: Mapped[GermanLevel] = mapped_column(
        enum_column(GermanLevel),
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
        enum_column(OrganisationKind),
        default=OrganisationKind.NOT_RECORDED,
        server_default=OrganisationKind.NOT_RECORDED.value,
    )
    size: Mapped[OrganisationSize] = mapped_column(
        enum_column(OrganisationSize),
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
