"""Shared fixtures: a migrated template database copied per test, actors, i18n."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from welcome_center import i18n  # noqa: E402
from welcome_center.db.engine import Database, url_for_path  # noqa: E402
from welcome_center.db.uow import UnitOfWork  # noqa: E402
from welcome_center.domain.enums import Role  # noqa: E402
from welcome_center.services import settings, users  # noqa: E402
from welcome_center.services.context import Actor  # noqa: E402
from welcome_center.services.storage import open_database  # noqa: E402

PASSWORD = "correct horse battery"


def _compile_catalogs() -> None:
    """Tests read the catalogs as they are now, not as the last install compiled them."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in i18n.translations_dir().glob("*/LC_MESSAGES/messages.po"):
        with po.open("rb") as f:
            catalog = read_po(f)
        with po.with_suffix(".mo").open("wb") as f:
            write_mo(f, catalog)


@pytest.fixture(scope="session", autouse=True)
def _catalogs() -> None:
    _compile_catalogs()


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated, seeded database with an office, an admin and two counsellors, built once."""
    i18n.set_language("en")
    path = tmp_path_factory.mktemp("template") / "template.db"
    db = open_database(url_for_path(path))
    uow = UnitOfWork(db)
    users.add_user(uow, None, "admin", PASSWORD, Role.ADMIN, "Ada Admin")
    system = Actor.system("test")
    settings.update_settings(uow, system, office_name="Welcome Center Region Zwickau",
                             number_prefix="WC")
    users.add_user(uow, system, "anna", PASSWORD, Role.COUNSELLOR, "Anna Berger")
    users.add_user(uow, system, "ben", PASSWORD, Role.COUNSELLOR, "Ben Schulz")
    users.add_user(uow, system, "maria", PASSWORD, Role.MANAGER, "Maria Leitner")
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    return path


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages in English unless a test switches; restored after each test."""
    i18n.set_language("en")
    yield
    i18n.set_language("en")


@pytest.fixture
def db_path(template_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "office.db"
    shutil.copyfile(template_db, path)  # the template is closed and checkpointed
    return path


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    database = open_database(url_for_path(db_path))
    yield database
    database.dispose()


@pytest.fixture
def uow(db: Database) -> UnitOfWork:
    return UnitOfWork(db)


def _actor(uow: UnitOfWork, name: str) -> Actor:
    return users.authenticate(uow, name, PASSWORD)


@pytest.fixture
def admin(uow: UnitOfWork) -> Actor:
    return _actor(uow, "admin")


@pytest.fixture
def anna(uow: UnitOfWork) -> Actor:
    return _actor(uow, "anna")


@pytest.fixture
def ben(uow: UnitOfWork) -> Actor:
    return _actor(uow, "ben")


@pytest.fixture
def manager(uow: UnitOfWork) -> Actor:
    return _actor(uow, "maria")
