"""indexed search on PostgreSQL: the documents' words as a tsvector under a GIN index

Until now every search on a server read the whole search table with a regular expression (a
sequential scan: 270-410 ms per query at 100,000 records). The words and positions are written
by ``db/server_search.py`` (as FTS5 cuts them, prefix queries answered by the index); existing
documents are converted here from their stored, folded columns. SQLite's FTS5 table is
unchanged.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from welcome_center.db.server_search import document

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CHUNK = 2000


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        return
    op.execute("ALTER TABLE record_search ADD COLUMN doc tsvector")
    last = 0
    while True:
        rows = bind.execute(
            sa.text(
                "SELECT rowid, number, names, body FROM record_search WHERE rowid > :last "
                "ORDER BY rowid LIMIT :n"
            ),
            {"last": last, "n": _CHUNK},
        ).all()
        if not rows:
            break
        bind.execute(
            sa.text("UPDATE record_search SET doc = CAST(:doc AS tsvector) WHERE rowid = :id"),
            [{"id": r[0], "doc": document(r[1], r[2], r[3])} for r in rows],
        )
        last = rows[-1][0]
    op.execute("ALTER TABLE record_search ALTER COLUMN doc SET NOT NULL")
    # Without the pending list: with it, a bulk insert (demo, import) leaves up to 4 MB of
    # entries that every search reads until the next VACUUM (at 100,000 records a rare name took
    # 30 ms instead of 1 ms); writing a document straight into the index costs about 0.3 ms.
    op.execute(
        "CREATE INDEX ix_record_search_doc ON record_search USING gin (doc) WITH (fastupdate = off)"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    op.execute("DROP INDEX IF EXISTS ix_record_search_doc")
    op.execute("ALTER TABLE record_search DROP COLUMN doc")
