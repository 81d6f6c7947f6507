"""The command line's import understands what the desk's import remembered, and the partners as
DOMAIN.md names them (issue 15, item 4: 'welcome-center import' of such a list exits 0)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import PASSWORD
from tests.db.test_import_mapping import DOMAIN_PARTNERS, HEADER
from welcome_center.cli import main
from welcome_center.db.engine import url_for_path
from welcome_center.db.models import User
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.enums import Role
from welcome_center.services.context import Actor
from welcome_center.services.import_mapping import ValueKind, ValueMapping
from welcome_center.services.imports import import_file
from welcome_center.services.storage import open_database

ADMIN = ["--user", "admin"]


@pytest.fixture(autouse=True)
def _password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WELCOME_CENTER_PASSWORD", PASSWORD)


def test_a_list_naming_the_partners_as_domain_md_does_imports(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "partner.csv"
    rows = [f"Person{i};Test;03.04.2024;;;;;{name}" for i, name in enumerate(DOMAIN_PARTNERS)]
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")

    assert main(["--lang", "en", "--db", str(db_path), *ADMIN, "import", str(path)]) == 0
    assert f"{len(DOMAIN_PARTNERS)} new records" in capsys.readouterr().out


def test_the_command_line_uses_the_aliases_the_desk_remembered(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "liste.csv"
    path.write_text(HEADER + "\nKaya;Ali;04.04.2024;Raumfahrt;Fax;;;\n", encoding="utf-8")
    args = ["--lang", "en", "--db", str(db_path), *ADMIN, "import", str(path)]
    assert main(args) == 1  # unknown: a topic and a channel
    assert "Raumfahrt" in capsys.readouterr().err

    # The desk's import of another list, its mappings remembered.
    db = open_database(url_for_path(db_path))
    try:
        uow = UnitOfWork(db)
        with uow.read() as s:
            admin_id = s.scalar(select(User.id).where(User.username == "admin"))
        other = tmp_path / "andere.csv"
        other.write_text(HEADER + "\nLopez;Ana;05.04.2024;Raumfahrt;Fax;;;\n", encoding="utf-8")
        mappings = [
            ValueMapping(ValueKind.TOPIC, "Raumfahrt", "other", remember=True),
            ValueMapping(ValueKind.CHANNEL, "Fax", "letter", remember=True),
        ]
        admin = Actor(admin_id, "admin", {Role.ADMIN})
        assert import_file(uow, admin, other, mappings=mappings).aliases_saved == 2
    finally:
        db.dispose()

    assert main(args) == 0
    assert "1 new records" in capsys.readouterr().out
