"""a tamper-evident audit log: each entry's hash over its content and the previous entry's hash

New columns ``audit_log.prev_hash`` and ``audit_log.hash``; new tables ``audit_chain_head`` (one
row: the newest entry's id and hash, the number of entries; every writer locks it) and
``audit_chain_gaps`` (where the retention rules deleted entries). The existing entries are
chained in id order, a chunk at a time, as the program would have written them
(domain/audit_chain.py, format v1), so that ``welcome-center db check`` verifies them too.

Plain ADD COLUMN, CREATE TABLE and UPDATEs, no batch mode: batch mode would copy, drop and
rename ``audit_log`` (STACK.md, the data-loss pitfall).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-12
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from welcome_center.db.types import UTCDateTime
from welcome_center.domain.audit_chain import GENESIS, entry_hash

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CHUNK = 5_000

_audit = sa.table(
    "audit_log",
    sa.column("id", sa.Integer),
    sa.column("at", UTCDateTime()),
    sa.column("user_id", sa.Integer),
    sa.column("actor", sa.String),
    sa.column("action", sa.String),
    sa.column("entity", sa.String),
    sa.column("entity_id", sa.Integer),
    sa.column("fields", sa.JSON),
    sa.column("detail", sa.Text),
    sa.column("prev_hash", sa.String),
    sa.column("hash", sa.String),
)


def upgrade() -> None:
    op.add_column("audit_log", sa.Column("prev_hash", sa.String(length=64), nullable=True))
    op.add_column("audit_log", sa.Column("hash", sa.String(length=64), nullable=True))
    op.create_table(
        "audit_chain_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_id", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_chain_head")),
    )
    op.create_table(
        "audit_chain_gaps",
        sa.Column("entry_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("removed", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("entry_id", name=op.f("pk_audit_chain_gaps")),
    )
    conn = op.get_bind()
    update = (
        sa.update(_audit)
        .where(_audit.c.id == sa.bindparam("b_id"))
        .values(prev_hash=sa.bindparam("b_prev"), hash=sa.bindparam("b_hash"))
    )
    last, prev, count = 0, GENESIS, 0
    while True:  # a chunk at a time, by id: never a list of millions of entries
        rows = conn.execute(
            sa.select(_audit).where(_audit.c.id > last).order_by(_audit.c.id).limit(_CHUNK)
        ).all()
        if not rows:
            break
        chained = []
        for r in rows:
            h = entry_hash(
                r.id, r.at, r.user_id, r.actor, r.action, r.entity, r.entity_id, r.fields,
                r.detail, prev,
            )  # fmt: skip
            chained.append({"b_id": r.id, "b_prev": prev, "b_hash": h})
            prev = h
        conn.execute(update, chained)
        last = rows[-1].id
        count += len(rows)
    conn.execute(
        sa.text(
            "INSERT INTO audit_chain_head (id, last_id, last_hash, count) "
            "VALUES (1, :last, :hash, :count)"
        ),
        {"last": last, "hash": prev, "count": count},
    )


def downgrade() -> None:
    op.drop_table("audit_chain_gaps")
    op.drop_table("audit_chain_head")
    op.drop_column("audit_log", "hash")
    op.drop_column("audit_log", "prev_hash")
