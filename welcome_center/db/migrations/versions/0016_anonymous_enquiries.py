"""anonymous enquiries: a record without a client

A caller who gives no name is recorded without creating a person (DOMAIN.md, anonymous
enquiries). Records get ``anonymous`` (false for every existing record), and the check
``one_client`` (exactly one of ``client_person_id`` and ``client_organisation_id``) becomes
``one_client_or_anonymous``: exactly one client, or none when the record is anonymous.

SQLite cannot change a CHECK constraint in place, so ``records`` is rebuilt in batch mode:
copied, dropped and renamed. Dropping ``records`` while foreign keys are on would delete the
rows of every table that refers to it (consultations, referrals, follow-ups, documents, ...;
STACK.md, the data-loss pitfall): the runner (``db/migrate.py``) switches them off outside
the transaction and runs ``PRAGMA foreign_key_check`` before the commit, and this migration
refuses to run with them on. PostgreSQL changes the table in place.

The way back refuses while an anonymous record exists: the old check has no room for it, and
inventing a client would be worse. Assign each a client first.

Revision ID: 0016
Revises: 0015
Create Date: 2027-01-10
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ONE_CLIENT = "(client_person_id IS NULL) <> (client_organisation_id IS NULL)"
_ONE_CLIENT_OR_ANONYMOUS = (
    "(anonymous AND client_person_id IS NULL AND client_organisation_id IS NULL)"
    " OR (NOT anonymous AND (client_person_id IS NULL) <> (client_organisation_id IS NULL))"
)


def _require_foreign_keys_off() -> None:
    """A batch rebuild of ``records`` with foreign keys on would cascade into its children."""
    bind = op.get_bind()
    if bind.dialect.name == "sqlite" and bind.exec_driver_sql("PRAGMA foreign_keys").scalar():
        raise RuntimeError(
            "migration 0016 rebuilds the table records: run it with foreign keys off "
            "(welcome_center.db.migrate.upgrade does)"
        )


def upgrade() -> None:
    _require_foreign_keys_off()
    anonymous = sa.Column("anonymous", sa.Boolean(), nullable=False, server_default=sa.false())
    if op.get_bind().dialect.name != "sqlite":
        op.add_column("records", anonymous)
        op.drop_constraint(op.f("ck_records_one_client"), "records", type_="check")
        op.create_check_constraint(
            op.f("ck_records_one_client_or_anonymous"), "records", _ONE_CLIENT_OR_ANONYMOUS
        )
        return
    with op.batch_alter_table("records", recreate="always") as batch:
        batch.add_column(anonymous)
        batch.drop_constraint(op.f("ck_records_one_client"), type_="check")
        batch.create_check_constraint(
            op.f("ck_records_one_client_or_anonymous"), _ONE_CLIENT_OR_ANONYMOUS
        )


def downgrade() -> None:
    _require_foreign_keys_off()
    bind = op.get_bind()
    left = bind.exec_driver_sql("SELECT count(*) FROM records WHERE anonymous").scalar()
    if left:
        raise RuntimeError(
            f"{left} anonymous enquiries have no client: the schema before 0016 has no room "
            "for them. Assign each a client first."
        )
    if bind.dialect.name != "sqlite":
        op.drop_constraint(op.f("ck_records_one_client_or_anonymous"), "records", type_="check")
        op.create_check_constraint(op.f("ck_records_one_client"), "records", _ONE_CLIENT)
        op.drop_column("records", "anonymous")
        return
    with op.batch_alter_table("records", recreate="always") as batch:
        batch.drop_constraint(op.f("ck_records_one_client_or_anonymous"), type_="check")
        batch.create_check_constraint(op.f("ck_records_one_client"), _ONE_CLIENT)
        batch.drop_column("anonymous")
