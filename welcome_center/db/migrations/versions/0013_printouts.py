"""print-outs: the office's contact and the client summary's wording

New columns on ``office_settings``: ``office_address`` (lines), ``office_phone``,
``office_email``, ``office_website`` (printed on the client summary and the referral note), and
``summary_texts``, the client summary's template per language as a JSON object (empty: the
built-in texts for German, simple German and English, none for other languages). The existing
settings row gets empty values. Plain ADD COLUMN, no batch mode (STACK.md, the data-loss
pitfall).

Revision ID: 0013
Revises: 0012
Create Date: 2027-01-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = (
    ("office_address", sa.Text()),
    ("office_phone", sa.String(100)),
    ("office_email", sa.String(200)),
    ("office_website", sa.String(300)),
    ("summary_texts", sa.Text()),
)


def upgrade() -> None:
    for name, kind in _COLUMNS:
        op.add_column("office_settings", sa.Column(name, kind, nullable=False, server_default=""))


def downgrade() -> None:
    for name, _kind in reversed(_COLUMNS):
        op.drop_column("office_settings", name)
