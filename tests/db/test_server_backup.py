"""Backups of a server database (issue 16, item 7): ``db backup`` runs pg_dump, ``db restore``
runs pg_restore into an empty database only, both audited; without pg_dump the user is told
what to install. Run on the PostgreSQL server named by WELCOME_CENTER_TEST_PG."""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, select

from tests.conftest import PASSWORD, PG_URL
from welcome_center.cli import main
from welcome_center.db import pg_tools
from welcome_center.db.engine import Database
from welcome_center.db.models import AuditEntry
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.drafts import ClientChoice, PersonDraft, RecordDraft
from welcome_center.domain.enums import ClientKind
from welcome_center.services import cases, people
from welcome_center.services.context import Actor

ADMIN = ["--user", "admin"]
server_only = pytest.mark.skipif(not PG_URL, reason="needs WELCOME_CENTER_TEST_PG")


@pytest.fixture(autouse=True)
def _password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WELCOME_CENTER_PASSWORD", PASSWORD)


def run(args: list[str]) -> int:
    return main(["--lang", "en", *args])


@pytest.fixture
def empty_db(pg_server) -> Iterator[str]:  # type: ignore[no-untyped-def]
    name = f"wct_restore_{os.getpid()}"
    url = pg_server.create(name)
    yield url
    pg_server.drop(name)


def _counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            tables = inspect(conn).get_table_names()
            return {
                t: int(conn.exec_driver_sql(f'SELECT count(*) FROM "{t}"').scalar() or 0)  # noqa: S608
                for t in tables
            }
    finally:
        engine.dispose()


def _some_data(uow: UnitOfWork, anna: Actor) -> None:
    for family in ("Haddad", "Okafor", "Nowak"):
        person = people.create_person(
            uow, anna, PersonDraft(family_name=family, given_name="Sam"), True
        ).value.id
        client = ClientChoice(ClientKind.PERSON, person)
        cases.open_record(uow, anna, RecordDraft(client=client, opened_on=date(2026, 3, 2)))


@server_only
def test_dump_then_restore_into_an_empty_database_brings_back_every_row(
    db: Database,
    uow: UnitOfWork,
    anna: Actor,
    empty_db: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _some_data(uow, anna)
    dump = tmp_path / "office.dump"
    assert run(["--db", db.url, *ADMIN, "db", "backup", str(dump)]) == 0
    assert f"Backup written to {dump}" in capsys.readouterr().out
    assert pg_tools.is_dump(dump)
    with uow.read() as s:
        last = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
        assert (last.action, last.actor, last.detail) == ("backup", "admin", "office.dump")

    assert run(["--db", empty_db, *ADMIN, "db", "restore", str(dump)]) == 0
    out = capsys.readouterr().out
    assert "was restored into" in out and "3 records" in out
    assert "the program's own" in out

    source, restored = _counts(db.url), _counts(empty_db)
    assert set(source) == set(restored)
    restored_before = dict(restored)
    # The dump holds the audit log up to the backup's sign-in; the source then logged the
    # backup, the restored database the restoring user's sign-in and the restore.
    assert restored.pop("audit_log") == source.pop("audit_log") + 1
    assert restored == source
    engine = create_engine(empty_db)
    try:
        with engine.connect() as conn:
            action, actor, detail = conn.execute(
                select(AuditEntry.action, AuditEntry.actor, AuditEntry.detail)
                .order_by(AuditEntry.id.desc())
                .limit(1)
            ).one()
    finally:
        engine.dispose()
    assert (action, actor, detail) == ("restore", "admin", "office.dump")

    # A second restore into what is no longer empty is refused, and changes nothing.
    assert run(["--db", empty_db, *ADMIN, "db", "restore", str(dump)]) == 1
    err = capsys.readouterr().err
    assert "holds this program's tables already" in err and "Nothing was changed" in err
    assert _counts(empty_db) == restored_before


@server_only
def test_a_restore_by_someone_not_an_administrator_in_the_backup_is_removed_again(
    db: Database, empty_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dump = tmp_path / "office.dump"
    assert run(["--db", db.url, *ADMIN, "db", "backup", str(dump)]) == 0
    assert run(["--db", empty_db, "--user", "anna", "db", "restore", str(dump)]) == 1
    err = capsys.readouterr().err
    assert "not one" in err and "removed again" in err
    assert _counts(empty_db) == {}


@server_only
def test_without_pg_dump_the_user_is_told_what_to_install(
    db: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    empty_path = tmp_path / "bin"
    empty_path.mkdir()
    monkeypatch.setenv("PATH", str(empty_path))
    dump = tmp_path / "office.dump"
    assert run(["--db", db.url, *ADMIN, "db", "backup", str(dump)]) == 1
    err = capsys.readouterr().err
    assert "pg_dump was not found" in err and "postgresql-client" in err
    assert not dump.exists() and list(tmp_path.glob(".office.dump*")) == []


@server_only
def test_a_file_that_is_no_dump_is_refused(
    empty_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = tmp_path / "office.db"
    fake.write_bytes(b"SQLite format 3\x00" + b"\0" * 100)
    assert run(["--db", empty_db, *ADMIN, "db", "restore", str(fake)]) == 1
    assert "is not a backup of a server database" in capsys.readouterr().err
    assert _counts(empty_db) == {}


def test_the_password_reaches_pg_dump_in_a_private_file_never_on_its_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stand-in pg_dump notes what it was given, then fails, echoing the password."""
    secret = "s3cr:et\\pw"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "pg_dump"
    stat_, cat = shutil.which("stat"), shutil.which("cat")  # PATH holds only the stand-in
    script.write_text(
        "#!/bin/sh\n"
        f'echo "$@" > "{tmp_path}/args"\n'
        f'{stat_} -c %a "$PGPASSFILE" > "{tmp_path}/mode"\n'
        f'{cat} "$PGPASSFILE" > "{tmp_path}/content"\n'
        "printf '%s\\n' 'password s3cr:et\\pw refused' >&2\n"
        "exit 1\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", str(bin_dir))
    url = "postgresql+psycopg://office:s3cr%3Aet%5Cpw@db.example:5433/office"
    with pytest.raises(pg_tools.ToolFailedError) as failed:
        pg_tools.dump(url, tmp_path / "office.dump")
    args = (tmp_path / "args").read_text()
    assert "s3cr" not in args and "postgresql://office@db.example:5433/office" in args
    assert (tmp_path / "mode").read_text().strip() == "600"
    assert (tmp_path / "content").read_text() == "*:*:*:*:s3cr\\:et\\\\pw\n"
    assert secret not in failed.value.detail and "password *** refused" in failed.value.detail
    assert not (tmp_path / "office.dump").exists()
    passfile_dirs = [p for p in Path(os.environ.get("TMPDIR", "/tmp")).glob("wc-pg-*")]
    assert all(not (p / "pgpass").exists() for p in passfile_dirs)


def test_backup_without_a_file_name_goes_beside_the_database_named_after_it(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["--db", str(db_path), *ADMIN, "db", "backup"]) == 0
    written = list((db_path.parent / "backups").glob("office-*.db"))
    assert len(written) == 1
    assert f"Backup written to {written[0]}" in capsys.readouterr().out
