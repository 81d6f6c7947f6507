"""idle lock: minutes without input after which the desk locks

A new column on ``office_settings``: ``idle_lock_minutes`` (1 to 60); the existing settings row
gets the default of 5 minutes. Plain ADD COLUMN, no batch mode (STACK.md, the data-loss
pitfall).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-12
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "office_settings",
        sa.Column("idle_lock_minutes", sa.Integer(), nullable=False, server_default="5"),
    )


def downgrade() -> None:
    op.drop_column("office_settings", "idle_lock_minutes")
