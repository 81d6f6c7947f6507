"""The session: log out and switch user without quitting, one's own password, the Help menu,
the last backup in the status bar and an administrator's backup from the desk."""

from __future__ import annotations

import re
import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QMessageBox, QWidget
from shiboken6 import isValid

from tests.conftest import PASSWORD
from tests.ui.conftest import type_text, when_modal
from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import ClientChoice, PersonDraft, RecordDraft
from welcome_center.domain.enums import ClientKind
from welcome_center.services import cases, people, storage, users
from welcome_center.ui import start
from welcome_center.ui.dialogs import help as help_dialogs
from welcome_center.ui.dialogs.login import LoginDialog
from welcome_center.ui.dialogs.password import ChangePasswordDialog
from welcome_center.ui.main_window import MainWindow
from welcome_center.ui.ops import Ops

NEW_PASSWORD = "ein ganz neues Passwort"


@pytest.fixture(autouse=True)
def _questions_recorded(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A question is recorded and answered Cancel (keep editing), instead of waiting for a
    click that never comes: the desk's questions (ui/dialogs/base.py, where there) and Qt's."""
    asked: list[str] = []

    def question(_parent: object, _title: str, text: str, *_a: object, **_k: object) -> object:
        asked.append(text)
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    try:
        from welcome_center.ui.dialogs import base
    except ImportError:
        return asked
    monkeypatch.setattr(base, "run_question", lambda box: asked.append(box.text()))
    return asked


@pytest.fixture
def state(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "desk.ini"), QSettings.Format.IniFormat)


class Quits:
    """Stands in for QApplication.quit: counts how often the session ended the program."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> None:
        self.count += 1


@pytest.fixture
def session(qtbot, uow, state, tmp_path):  # type: ignore[no-untyped-def]
    quits = Quits()
    desk = start.DeskSession(uow, "office.db", state, backups=tmp_path / "backups", on_quit=quits)
    desk.quits = quits  # type: ignore[attr-defined]
    yield desk
    if desk.alive:
        assert desk.window is not None
        desk.window.leaving = desk.window.leaving.QUIT
        desk.window.close()
    QApplication.instance().setQuitOnLastWindowClosed(True)  # type: ignore[union-attr]


def _shown(qtbot, window: QWidget) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)


def _action(window: MainWindow, words: str) -> QAction:
    """The menu entry whose text (without its mnemonic) is ``words``."""
    for action in window.findChildren(QAction):
        if action.text().replace("&", "") == words:
            return action
    raise AssertionError(f"no menu entry {words!r}")


def _record(uow, anna) -> int:  # type: ignore[no-untyped-def]
    person = people.create_person(
        uow, anna, PersonDraft(family_name="Kovalenko", given_name="Oksana"), True
    ).value
    draft = RecordDraft(
        client=ClientChoice(ClientKind.PERSON, person.id),
        opened_on=office_today(),
        summary="Pflege",
    )
    return cases.open_record(uow, anna, draft).value.id


def _log_in_as(username: str, password: str = PASSWORD, seen: list[str] | None = None) -> None:
    """Answer the next login dialog by typing, as a colleague would (the name only if empty)."""

    def answer(dialog: QWidget) -> None:
        assert isinstance(dialog, LoginDialog)
        if seen is not None:
            seen.append(dialog.username.text())
        if not dialog.username.text():
            dialog.username.setFocus()
            type_text(dialog.username, username)
        type_text(dialog.password, password)
        QTest.keyClick(dialog.password, Qt.Key.Key_Return)

    when_modal(answer)


# -- log out, switch user ------------------------------------------------------------------


def test_the_desk_does_not_quit_when_its_window_closes_for_a_logout(session) -> None:  # type: ignore[no-untyped-def]
    assert not QApplication.instance().quitOnLastWindowClosed()  # type: ignore[union-attr]


def test_log_out_closes_the_records_and_the_same_user_logs_in_again(
    qtbot, session, uow, anna
) -> None:  # type: ignore[no-untyped-def]
    first = session.open(anna)
    _shown(qtbot, first)
    record_id = _record(uow, anna)
    first.open_record(record_id)
    record_window = first.record_windows[record_id]
    seen: list[str] = []
    _log_in_as("anna", seen=seen)
    _action(first, "Log out").trigger()
    qtbot.waitUntil(lambda: session.alive and session.window is not first, timeout=5000)
    assert seen == ["anna"]  # the name filled in, the password typed
    assert not isValid(record_window)  # closed (and gone, as closed record windows go)
    assert not isValid(first)  # the old desk, its pages and their Ops are gone
    second = session.window
    assert second.ops.actor.name == "anna" and second.isVisible()
    assert session.quits.count == 0


