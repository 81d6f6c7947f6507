"""Documents on a record (DOMAIN.md, documents on a record): attach a file, read it back to
open or save it, remove it.

The bytes are stored in the database (table ``documents``), so that backups hold them, the
encryption of the file covers them and anonymising the record deletes them
(:mod:`welcome_center.services.privacy.anonymise`). What may be attached is
:mod:`welcome_center.domain.documents`' rule: at most 20 MB, never a program or a script.
Documents are record content: a counsellor who may see the record works with them; managers
and administrators, who never read case content, do not. Adding, every read of the bytes
(to open or to save) and removing are audited, with ids and sizes, never the file's name.
"""

from __future__ import annotations

import contextlib
import hashlib
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from welcome_center.db import cipher, erasure
from welcome_center.db.models import Document
from welcome_center.db.types import utcnow
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.audit import AuditAction
from welcome_center.domain.dates import OFFICE_TZ
from welcome_center.domain.documents import (
    HEAD_BYTES,
    MAX_BYTES,
    Problem,
    Refusal,
    base_name,
    copy_name,
    media_type,
    problem,
)
from welcome_center.domain.errors import (
    DomainError,
    NotFoundError,
    PermissionDeniedError,
    StateError,
    ValidationError,
)
from welcome_center.domain.permissions import Permission
from welcome_center.domain.views import DocumentView
from welcome_center.i18n import _, format_short_date, format_size
from welcome_center.reports.files import write_atomically
from welcome_center.services import audit, cases, record_views
from welcome_center.services.context import Actor, Changes, Saved, record_changed

NAME_LIMIT = 255  # characters of the name kept (the column's size)


class Purpose(StrEnum):
    """Why a document's bytes are read (the audit entry says it)."""

    OPEN = "open"  # a copy handed to the system's viewer
    SAVE = "save"  # a copy saved where the counsellor chose


@dataclass(frozen=True)
class DocumentFile:
    """A document with its bytes."""

    document: DocumentView
    data: bytes


def refusal_message(name: str, found: Problem, size: int) -> str:
    """Why the file ``name`` cannot be attached, and what to do instead, in words."""
    if found.refusal is Refusal.EMPTY:
        return _("%(name)s is empty: there is nothing to attach.") % {"name": name}
    if found.refusal is Refusal.TOO_LARGE:
        return _(
            "%(name)s is %(size)s; a document may be at most %(max)s. Scan it at a lower "
            "resolution or save it smaller (a PDF compressed, say) and add it again."
        ) % {"name": name, "size": format_size(size), "max": format_size(MAX_BYTES)}
    if found.refusal is Refusal.PROGRAM_NAME:
        return _(
            "%(name)s was not attached: a file ending in .%(ending)s is a program or a script, "
            "and the program keeps documents only (PDF files, images, office documents)."
        ) % {"name": name, "ending": found.detail}
    return _(
        "%(name)s was not attached: its content is a program (%(what)s), whatever its name "
        "says. The program keeps documents only (PDF files, images, office documents)."
    ) % {"name": name, "what": found.detail}


def _clean_name(file_name: str) -> str:
    """The name as it is kept: its last part (never a folder), trimmed to the column."""
    name = "".join("_" if unicodedata.category(c) == "Cc" else c for c in base_name(file_name))
    name = name.strip()
    if not name:
        raise ValidationError(_("The document needs a file name."), field="file")
    if len(name) > NAME_LIMIT:
        _stem, dot, suffix = name.rpartition(".")
        keep = f"{dot}{suffix}" if dot and len(suffix) <= 16 else ""
        name = name[: NAME_LIMIT - len(keep)] + keep
    return name


def _view(s: Session, d: Document) -> DocumentView:
    for view in record_views.documents(s, d.record_id, record_views.user_names(s)):
        if view.id == d.id:
            return view
    raise NotFoundError(_("This document does not exist (any more)."))


def add_document(
    uow: UnitOfWork, actor: Actor, record_id: int, file_name: str, data: bytes
) -> Saved[DocumentView]:
    """Attach ``data`` under ``file_name`` to the record; refused above 20 MB, when empty, for
    a program or a script (by its name or its content), for a file the record holds already,
    and on an anonymised record."""
    actor.require(Permission.WORK_RECORDS)
    name = _clean_name(file_name)
    found = problem(name, len(data), data[:HEAD_BYTES])
    if found is not None:
        raise ValidationError(refusal_message(name, found, len(data)), field="file")
    digest = hashlib.sha256(data).hexdigest()
    with uow.begin() as s:
        r = cases.load(s, record_id, actor)
        if r.anonymised_at is not None:
            raise StateError(_("This record is anonymised; no documents can be added to it."))
        same = s.execute(
            select(Document.file_name, Document.added_at).where(
                Document.record_id == r.id, Document.sha256 == digest
            )
        ).first()
        if same is not None:
            raise ValidationError(
                _("%(name)s is on this record already: added on %(date)s as %(existing)s.")
                % {
                    "name": name,
                    "date": format_short_date(same.added_at.astimezone(OFFICE_TZ).date()),
                    "existing": same.file_name,
                },
                field="file",
            )
        d = Document(
            record_id=r.id,
            file_name=name,
            media_type=media_type(name, data[:HEAD_BYTES]),
            size=len(data),
            sha256=digest,
            content=data,
            added_at=utcnow(),
            added_by_id=actor.user_id,
        )
        s.add(d)
        s.flush()
        audit.log(
            s, actor, AuditAction.ADD_DOCUMENT, "record", r.id,
            detail=f"document={d.id} size={d.size}",
        )  # fmt: skip
        return Saved(_view(s, d), record_changed(r.id))


