"""What may be attached to a record, and the name a copy is written under (domain/documents.py);
file sizes in words (i18n.format_size)."""

from __future__ import annotations

import pytest

from welcome_center import i18n
from welcome_center.domain.documents import (
    MAX_BYTES,
    DocumentKind,
    Refusal,
    copy_name,
    kind_of,
    media_type,
    problem,
    safe_file_name,
    suffix_of,
)


@pytest.mark.parametrize(
    ("name", "suffix"),
    [("a.PDF", "pdf"), ("a.pdf.exe", "exe"), ("a.exe. . ", "exe"), ("noending", ""),
     (".bashrc", "bashrc"), (r"C:\x\y.docx", "docx"), ("dir/a.tar.gz", "gz")],
)  # fmt: skip
def test_the_ending_is_the_last_one_as_windows_reads_it(name: str, suffix: str) -> None:
    assert suffix_of(name) == suffix


def test_size_and_programs_are_judged_in_order() -> None:
    pdf = b"%PDF-1.4"
    assert problem("a.pdf", 0, b"").refusal is Refusal.EMPTY  # type: ignore[union-attr]
    assert problem("a.exe", MAX_BYTES + 1, b"MZ").refusal is Refusal.TOO_LARGE  # type: ignore[union-attr]
    assert problem("a.exe", 10, pdf).refusal is Refusal.PROGRAM_NAME  # type: ignore[union-attr]
    assert problem("a.pdf", 10, b"#!/usr/bin/env python").refusal is Refusal.PROGRAM_CONTENT  # type: ignore[union-attr]
    assert problem("a.pdf", MAX_BYTES, pdf) is None
    assert problem("Lebenslauf.docx", 10, b"PK\x03\x04") is None  # office files are zips


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("Zeugnis.pdf", "Zeugnis.pdf"),
        ("../../x.pdf", "x.pdf"),
        (r"..\..\Windows\x.pdf", "x.pdf"),
        ("a\x00b\nc.pdf", "abc.pdf"),
        ("nul.txt", "_nul.txt"),
        ("LPT1", "_LPT1"),
        ("...", "document"),
        ("x" * 300 + ".pdf", "x" * 116 + ".pdf"),
        ("Çelik\u200b Ayşe.jpg", "Çelik Ayşe.jpg"),
    ],
)
def test_a_copy_never_leaves_its_folder_nor_hides_its_kind(name: str, safe: str) -> None:
    assert safe_file_name(name) == safe


def test_media_type_and_kind_from_content_then_ending() -> None:
    assert media_type("scan", b"%PDF-1.7") == "application/pdf"
    assert media_type("photo.pdf", b"\xff\xd8\xff\xe0") == "image/jpeg"
    assert media_type("x.docx", b"PK\x03\x04") == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert media_type("x.unknown", b"??") == "application/octet-stream"
    assert kind_of(media_type("t.xlsx", b"PK")) is DocumentKind.SPREADSHEET
    assert kind_of("text/csv") is DocumentKind.SPREADSHEET
    assert kind_of("message/rfc822") is DocumentKind.EMAIL
    assert kind_of("application/octet-stream") is DocumentKind.OTHER
    assert copy_name("scan", "application/pdf") == "scan.pdf"
    assert copy_name("scan", "application/octet-stream") == "scan"


def test_sizes_in_words_round_up() -> None:
    i18n.set_language("de")
    try:
        assert [i18n.format_size(n) for n in (1, 900, 1025, 1_300_000, MAX_BYTES + 1)] == [
            "1 Byte", "900 Bytes", "2 KB", "1,3 MB", "20,1 MB",
        ]  # fmt: skip
    finally:
        i18n.set_language("en")
    assert i18n.format_size(MAX_BYTES) == "20 MB"
