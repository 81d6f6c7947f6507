"""Residence titles (Aufenthaltstitel): a history per person, with expiry."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from welcome_center.db.models import Person, ResidenceTitle
from welcome_center.db.types import utcnow
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.audit import AuditAction
from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import ResidenceTitleDraft
from welcome_center.domain.enums import Vocabulary
from welcome_center.domain.errors import NotFoundError, ValidationError
from welcome_center.domain.permissions import Permission
from welcome_center.domain.views import ResidenceTitleView
from welcome_center.i18n import _
from welcome_center.services import (
    audit,
    follow_ups,
    record_views,
    settings,
    visibility,
    vocabularies,
)
from welcome_center.services.context import Actor, Changes, Saved
from welcome_center.services.locking import check_unchanged


def _check(s: Session, d: ResidenceTitleDraft, kept: str | None = None) -> None:
    # A title keeps its code even if retired since; a new or changed one must be active.
    allowed = frozenset({kept}) if kept else frozenset()
    vocabularies.require_codes(s, Vocabulary.RESIDENCE_TITLE, [d.title], "title", allowed)
    if d.valid_from and d.expires_on and d.expires_on < d.valid_from:
        raise ValidationError(_("The title expires before it is valid."), field="expires_on")


def add_title(
    uow: UnitOfWork, actor: Actor, person_id: int, draft: ResidenceTitleDraft
) -> Saved[ResidenceTitleView]:
    """Add a residence title to a person's history; one expiring soon raises a follow-up."""
    actor.require(Permission.WORK_RECORDS)
    with uow.begin() as s:
        if s.get(Person, person_id) is None:
            raise NotFoundError(_("This person does not exist (any more)."))
        visibility.check_person(s, actor, person_id)
        _check(s, draft)
        t = ResidenceTitle(
            person_id=person_id,
            title=draft.title,
            valid_from=draft.valid_from,
            expires_on=draft.expires_on,
            accelerated_procedure=draft.accelerated_procedure,
            notes=draft.notes,
        )
        s.add(t)
        s.flush()
        audit.log(
            s, actor, AuditAction.ADD_RESIDENCE_TITLE, "person", person_id, detail=f"title={t.id}"
        )
        raised = follow_ups.sync_residence_follow_ups(s, actor)
        return Saved(
            record_views.residence_view(t),
            Changes(persons=frozenset({person_id}), follow_ups=raised > 0),
        )


def update_title(
    uow: UnitOfWork,
    actor: Actor,
    title_id: int,
    draft: ResidenceTitleDraft,
    expected_version: int,
) -> Saved[ResidenceTitleView]:
    """Correct a residence title; a concurrent change by someone else raises ConflictError."""
    actor.require(Permission.WORK_RECORDS)
    with uow.begin() as s:
        t = s.get(ResidenceTitle, title_id)
        if t is None:
            raise NotFoundError(_("This residence title does not exist."))
        visibility.check_person(s, actor, t.person_id)
        check_unchanged(s, _("This residence title"), t, expected_version)
        _check(s, draft, kept=t.title)
        t.title, t.valid_from, t.expires_on = draft.title, draft.valid_from, draft.expires_on
        t.accelerated_procedure, t.notes = draft.accelerated_procedure, draft.notes
        t.updated_at, t.updated_by_id = utcnow(), actor.user_id
        s.flush()
        audit.log(
            s,
            actor,
            AuditAction.EDIT_RESIDENCE_TITLE,
            "person",
            t.person_id,
            detail=f"title={t.id}",
        )
        raised = follow_ups.sync_residence_follow_ups(s, actor)
        return Saved(
            record_views.residence_view(t),
            Changes(persons=frozenset({t.person_id}), follow_ups=raised > 0),
        )


def titles_of(uow: UnitOfWork, actor: Actor, person_id: int) -> list[ResidenceTitleView]:
    """A person's residence titles, newest first (the read is audited)."""
    actor.require(Permission.WORK_RECORDS)
    with uow.begin() as s:
        visibility.check_person(s, actor, person_id)
        audit.log(s, actor, AuditAction.READ, "person", person_id, detail="residence_titles")
        rows = s.scalars(
            select(ResidenceTitle)
            .where(ResidenceTitle.person_id == person_id)
            .order_by(ResidenceTitle.valid_from.desc().nulls_last(), ResidenceTitle.id.desc())
        )
        return [record_views.residence_view(t) for t in rows]


def expiring(
    uow: UnitOfWork, actor: Actor, within_days: int | None = None
) -> list[ResidenceTitleView]:
    """Titles expiring from today within the window (default: the setting), soonest first.
    Reads only."""
    actor.require(Permission.WORK_RECORDS)
    today = office_today()
    with uow.read() as s:
        days = (
            within_days
            if within_days is not None
            else settings.current(s).residence_expiry_window_days
        )
        rows = s.scalars(
            select(ResidenceTitle)
            .join(Person, Person.id == ResidenceTitle.person_id)
            .where(
                ResidenceTitle.expires_on >= today,
                ResidenceTitle.expires_on <= today + timedelta(days=days),
                Person.anonymised_at.is_(None),
            )
            .order_by(ResidenceTitle.expires_on)
        ).all()
        return [record_views.residence_view(t) for t in rows]
