"""Shared fixtures: a migrated template database copied per test, actors, i18n."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from welcome_center import i18n
from welcome_center.db.engine import Database, url_for_path
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.enums import Role
from welcome_center.services import settings, users
from welcome_center.services.context import Actor
from welcome_center.services.storage import open_database

PASSWORD = "correct horse battery"

# Key slots made in tests derive their keys cheaply (the real cost, a tenth of a second or more
# per slot, is kept by tests/db/test_encryption.py, which checks the default).
from welcome_center.db import keyring as _keyring  # noqa: E402

REAL_KDF = _keyring.DEFAULT_KDF
_keyring.DEFAULT_KDF = _keyring.Kdf(time_cost=1, memory_kib=8, parallelism=1)


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


# Set WELCOME_CENTER_TEST_PG to a PostgreSQL URL whose user may create databases
# (e.g. postgresql+psycopg://wc:wc@localhost/postgres) to run the database tests on PostgreSQL;
# tests about SQLite files are skipped then.
PG_URL = os.environ.get("WELCOME_CENTER_TEST_PG", "")


def _populate(url: str) -> Database:
    db = open_database(url, create=True)
    uow = UnitOfWork(db)
    # An administrator who also counsels, as the first user of a new office is.
    users.add_user(uow, None, "admin", PASSWORD, users.FIRST_USER_ROLES, "Ada Admin")
    system = Actor.system("test")
    settings.update_settings(
        uow, system, office_name="Welcome Center Region Zwickau", number_prefix="WC"
    )
    counsellor = {Role.COUNSELLOR, Role.LIST_EXPORT}
    users.add_user(uow, system, "anna", PASSWORD, counsellor, "Anna Berger")
    users.add_user(uow, system, "ben", PASSWORD, counsellor, "Ben Schulz")
    users.add_user(uow, system, "maria", PASSWORD, Role.MANAGER, "Maria Leitner")
    return db


class _PgServer:
    """Creates and drops test databases on the server named by WELCOME_CENTER_TEST_PG."""

    def __init__(self, url: str) -> None:
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url

        self.url = make_url(url)
        self.admin = create_engine(url, isolation_level="AUTOCOMMIT")
        self.count = 0

    def url_of(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=False)

    def create(self, name: str, template: str | None = None) -> str:
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
            extra = f' TEMPLATE "{template}"' if template else ""
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"{extra}')
        return self.url_of(name)

    def drop(self, name: str) -> None:
        """Drop a test database; an autovacuum worker may hold it for a moment, so retry, and
        never fail a test over its clean-up."""
        import time

        from sqlalchemy.exc import DBAPIError

        for attempt in range(10):
            try:
                with self.admin.connect() as conn:
                    conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                return
            except DBAPIError:
                time.sleep(0.2 * (attempt + 1))


@pytest.fixture(scope="session")
def pg_server() -> Iterator[_PgServer | None]:
    if not PG_URL:
        yield None
        return
    server = _PgServer(PG_URL)
    yield server
    server.drop(f"wct_template_{os.getpid()}")
    server.admin.dispose()


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory, pg_server: _PgServer | None) -> Path:
    """A migrated, seeded database with an office, an admin, two counsellors and a manager,
    built once (a SQLite file; on PostgreSQL a template database of the same content)."""
    i18n.set_language("en")
    if pg_server is not None:
        name = f"wct_template_{os.getpid()}"
        _populate(pg_server.create(name)).dispose()
        return Path(name)
    path = tmp_path_factory.mktemp("template") / "template.db"
    db = _populate(url_for_path(path))
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
def db_path(template_db: Path, tmp_path: Path, pg_server: _PgServer | None) -> Path:
    """A copy of the template as a SQLite file (tests about files; skipped on PostgreSQL)."""
    if pg_server is not None:
        pytest.skip("a test of SQLite files")
    path = tmp_path / "office.db"
    shutil.copyfile(template_db, path)  # the template is closed and checkpointed
    return path


@pytest.fixture
def db(template_db: Path, tmp_path: Path, pg_server: _PgServer | None) -> Iterator[Database]:
    if pg_server is not None:
        pg_server.count += 1
        name = f"wct_{os.getpid()}_{pg_server.count}"
        database = open_database(pg_server.create(name, template=str(template_db)))
        yield database
        database.dispose()
        pg_server.drop(name)
        return
    path = tmp_path / "office.db"
    shutil.copyfile(template_db, path)
    database = open_database(url_for_path(path))
    yield database
    database.dispose()


@pytest.fixture
def uow(db: Database) -> UnitOfWork:
    return UnitOfWork(db)


@pytest.fixture
def other(db: Database) -> Iterator[UnitOfWork]:
    """Another desk: its own engine and connections on the same database."""
    second = open_database(db.url)
    yield UnitOfWork(second)
    second.dispose()


def _actor(uow: UnitOfWork, name: str) -> Actor:
    """The actor ``users.authenticate`` returns for ``name``, without paying argon2 per test
    (test_vocabularies_users_settings checks that the two agree)."""
    from sqlalchemy import select

    from welcome_center.db.models import User

    with uow.read() as s:
        user = s.scalars(select(User).where(User.username == name)).one()
        return Actor(user.id, user.username, user.roles)


@pytest.fixture
def admin(uow: UnitOfWork) -> Actor:
    return _actor(uow, "admin")


@pytest.fixture
def admin_only(uow: UnitOfWork) -> Actor:
    """An administrator who does not counsel: no case content (DOMAIN.md, need to know). Added
    to the test's own database (the template's ``admin`` also counsels)."""
    from welcome_center.db.models import User

    with uow.begin() as s:
        s.add(User(username="sam", display_name="Sam Admin", roles=frozenset({Role.ADMIN})))
    return _actor(uow, "sam")


@pytest.fixture
def anna(uow: UnitOfWork) -> Actor:
    return _actor(uow, "anna")


@pytest.fixture
def ben(uow: UnitOfWork) -> Actor:
    return _actor(uow, "ben")


@pytest.fixture
def manager(uow: UnitOfWork) -> Actor:
    return _actor(uow, "maria")
