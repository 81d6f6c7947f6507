"""The desk started on a database it cannot work with says why in its start window (and on
standard error), in the user's language: a SQLite file with Python's SQLite older than 3.35, a
server database that is not UTF-8 (tests/db/test_database_refusals.py has the command line)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from tests.db.test_database_refusals import (  # noqa: F401  (latin1_url is a fixture)
    NOT_UTF8_WORDS,
    OLD_SQLITE_WORDS,
    latin1_url,
    old_sqlite,
)
from welcome_center.cli import main

TITLE = {"en": "Welcome Center cannot start", "de": "Welcome Center kann nicht starten"}


def _start_desk(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, lang: str, db: str
) -> list[tuple[str, str]]:
    """Start the desk as ``welcome-center --db DB`` does; the start window's title and text."""
    shown: list[tuple[str, str]] = []
    monkeypatch.setenv("WELCOME_CENTER_DATA", str(tmp_path / "data"))
    monkeypatch.setattr(
        QMessageBox, "exec", lambda box: shown.append((box.windowTitle(), box.text())) or 0
    )
    assert main(["--lang", lang, "--db", db]) == 1
    return shown


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_desk_on_a_file_with_an_older_sqlite_says_which_and_what_it_needs(
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    lang: str,
) -> None:
    before = db_path.read_bytes()
    old_sqlite(monkeypatch)
    shown = _start_desk(monkeypatch, tmp_path, lang, str(db_path))
    assert len(shown) == 1
    title, text = shown[0]
    assert title == TITLE[lang]
    assert all(words in text for words in OLD_SQLITE_WORDS[lang]), text
    assert "Traceback" not in capsys.readouterr().err
    assert db_path.read_bytes() == before


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_desk_on_a_server_database_that_is_not_utf8_says_so(
    latin1_url: str,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    lang: str,
) -> None:
    shown = _start_desk(monkeypatch, tmp_path, lang, latin1_url)
    assert len(shown) == 1
    title, text = shown[0]
    assert title == TITLE[lang]
    assert all(words in text for words in NOT_UTF8_WORDS[lang]), text
    err = capsys.readouterr().err
    assert "Traceback" not in err and "codec" not in err
