"""Logins made by an older ``server setup`` carry no "no password yet" mark, though they have no
password. PostgreSQL tells whether a role has a password only to a role that may read
``pg_authid`` (a superuser, or a member of ``pg_read_all_data``): ``pg_roles`` shows
'********' for every role, and a login without a password is refused as a wrong password is.
``server setup`` run by such a role sets the marks from the catalog, and names those users.

The test makes the office's database owned by a role of its own that may create roles and is a
member of ``pg_read_all_data`` (a role that may create roles grants it on PostgreSQL 15; where
the server does not let it, the test is skipped). Needs WELCOME_CENTER_TEST_PG."""

from __future__ import annotations

import io
import os
import secrets
import sys
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from tests.conftest import PASSWORD, PG_URL, _populate
from welcome_center.cli import main
from welcome_center.db import server_roles
from welcome_center.db.server_rights import quote
from welcome_center.db.uow import UnitOfWork
from welcome_center.services import server_accounts, users
from welcome_center.services.context import Actor

pytestmark = pytest.mark.skipif(not PG_URL, reason="needs WELCOME_CENTER_TEST_PG")


@pytest.fixture
def reader_owned_url() -> Iterator[str]:
    """A new database owned by a role that may create roles and read ``pg_authid``."""
    name = f"wct_marks_{os.getpid()}"
    owner = f"wct_marks_owner_{os.getpid()}"
    secret = secrets.token_urlsafe(16)
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    url = (
        make_url(PG_URL)
        .set(database=name, username=owner, password=secret)
        .render_as_string(hide_password=False)
    )
    roles = server_accounts.roles_of(url)
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.exec_driver_sql(f"DROP ROLE IF EXISTS {quote(owner)}")
            try:
                conn.exec_driver_sql(
                    f"CREATE ROLE {quote(owner)} LOGIN CREATEROLE PASSWORD '{secret}'"
                )
                conn.exec_driver_sql(f"GRANT pg_read_all_data TO {quote(owner)}")
                conn.exec_driver_sql(f"GRANT {quote(owner)} TO CURRENT_USER")
            except DBAPIError:
                pytest.skip("the test role may not make a role that reads pg_authid here")
            conn.exec_driver_sql(f'CREATE DATABASE "{name}" OWNER {quote(owner)}')
        yield url
    finally:
        from tests.db.test_server_roles import _drop  # waits out a login's lingering process

        _drop(admin, name, roles)
        with admin.connect() as conn:
            server_roles.drop_office_roles(conn, roles)
            conn.exec_driver_sql(f"DROP ROLE IF EXISTS {quote(owner)}")
        admin.dispose()


def _forget_marks(url: str) -> None:
    """What an older setup left: the logins without a password, and without the mark."""
    engine = create_engine(url)
    roles = server_accounts.roles_of(url)
    try:
        with engine.begin() as conn:
            for login in server_roles.logins_without_password(conn, roles):
                conn.exec_driver_sql(f"COMMENT ON ROLE {quote(login)} IS NULL")
    finally:
        engine.dispose()


@pytest.mark.parametrize("lang", ["en", "de"])
def test_setup_as_a_role_that_reads_the_catalog_names_an_older_setups_logins_without_password(
    reader_owned_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    lang: str,
) -> None:
    url = reader_owned_url
    db = _populate(url)  # admin, anna, ben, maria: users of a file moved to the server
    try:
        monkeypatch.setattr(sys, "stdin", io.StringIO(f"{PASSWORD}\n"))
        assert main(["--lang", "en", "--db", url, "server", "setup", "--admin", "admin"]) == 0
        assert "3 users have no password" in capsys.readouterr().out
        _forget_marks(url)
        # Meanwhile an administrator gave Maria a password in the desk.
        uow = UnitOfWork(db)
        maria = next(u for u in users.list_users(uow) if u.username == "maria")
        users.reset_password(uow, Actor.system("test"), maria.id, PASSWORD)
        assert {u.username for u in users.list_users(uow) if not u.has_password} == set()

        assert main(["--lang", lang, "--db", url, "server", "setup"]) == 0
        out = capsys.readouterr().out.replace("\n", " ")
        said = {"en": "2 users have no password", "de": "2 Benutzer/innen haben"}[lang]
        assert said in out and out.rstrip().endswith("anna, ben"), out
        # The desk's Users tab says so again, and a password set there ends it.
        listed = {u.username: u.has_password for u in users.list_users(uow)}
        assert listed == {"admin": True, "anna": False, "ben": False, "maria": True}
        for u in users.list_users(uow):
            if u.username in ("anna", "ben"):
                users.reset_password(uow, Actor.system("test"), u.id, PASSWORD)
        assert main(["--lang", lang, "--db", url, "server", "setup"]) == 0
        assert "anna" not in capsys.readouterr().out
    finally:
        db.dispose()
