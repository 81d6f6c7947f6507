"""Vocabulary management (add, relabel, reorder, retire) and lookup of codes and labels."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from welcome_center.db.models import VocabularyEntry
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.audit import AuditAction
from welcome_center.domain.enums import Vocabulary
from welcome_center.domain.errors import NotFoundError, ValidationError
from welcome_center.domain.permissions import Permission
from welcome_center.domain.views import VocabularyItem
from welcome_center.i18n import _
from welcome_center.services import audit
from welcome_center.services.context import Actor, Changes, Saved

_CODE = re.compile(r"^[a-z0-9_]{1,64}$")


def _view(e: VocabularyEntry) -> VocabularyItem:
    return VocabularyItem(
        vocabulary=e.vocabulary,
        code=e.code,
        label_de=e.label_de,
        label_en=e.label_en,
        position=e.position,
        active=e.active,
    )


def entries(
    session: Session, vocabulary: Vocabulary, active_only: bool = False
) -> list[VocabularyItem]:
    """The entries of a vocabulary in their order, inside a caller's transaction."""
    stmt = select(VocabularyEntry).where(VocabularyEntry.vocabulary == vocabulary.value)
    if active_only:
        stmt = stmt.where(VocabularyEntry.active.is_(True))
    stmt = stmt.order_by(VocabularyEntry.position, VocabularyEntry.code)
    return [_view(e) for e in session.scalars(stmt)]


def list_entries(
    uow: UnitOfWork, vocabulary: Vocabulary, active_only: bool = False
) -> list[VocabularyItem]:
    """The entries of a vocabulary (retired ones too unless ``active_only``)."""
    with uow.read() as s:
        return entries(s, vocabulary, active_only)


def all_entries(uow: UnitOfWork) -> dict[Vocabulary, list[VocabularyItem]]:
    """Every vocabulary at once (the desk caches this and refreshes it on Changes)."""
    with uow.read() as s:
        return {v: entries(s, v) for v in Vocabulary}


def resolver(session: Session, vocabulary: Vocabulary) -> dict[str, str]:
    """Map from a code or a German or English label (case-folded) to the code.

    A part of a label between commas or slashes ("Aufenthalt" of "Aufenthalt, Einreise, Visum"),
    or its words before a parenthesis ("Person in der Region" of "Person in der Region
    (zugewandert)"), is understood too, when it belongs to one entry only: lists write the short
    form.
    """
    out: dict[str, str] = {}
    parts: dict[str, set[str]] = {}
    for e in entries(session, vocabulary):
        for key in (e.label_de, e.label_en, e.code):
            out[key.strip().casefold()] = e.code
        for label in (e.label_de, e.label_en):
            for part in [*re.split(r"[,/]", label), label.split("(")[0]]:
                if part.strip():
                    parts.setdefault(part.strip().casefold(), set()).add(e.code)
    for part, codes in parts.items():
        if len(codes) == 1 and part not in out:
            out[part] = next(iter(codes))
    return out


def require_codes(
    session: Session,
    vocabulary: Vocabulary,
    codes: list[str],
    field: str,
    allow_retired: frozenset[str] = frozenset(),
) -> None:
    """Raise ValidationError unless every code is an active entry (or one kept from before)."""
    active = {e.code for e in entries(session, vocabulary, active_only=True)}
    for code in codes:
        if code not in active and code not in allow_retired:
            raise ValidationError(
                _("%(code)s is not an active entry of the list.") % {"code": code}, field=field
            )


def _get(s: Session, vocabulary: Vocabulary, code: str) -> VocabularyEntry:
    e = s.scalar(
        select(VocabularyEntry).where(
            VocabularyEntry.vocabulary == vocabulary.value, VocabularyEntry.code == code
        )
    )
    if e is None:
        raise NotFoundError(_("The entry %(code)s does not exist.") % {"code": code})
    return e


def _check_labels(label_de: str, label_en: str) -> None:
    if not label_de.strip() or not label_en.strip():
        raise ValidationError(_("Enter a German and an English label."), field="label")


def add_entry(
    uow: UnitOfWork, actor: Actor, vocabulary: Vocabulary, code: str, label_de: str, label_en: str
) -> Saved[VocabularyItem]:
    """Add an entry at the end of the vocabulary."""
    actor.require(Permission.MANAGE_VOCABULARIES)
    if not _CODE.match(code):
        raise ValidationError(
            _("A code has 1 to 64 small letters, digits or underscores."), field="code"
        )
    _check_labels(label_de, label_en)
    with uow.begin() as s:
        exists = s.scalar(
            select(VocabularyEntry.id).where(
                VocabularyEntry.vocabulary == vocabulary.value, VocabularyEntry.code == code
            )
        )
        if exists is not None:
            raise ValidationError(
                _("The code %(code)s exists already.") % {"code": code}, field="code"
            )
        last = s.scalar(
            select(func.max(VocabularyEntry.position)).where(
                VocabularyEntry.vocabulary == vocabulary.value
            )
        )
        e = VocabularyEntry(
            vocabulary=vocabulary.value,
            code=code,
            label_de=label_de.strip(),
            label_en=label_en.strip(),
            position=(last or 0) + 1,
            active=True,
        )
        s.add(e)
        s.flush()
        audit.log(
            s, actor, AuditAction.CREATE, "vocabulary", e.id, detail=f"{vocabulary.value}:{code}"
        )
        return Saved(_view(e), Changes(vocabularies=True))


def relabel(
    uow: UnitOfWork, actor: Actor, vocabulary: Vocabulary, code: str, label_de: str, label_en: str
) -> Saved[VocabularyItem]:
    """Change an entry's labels; its code, and so every statistic, stays."""
    actor.require(Permission.MANAGE_VOCABULARIES)
    _check_labels(label_de, label_en)
    with uow.begin() as s:
        e = _get(s, vocabulary, code)
        e.label_de, e.label_en = label_de.strip(), label_en.strip()
        audit.log(s, actor, AuditAction.UPDATE, "vocabulary", e.id, ["label_de", "label_en"])
        return Saved(_view(e), Changes(vocabularies=True))


def set_active(
    uow: UnitOfWork, actor: Actor, vocabulary: Vocabulary, code: str, active: bool
) -> Saved[VocabularyItem]:
    """Retire an entry (hidden from new input, old records keep it) or bring it back."""
    actor.require(Permission.MANAGE_VOCABULARIES)
    with uow.begin() as s:
        e = _get(s, vocabulary, code)
        e.active = active
        audit.log(
            s, actor, AuditAction.ACTIVATE if active else AuditAction.RETIRE, "vocabulary", e.id
        )
        return Saved(_view(e), Changes(vocabularies=True))


def reorder(
    uow: UnitOfWork, actor: Actor, vocabulary: Vocabulary, codes: list[str]
) -> Saved[list[VocabularyItem]]:
    """Put the entries in the order of ``codes`` (every code of the vocabulary, once)."""
    actor.require(Permission.MANAGE_VOCABULARIES)
    with uow.begin() as s:
        rows = {
            e.code: e
            for e in s.scalars(
                select(VocabularyEntry).where(VocabularyEntry.vocabulary == vocabulary.value)
            )
        }
        if sorted(codes) != sorted(rows):
            raise ValidationError(_("The new order must name every entry once."))
        for position, code in enumerate(codes):
            rows[code].position = position
        audit.log(s, actor, AuditAction.REORDER, "vocabulary", None, detail=vocabulary.value)
        s.flush()
        return Saved(entries(s, vocabulary), Changes(vocabularies=True))
