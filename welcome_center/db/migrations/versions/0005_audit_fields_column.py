"""the audit log's changed field names in their own column; indexes for the audit page

Until now an entry's changed field names were appended to its detail text (``fields=a,b`` or
``<detail> fields=a,b``) and parsed back by the record's History tab. They move to ``fields``,
a JSON list; the detail keeps what stood before them, so that every existing entry keeps its
meaning. Plain ADD COLUMN (and plain UPDATEs and CREATE INDEX), no batch mode: batch mode
would copy, drop and rename ``audit_log`` (STACK.md, the data-loss pitfall).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-08
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As services.audit.log wrote them: sorted names, comma-separated, at the end of the detail.
_TRAILING_FIELDS = re.compile(r"^(?:(?P<head>.*) )?fields=(?P<names>[A-Za-z0-9_]+(?:,[A-Za-z0-9_]+)*)$", re.S)
_CHUNK = 5_000

_audit = sa.table(
    "audit_log",
    sa.column("id", sa.Integer),
    sa.column("detail", sa.Text),
    sa.column("fields", sa.JSON),
)


def split_detail(detail: str) -> tuple[str, list[str]] | None:
    """(the detail without its field names, the names) of an old entry; None without names."""
    m = _TRAILING_FIELDS.match(detail)
    if m is None:
        return None
    return m["head"] or "", m["names"].split(",")


def upgrade() -> None:
    op.add_column(
        "audit_log", sa.Column("fields", sa.JSON(), nullable=False, server_default="[]")
    )
    conn = op.get_bind()
    update = (
        sa.update(_audit)
        .where(_audit.c.id == sa.bindparam("b_id"))
        .values(detail=sa.bindparam("b_detail"), fields=sa.bindparam("b_fields", type_=sa.JSON))
    )
    last = 0
    while True:  # a chunk at a time, by id: never a list of millions of entries
        rows = conn.execute(
            sa.select(_audit.c.id, _audit.c.detail)
            .where(_audit.c.id > last, _audit.c.detail.like("%fields=%"))
            .order_by(_audit.c.id)
            .limit(_CHUNK)
        ).all()
        if not rows:
            break
        last = rows[-1][0]
        moved = []
        for entry_id, detail in rows:
            split = split_detail(detail or "")
            if split is not None:
                moved.append({"b_id": entry_id, "b_detail": split[0], "b_fields": split[1]})
        if moved:
            conn.execute(update, moved)
    op.create_index("ix_audit_log_user_at", "audit_log", ["user_id", "at"])
    op.create_index("ix_audit_log_action_at", "audit_log", ["action", "at"])


def downgrade() -> None:
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(_audit.c.id, _audit.c.detail, _audit.c.fields).where(
            sa.cast(_audit.c.fields, sa.Text) != "[]"
        )
    ).all()
    back = []
    for entry_id, detail, fields in rows:
        if fields:
            names = ",".join(sorted(fields))
            text = f"{detail} fields={names}" if detail else f"fields={names}"
            back.append({"b_id": entry_id, "b_detail": text})
    update = (
        sa.update(_audit)
        .where(_audit.c.id == sa.bindparam("b_id"))
        .values(detail=sa.bindparam("b_detail"))
    )
    for start in range(0, len(back), _CHUNK):
        conn.execute(update, back[start : start + _CHUNK])
    op.drop_index("ix_audit_log_action_at", "audit_log")
    op.drop_index("ix_audit_log_user_at", "audit_log")
    op.drop_column("audit_log", "fields")
