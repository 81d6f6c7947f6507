"""Documents on a record at the desk (issue 15, item 3), done by keys as a counsellor does it:
Ctrl+D shows the record's Documents tab, "Add…" attaches the files chosen (the file dialog is
replaced), Enter or "Open" hands a copy to the system's viewer (replaced: no viewer opens in a
test), "Save as…" writes a copy, "Remove" asks and removes. A program, an empty file and a file
over 20 MB are refused with what to do instead, while the other files chosen are attached.
Files dropped on the tab are attached. Every mnemonic of the tab differs, in German too."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QFileDialog, QLabel, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from tests.ui.conftest import MessageBoxes
from welcome_center import i18n
from welcome_center.db.models import AuditEntry
from welcome_center.domain.dates import office_today
from welcome_center.domain.documents import MAX_BYTES
from welcome_center.domain.drafts import ClientChoice, PersonDraft, RecordDraft
from welcome_center.domain.enums import ClientKind
from welcome_center.services import cases, people
from welcome_center.ui.ops import Ops
from welcome_center.ui.record.documents import viewer_folder
from welcome_center.ui.record.window import RecordWindow

CTRL, ALT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.AltModifier
PDF = b"%PDF-1.7\n" + b"Zeugnis der Berufsschule Lwiw " * 50 + b"\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8


@pytest.fixture(autouse=True)
def _boxes(message_boxes: MessageBoxes) -> MessageBoxes:
    return message_boxes


@pytest.fixture
def record_id(ops: Ops) -> int:
    uow, anna = ops.uow, ops.actor
    pid = people.create_person(
        uow, anna, PersonDraft(family_name="Kovalenko", given_name="Olena"), True
    ).value.id
    draft = RecordDraft(
        client=ClientChoice(ClientKind.PERSON, pid),
        opened_on=office_today() - timedelta(days=10),
        counsellor_id=anna.user_id,
    )
    return cases.open_record(uow, anna, draft).value.id


@pytest.fixture
def files(tmp_path: Path) -> Path:
    folder = tmp_path / "Scans"
    folder.mkdir()
    (folder / "Zeugnis Kovalenko.pdf").write_bytes(PDF)
    (folder / "Aufenthaltstitel.png").write_bytes(PNG)
    return folder


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """What was handed to the system's viewer (nothing is shown)."""
    urls: list[Path] = []
    monkeypatch.setattr(
        QDesktopServices,
        "openUrl",
        staticmethod(lambda url: urls.append(Path(url.toLocalFile())) or True),
    )
    return urls


def choose(monkeypatch: pytest.MonkeyPatch, *paths: Path) -> None:
    """The open-file dialog answers with ``paths``."""
    monkeypatch.setattr(
        QFileDialog,
        "getOpenFileNames",
        staticmethod(lambda *a, **k: ([str(p) for p in paths], "")),
    )


def open_window(qtbot: QtBot, ops: Ops, record_id: int) -> RecordWindow:
    window = RecordWindow(ops, record_id)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    return window


def press(qtbot: QtBot, window: QWidget, key: Qt.Key, modifier: Qt.KeyboardModifier) -> None:
    """A key as typed: through the window, where shortcuts and mnemonics are found."""
    QTest.keyClick(window.windowHandle(), key, modifier)
    qtbot.wait(200)  # a mnemonic clicks its button after a moment (animateClick)


def rows(window: RecordWindow) -> list[tuple[str, ...]]:
    model = window.documents.model
    return [model.rows[r] for r in range(model.rowCount())]


def wait_rows(qtbot: QtBot, window: RecordWindow, n: int) -> None:
    qtbot.waitUntil(lambda: window.documents.model.rowCount() == n, timeout=10_000)


def _actions(ops: Ops) -> list[str]:
    with ops.uow.read() as s:
        return list(
            s.scalars(
                select(AuditEntry.action)
                .where(AuditEntry.action.like("%document%"))
                .order_by(AuditEntry.id)
            )
        )