def test_switch_user_opens_the_desk_of_the_colleague_where_they_left_it(
    qtbot, session, anna, state
) -> None:  # type: ignore[no-untyped-def]
    state.setValue("users/ben/page", "follow_ups")  # where Ben left the desk yesterday
    first = session.open(anna)
    _shown(qtbot, first)
    seen: list[str] = []
    _log_in_as("ben", seen=seen)
    _action(first, "Switch user…").trigger()
    qtbot.waitUntil(lambda: session.alive and session.window is not first, timeout=5000)
    assert seen == [""]  # nobody's name offered
    ben = session.window
    assert ben.user_label.text() == "Ben Schulz (Counsellor)"
    assert ben.current_page() is ben.pages["follow_ups"]
    assert state.value("users/anna/page") == "today"  # Anna's desk was remembered for her


def test_unsaved_input_kept_in_a_record_window_keeps_the_desk_open(
    qtbot, session, uow, anna, _questions_recorded
) -> None:  # type: ignore[no-untyped-def]
    window = session.open(anna)
    _shown(qtbot, window)
    record_id = _record(uow, anna)
    window.open_record(record_id)
    record_window = window.record_windows[record_id]
    _shown(qtbot, record_window)
    summary = record_window.overview.summary
    summary.setFocus()
    qtbot.keyClick(summary, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    type_text(summary, " und Sprachkurs")
    _action(window, "Log out").trigger()  # the question is answered Cancel: keep editing
    assert len(_questions_recorded) == 1 and "not saved" in _questions_recorded[0]
    qtbot.wait(50)
    assert session.alive and session.window is window and window.isVisible()
    assert record_window.isVisible()
    assert summary.toPlainText().endswith("und Sprachkurs")
    assert window.leaving == "quit"  # a later close of the window quits as usual
    assert session.quits.count == 0
    record_window.reload()  # the test's own clean-up: nothing unsaved any more


def test_a_cancelled_login_after_logout_ends_the_program(qtbot, session, anna) -> None:  # type: ignore[no-untyped-def]
    window = session.open(anna)
    _shown(qtbot, window)
    when_modal(lambda dialog: qtbot.keyClick(dialog, Qt.Key.Key_Escape))
    _action(window, "Log out").trigger()
    qtbot.waitUntil(lambda: session.quits.count == 1, timeout=5000)
    assert not session.alive


def test_ctrl_q_closes_the_desk_and_ends_the_program(qtbot, session, anna) -> None:  # type: ignore[no-untyped-def]
    window = session.open(anna)
    _shown(qtbot, window)
    qtbot.keyClick(window.windowHandle(), Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert session.quits.count == 1
    assert not session.alive


# -- my password ---------------------------------------------------------------------------


def _password_dialog(qtbot, ops: Ops) -> ChangePasswordDialog:  # type: ignore[no-untyped-def]
    dialog = ChangePasswordDialog(ops)
    qtbot.addWidget(dialog)
    dialog.show()
    _shown(qtbot, dialog)
    return dialog


def _fill(qtbot, dialog: ChangePasswordDialog, current: str, new: str, repeat: str) -> None:  # type: ignore[no-untyped-def]
    """Click into each field, type it anew, save with Ctrl+S."""
    for field, text in ((dialog.current, current), (dialog.password, new), (dialog.repeat, repeat)):
        qtbot.mouseClick(field, Qt.MouseButton.LeftButton)
        qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClick(field, Qt.Key.Key_Delete)
        qtbot.keyClicks(field, text)
    qtbot.keyClick(dialog.repeat, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)


def test_changing_my_password_by_typing(qtbot, ops: Ops, uow) -> None:  # type: ignore[no-untyped-def]
    dialog = _password_dialog(qtbot, ops)
    assert QApplication.focusWidget() is dialog.current  # the dialog opens in its first field
    qtbot.keyClicks(dialog.current, "not my password")  # Tab goes on in reading order
    qtbot.keyClick(dialog.current, Qt.Key.Key_Tab)
    qtbot.keyClicks(QApplication.focusWidget(), NEW_PASSWORD)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    qtbot.keyClicks(QApplication.focusWidget(), NEW_PASSWORD)
    assert (dialog.password.text(), dialog.repeat.text()) == (NEW_PASSWORD, NEW_PASSWORD)
    qtbot.keyClick(dialog.repeat, Qt.Key.Key_Return)  # Enter saves, as Ctrl+S does
    assert dialog.isVisible()
    assert dialog.errors.message("current") == "This is not your current password."
    assert dialog.current.text() == "" and QApplication.focusWidget() is dialog.current

    _fill(qtbot, dialog, PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "!")
    assert dialog.errors.message("repeat") == "The two new passwords differ."
    assert dialog.errors.message("current") == ""

    _fill(qtbot, dialog, PASSWORD, "kurz", "kurz")
    assert "at least 10 characters" in dialog.errors.message("password")

    _fill(qtbot, dialog, PASSWORD, NEW_PASSWORD, NEW_PASSWORD)
    assert dialog.result() == QDialog.DialogCode.Accepted and not dialog.isVisible()
    assert users.authenticate(uow, "anna", NEW_PASSWORD).name == "anna"


def test_the_desk_menu_opens_the_password_dialog(qtbot, ops: Ops, state) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(ops, state)
    qtbot.addWidget(window)
    window.show()
    titles: list[str] = []

    def look(dialog: QWidget) -> None:
        titles.append(dialog.windowTitle())
        dialog.reject()

    when_modal(look)
    _action(window, "Change my password…").trigger()
    assert titles == ["Change my password"]


# -- help ----------------------------------------------------------------------------------


def _window(qtbot, ops: Ops, state: QSettings, **kwargs) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(ops, state, **kwargs)
    qtbot.addWidget(window)
    window.show()
    _shown(qtbot, window)
    return window


def test_the_shortcuts_list_is_read_from_the_desk_itself(qtbot, ops: Ops, state) -> None:  # type: ignore[no-untyped-def]
    window = _window(qtbot, ops, state)
    extra = QAction("&Something new…", window)  # a shortcut added later is listed by itself
    extra.setShortcut(QKeySequence("Ctrl+Shift+Y"))
    window.menuBar().actions()[0].menu().addAction(extra)
    dialog = help_dialogs.ShortcutsDialog(window)
    qtbot.addWidget(dialog)
    rows = dialog.rows()
    desk = {keys: what for section, keys, what in rows if section == "Desk"}
    assert desk["Ctrl+N"] == "New enquiry"
    assert desk["Ctrl+F"] == "Search" and desk["F5"] == "Refresh" and desk["Ctrl+Q"] == "Quit"
    assert desk["Ctrl+Shift+Y"] == "Something new"
    pages = [(keys, what) for section, keys, what in rows if section == "Pages"]
    assert pages[:2] == [("Alt+1", "Today"), ("Alt+2", "Enquiries & cases")]
    assert len(pages) == 7  # Alt+7: Events
    assert ("Help", "F1", "Keyboard shortcuts") in rows
    record = {keys: what for section, keys, what in rows if section == "Record window"}
    assert record["Ctrl+K"] == "Record a consultation"
    assert record["Ctrl+Enter"] == "Save the overview and close the window"  # not Return too


def test_the_help_menu_opens_the_shortcuts_with_f1(qtbot, ops: Ops, state) -> None:  # type: ignore[no-untyped-def]
    window = _window(qtbot, ops, state)
    seen: list[int] = []

    def look(dialog: QWidget) -> None:
        assert isinstance(dialog, help_dialogs.ShortcutsDialog)
        seen.append(len(dialog.rows()))
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    when_modal(look)
    qtbot.keyClick(window.windowHandle(), Qt.Key.Key_F1)
    assert seen and seen[0] > 15


def test_a_manager_is_not_shown_keys_for_pages_they_do_not_have(
    qtbot, ops_for, manager, state
) -> None:  # type: ignore[no-untyped-def]
    window = _window(qtbot, ops_for(manager), state)
    rows = help_dialogs.ShortcutsDialog(window).rows()
    assert ("Pages", "Alt+6", "Reports") in rows  # a page keeps its number in every role
    assert not any(what == "New enquiry" for _s, _k, what in rows)


def _portable(sequences) -> set[str]:  # type: ignore[no-untyped-def]
    return {s.toString(QKeySequence.SequenceFormat.PortableText) for s in sequences}


def test_the_listed_keys_of_the_record_window_and_the_dialogs_are_the_real_ones(
    qtbot, ops: Ops, uow, anna
) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QShortcut

    from welcome_center.ui.record.dialogs import EditDialog
    from welcome_center.ui.record.window import RecordWindow

    record_window = RecordWindow(ops, _record(uow, anna))
    qtbot.addWidget(record_window)
    real = set()
    for action in record_window.findChildren(
        QAction, options=Qt.FindChildOption.FindDirectChildrenOnly
    ):
        real |= _portable(action.shortcuts())
    listed = {QKeySequence(k).toString() for r in help_dialogs.RECORD_WINDOW_KEYS for k in r.keys}
    assert real == listed

    dialog = EditDialog(ops, "x")
    qtbot.addWidget(dialog)
    saving = _portable(s.key() for s in dialog.findChildren(QShortcut))
    assert saving == {QKeySequence(k).toString() for k in help_dialogs.FORM_KEYS[0].keys}


def test_about_names_the_version_office_database_and_what_it_runs_on(qtbot, uow, anna) -> None:  # type: ignore[no-untyped-def]
    import platform

    from PySide6.QtCore import qVersion

    from welcome_center.db.engine import display_location

    shown = display_location("postgresql+psycopg://wc:geheim@db.example/office")
    ops = Ops(uow, anna, shown)  # as the desk gets it from start.open_desk
    dialog = help_dialogs.AboutDialog(ops)
    qtbot.addWidget(dialog)
    facts = dict(dialog.facts)
    assert facts["Version"] == help_dialogs.program_version()
    assert facts["Office"] == "Welcome Center Region Zwickau"
    assert facts["Database"].startswith("postgresql+psycopg://wc:")
    assert "geheim" not in dialog.text()
    assert facts["Python"] == platform.python_version()
    assert facts["Qt"].startswith(qVersion())
    assert facts["Logged in as"] == "Anna Berger (Counsellor)"
    dialog.copy()
    assert QApplication.clipboard().text() == dialog.text()


# -- the last backup -----------------------------------------------------------------------


def _old_backup(folder: Path, days: int) -> None:
    import os

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "office-before-migration-0004.db"
    path.write_bytes(b"")
    stamp = (datetime.now(UTC) - timedelta(days=days, hours=1)).timestamp()
    os.utime(path, (stamp, stamp))


def _file_backups_only(pg_server: object) -> None:
    if pg_server is not None:  # a server's backups are its administrator's: no status shown
        pytest.skip("the backups of a SQLite file")


def test_the_status_bar_warns_when_there_is_no_backup(
    qtbot, ops: Ops, state, tmp_path, pg_server
) -> None:  # type: ignore[no-untyped-def]
    _file_backups_only(pg_server)
    window = _window(qtbot, ops, state, backups=tmp_path / "backups")
    qtbot.waitUntil(lambda: window.backup_label.isVisible(), timeout=3000)
    assert window.backup_label.text() == "No backup yet"
    assert "Please tell an administrator." in window.backup_label.toolTip()
    assert not any(a.text() == "Back &up now…" for a in window.findChildren(QAction))


def test_the_status_bar_counts_the_days_since_the_last_backup(
    qtbot, ops: Ops, state, tmp_path, pg_server
) -> None:  # type: ignore[no-untyped-def]
    _file_backups_only(pg_server)
    _old_backup(tmp_path / "backups", days=9)
    window = _window(qtbot, ops, state, backups=tmp_path / "backups")
    qtbot.waitUntil(lambda: window.backup_label.isVisible(), timeout=3000)
    assert window.backup_label.text() == "No backup for 9 days"
    assert "office-before-migration-0004.db" in window.backup_label.toolTip()


def test_on_a_server_database_the_status_bar_says_nothing_of_backups(
    qtbot, admin_ops: Ops, state, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(storage, "is_file_database", lambda uow: False)
    monkeypatch.setattr(storage, "backup_status", lambda uow, folder, now=None: None)
    window = _window(qtbot, admin_ops, state)
    qtbot.wait(100)
    assert not window.backup_label.isVisible()
    assert not any(a.text() == "Back &up now…" for a in window.findChildren(QAction))


def test_an_administrator_backs_up_from_the_desk_off_the_ui_thread(
    qtbot, admin_ops: Ops, state, tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    if not admin_ops.uow.db.is_sqlite:
        pytest.skip("backups of SQLite files")
    folder = tmp_path / "backups"
    offered: list[str] = []

    def choose(_parent, _title, suggested, _filter, **_kw):  # type: ignore[no-untyped-def]
        offered.append(suggested)
        return suggested.removesuffix(".db"), ""  # the user typed a name without ".db"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(choose))
    threads: list[threading.Thread] = []
    backup = storage.backup

    def watched_backup(*args, **kwargs):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread())
        return backup(*args, **kwargs)

    monkeypatch.setattr(storage, "backup", watched_backup)
    window = _window(qtbot, admin_ops, state, backups=folder)
    window.resize(1366, 768)  # room for the message beside the status bar's permanent words
    qtbot.waitUntil(lambda: window.backup_label.text() == "No backup yet", timeout=3000)
    _action(window, "Back up now…").trigger()
    assert len(offered) == 1
    suggested = Path(offered[0])
    assert suggested.parent == folder
    assert re.fullmatch(r"office-\d{4}-\d{2}-\d{2}-\d{4}\.db", suggested.name)
    qtbot.waitUntil(lambda: suggested.exists(), timeout=10_000)
    assert threads and threads[0] is not threading.main_thread()
    qtbot.waitUntil(lambda: window.backup_label.text().startswith("Last backup: "), timeout=5000)
    assert window.statusBar().currentMessage() == f"Backup written: {suggested.name}"
    con = sqlite3.connect(suggested)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert con.execute("SELECT count(*) FROM users").fetchone() == (4,)
    finally:
        con.close()
