"""Migration 0007 (several roles per user, a substitute on records): an office's database at
0006 with its rows upgrades and keeps every row; every user keeps their role, counsellors keep
exporting lists (now a grant of its own), and the way back gives each user one role again."""

from __future__ import annotations

from sqlalchemy import inspect, text

from tests.db.test_privacy_migration import _counts, _to
from welcome_center.db import migrate
from welcome_center.db.engine import Database
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.enums import Role
from welcome_center.services import users
from welcome_center.services.context import Actor
from welcome_center.services.demo import generate_demo


def _roles(db: Database) -> dict[str, frozenset[Role]]:
    return {u.username: u.roles for u in users.list_users(UnitOfWork(db))}


def test_a_0006_database_upgrades_and_every_user_keeps_their_role(db: Database) -> None:
    uow = UnitOfWork(db)
    generate_demo(uow, Actor.system("test"), records=30, seed=5, anonymous_share=0)  # before 0016
    _to(db, "0006")
    with db.engine.begin() as conn:
        assert not inspect(conn).has_table("user_roles")
        assert "substitute_id" not in {c["name"] for c in inspect(conn).get_columns("records")}
        # The way back gave each user one role: the administrator's before the counsellor's.
        stored = dict(conn.execute(text("SELECT username, role FROM users")).all())
        conn.execute(
            text(
                "INSERT INTO users (username, display_name, role, active, created_at) "
                "VALUES ('old.admin', 'Old Admin', 'admin', true, '2024-01-01 00:00:00')"
            )
        )
    assert stored["admin"] == "admin" and stored["anna"] == "counsellor"
    assert stored["maria"] == "manager" and stored["sabine.hofmann"] == "admin"
    before = _counts(db)

    migrate.upgrade(db)

    assert migrate.current_revision(db) == migrate.HEAD
    after = _counts(db)
    assert {t: n for t, n in after.items() if t in before} == before
    assert after["user_roles"] == before["users"] + sum(
        1 for role in stored.values() if role == "counsellor"
    )
    assert migrate.schema_differences(db) == []
    roles = _roles(db)
    assert roles["old.admin"] == {Role.ADMIN}  # no case content
    assert roles["admin"] == {Role.ADMIN}
    assert roles["maria"] == {Role.MANAGER}
    # A counsellor exported lists until now: the grant is kept.
    assert roles["anna"] == {Role.COUNSELLOR, Role.LIST_EXPORT}
    assert roles["olena.koval"] == {Role.COUNSELLOR, Role.LIST_EXPORT}
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM records")).scalar_one() == 30
        assert (
            conn.execute(
                text("SELECT count(*) FROM records WHERE substitute_id IS NOT NULL")
            ).scalar_one()
            == 0
        )
    # Logging in reads the roles from their table.
    actor = users.authenticate(uow, "lena.krause", "demo-passwort")
    assert actor.roles == {Role.COUNSELLOR, Role.LIST_EXPORT}