def test_add_open_save_and_remove_by_keys(
    qtbot: QtBot,
    ops: Ops,
    record_id: int,
    files: Path,
    opened: list[Path],
    message_boxes: MessageBoxes,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    window = open_window(qtbot, ops, record_id)
    status: list[str] = []
    ops.status.connect(status.append)
    tabs = window.tabs
    assert tabs.tabText(tabs.indexOf(window.documents)) == "Doc&uments"

    press(qtbot, window, Qt.Key.Key_D, CTRL)
    assert tabs.currentWidget() is window.documents
    assert window.documents.empty.isVisible() and "up to 20 MB" in window.documents.empty.text()
    assert QApplication.focusWidget() is window.documents.add_doc_button

    choose(monkeypatch, files / "Zeugnis Kovalenko.pdf", files / "Aufenthaltstitel.png")
    press(qtbot, window, Qt.Key.Key_D, ALT)  # A&dd…
    wait_rows(qtbot, window, 2)
    assert tabs.tabText(tabs.indexOf(window.documents)) == "Doc&uments (2)"
    today = office_today().strftime("%d/%m/%Y")
    shown = [(n, k, size, at[:10], by) for n, k, size, at, by in rows(window)]
    assert sorted(shown) == [
        ("Aufenthaltstitel.png", "Image", "3 KB", today, "Anna Berger"),
        ("Zeugnis Kovalenko.pdf", "PDF", "2 KB", today, "Anna Berger"),
    ]
    assert status[-1] == "2 documents added."

    # Enter on the PDF's line: a copy goes to the viewer, from the desk's private folder.
    table = window.documents.table
    window.documents.select_row(next(i for i, r in enumerate(rows(window)) if "PDF" in r))
    table.setFocus()
    QTest.keyClick(table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(opened) == 1, timeout=10_000)
    assert opened[0].read_bytes() == PDF and opened[0].name == "Zeugnis Kovalenko.pdf"
    assert viewer_folder() in opened[0].parents
    assert (viewer_folder().stat().st_mode & 0o777) == 0o700
    assert status[-1] == "Zeugnis Kovalenko.pdf opened."

    # Save as… writes a copy where the counsellor chooses.
    target = tmp_path / "saved.pdf"
    asked: list[str] = []

    def answer(_parent: object, _caption: str, suggested: str, *_a: object) -> tuple[str, str]:
        asked.append(suggested)
        return str(target), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(answer))
    press(qtbot, window, Qt.Key.Key_V, ALT)  # Sa&ve as…
    qtbot.waitUntil(target.exists, timeout=10_000)
    assert target.read_bytes() == PDF
    assert Path(asked[0]) == files / "Zeugnis Kovalenko.pdf"  # where the files came from
    assert status[-1] == f"Saved: {target}"

    # Remove asks first, then the list has one document left.
    press(qtbot, window, Qt.Key.Key_M, ALT)  # Re&move
    wait_rows(qtbot, window, 1)
    assert message_boxes.shown[-1][0] == "Remove the document?"
    assert message_boxes.buttons[-1] == ["Remove", "Cancel"]
    assert rows(window)[0][0] == "Aufenthaltstitel.png"
    assert tabs.tabText(tabs.indexOf(window.documents)) == "Doc&uments (1)"
    assert _actions(ops) == [
        "add_document", "add_document", "read_document", "read_document", "remove_document",
    ]  # fmt: skip

    # Cancelled, nothing goes.
    message_boxes.answer = "Cancel"
    press(qtbot, window, Qt.Key.Key_M, ALT)
    assert len(rows(window)) == 1

    # The record's history says what was done with its documents.
    press(qtbot, window, Qt.Key.Key_H, ALT)
    history = window.history.model
    said = [history.rows[r][2] for r in range(history.rowCount())]
    assert said[:5] == [
        "Document removed", "Document saved as a copy", "Document opened", "Document added",
        "Document added",
    ]  # fmt: skip


