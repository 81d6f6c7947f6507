"""Documents attached to records, and the import's remembered value aliases."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from welcome_center.db.models.base import Base
from welcome_center.db.types import UTCDateTime, utcnow


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