def add_file(uow: UnitOfWork, actor: Actor, record_id: int, path: Path) -> Saved[DocumentView]:
    """Attach the file at ``path`` (its name is kept as the document's name). A file over the
    limit is refused before it is read; a file that cannot be read says why."""
    actor.require(Permission.WORK_RECORDS)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:  # said before reading it all into memory
            too_large = Problem(Refusal.TOO_LARGE)
            raise ValidationError(refusal_message(path.name, too_large, size), field="file")
        data = path.read_bytes()
    except OSError as exc:
        raise DomainError(
            _("%(file)s could not be read: %(reason)s.")
            % {"file": path.name, "reason": exc.strerror or str(exc)}
        ) from exc
    return add_document(uow, actor, record_id, path.name, data)


@dataclass(frozen=True)
class Added:
    """What :func:`add_files` did: the documents attached, and why each other file was not."""

    documents: tuple[DocumentView, ...]
    refused: tuple[str, ...]  # one message per file, naming it


def add_files(uow: UnitOfWork, actor: Actor, record_id: int, paths: Sequence[Path]) -> Saved[Added]:
    """Attach each of ``paths`` (chosen or dropped together), each in a transaction of its
    own: a refused or unreadable file is said and the others are attached all the same. A
    missing permission or record refuses them all."""
    added: list[DocumentView] = []
    refused: list[str] = []
    for path in paths:
        try:
            added.append(add_file(uow, actor, record_id, path).value)
        except (ValidationError, StateError) as exc:
            refused.append(exc.message)
        except (PermissionDeniedError, NotFoundError):
            raise
        except DomainError as exc:  # unreadable: said, the others go on
            refused.append(exc.message)
    changes = record_changed(record_id) if added else Changes()
    return Saved(Added(tuple(added), tuple(refused)), changes)


def _load(s: Session, actor: Actor, document_id: int) -> Document:
    d = s.get(Document, document_id)
    if d is None:
        raise NotFoundError(_("This document does not exist (any more)."))
    cases.load(s, d.record_id, actor)  # the record's visibility is the document's
    return d


def read_document(
    uow: UnitOfWork, actor: Actor, document_id: int, purpose: Purpose = Purpose.OPEN
) -> DocumentFile:
    """The document with its bytes, audited as read (to open or to save it). A document to
    open that a viewer would run (an older program's, or written by hand) is refused."""
    actor.require(Permission.WORK_RECORDS)
    with uow.begin() as s:
        d = _load(s, actor, document_id)
        data = d.content
        if purpose is Purpose.OPEN:
            found = problem(d.file_name, max(len(data), 1), data[:HEAD_BYTES])
            if found is not None and found.refusal in (
                Refusal.PROGRAM_NAME, Refusal.PROGRAM_CONTENT,
            ):  # fmt: skip
                raise ValidationError(
                    _(
                        "%(name)s is not opened: it is a program or a script. Save it with "
                        "“Save as…” if you need it."
                    )
                    % {"name": d.file_name}
                )
        audit.log(
            s, actor, AuditAction.READ_DOCUMENT, "record", d.record_id,
            detail=f"document={d.id} {purpose.value}",
        )  # fmt: skip
        return DocumentFile(_view(s, d), data)


def save_copy(uow: UnitOfWork, actor: Actor, document_id: int, target: Path) -> Path:
    """Write the document to ``target`` (whole or not at all); the read is audited."""
    found = read_document(uow, actor, document_id, Purpose.SAVE)
    _write(target, found.data)
    return target


def open_copy(uow: UnitOfWork, actor: Actor, document_id: int, folder: Path) -> Path:
    """Write the document into ``folder`` (the desk's private temporary folder) under a name
    made safe (:func:`~welcome_center.domain.documents.copy_name`) in a folder of its own
    (names may repeat), for the system's viewer; the read is audited. Returns the file."""
    found = read_document(uow, actor, document_id, Purpose.OPEN)
    own = folder / str(document_id)
    target = own / copy_name(found.document.file_name, found.document.media_type)
    try:
        own.mkdir(mode=0o700, exist_ok=True)
    except OSError as exc:
        raise DomainError(
            _("%(file)s could not be written: %(reason)s.")
            % {"file": str(target), "reason": exc.strerror or str(exc)}
        ) from exc
    _write(target, found.data)
    return target


def _write(target: Path, data: bytes) -> None:
    try:
        write_atomically(target, data)
    except OSError as exc:
        raise DomainError(
            _("%(file)s could not be written: %(reason)s. Choose another folder or file name.")
            % {"file": str(target), "reason": exc.strerror or str(exc)}
        ) from exc


def remove_document(uow: UnitOfWork, actor: Actor, document_id: int) -> Saved[DocumentView]:
    """Delete the document for good (audited). Its bytes are zeroed in the database file
    (``secure_delete``), and on SQLite the ``-wal`` that still holds them is truncated where
    no other program reads it (DOMAIN.md, erasure reaches every copy)."""
    actor.require(Permission.WORK_RECORDS)
    with uow.begin() as s:
        d = _load(s, actor, document_id)
        view = _view(s, d)
        s.delete(d)
        audit.log(
            s, actor, AuditAction.REMOVE_DOCUMENT, "record", view.record_id,
            detail=f"document={view.id}",
        )  # fmt: skip
    # Best effort, after the commit: a busy or failing checkpoint must not report the removal,
    # which is saved, as failed; the next one (at the latest the retention run's) truncates it.
    with contextlib.suppress(*cipher.FILE_ERRORS, SQLAlchemyError):
        erasure.checkpoint(uow.db, tries=1)
    return Saved(view, record_changed(view.record_id))