def test_refused_files_are_said_and_the_others_attached(
    qtbot: QtBot,
    ops: Ops,
    record_id: int,
    files: Path,
    message_boxes: MessageBoxes,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    program = files / "Rechnung.pdf.exe"
    program.write_bytes(b"MZ" + bytes(200))
    disguised = files / "Lebenslauf.pdf"
    disguised.write_bytes(b"\x7fELF\x02\x01\x01" + bytes(200))
    huge = files / "Video.pdf"
    with huge.open("wb") as f:
        f.truncate(MAX_BYTES + 5 * 1024 * 1024)
    window = open_window(qtbot, ops, record_id)
    press(qtbot, window, Qt.Key.Key_D, CTRL)
    choose(monkeypatch, program, files / "Zeugnis Kovalenko.pdf", disguised, huge)
    press(qtbot, window, Qt.Key.Key_D, ALT)
    qtbot.waitUntil(lambda: bool(message_boxes.shown), timeout=10_000)
    title, text = message_boxes.shown[-1]
    assert title == "Not attached"
    assert text.split("\n\n") == [
        "Rechnung.pdf.exe was not attached: a file ending in .exe is a program or a script, "
        "and the program keeps documents only (PDF files, images, office documents).",
        "Lebenslauf.pdf was not attached: its content is a program (ELF), whatever its name "
        "says. The program keeps documents only (PDF files, images, office documents).",
        "Video.pdf is 25 MB; a document may be at most 20 MB. Scan it at a lower resolution "
        "or save it smaller (a PDF compressed, say) and add it again.",
    ]
    wait_rows(qtbot, window, 1)
    assert rows(window)[0][0] == "Zeugnis Kovalenko.pdf"


def test_files_dropped_on_the_tab_are_attached(
    qtbot: QtBot, ops: Ops, record_id: int, files: Path
) -> None:
    window = open_window(qtbot, ops, record_id)
    window.tabs.setCurrentWidget(window.documents)
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(files / "Aufenthaltstitel.png"))])
    tab = window.documents
    drop = QDropEvent(
        QPointF(tab.rect().center()),
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    tab.dropEvent(drop)
    assert drop.isAccepted()
    wait_rows(qtbot, window, 1)
    assert rows(window)[0][:2] == ("Aufenthaltstitel.png", "Image")


def test_a_file_no_program_opens_is_said(
    qtbot: QtBot,
    ops: Ops,
    record_id: int,
    files: Path,
    message_boxes: MessageBoxes,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: False))
    window = open_window(qtbot, ops, record_id)
    choose(monkeypatch, files / "Zeugnis Kovalenko.pdf")
    window.show_documents()
    qtbot.mouseClick(window.documents.add_doc_button, Qt.MouseButton.LeftButton)
    wait_rows(qtbot, window, 1)
    qtbot.mouseClick(window.documents.open_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(message_boxes.shown), timeout=10_000)
    assert message_boxes.shown[-1] == (
        "No program for this file",
        "No program on this computer opens Zeugnis Kovalenko.pdf. Save it with “Save as…” "
        "and open it where a program for it is installed.",
    )


def test_copies_a_killed_desk_left_behind_go_after_a_day(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os
    import tempfile
    import time

    from welcome_center.ui.record import documents as tab

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(tab, "_FOLDER", [])
    old, young = tmp_path / f"{tab.PREFIX}old", tmp_path / f"{tab.PREFIX}young"
    for folder in (old, young):
        (folder / "7").mkdir(parents=True)
        (folder / "7" / "Zeugnis.pdf").write_bytes(PDF)
    day_ago = time.time() - tab.LEFTOVER_AGE_S - 60
    os.utime(old, (day_ago, day_ago))
    made = viewer_folder()
    assert not old.exists() and young.exists() and made.parent == tmp_path
    assert viewer_folder() == made  # one per desk
    tab._FOLDER[-1].cleanup()  # the desk ends
    assert not made.exists()


def test_ctrl_d_reaches_the_documents_from_a_text_field(
    qtbot: QtBot, ops: Ops, record_id: int
) -> None:
    window = open_window(qtbot, ops, record_id)
    summary = window.overview.summary
    summary.setFocus()
    press(qtbot, window, Qt.Key.Key_D, CTRL)
    assert window.tabs.currentWidget() is window.documents


# --- mnemonics and words --------------------------------------------------------------------


def _letters(window: RecordWindow) -> list[str]:
    texts = [b.text() for b in window.findChildren(QAbstractButton) if b.isVisibleTo(window)]
    texts += [
        lb.text() for lb in window.findChildren(QLabel) if lb.buddy() and lb.isVisibleTo(window)
    ]
    texts += [window.tabs.tabText(i) for i in range(window.tabs.count())]
    out = []
    for text in texts:
        found = re.search(r"&([^&])", text.replace("&&", ""))
        if found:
            out.append(found.group(1).lower())
    return out


@pytest.mark.parametrize("lang", ["en", "de"])
def test_every_mnemonic_of_the_documents_tab_differs(
    qtbot: QtBot, ops: Ops, record_id: int, lang: str, files: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    i18n.set_language(lang)
    window = open_window(qtbot, ops, record_id)
    choose(monkeypatch, files / "Zeugnis Kovalenko.pdf")
    window.show_documents()
    window.documents.add()
    wait_rows(qtbot, window, 1)
    letters = _letters(window)
    assert len(letters) == len(set(letters)), sorted(letters)
    buttons = [
        window.documents.add_doc_button.text(),
        window.documents.open_button.text(),
        window.documents.save_button.text(),
        window.documents.remove_button.text(),
    ]
    expected = {
        "en": ["A&dd…", "Ope&n", "Sa&ve as…", "Re&move"],
        "de": ["Hin&zufügen …", "&Öffnen", "Speichern &unter …", "Entfe&rnen"],
    }[lang]
    assert buttons == expected
    if lang == "de":
        assert window.tabs.tabText(window.tabs.indexOf(window.documents)) == "Dokum&ente (1)"
        assert window.documents.model.headers == ["Name", "Art", "Größe", "Hinzugefügt am", "Von"]
