"""Documents on a record (issue 15, item 3), in the files of a SQLite office: the bytes live in
the database, so a backup holds them (encrypted when the office is), a removed document leaves
no byte in the file or its -wal, and the retention run erases them from the file, its -wal and
the backups beside it. The document carries a unique made-up word that a byte search cannot
miss or find by chance."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from tests.db.encrypted_office import SQLITE_MAGIC, Office, make_office, write_client
from welcome_center.db import erasure
from welcome_center.db.engine import Database, url_for_path
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import ClientChoice, PersonDraft, RecordDraft
from welcome_center.domain.enums import ClientKind
from welcome_center.services import cases, documents, people, storage
from welcome_center.services.context import Actor
from welcome_center.services.privacy import retention
from welcome_center.services.storage import open_database

MARK = b"Qzxwdocumentbytesmark"
PDF = b"%PDF-1.7\n" + (MARK + b" page of a scanned certificate ") * 3000 + b"\n%%EOF\n"


def _found(*folders: Path) -> list[str]:
    """The files below ``folders`` that hold MARK."""
    return sorted(
        str(p.relative_to(folders[0].parent))
        for folder in folders
        for p in folder.rglob("*")
        if p.is_file() and MARK in p.read_bytes()
    )


@pytest.fixture
def office(db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setenv("SQLITE_TMPDIR", str(temp))
    db = open_database(url_for_path(db_path))
    yield db
    db.dispose()


def _closed_record_with_document(uow: UnitOfWork, anna: Actor) -> tuple[int, int]:
    pid = people.create_person(
        uow, anna, PersonDraft(family_name="Kovalenko", given_name="Olena"), True
    ).value.id
    rid = cases.open_record(
        uow,
        anna,
        RecordDraft(
            client=ClientChoice(ClientKind.PERSON, pid),
            opened_on=office_today() - timedelta(days=30),
        ),
    ).value.id
    doc = documents.add_document(uow, anna, rid, "Zeugnis.pdf", PDF).value.id
    version = cases.get_record(uow, anna, rid).version
    cases.close(uow, anna, rid, "goal_reached", version, on=office_today())
    return rid, doc


def test_a_removed_document_leaves_no_byte_in_the_file_or_its_wal(
    office: Database, anna: Actor
) -> None:
    uow = UnitOfWork(office)
    assert office.path is not None
    folder = office.path.parent
    _rid, doc = _closed_record_with_document(uow, anna)
    assert _found(folder)  # the control: the bytes are there
    documents.remove_document(uow, anna, doc)
    assert _found(folder) == []


def test_the_retention_run_erases_the_bytes_from_the_file_and_the_backups(
    office: Database, anna: Actor, admin: Actor, tmp_path: Path
) -> None:
    uow = UnitOfWork(office)
    assert office.path is not None
    folder = office.path.parent
    _closed_record_with_document(uow, anna)
    backup = storage.backup(office, folder / "backups" / "office-1.db", admin, uow)
    assert "office.db" in " ".join(_found(folder)) and MARK in backup.read_bytes()
    run = retention.run(uow, admin, office_today() + timedelta(days=365 * 20)).value
    assert (run.records_anonymised, run.backups_anonymised) == (1, 1)
    assert _found(folder, tmp_path / "temp") == []


@pytest.fixture
def encrypted(tmp_path: Path, pg_server: object) -> Iterator[Office]:
    if pg_server is not None:
        pytest.skip("a test of SQLite files")
    made = make_office(tmp_path / "office")
    yield made
    made.ctx.close()


def test_an_encrypted_office_backs_its_documents_up_encrypted(encrypted: Office) -> None:
    office = encrypted
    rid = write_client(office)
    uow = office.ctx.uow
    documents.add_document(uow, office.anna, rid, "Zeugnis.pdf", PDF)
    folder = office.paths.backup_dir
    backup = storage.backup(office.ctx.db, folder / "office-1.db", office.admin, uow)
    data = backup.read_bytes()
    assert not data.startswith(SQLITE_MAGIC) and MARK not in data
    assert _found(office.path.parent) == []  # nor in the live file or its -wal
    con = erasure.read_only(backup, office.ctx.db.key)  # with the key, the document is there
    try:
        (content,) = con.execute("SELECT content FROM documents").fetchone()
    finally:
        con.close()
    assert content == PDF
    run = retention.run(uow, office.admin, office_today() + timedelta(days=365 * 20)).value
    assert run.backups_anonymised == 1
    con = erasure.read_only(backup, office.ctx.db.key)
    try:
        assert con.execute("SELECT count(*) FROM documents").fetchone() == (0,)
    finally:
        con.close()
