"""Storage errors said in the desk: a real full disk, a locked, read-only or vanished file.

Each test brings the condition about for real (a small tmpfs filled up or remounted read-only,
a second program holding the write lock, the file deleted under the open program), saves as a
user does (typing into the person editor and pressing Enter), and checks what the user sees:
a message in their language that says what happened and what to do, the dialog still open with
the typed input, and, once the condition is gone, the same input saved with one more Enter.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import event

from tests.conftest import PASSWORD
from tests.ui.conftest import MessageBoxes, type_text
from welcome_center.db.engine import Database, url_for_path
from welcome_center.db.uow import UnitOfWork
from welcome_center.services import people, storage, users
from welcome_center.services.context import Actor
from welcome_center.services.storage import open_database
from welcome_center.ui.dialogs.login import LoginDialog
from welcome_center.ui.dialogs.person_editor import PersonEditor
from welcome_center.ui.ops import Ops


class SmallDisk:
    """A tmpfs of a few MiB mounted for one test, holding a copy of the office database."""

    def __init__(self, root: Path, template: Path, size_kib: int) -> None:
        self.mount = root / "disk"
        self.mount.mkdir()
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size_kib}k", "tmpfs", str(self.mount)],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            pytest.skip(f"cannot mount a small tmpfs here ({done.stderr.strip() or 'not root'})")
        self.path = self.mount / "office.db"
        shutil.copyfile(template, self.path)
        self.filler = self.mount / "filler.bin"

    def fill(self) -> None:
        """Write until the disk says it is full."""
        try:
            with self.filler.open("wb") as f:
                while True:
                    f.write(b"\0" * 4096)
                    f.flush()
        except OSError:
            pass

    def free(self) -> None:
        self.filler.unlink(missing_ok=True)

    def remount(self, mode: str) -> None:
        subprocess.run(["mount", "-o", f"remount,{mode}", str(self.mount)], check=True)

    def unmount(self) -> None:
        subprocess.run(["umount", "-l", str(self.mount)], check=False)


@pytest.fixture
def small_disk(tmp_path: Path, template_db: Path, db_path: Path) -> Iterator[SmallDisk]:
    if os.name != "posix" or not shutil.which("mount"):
        pytest.skip("mounting a tmpfs needs a Linux machine")
    disk = SmallDisk(tmp_path, template_db, size_kib=4096)
    try:
        yield disk
    finally:
        disk.unmount()


def _ops_on(path: Path) -> tuple[Database, Ops]:
    db = open_database(url_for_path(path))
    uow = UnitOfWork(db)
    actor = users.authenticate(uow, "anna", PASSWORD)
    return db, Ops(uow, actor, str(path))


def _type_person(qtbot: QtBot, ops: Ops) -> PersonEditor:
    editor = PersonEditor(ops)
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitExposed(editor)
    type_text(editor.family_name, "Özdemir")
    type_text(editor.given_name, "Elif")
    return editor


def _shown(editor: PersonEditor, boxes: MessageBoxes) -> str:
    """The message the user reads: the dialog's error line, or a message box."""
    line = editor.errors.general
    return line.text() if not line.isHidden() else " ".join(boxes.texts)


def _saved_names(uow: UnitOfWork, actor: Actor) -> list[str]:
    return [c.display_name for c in people.search_clients(uow, actor, "Özdemir")]


def test_a_full_disk_is_said_and_the_input_kept_then_saved_once_there_is_room(
    qtbot: QtBot, small_disk: SmallDisk, message_boxes: MessageBoxes
) -> None:
    db, ops = _ops_on(small_disk.path)
    try:
        editor = _type_person(qtbot, ops)
        editor.notes.setPlainText("Gespräch über Anerkennung. " * 500)
        small_disk.fill()
        qtbot.keyClick(editor.given_name, Qt.Key.Key_Return)
        message = _shown(editor, message_boxes)
        assert "is full; nothing was saved" in message and str(small_disk.path) in message
        assert editor.isVisible()
        assert (editor.family_name.text(), editor.given_name.text()) == ("Özdemir", "Elif")
        small_disk.free()
        assert _saved_names(ops.uow, ops.actor) == []
        qtbot.keyClick(editor.given_name, Qt.Key.Key_Return)
        assert not editor.isVisible()
        assert _saved_names(ops.uow, ops.actor) == ["Özdemir, Elif"]
    finally:
        db.dispose()
    assert storage.check_database(url_for_path(small_disk.path)).ok


def _immutable(path: Path, on: bool) -> None:
    """Make the file unwritable even for root (permission bits do not stop root)."""
    done = subprocess.run(["chattr", "+i" if on else "-i", str(path)], capture_output=True)
    if done.returncode != 0:
        pytest.skip("chattr does not work on this file system")


