"""consultation minutes in the date index (the statistics sum them from the index alone)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_consultations_date_record", table_name="consultations")
    op.create_index(
        "ix_consultations_date_record_minutes",
        "consultations",
        ["held_on", "record_id", "duration_minutes"],
    )


def downgrade() -> None:
    op.drop_index("ix_consultations_date_record_minutes", table_name="consultations")
    op.create_index("ix_consultations_date_record", "consultations", ["held_on", "record_id"])
