"""the facts funders count: person, organisation, recognition and event fields

DOMAIN.md "Who was advised": persons get ``gender``, ``employment_status``, ``education`` and
``german_level`` (codes; existing rows ``not_recorded``), ``birth_year`` (filled from the birth
date where one is known, so that a year alone and a full date are grouped alike),
``arrival_year`` and a second nationality ``nationality_2`` (an anonymised person's birth date,
kept until now as 1 January of the year, becomes the year alone); organisations get ``kind`` and
``size`` (``not_recorded``); recognition procedures ``training_country``; events the participants
split into ``participants_persons`` and ``participants_organisations`` (NULL: not recorded).

Plain ADD COLUMN only, no batch mode: batch mode copies, drops and renames a table, and the drop
of ``persons`` or ``organisations`` would take rows of other tables with it (STACK.md, the
data-loss pitfall). Every new column is nullable or has a server default, which SQLite adds in
place.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-20
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NR = "not_recorded"
# (table, column, codes): the code lists as of this revision, written out so that a later change
# of the enums does not change what this migration did.
_CODED = (
    ("persons", "gender", ("female", "male", "diverse", "not_stated", _NR)),
    (
        "persons",
        "employment_status",
        (
            "employed",
            "self_employed",
            "unemployed",
            "long_term_unemployed",
            "inactive",
            "in_education",
            _NR,
        ),
    ),
    ("persons", "education", ("isced_0_2", "isced_3_4", "isced_5_8", _NR)),
    ("persons", "german_level", ("none", "A1", "A2", "B1", "B2", "C1", "C2", _NR)),
    (
        "organisations",
        "kind",
        (
            "company",
            "public_employer",
            "authority",
            "partner",
            "school_or_university",
            "association",
            "other",
            _NR,
        ),
    ),
    ("organisations", "size", ("micro", "small", "medium", "large", _NR)),
)
_NULLABLE = (
    ("persons", "birth_year", sa.Integer()),
    ("persons", "arrival_year", sa.Integer()),
    ("persons", "nationality_2", sa.String(2)),
    ("recognition_procedures", "training_country", sa.String(2)),
    ("events", "participants_persons", sa.Integer()),
    ("events", "participants_organisations", sa.Integer()),
)


def upgrade() -> None:
    for table, column, codes in _CODED:
        op.add_column(
            table,
            sa.Column(
                column,
                sa.Enum(*codes, name=column, native_enum=False, length=32),
                nullable=False,
                server_default=_NR,
            ),
        )
    for table, column, type_ in _NULLABLE:
        op.add_column(table, sa.Column(column, type_, nullable=True))
    year = (
        "CAST(substr(birth_date, 1, 4) AS INTEGER)"
        if op.get_bind().dialect.name == "sqlite"
        else "CAST(EXTRACT(YEAR FROM birth_date) AS INTEGER)"
    )
    op.execute(f"UPDATE persons SET birth_year = {year} WHERE birth_date IS NOT NULL")  # noqa: S608
    # An anonymised person kept 1 January of the birth year as the date: now the year alone.
    op.execute("UPDATE persons SET birth_date = NULL WHERE anonymised_at IS NOT NULL")


def downgrade() -> None:
    for table, column, _type in reversed(_NULLABLE):
        op.drop_column(table, column)
    for table, column, _codes in reversed(_CODED):
        op.drop_column(table, column)