def test_a_read_only_file_is_said_at_the_login(qtbot: QtBot, db_path: Path) -> None:
    """The desk starts on a file that cannot be written; the login (which records itself in the
    audit log) says so instead of doing nothing."""
    _immutable(db_path, True)
    try:
        db = open_database(url_for_path(db_path))  # reading works
        try:
            login = LoginDialog(UnitOfWork(db), "Welcome Center", str(db_path))
            qtbot.addWidget(login)
            login.show()
            qtbot.keyClicks(login.username, "anna")
            qtbot.keyClicks(login.password, PASSWORD)
            qtbot.keyClick(login.password, Qt.Key.Key_Return)
            assert login.isVisible() and login.actor is None
            assert "cannot be written" in login.message.text()
            assert "read-only" in login.message.text()
        finally:
            db.dispose()
    finally:
        _immutable(db_path, False)


def test_a_read_only_disk_is_said_when_the_desk_starts(
    small_disk: SmallDisk, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from PySide6.QtWidgets import QMessageBox

    from welcome_center.cli import main

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    small_disk.remount("ro")
    try:
        assert main(["--lang", "en", "--db", str(small_disk.path)]) == 1
    finally:
        small_disk.remount("rw")
    assert len(shown) == 1 and "cannot be written" in shown[0] and "read-only" in shown[0]
    assert str(small_disk.path) in shown[0]
    assert "Traceback" not in capsys.readouterr().err


def test_a_database_locked_by_another_program_is_said_as_busy(
    qtbot: QtBot, db_path: Path, message_boxes: MessageBoxes
) -> None:
    db, ops = _ops_on(db_path)
    event.listen(db.engine, "connect", lambda c, _r: c.execute("PRAGMA busy_timeout=100"))
    db.engine.dispose()  # new connections, with the short wait
    other = sqlite3.connect(db_path, isolation_level=None)
    try:
        editor = _type_person(qtbot, ops)
        other.execute("BEGIN IMMEDIATE")  # another program writes and does not finish
        qtbot.keyClick(editor.given_name, Qt.Key.Key_Return)
        message = _shown(editor, message_boxes)
        assert "is busy" in message and "save again" in message
        assert editor.isVisible() and editor.given_name.text() == "Elif"
        other.execute("ROLLBACK")
        qtbot.keyClick(editor.given_name, Qt.Key.Key_Return)
        assert not editor.isVisible()
        assert _saved_names(ops.uow, ops.actor) == ["Özdemir, Elif"]
    finally:
        other.close()
        db.dispose()


def test_a_vanished_file_is_said_and_nothing_is_written_elsewhere(
    qtbot: QtBot, db_path: Path, message_boxes: MessageBoxes
) -> None:
    """The file is deleted under the open program (a drive pulled out, a colleague's clean-up):
    the save is refused with what to do, and no new file appears in its place."""
    db, ops = _ops_on(db_path)
    try:
        editor = _type_person(qtbot, ops)
        moved = db_path.with_name(f"gone-{uuid.uuid4().hex}.db")
        db_path.rename(moved)
        qtbot.keyClick(editor.given_name, Qt.Key.Key_Return)
        message = _shown(editor, message_boxes)
        assert "cannot be reached any more" in message, message
        assert editor.isVisible() and editor.family_name.text() == "Özdemir"
        assert not db_path.exists()
    finally:
        db.dispose()


def _damage(path: Path) -> None:
    """Overwrite the header of the file's last b-tree page (what a bad sector does)."""
    con = sqlite3.connect(path)
    page_size, pages = (
        con.execute(f"PRAGMA {p}").fetchone()[0] for p in ("page_size", "page_count")
    )
    con.close()
    with path.open("r+b") as f:
        f.seek((pages - 1) * page_size)
        f.write(b"\xff" * 12)


def test_a_damaged_file_is_warned_about_after_start_and_the_desk_goes_on(
    qtbot: QtBot, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtCore import QSettings

    from welcome_center.ui import start

    _damage(db_path)
    db, ops = _ops_on(db_path)
    try:
        assert storage.quick_check(ops.uow), "the damage must be one SQLite's check finds"
        monkeypatch.setattr(start, "STORAGE_CHECK_DELAY_MS", 0)
        state = QSettings(str(db_path.with_suffix(".ini")), QSettings.Format.IniFormat)
        window = start.open_desk(ops.uow, ops.actor, str(db_path), state)
        qtbot.addWidget(window)
        qtbot.waitUntil(lambda: hasattr(window, "storage_warning"), timeout=10_000)
        assert window.storage_label.text() == "Database check: problems found"
        assert window.storage_warning.isVisible()
        assert "make a backup now" in window.storage_warning.text()
        assert window.isVisible()  # warned, not refused
        window.storage_warning.close()
    finally:
        db.dispose()


def test_db_check_reports_damage_in_words(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from welcome_center.cli import main

    _damage(db_path)
    assert main(["--lang", "en", "--db", str(db_path), "db", "check"]) == 1
    captured = capsys.readouterr()
    assert "Integrity: FAILED:" in captured.out
    assert "Traceback" not in captured.out + captured.err
