"""documents on a record: files stored inside the database

A new table ``documents`` (record, the name the file came with, media type, size, SHA-256, the
bytes, who added it and when), ``ON DELETE CASCADE`` from ``records``. The bytes live in the
database so that backups hold them, encryption covers them and anonymising a record deletes
them (DOMAIN.md, documents on a record). A new table only: no batch mode, no existing table
copied (STACK.md, the data-loss pitfall).

Revision ID: 0015
Revises: 0014
Create Date: 2027-01-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from welcome_center.db.types import UTCDateTime

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "record_id",
            sa.Integer(),
            sa.ForeignKey(
                "records.id", name=op.f("fk_documents_record_id_records"), ondelete="CASCADE"
            ),
            nullable=False,
        ),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("media_type", sa.String(100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("added_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "added_by_id",
            sa.Integer(),
            sa.ForeignKey("users.id", name=op.f("fk_documents_added_by_id_users")),
            nullable=True,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
    )
    op.create_index(op.f("ix_documents_record_id"), "documents", ["record_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_documents_record_id"), table_name="documents")
    op.drop_table("documents")
