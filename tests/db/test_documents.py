"""Documents on a record (issue 15, item 3) on SQLite and PostgreSQL: a counsellor attaches a
file, the record lists it, opens or saves a copy and removes it; each step is audited (ids and
sizes, never the name). Over 20 MB, empty, programs and scripts (by name or by content) and a
second copy of the same file are refused with a message that says why. Only who may see the
record works with its documents: not another counsellor where the office shows each their own
records, never a manager or an administrator. Anonymising a record deletes its documents; the
access export lists them."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select

from tests.db.test_privacy_migration import _counts, _to
from welcome_center.db import migrate
from welcome_center.db.engine import Database
from welcome_center.db.models import AuditEntry, Document
from welcome_center.db.types import utcnow
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.audit import AuditAction
from welcome_center.domain.dates import office_today
from welcome_center.domain.documents import MAX_BYTES, DocumentKind
from welcome_center.domain.drafts import ClientChoice, PersonDraft, RecordDraft
from welcome_center.domain.enums import ClientKind
from welcome_center.domain.errors import (
    NotFoundError,
    PermissionDeniedError,
    StateError,
    ValidationError,
)
from welcome_center.reports import access_export
from welcome_center.services import cases, documents, people, settings
from welcome_center.services.context import Actor
from welcome_center.services.privacy import access, anonymise, retention

PDF = b"%PDF-1.7\n" + b"Frobdocumentmarker scanned certificate " * 200 + b"\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


@pytest.fixture
def record_id(uow: UnitOfWork, anna: Actor) -> int:
    """Anna's record of the client Olena Kovalenko (Anna is its counsellor)."""
    pid = people.create_person(
        uow, anna, PersonDraft(family_name="Kovalenko", given_name="Olena"), True
    ).value.id
    draft = RecordDraft(
        client=ClientChoice(ClientKind.PERSON, pid),
        opened_on=office_today() - timedelta(days=30),
        counsellor_id=anna.user_id,
    )
    return cases.open_record(uow, anna, draft).value.id


def _entries(uow: UnitOfWork, *actions: AuditAction) -> list[tuple[str, str, int, str, str]]:
    """(action, entity, entity id, actor, detail) of the entries of ``actions``, oldest first."""
    with uow.read() as s:
        rows = s.execute(
            select(
                AuditEntry.action, AuditEntry.entity, AuditEntry.entity_id, AuditEntry.actor,
                AuditEntry.detail,
            )
            .where(AuditEntry.action.in_([a.value for a in actions]))
            .order_by(AuditEntry.id)
        )  # fmt: skip
        return [tuple(r) for r in rows]  # type: ignore[misc]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """An empty folder to write copies to (``tmp_path`` holds the test's database)."""
    path = tmp_path / "copies"
    path.mkdir()
    return path


def _count(uow: UnitOfWork) -> int:
    with uow.read() as s:
        return int(s.scalar(select(func.count()).select_from(Document)) or 0)


# --- add, list, read, remove ---------------------------------------------------------------


