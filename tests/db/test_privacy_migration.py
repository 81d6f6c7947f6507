"""Migration 0006 (data protection): an office's database at 0005 with its rows upgrades, keeps
every row, and gets the new settings' defaults, the consent text, no consents and no holds."""

from __future__ import annotations

from sqlalchemy import inspect, select, text

from welcome_center.db import migrate
from welcome_center.db.engine import Database
from welcome_center.db.models import OfficeSettings, Record
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.consent import DEFAULT_CONSENT_TEXT_DE, DEFAULT_CONSENT_TEXT_EN
from welcome_center.services import settings
from welcome_center.services.context import Actor
from welcome_center.services.demo import generate_demo


def _counts(db: Database) -> dict[str, int]:
    with db.engine.connect() as conn:
        tables = [t for t in inspect(conn).get_table_names() if not t.startswith("record_search")]
        return {
            t: conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one()  # noqa: S608
            for t in tables
        }


def _to(db: Database, revision: str) -> None:
    from alembic import command

    cfg = migrate.alembic_config()
    with db.engine.connect() as conn:
        # On the driver's connection, as the runner does: SQLAlchemy's connection would begin a
        # transaction first, inside which SQLite ignores the pragma (and a batch rebuild of a
        # table would then cascade into the tables that refer to it).
        raw = conn.connection.dbapi_connection
        if db.is_sqlite:
            assert raw is not None
            raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                cfg.attributes["connection"] = conn
                command.downgrade(cfg, revision)
        finally:
            if db.is_sqlite and raw is not None:
                raw.execute("PRAGMA foreign_keys=ON")


def test_a_0005_database_with_rows_upgrades_and_keeps_every_row(db: Database) -> None:
    uow = UnitOfWork(db)
    generate_demo(uow, Actor.system("test"), records=40, seed=3, anonymous_share=0)  # before 0016
    settings.update_settings(uow, Actor.system("test"), suppression_threshold=4)
    _to(db, "0005")
    with db.engine.connect() as conn:
        columns = {c["name"] for c in inspect(conn).get_columns("office_settings")}
        assert "consent_text_de" not in columns
        assert not inspect(conn).has_table("consents")
    before = _counts(db)
    assert before["records"] == 40 and before["referrals"] > 0 and before["consultations"] > 0

    migrate.upgrade(db)

    assert migrate.current_revision(db) == migrate.HEAD
    after = _counts(db)
    assert {t: n for t, n in after.items() if t in before} == before
    assert after["consents"] == 0 and after["retention_runs"] == 0
    assert migrate.schema_differences(db) == []
    with db.sessions() as s:
        row = s.get(OfficeSettings, 1)
        assert row is not None
        assert (row.office_name, row.suppression_threshold) == ("Welcome Center Region Zwickau", 4)
        assert row.consent_override_allowed is False
        assert row.consent_text_version == "1"
        assert (row.retention_enquiry_months, row.retention_case_months) == (12, 36)
        assert (row.retention_audit_months, row.backups_keep) == (36, 10)
        assert row.record_visibility == "all"
        assert row.consent_text_de == DEFAULT_CONSENT_TEXT_DE
        assert row.consent_text_en == DEFAULT_CONSENT_TEXT_EN
        assert "Weitervermittlung" in row.consent_text_de and "Referral" in row.consent_text_en
        holds = s.execute(select(Record.legal_hold, Record.anonymised_at).distinct()).all()
        assert holds == [(False, None)]
    # The services read the new settings.
    view = settings.get_settings(uow)
    assert view.consent_text_de == DEFAULT_CONSENT_TEXT_DE and view.backups_keep == 10


def test_a_new_office_gets_the_default_consent_text(uow: UnitOfWork) -> None:
    view = settings.get_settings(uow)
    assert view.consent_text_de == DEFAULT_CONSENT_TEXT_DE
    assert view.consent_text_en == DEFAULT_CONSENT_TEXT_EN
    assert (view.consent_override_allowed, view.record_visibility) == (False, "all")


def test_the_privacy_settings_change_only_when_given(uow: UnitOfWork, admin: Actor) -> None:
    saved = settings.update_settings(
        uow, admin, consent_override_allowed=True, retention_case_months=48, backups_keep=5
    ).value
    assert (saved.consent_override_allowed, saved.retention_case_months) == (True, 48)
    assert (saved.backups_keep, saved.retention_enquiry_months) == (5, 12)
    again = settings.update_settings(uow, admin, office_name="Other").value
    assert (again.consent_override_allowed, again.retention_case_months) == (True, 48)
    assert again.consent_text_de == DEFAULT_CONSENT_TEXT_DE
