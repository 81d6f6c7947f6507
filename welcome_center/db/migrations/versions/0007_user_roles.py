"""need to know: several roles per user, a substitute on records

A user may hold several roles (an administrator who also counsels holds both, DOMAIN.md "Need to
know"): the new table ``user_roles`` (user, role) replaces the column ``users.role``. Every
existing user keeps their role; existing counsellors also get ``list_export``, the grant to
export lists with client names, which they had until now as part of their role (new users get
it only when an administrator ticks it). Records get ``substitute_id``: who stands in for the
counsellor, and so sees the record where the office shows counsellors their own records only.

No batch mode: SQLite (>= 3.35) drops ``users.role`` in place (it is in no index and no
constraint), adds the column to ``records`` in place, and batch mode would copy, drop and rename
``users``, which every table refers to (STACK.md, the data-loss pitfall).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ROLES = ("counsellor", "manager", "admin", "list_export")


def upgrade() -> None:
    op.create_table(
        "user_roles",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum(*_ROLES, name="role", native_enum=False, length=32),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_roles_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "role", name=op.f("pk_user_roles")),
    )
    op.execute("INSERT INTO user_roles (user_id, role) SELECT id, role FROM users")
    op.execute(
        "INSERT INTO user_roles (user_id, role) "
        "SELECT id, 'list_export' FROM users WHERE role = 'counsellor'"
    )
    op.drop_column("users", "role")

    # On SQLite the foreign key is written inline (REFERENCES), as SQLite allows on an added
    # column whose default is NULL; elsewhere it is a named constraint of its own.
    op.add_column(
        "records",
        sa.Column(
            "substitute_id",
            sa.Integer(),
            sa.ForeignKey("users.id", name=op.f("fk_records_substitute_id_users")),
            nullable=True,
        ),
        inline_references=op.get_bind().dialect.name == "sqlite",
    )
    op.create_index(op.f("ix_records_substitute_id"), "records", ["substitute_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_records_substitute_id"), "records")
    # Once 0016 has rebuilt ``records`` on SQLite, the foreign key is a constraint of the table
    # (no longer written inline), and SQLite's DROP COLUMN refuses to leave it behind: batch
    # mode copies the table without the column (the runner has foreign keys off).
    with op.batch_alter_table("records") as batch:
        batch.drop_column("substitute_id")
    # One role each again: administrator before counsellor before manager.
    op.add_column(
        "users",
        sa.Column(
            "role",
            sa.Enum(*_ROLES[:3], name="role", native_enum=False, length=32),
            nullable=False,
            server_default="counsellor",
        ),
    )
    for role in ("manager", "counsellor", "admin"):
        op.execute(
            "UPDATE users SET role = '" + role + "' WHERE id IN "  # noqa: S608 - constants
            "(SELECT user_id FROM user_roles WHERE role = '" + role + "')"
        )
    op.drop_table("user_roles")