def test_a_document_is_added_listed_read_and_removed_with_each_step_audited(
    uow: UnitOfWork, anna: Actor, record_id: int, tmp_path: Path
) -> None:
    saved = documents.add_document(uow, anna, record_id, "Zeugnis Kovalenko.pdf", PDF)
    doc = saved.value
    assert saved.changes.records == {record_id}
    assert (doc.file_name, doc.media_type, doc.kind) == (
        "Zeugnis Kovalenko.pdf", "application/pdf", DocumentKind.PDF)  # fmt: skip
    assert (doc.size, doc.sha256) == (len(PDF), hashlib.sha256(PDF).hexdigest())
    assert doc.added_by == "Anna Berger" and doc.added_at.date() >= office_today() - timedelta(1)
    image = documents.add_document(uow, anna, record_id, "permit.png", PNG).value
    assert (image.kind, image.media_type) == (DocumentKind.IMAGE, "image/png")

    listed = cases.get_record(uow, anna, record_id).documents
    assert [d.id for d in listed] == [image.id, doc.id]  # newest first

    assert documents.read_document(uow, anna, doc.id).data == PDF
    saved_copy = documents.save_copy(uow, anna, doc.id, tmp_path / "copy.pdf")
    assert saved_copy.read_bytes() == PDF
    (tmp_path / "viewer").mkdir()
    opened = documents.open_copy(uow, anna, doc.id, tmp_path / "viewer")
    assert opened == tmp_path / "viewer" / str(doc.id) / "Zeugnis Kovalenko.pdf"
    assert opened.read_bytes() == PDF

    removed = documents.remove_document(uow, anna, doc.id)
    assert removed.value.id == doc.id and removed.changes.records == {record_id}
    assert [d.id for d in cases.get_record(uow, anna, record_id).documents] == [image.id]
    with pytest.raises(NotFoundError):
        documents.read_document(uow, anna, doc.id)

    entries = _entries(
        uow, AuditAction.ADD_DOCUMENT, AuditAction.READ_DOCUMENT, AuditAction.REMOVE_DOCUMENT
    )
    assert entries == [
        ("add_document", "record", record_id, "anna", f"document={doc.id} size={len(PDF)}"),
        ("add_document", "record", record_id, "anna", f"document={image.id} size={len(PNG)}"),
        ("read_document", "record", record_id, "anna", f"document={doc.id} open"),
        ("read_document", "record", record_id, "anna", f"document={doc.id} save"),
        ("read_document", "record", record_id, "anna", f"document={doc.id} open"),
        ("remove_document", "record", record_id, "anna", f"document={doc.id}"),
    ]
    assert not any("Kovalenko" in detail for *_rest, detail in entries)  # the name is personal data


def test_add_file_keeps_the_name_of_the_file_and_never_a_folder(
    uow: UnitOfWork, anna: Actor, record_id: int, tmp_path: Path
) -> None:
    path = tmp_path / "Bescheid Ausländerbehörde.pdf"
    path.write_bytes(PDF)
    doc = documents.add_file(uow, anna, record_id, path).value
    assert doc.file_name == "Bescheid Ausländerbehörde.pdf"
    other = documents.add_document(uow, anna, record_id, r"C:\Users\x\..\Pass.jpg", PNG).value
    assert other.file_name == "Pass.jpg" and other.media_type == "image/png"  # the bytes say PNG


@pytest.mark.parametrize(
    ("stored", "written"),
    [
        ("../../etc/cron.d/job.pdf", "job.pdf"),
        ("CON.pdf", "_CON.pdf"),
        ('re:port<1>|"a"?.pdf', "re_port_1___a__.pdf"),
        ("...hidden.pdf", "hidden.pdf"),
        ("no ending", "no ending.pdf"),  # the media type's ending, for the viewer
        ("Scan\u202egpj.pdf", "Scangpj.pdf"),  # no right-to-left override to disguise it
    ],
)
def test_a_copy_to_open_gets_a_safe_name_inside_its_folder(
    uow: UnitOfWork, anna: Actor, record_id: int, tmp_path: Path, stored: str, written: str
) -> None:
    doc = documents.add_document(uow, anna, record_id, stored, PDF).value
    path = documents.open_copy(uow, anna, doc.id, tmp_path)
    assert path.parent == tmp_path / str(doc.id) and path.name == written


# --- what is refused -------------------------------------------------------------------------


def test_a_file_over_20_mb_is_refused_with_its_size_and_the_limit(
    uow: UnitOfWork, anna: Actor, record_id: int, tmp_path: Path
) -> None:
    with pytest.raises(ValidationError) as caught:
        documents.add_document(uow, anna, record_id, "scan.pdf", b"%PDF" + bytes(MAX_BYTES))
    assert caught.value.message == (
        "scan.pdf is 20.1 MB; a document may be at most 20 MB. Scan it at a lower resolution "
        "or save it smaller (a PDF compressed, say) and add it again."
    )
    huge = tmp_path / "video.pdf"
    with huge.open("wb") as f:  # sparse: refused by its size before it is read
        f.truncate(3 * MAX_BYTES)
    with pytest.raises(ValidationError, match=r"video\.pdf is 60 MB; a document may be at most"):
        documents.add_file(uow, anna, record_id, huge)
    exactly = b"%PDF" + bytes(MAX_BYTES - 4)
    assert documents.add_document(uow, anna, record_id, "max.pdf", exactly).value.size == MAX_BYTES
    assert _count(uow) == 1


