"""the months in which each record was active, kept for the figures

A new table ``record_months`` (record_id, month: the first day of a month in which the record
was opened, promoted or closed, or had a consultation or a referral), its primary key led by the
record (on SQLite the table is that index: WITHOUT ROWID) for rewriting one record's months, an
index led by the month for the figures of whole months and the trend; ``ON DELETE CASCADE``
from ``records``. Filled here from the five columns with the program's rule
(``db/activity.py``). A new table only: no batch mode, no existing table copied (STACK.md, the
data-loss pitfall).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "record_months",
        sa.Column(
            "record_id",
            sa.Integer(),
            sa.ForeignKey(
                "records.id", name=op.f("fk_record_months_record_id_records"), ondelete="CASCADE"
            ),
            nullable=False,
        ),
        sa.Column("month", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("record_id", "month", name=op.f("pk_record_months")),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_record_months_month", "record_months", ["month", "record_id"])
    # Imported here, not at the top: Alembic loads every script to walk the revisions.
    from welcome_center.db import activity

    activity.rebuild(op.get_bind())


def downgrade() -> None:
    op.drop_index("ix_record_months_month", table_name="record_months")
    op.drop_table("record_months")
