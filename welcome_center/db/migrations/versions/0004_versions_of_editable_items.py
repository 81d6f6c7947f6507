"""a version (optimistic locking) and who changed it last on every editable item

Consultations, referrals, follow-ups, recognition procedures, residence titles, events and
contact persons get ``version`` (existing rows start at 1) and, where missing, ``updated_at``
and ``updated_by_id``. Plain ADD COLUMN, no batch mode: SQLite adds a column in place, while
batch mode would copy, drop and rename each table (STACK.md, the data-loss pitfall). The
foreign key of ``updated_by_id`` is written inline on SQLite (``REFERENCES``), which SQLite
allows on an added column whose default is NULL.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from welcome_center.db.types import UTCDateTime

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table -> whether it still needs updated_at (recognition_procedures has it since 0001)
TABLES = {
    "consultations": True,
    "referrals": True,
    "follow_ups": True,
    "recognition_procedures": False,
    "residence_titles": True,
    "events": True,
    "contact_persons": True,
}


def upgrade() -> None:
    # Elsewhere (PostgreSQL) the foreign key is added as its own named constraint.
    inline = op.get_bind().dialect.name == "sqlite"
    for table, needs_updated_at in TABLES.items():
        if needs_updated_at:
            op.add_column(table, sa.Column("updated_at", UTCDateTime(), nullable=True))
        op.add_column(
            table,
            sa.Column(
                "updated_by_id",
                sa.Integer(),
                sa.ForeignKey("users.id", name=op.f(f"fk_{table}_updated_by_id_users")),
                nullable=True,
            ),
            inline_references=inline,
        )
        op.add_column(table, sa.Column("version", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    # SQLite (>= 3.35) drops these columns in place too: the foreign key is part of the
    # column's own definition, not a table constraint.
    for table, needs_updated_at in TABLES.items():
        op.drop_column(table, "version")
        op.drop_column(table, "updated_by_id")
        if needs_updated_at:
            op.drop_column(table, "updated_at")
