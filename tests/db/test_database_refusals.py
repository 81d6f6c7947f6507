"""Databases the program cannot work with are refused when they are opened, with a message that
says what was found, what is needed and what to do, instead of failing later:

- a plain SQLite file opened with a library older than 3.35 (every new record takes its number
  with UPDATE ... RETURNING; without it the first save would fail after the user typed it);
- a PostgreSQL database whose encoding is not UTF-8 (before, ``server setup`` and every start
  ended in a driver's traceback, "'latin-1' codec can't encode character '\\u2022'", from a
  migration).

The old library is injected (``sqlite3.sqlite_version_info``), not needed."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from tests.conftest import PASSWORD, PG_URL
from welcome_center.cli import main
from welcome_center.db.engine import url_for_path
from welcome_center.db.migrate import HEAD


@pytest.fixture(autouse=True)
def _password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WELCOME_CENTER_PASSWORD", PASSWORD)


def old_sqlite(monkeypatch: pytest.MonkeyPatch, version: str = "3.31.1") -> None:
    """Python's sqlite3 as an older build reports itself."""
    monkeypatch.setattr(sqlite3, "sqlite_version", version)
    monkeypatch.setattr(sqlite3, "sqlite_version_info", tuple(int(n) for n in version.split(".")))


OLD_SQLITE_WORDS = {
    "en": ("needs SQLite 3.35 or newer", "is 3.31.1", "left unchanged"),
    "de": ("benötigt SQLite 3.35 oder neuer", "ist 3.31.1", "unverändert"),
}


@pytest.mark.parametrize("lang", ["en", "de"])
def test_a_command_on_a_file_with_an_older_sqlite_is_refused_and_leaves_it_unchanged(
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    lang: str,
) -> None:
    before = db_path.read_bytes()
    old_sqlite(monkeypatch)
    assert main(["--lang", lang, "--db", str(db_path), "--user", "admin", "user", "list"]) == 1
    err = capsys.readouterr().err
    assert all(words in err for words in OLD_SQLITE_WORDS[lang]), err
    assert str(db_path) in err and "Traceback" not in err
    assert db_path.read_bytes() == before


def test_no_new_file_is_made_with_an_older_sqlite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    if PG_URL:
        pytest.skip("a test of SQLite files")
    target = tmp_path / "new.db"
    old_sqlite(monkeypatch)
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO(f"{PASSWORD}\n{PASSWORD}\n"))
    code = main(["--lang", "en", "--db", str(target), "setup", "--admin", "admin", "--plain"])
    assert code == 1
    assert "needs SQLite 3.35 or newer" in capsys.readouterr().err
    assert not target.exists()


def test_sqlite_3_35_and_an_encrypted_file_open(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """3.35.0 is enough; an encrypted file is opened by the bundled SQLCipher (newer), whatever
    Python's own SQLite is."""
    from welcome_center.db.engine import open_engine

    old_sqlite(monkeypatch, "3.35.0")
    open_engine(url_for_path(db_path)).dispose()


def test_an_encrypted_file_does_not_need_pythons_sqlite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if PG_URL:
        pytest.skip("a test of SQLite files")
    from welcome_center.db.engine import DatabaseRefusedError, open_engine
    from welcome_center.db.keyring import Keyring, key_file_path

    path = tmp_path / "locked.db"
    keyring = Keyring(key_file_path(path), os.urandom(32))
    old_sqlite(monkeypatch)
    open_engine(url_for_path(path), create=True, keyring=keyring).dispose()
    with pytest.raises(DatabaseRefusedError):  # the same file without its key is another matter
        open_engine(url_for_path(path))


# --- a server database that is not UTF-8 -------------------------------------------------------


@pytest.fixture
def latin1_url() -> Iterator[str]:
    """A new database on the test server, made as an administrator might by mistake."""
    if not PG_URL:
        pytest.skip("needs WELCOME_CENTER_TEST_PG")
    name = f"wct_latin1_{os.getpid()}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.exec_driver_sql(
            f"CREATE DATABASE \"{name}\" ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C'"
            " TEMPLATE template0"
        )
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def _tables(url: str) -> list[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return list(
                conn.exec_driver_sql(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                ).scalars()
            )
    finally:
        engine.dispose()


NOT_UTF8_WORDS = {
    "en": ("stores text as LATIN1", "needs UTF-8", "nothing was changed", "ENCODING 'UTF8'"),
    "de": ("Text als LATIN1", "benötigt aber UTF-8", "nichts geändert", "ENCODING 'UTF8'"),
}


@pytest.mark.parametrize("lang", ["en", "de"])
def test_server_setup_refuses_a_database_that_is_not_utf8_and_says_how_to_make_one(
    latin1_url: str, capsys: pytest.CaptureFixture[str], lang: str
) -> None:
    assert main(["--lang", lang, "--db", latin1_url, "server", "setup"]) == 1
    err = capsys.readouterr().err
    assert all(words in err for words in NOT_UTF8_WORDS[lang]), err
    name = make_url(latin1_url).database
    assert f'CREATE DATABASE "{name}" ENCODING' in err and "server setup" in err
    assert "Traceback" not in err and "codec" not in err
    assert _tables(latin1_url) == []  # no migration ran


@pytest.mark.parametrize("lang", ["en", "de"])
def test_commands_and_db_check_on_a_database_that_is_not_utf8_say_so(
    latin1_url: str, capsys: pytest.CaptureFixture[str], lang: str
) -> None:
    code = main(["--lang", lang, "--db", latin1_url, "--user", "admin", "user", "list"])
    assert code == 1
    err = capsys.readouterr().err
    assert all(words in err for words in NOT_UTF8_WORDS[lang]), err
    assert main(["--lang", lang, "--db", latin1_url, "db", "check"]) == 1
    captured = capsys.readouterr()
    assert NOT_UTF8_WORDS[lang][0] in captured.out + captured.err
    assert _tables(latin1_url) == []


def test_a_utf8_server_database_is_not_refused(db_url_of_server: str) -> None:
    from welcome_center.services.storage import open_database

    db = open_database(db_url_of_server)
    try:
        from welcome_center.db.migrate import current_revision

        assert current_revision(db) == HEAD
    finally:
        db.dispose()


@pytest.fixture
def db_url_of_server(db: object) -> str:
    """The test's own (UTF-8) server database."""
    if not PG_URL:
        pytest.skip("needs WELCOME_CENTER_TEST_PG")
    from welcome_center.db.engine import Database

    assert isinstance(db, Database)
    return db.engine.url.render_as_string(hide_password=False)
