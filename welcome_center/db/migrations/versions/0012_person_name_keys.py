"""name keys for the duplicate check: sounds of each person's names, looked up by index

A new table ``person_name_keys`` (key, person_id), its primary key led by the key (on SQLite
the table is that index: WITHOUT ROWID), with an index on ``person_id`` for rewriting one
person's keys; ``ON DELETE CASCADE`` from ``persons``.
Existing persons (not anonymised) are keyed here with the program's rules
(``db/name_keys.py``, ``domain/name_match.py``), in chunks. A new table only: no batch mode, no
existing table copied (STACK.md, the data-loss pitfall).

Revision ID: 0012
Revises: 0011
Create Date: 2027-01-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "person_name_keys",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column(
            "person_id",
            sa.Integer(),
            sa.ForeignKey(
                "persons.id",
                name=op.f("fk_person_name_keys_person_id_persons"),
                ondelete="CASCADE",
            ),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("key", "person_id", name=op.f("pk_person_name_keys")),
        sqlite_with_rowid=False,
    )
    op.create_index(
        op.f("ix_person_name_keys_person_id"), "person_name_keys", ["person_id"], unique=False
    )
    # Imported here, not at the top: Alembic loads every script to walk the revisions.
    from welcome_center.db import name_keys

    name_keys.rebuild(op.get_bind())


def downgrade() -> None:
    op.drop_index(op.f("ix_person_name_keys_person_id"), table_name="person_name_keys")
    op.drop_table("person_name_keys")
