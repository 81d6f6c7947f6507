"""import aliases: values of import files remembered as vocabulary entries, partners or users

A new table ``import_aliases`` (kind, key, written, code / organisation_id / user_id, who made it
and when), unique per kind and key; ``ON DELETE CASCADE`` from ``organisations`` and ``users``,
so that an alias never points at a partner or a user that is gone. A new table only: no batch
mode, no existing table copied (STACK.md, the data-loss pitfall).

Revision ID: 0014
Revises: 0013
Create Date: 2027-01-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from welcome_center.db.types import UTCDateTime

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "import_aliases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("key", sa.String(300), nullable=False),
        sa.Column("written", sa.String(300), nullable=False),
        sa.Column("code", sa.String(64), nullable=True),
        sa.Column(
            "organisation_id",
            sa.Integer(),
            sa.ForeignKey(
                "organisations.id",
                name=op.f("fk_import_aliases_organisation_id_organisations"),
                ondelete="CASCADE",
            ),
            nullable=True,
        ),
        sa.Column(
            "user_id",
            sa.Integer(),
            sa.ForeignKey(
                "users.id", name=op.f("fk_import_aliases_user_id_users"), ondelete="CASCADE"
            ),
            nullable=True,
        ),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "created_by_id",
            sa.Integer(),
            sa.ForeignKey("users.id", name=op.f("fk_import_aliases_created_by_id_users")),
            nullable=True,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_aliases")),
        sa.UniqueConstraint("kind", "key", name="import_alias_kind_key"),
    )
    op.create_index(
        op.f("ix_import_aliases_organisation_id"),
        "import_aliases",
        ["organisation_id"],
        unique=False,
    )
    op.create_index(op.f("ix_import_aliases_user_id"), "import_aliases", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_import_aliases_user_id"), table_name="import_aliases")
    op.drop_index(op.f("ix_import_aliases_organisation_id"), table_name="import_aliases")
    op.drop_table("import_aliases")
