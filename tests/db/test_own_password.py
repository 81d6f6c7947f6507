"""Changing one's own password: the current one proves who asks, the usual rules, an audit entry."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import PASSWORD
from welcome_center.db.models import AuditEntry
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.errors import AuthenticationError, ValidationError
from welcome_center.services import users
from welcome_center.services.context import Actor

NEW_PASSWORD = "a brand new secret"


def _last_audit(uow: UnitOfWork) -> tuple[object, ...]:
    with uow.read() as s:
        row = s.execute(
            select(
                AuditEntry.actor,
                AuditEntry.action,
                AuditEntry.entity,
                AuditEntry.entity_id,
                AuditEntry.detail,
            )
            .order_by(AuditEntry.id.desc())
            .limit(1)
        ).one()
    return tuple(row)


def test_the_new_password_replaces_the_old_one_and_is_audited(uow: UnitOfWork, anna: Actor) -> None:
    saved = users.change_own_password(uow, anna, PASSWORD, NEW_PASSWORD)
    assert saved.value.username == "anna"
    assert saved.changes.users
    entry = _last_audit(uow)  # who and what, never the password or its hash
    assert entry[:4] == ("anna", "change_password", "user", anna.user_id)
    assert "hash" not in str(entry[4]) and NEW_PASSWORD not in str(entry)
    assert users.authenticate(uow, "anna", NEW_PASSWORD).user_id == anna.user_id
    with pytest.raises(AuthenticationError):
        users.authenticate(uow, "anna", PASSWORD)


def test_a_wrong_current_password_is_refused_at_its_field(uow: UnitOfWork, anna: Actor) -> None:
    with pytest.raises(ValidationError) as info:
        users.change_own_password(uow, anna, "not my password", NEW_PASSWORD)
    assert info.value.field == "current"
    assert users.authenticate(uow, "anna", PASSWORD).user_id == anna.user_id


def test_the_new_password_follows_the_rules_of_every_password(uow: UnitOfWork, anna: Actor) -> None:
    with pytest.raises(ValidationError) as info:
        users.change_own_password(uow, anna, PASSWORD, "short")
    assert info.value.field == "password"
    assert "at least 10 characters" in info.value.message
    with pytest.raises(ValidationError) as info:
        users.change_own_password(uow, anna, PASSWORD, PASSWORD)
    assert info.value.field == "password"
    assert users.authenticate(uow, "anna", PASSWORD).user_id == anna.user_id


def test_each_user_changes_only_their_own(uow: UnitOfWork, anna: Actor, manager: Actor) -> None:
    # A manager may change their own password too; anna's stays as it was.
    users.change_own_password(uow, manager, PASSWORD, NEW_PASSWORD)
    assert users.authenticate(uow, "maria", NEW_PASSWORD).user_id == manager.user_id
    assert users.authenticate(uow, "anna", PASSWORD).user_id == anna.user_id


def test_a_deactivated_account_cannot_change_its_password(
    uow: UnitOfWork, admin: Actor, anna: Actor
) -> None:
    assert anna.user_id is not None
    users.set_active(uow, admin, anna.user_id, False)
    with pytest.raises(AuthenticationError):
        users.change_own_password(uow, anna, PASSWORD, NEW_PASSWORD)


def test_the_command_line_has_no_password_to_change(uow: UnitOfWork) -> None:
    with pytest.raises(ValidationError):
        users.change_own_password(uow, Actor.system("tester"), PASSWORD, NEW_PASSWORD)
