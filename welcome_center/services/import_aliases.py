"""Aliases: values of import files the lists do not know, remembered as meaning a vocabulary
entry, a partner or a user, so that the next import (desk or command line) understands them
without asking. Made by an import that the user told to remember its mappings, in that
import's transaction (a cancelled or refused import remembers nothing); seen and removed by an
administrator. Each creation, change and removal is audited."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from welcome_center.db.models import ImportAlias, Organisation, User, VocabularyEntry
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.audit import AuditAction, AuditEntity
from welcome_center.domain.errors import NotFoundError, ValidationError
from welcome_center.domain.permissions import Permission
from welcome_center.i18n import _, language
from welcome_center.services import audit
from welcome_center.services.context import Actor, Saved
from welcome_center.services.import_mapping import Target, ValueKind, ValueMapping

MAX_WRITTEN = 300  # characters of a remembered value
_KINDS = frozenset(k.value for k in ValueKind)  # (a newer program's kinds are not listed)


@dataclass(frozen=True)
class AliasView:
    """A remembered alias as the administrator's list shows it."""

    id: int
    kind: ValueKind
    written: str
    target: Target
    target_text: str  # the entry's label, the partner's or the user's name
    created_at: datetime
    created_by: str  # the user's display name; "" when unknown


def alias_key(written: str) -> str:
    """The key an alias is unique by: the value with case and spaces folded."""
    return " ".join(written.split()).casefold()


def _columns(kind: ValueKind, target: Target) -> dict[str, object]:
    if kind is ValueKind.PARTNER:
        return {"code": None, "organisation_id": int(target), "user_id": None}
    if kind is ValueKind.COUNSELLOR:
        return {"code": None, "organisation_id": None, "user_id": int(target)}
    return {"code": str(target), "organisation_id": None, "user_id": None}


def _target(a: ImportAlias) -> Target:
    if a.organisation_id is not None:
        return a.organisation_id
    if a.user_id is not None:
        return a.user_id
    return a.code or ""


def _check_target(s: Session, kind: ValueKind, target: Target) -> None:
    """Refuse a target that is not there: an entry of the kind's list, a partner, a user."""
    if kind is ValueKind.PARTNER:
        ok = s.scalar(
            select(Organisation.id).where(
                Organisation.id == int(target), Organisation.is_partner.is_(True)
            )
        )
    elif kind is ValueKind.COUNSELLOR:
        ok = s.get(User, int(target)) is not None
    else:
        vocabulary = kind.vocabulary
        assert vocabulary is not None
        ok = s.scalar(
            select(VocabularyEntry.id).where(
                VocabularyEntry.vocabulary == vocabulary.value,
                VocabularyEntry.code == str(target),
            )
        )
    if not ok:
        raise ValidationError(
            _('"%(value)s" cannot be remembered: what it was mapped to no longer exists.')
            % {"value": str(target)}
        )


def _detail(kind: ValueKind, written: str, target: Target) -> str:
    return f"{kind.value}: {written} -> {target}"


def remember(s: Session, actor: Actor, mappings: Sequence[ValueMapping]) -> int:
    """Keep the mappings marked to remember (not those that skip rows) as aliases, in the
    caller's transaction: a new one is created, a changed one updated. How many changed."""
    changed = 0
    for m in mappings:
        if not m.remember or m.target is None:
            continue
        written = " ".join(m.written.split())[:MAX_WRITTEN]
        if not written:
            continue
        _check_target(s, m.kind, m.target)
        key = alias_key(written)
        columns = _columns(m.kind, m.target)
        alias = s.scalar(
            select(ImportAlias).where(ImportAlias.kind == m.kind.value, ImportAlias.key == key)
        )
        if alias is None:
            alias = ImportAlias(
                kind=m.kind.value, key=key, written=written, created_by_id=actor.user_id
            )
            for name, value in columns.items():
                setattr(alias, name, value)
            s.add(alias)
            s.flush()
            action = AuditAction.CREATE
        elif _target(alias) != m.target:
            for name, value in columns.items():
                setattr(alias, name, value)
            s.flush()
            action = AuditAction.UPDATE
        else:
            continue
        changed += 1
        detail = _detail(m.kind, written, m.target)
        audit.log(s, actor, action, AuditEntity.IMPORT_ALIAS, alias.id, detail=detail)
    return changed


def _texts(s: Session, aliases: Sequence[ImportAlias]) -> tuple[dict[int, str], dict[int, str]]:
    """alias id -> what it means in words; user id -> display name (of who made them)."""
    lang = language()
    org_ids = {a.organisation_id for a in aliases if a.organisation_id is not None}
    user_ids = {a.user_id for a in aliases if a.user_id is not None}
    user_ids |= {a.created_by_id for a in aliases if a.created_by_id is not None}
    orgs = dict(
        s.execute(
            select(Organisation.id, Organisation.name).where(Organisation.id.in_(org_ids))
        ).all()
    )
    names = dict(s.execute(select(User.id, User.display_name).where(User.id.in_(user_ids))).all())
    labels = {
        (v, c): de if lang == "de" else en
        for v, c, de, en in s.execute(
            select(
                VocabularyEntry.vocabulary,
                VocabularyEntry.code,
                VocabularyEntry.label_de,
                VocabularyEntry.label_en,
            )
        )
    }
    out: dict[int, str] = {}
    for a in aliases:
        if a.organisation_id is not None:
            out[a.id] = orgs.get(a.organisation_id, "")
        elif a.user_id is not None:
            out[a.id] = names.get(a.user_id, "")
        else:
            out[a.id] = labels.get((a.kind, a.code or ""), a.code or "")
    return out, names


def list_aliases(uow: UnitOfWork, actor: Actor) -> tuple[AliasView, ...]:
    """Every remembered alias, by kind and value."""
    actor.require(Permission.IMPORT)
    with uow.read() as s:
        aliases = [
            a
            for a in s.scalars(select(ImportAlias).order_by(ImportAlias.kind, ImportAlias.key))
            if a.kind in _KINDS
        ]
        texts, names = _texts(s, aliases)
        return tuple(
            AliasView(
                id=a.id,
                kind=ValueKind(a.kind),
                written=a.written,
                target=_target(a),
                target_text=texts[a.id],
                created_at=a.created_at,
                created_by=names.get(a.created_by_id or 0, ""),
            )
            for a in aliases
        )


def remove_alias(uow: UnitOfWork, actor: Actor, alias_id: int) -> Saved[None]:
    """Forget an alias: the next import asks about its value again."""
    actor.require(Permission.IMPORT)
    with uow.begin() as s:
        alias = s.get(ImportAlias, alias_id)
        if alias is None:
            raise NotFoundError(_("This alias has been removed already."))
        detail = _detail(ValueKind(alias.kind), alias.written, _target(alias))
        s.delete(alias)
        s.flush()
        audit.log(s, actor, AuditAction.DELETE, AuditEntity.IMPORT_ALIAS, alias_id, detail=detail)
    return Saved(None)
