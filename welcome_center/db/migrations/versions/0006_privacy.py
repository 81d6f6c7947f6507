"""data protection: consents, retention settings and runs, legal hold, need-to-know setting

New tables ``consents`` (per client and purpose, DOMAIN.md) and ``retention_runs``; new columns
on ``office_settings`` (consent override, the consent form's text in German and English and its
version, retention periods, backups kept, record visibility), on ``records`` (legal hold with
its reason, anonymised_at) and on ``referrals`` (the reason of a consent override). Existing
data gets no consents: past referrals stay as they are, new ones need consent. The existing
settings row gets the defaults and a neutral consent text the administrator adapts.

Plain CREATE TABLE and ADD COLUMN, no batch mode: batch mode would copy, drop and rename
``records`` and ``office_settings`` (STACK.md, the data-loss pitfall).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-10
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from welcome_center.db.types import UTCDateTime

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The wording as this revision writes it into an existing office (new offices get
# domain.consent's defaults, the same text today); the administrator adapts it.
CONSENT_TEXT_DE = """\
Wir beraten Sie kostenlos und vertraulich. Dafür speichern wir die Angaben, die Sie uns geben. \
Mit Ihrer Unterschrift willigen Sie in die Zwecke ein, die unten angekreuzt sind:

• Beratung: Wir speichern und verarbeiten Ihre Angaben, um Sie zu beraten.
• Weitervermittlung: Wir geben die für Ihr Anliegen nötigen Angaben an die genannte \
Partnerstelle weiter (oder, wenn keine genannt ist, an die Partnerstellen unseres Netzwerks).
• Arbeitgeber: Wir sprechen mit Ihrem Arbeitgeber über Ihr Anliegen.
• Veranstaltungen: Wir laden Sie zu Informationsveranstaltungen ein.

Ihre Einwilligung ist freiwillig. Sie können sie jederzeit ganz oder für einzelne Zwecke \
widerrufen, formlos und ohne Angabe von Gründen; der Widerruf gilt ab dann. Sie haben das Recht \
auf Auskunft über Ihre gespeicherten Daten, auf Berichtigung und auf Löschung. Nach Ablauf der \
Aufbewahrungsfristen anonymisieren wir Ihre Daten."""

CONSENT_TEXT_EN = """\
We advise you free of charge and in confidence. To do so, we store the information you give \
us. With your signature you consent to the purposes ticked below:

• Counselling: we store and process your information to advise you.
• Referral: we pass the information your matter needs to the partner named (or, if none is \
named, to the partners of our network).
• Employer: we talk with your employer about your matter.
• Events: we invite you to information events.

Your consent is voluntary. You may withdraw it at any time, entirely or for single purposes, \
informally and without giving reasons; the withdrawal applies from then on. You have the right \
to know what data we hold about you, to have it corrected and to have it erased. When the \
retention periods have passed, we anonymise your data."""

_PURPOSES = ("counselling", "referral", "employer", "events")
_FORMS = ("written", "oral", "electronic")


def upgrade() -> None:
    op.create_table(
        "consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column(
            "purpose",
            sa.Enum(*_PURPOSES, name="consentpurpose", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column(
            "form",
            sa.Enum(*_FORMS, name="consentform", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("text_version", sa.String(length=32), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_on", sa.Date(), nullable=True),
        sa.Column("withdrawn_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint(
            "(person_id IS NULL) <> (organisation_id IS NULL)",
            name=op.f("ck_consents_one_client"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_consents_person_id_persons")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_consents_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["organisations.id"], name=op.f("fk_consents_partner_id_organisations")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_consents_recorded_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["withdrawn_by_id"], ["users.id"], name=op.f("fk_consents_withdrawn_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consents")),
    )
    op.create_index(op.f("ix_consents_person_id"), "consents", ["person_id"])
    op.create_index(op.f("ix_consents_organisation_id"), "consents", ["organisation_id"])

    op.create_table(
        "retention_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("records_anonymised", sa.Integer(), nullable=False),
        sa.Column("persons_anonymised", sa.Integer(), nullable=False),
        sa.Column("audit_rows_deleted", sa.Integer(), nullable=False),
        sa.Column("backups_removed", sa.Integer(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_runs")),
    )
    op.create_index(op.f("ix_retention_runs_started_at"), "retention_runs", ["started_at"])

    add = op.add_column
    add("referrals", sa.Column("consent_override_reason", sa.Text(), nullable=True))

    add("records", sa.Column("legal_hold", sa.Boolean(), nullable=False, server_default=sa.false()))
    add("records", sa.Column("legal_hold_reason", sa.Text(), nullable=True))
    add("records", sa.Column("anonymised_at", UTCDateTime(timezone=True), nullable=True))

    settings = "office_settings"
    add(
        settings,
        sa.Column(
            "consent_override_allowed", sa.Boolean(), nullable=False, server_default=sa.false()
        ),
    )
    add(settings, sa.Column("consent_text_de", sa.Text(), nullable=False, server_default=""))
    add(settings, sa.Column("consent_text_en", sa.Text(), nullable=False, server_default=""))
    add(
        settings,
        sa.Column("consent_text_version", sa.String(length=32), nullable=False, server_default="1"),
    )
    for name, months in (
        ("retention_enquiry_months", "12"),
        ("retention_case_months", "36"),
        ("retention_audit_months", "36"),
    ):
        add(settings, sa.Column(name, sa.Integer(), nullable=False, server_default=months))
    add(settings, sa.Column("backups_keep", sa.Integer(), nullable=False, server_default="10"))
    add(
        settings,
        sa.Column("record_visibility", sa.String(length=16), nullable=False, server_default="all"),
    )
    row = sa.table(
        settings, sa.column("consent_text_de", sa.Text), sa.column("consent_text_en", sa.Text)
    )
    op.get_bind().execute(
        sa.update(row).values(consent_text_de=CONSENT_TEXT_DE, consent_text_en=CONSENT_TEXT_EN)
    )


def downgrade() -> None:
    # SQLite (>= 3.35) drops these columns in place: none is indexed or part of a constraint.
    for column in (
        "record_visibility",
        "backups_keep",
        "retention_audit_months",
        "retention_case_months",
        "retention_enquiry_months",
        "consent_text_version",
        "consent_text_en",
        "consent_text_de",
        "consent_override_allowed",
    ):
        op.drop_column("office_settings", column)
    op.drop_column("records", "anonymised_at")
    op.drop_column("records", "legal_hold_reason")
    op.drop_column("records", "legal_hold")
    op.drop_column("referrals", "consent_override_reason")
    op.drop_index(op.f("ix_retention_runs_started_at"), "retention_runs")
    op.drop_table("retention_runs")
    op.drop_index(op.f("ix_consents_organisation_id"), "consents")
    op.drop_index(op.f("ix_consents_person_id"), "consents")
    op.drop_table("consents")
