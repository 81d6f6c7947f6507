"""statistics indexes (date first, record id covered) and the archive of published reports

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from welcome_center.db.types import UTCDateTime

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Indexes only: no table is rebuilt, so no batch mode (and none of its row-deleting pitfalls).
    op.drop_index("ix_consultations_held_on", table_name="consultations")
    op.create_index("ix_consultations_date_record", "consultations", ["held_on", "record_id"])
    op.drop_index("ix_referrals_referred_on", table_name="referrals")
    op.create_index("ix_referrals_date_record", "referrals", ["referred_on", "record_id"])
    op.create_table(
        "published_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("figures", sa.Text(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_published_reports_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_published_reports")),
    )
    op.create_index(op.f("ix_published_reports_created_at"), "published_reports", ["created_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_published_reports_created_at"), table_name="published_reports")
    op.drop_table("published_reports")
    op.drop_index("ix_referrals_date_record", table_name="referrals")
    op.create_index("ix_referrals_referred_on", "referrals", ["referred_on"])
    op.drop_index("ix_consultations_date_record", table_name="consultations")
    op.create_index("ix_consultations_held_on", "consultations", ["held_on"])