def test_an_empty_file_and_a_second_copy_are_refused(
    uow: UnitOfWork, anna: Actor, record_id: int
) -> None:
    with pytest.raises(ValidationError, match=r"empty\.pdf is empty: there is nothing to attach"):
        documents.add_document(uow, anna, record_id, "empty.pdf", b"")
    documents.add_document(uow, anna, record_id, "a.pdf", PDF)
    already = r"b\.pdf is on this record already: added on .* as a\.pdf"
    with pytest.raises(ValidationError, match=already):
        documents.add_document(uow, anna, record_id, "b.pdf", PDF)
    assert _count(uow) == 1


@pytest.mark.parametrize(
    ("name", "ending"),
    [
        ("setup.exe", "exe"), ("RUN.BAT", "bat"), ("start.cmd", "cmd"), ("x.js", "js"),
        ("y.vbs", "vbs"), ("z.ps1", "ps1"), ("install.sh", "sh"), ("tool.msi", "msi"),
        ("Passport.lnk", "lnk"), ("screen.scr", "scr"), ("Rechnung.pdf.exe", "exe"),
        ("trailing.exe.", "exe"), ("trailing.exe ", "exe"), ("stream.pdf:evil.exe", "exe"),
    ],
)  # fmt: skip
def test_programs_and_scripts_are_refused_by_their_name(
    uow: UnitOfWork, anna: Actor, record_id: int, name: str, ending: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        documents.add_document(uow, anna, record_id, name, PDF)
    assert f"a file ending in .{ending} is a program or a script" in caught.value.message
    assert "PDF files, images, office documents" in caught.value.message
    assert _count(uow) == 0


@pytest.mark.parametrize(
    ("head", "what"),
    [
        (b"MZ\x90\x00\x03\x00\x00\x00" + bytes(56) + b"PE\x00\x00", "Windows"),
        (b"\x7fELF\x02\x01\x01", "ELF"),
        (b"#!/bin/sh\nrm -rf ~\n", "script"),
        (b"L\x00\x00\x00\x01\x14\x02\x00\x00\x00\x00\x00\xc0", "shortcut"),
        (b"\xcf\xfa\xed\xfe\x07\x00\x00\x01", "Mach-O"),
    ],
)
def test_programs_are_refused_by_their_content_whatever_their_name(
    uow: UnitOfWork, anna: Actor, record_id: int, head: bytes, what: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        documents.add_document(uow, anna, record_id, "Zeugnis.pdf", head + bytes(100))
    assert caught.value.message.startswith(
        f"Zeugnis.pdf was not attached: its content is a program ({what}), whatever its name"
    )


def test_a_program_that_got_in_otherwise_is_not_opened_but_may_be_saved(
    uow: UnitOfWork, anna: Actor, record_id: int, folder: Path
) -> None:
    doc = documents.add_document(uow, anna, record_id, "tool.pdf", PDF).value
    with uow.begin() as s:  # written by hand, or by an older program
        s.get(Document, doc.id).file_name = "tool.exe"  # type: ignore[union-attr]
    with pytest.raises(ValidationError, match=r"tool\.exe is not opened: it is a program"):
        documents.open_copy(uow, anna, doc.id, folder)
    assert not any(folder.iterdir())
    assert documents.save_copy(uow, anna, doc.id, folder / "t.bin").read_bytes() == PDF


def test_an_anonymised_record_takes_no_documents(
    uow: UnitOfWork, anna: Actor, record_id: int
) -> None:
    with uow.begin() as s:
        anonymise.anonymise_records(s, [record_id], utcnow())
    with pytest.raises(StateError, match="anonymised; no documents can be added"):
        documents.add_document(uow, anna, record_id, "late.pdf", PDF)


# --- who may ------------------------------------------------------------------------------


def test_only_who_may_see_the_record_works_with_its_documents(
    uow: UnitOfWork,
    anna: Actor,
    ben: Actor,
    manager: Actor,
    admin: Actor,
    admin_only: Actor,
    record_id: int,
    folder: Path,
) -> None:
    doc = documents.add_document(uow, anna, record_id, "a.pdf", PDF).value
    # The office's default: every counsellor works on every record.
    assert documents.read_document(uow, ben, doc.id).data == PDF
    settings.update_settings(uow, admin, record_visibility="own")
    for actor in (ben, manager, admin_only):
        calls = (
            lambda a=actor: documents.add_document(uow, a, record_id, "b.pdf", PNG),
            lambda a=actor: documents.read_document(uow, a, doc.id),
            lambda a=actor: documents.save_copy(uow, a, doc.id, folder / "x.pdf"),
            lambda a=actor: documents.open_copy(uow, a, doc.id, folder),
            lambda a=actor: documents.remove_document(uow, a, doc.id),
        )
        for call in calls:
            with pytest.raises(PermissionDeniedError):
                call()
    assert not any(folder.iterdir())
    assert _count(uow) == 1
    assert [e[3] for e in _entries(uow, AuditAction.READ_DOCUMENT)] == ["ben"]  # before
    assert documents.read_document(uow, anna, doc.id).data == PDF  # still hers


# --- anonymisation and the access export ---------------------------------------------------


def test_the_retention_run_deletes_the_documents_of_the_records_it_anonymises(
    uow: UnitOfWork, anna: Actor, admin: Actor, record_id: int
) -> None:
    documents.add_document(uow, anna, record_id, "a.pdf", PDF)
    documents.add_document(uow, anna, record_id, "b.png", PNG)
    client = ClientChoice(ClientKind.PERSON, _person_of(uow, anna, record_id))
    other = cases.open_record(uow, anna, RecordDraft(client=client, opened_on=office_today()))
    other_id = other.value.id
    kept = documents.add_document(uow, anna, other_id, "open.pdf", PDF + b"x").value
    version = cases.get_record(uow, anna, record_id).version
    cases.close(uow, anna, record_id, "goal_reached", version, on=office_today())
    run = retention.run(uow, admin, office_today() + timedelta(days=400)).value
    assert run.records_anonymised == 1
    with uow.read() as s:
        left = s.execute(select(Document.id, Document.record_id)).all()
    assert left == [(kept.id, other_id)]  # the open record keeps its document


def _person_of(uow: UnitOfWork, actor: Actor, record_id: int) -> int:
    return cases.get_record(uow, actor, record_id).client.id


def test_the_access_export_lists_the_documents_of_the_persons_records(
    uow: UnitOfWork, anna: Actor, record_id: int
) -> None:
    documents.add_document(uow, anna, record_id, "Zeugnis Kovalenko.pdf", PDF)
    pid = _person_of(uow, anna, record_id)
    export = access.access_export(uow, anna, pid)
    (record,) = export.records
    (listed,) = record.documents
    assert (listed.file_name, listed.size, listed.media_type, listed.added_by) == (
        "Zeugnis Kovalenko.pdf", len(PDF), "application/pdf", "Anna Berger")  # fmt: skip
    data = json.loads(access_export.render_json(export))
    (entry,) = data["records"][0]["documents"]
    assert entry["file_name"] == "Zeugnis Kovalenko.pdf" and entry["size_bytes"] == len(PDF)
    assert entry["kind"] == {"code": "pdf", "label": "PDF"}
    assert "Frobdocumentmarker" not in json.dumps(data)  # listed, not the bytes

    import io

    from pypdf import PdfReader

    pdf = PdfReader(io.BytesIO(access_export.render_pdf(export)))
    text = " ".join(page.extract_text() for page in pdf.pages)
    assert "Documents" in text and "Zeugnis Kovalenko.pdf" in text


# --- the migration ---------------------------------------------------------------------------


def test_a_0014_office_upgrades_with_every_row_and_an_empty_documents_table(
    db: Database, anna: Actor, record_id: int
) -> None:
    uow = UnitOfWork(db)
    documents.add_document(uow, anna, record_id, "a.pdf", PDF)
    _to(db, "0014")  # the documents go with their table: downgrading is for tests only
    with db.engine.connect() as conn:
        assert "documents" not in inspect(conn).get_table_names()
    before = _counts(db)
    migrate.upgrade(db)
    assert migrate.current_revision(db) == migrate.HEAD
    assert migrate.schema_differences(db) == []
    after = _counts(db)
    assert after["record_months"] > 0  # a later migration's table, filled
    assert {t: n for t, n in after.items() if t != "record_months"} == {**before, "documents": 0}
    assert documents.add_document(uow, anna, record_id, "b.pdf", PDF).value.size == len(PDF)
