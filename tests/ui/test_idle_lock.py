"""The idle lock (issue 13, item 3): an unattended desk hides every window, the user's password
shows them again with everything typed still there, "switch user" asks about unsaved input
first, and the office's setting says after how many minutes. A clock of the test's own stands
in for waiting."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)
from shiboken6 import isValid

from tests.conftest import PASSWORD
from tests.ui.conftest import type_text, when_modal
from tests.ui.test_confirm import press_on_question
from tests.ui.test_session import _log_in_as, _record, _shown
from welcome_center.domain.errors import ValidationError
from welcome_center.services import settings
from welcome_center.ui import start
from welcome_center.ui.dialogs.lock_screen import LockScreen
from welcome_center.ui.dialogs.quick_enquiry import QuickEnquiryDialog
from welcome_center.ui.idle_lock import IdleLock
from welcome_center.ui.main_window import MainWindow

CTRL = Qt.KeyboardModifier.ControlModifier
TYPED = "Rückruf wegen Anerkennung"
CLIENT = "Kovalenko"  # the record's client (tests.ui.test_session._record)


class Clock:
    """Seconds that pass when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class Quits:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> None:
        self.count += 1


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def session(qtbot, uow, tmp_path: Path):  # type: ignore[no-untyped-def]
    state = QSettings(str(tmp_path / "desk.ini"), QSettings.Format.IniFormat)
    desk = start.DeskSession(uow, "office.db", state, backups=tmp_path / "backups", on_quit=Quits())
    yield desk
    if desk.alive:
        assert desk.window is not None
        lock = desk.window.idle_lock
        if isinstance(lock, IdleLock) and lock.screen is not None:
            lock.screen.finish()
        for window in list(desk.window.record_windows.values()):
            window.reload()  # nothing unsaved: the desk closes without asking
        desk.window.leaving = desk.window.leaving.QUIT
        desk.window.close()
    QApplication.instance().setQuitOnLastWindowClosed(True)  # type: ignore[union-attr]


def open_desk(qtbot, session, actor, clock: Clock) -> tuple[MainWindow, IdleLock]:  # type: ignore[no-untyped-def]
    window = session.open(actor)
    _shown(qtbot, window)
    lock = window.idle_lock
    assert isinstance(lock, IdleLock)
    lock.clock = clock
    lock.last_input = clock()
    return window, lock


def idle(lock: IdleLock, clock: Clock, seconds: float) -> None:
    """Nobody touches the desk for ``seconds``; then the lock's timer looks."""
    clock.advance(seconds)
    lock.timer.timeout.emit()


def visible_texts() -> list[str]:
    """Every text a user could read in the desk's windows: titles, labels, fields, lists."""
    texts: list[str] = []
    for top in QApplication.topLevelWidgets():
        if not top.isVisible():
            continue
        texts.append(top.windowTitle())
        for w in [top, *top.findChildren(QWidget)]:
            if not w.isVisible():
                continue
            if isinstance(w, QLabel | QLineEdit):
                texts.append(w.text())
            elif isinstance(w, QPlainTextEdit | QTextEdit):
                texts.append(w.toPlainText())
            elif isinstance(w, QAbstractItemView) and w.model() is not None:
                m = w.model()
                cells = (m.index(r, c) for r in range(min(m.rowCount(), 500)) for c in range(30))
                texts += [str(i.data() or "") for i in cells if i.isValid()]
    return texts


def shows(text: str) -> bool:
    return any(text in t for t in visible_texts())


def screen_of(lock: IdleLock) -> LockScreen:
    assert lock.screen is not None and lock.screen.isVisible()
    return lock.screen


def unlock_with(qtbot, lock: IdleLock, password: str) -> None:  # type: ignore[no-untyped-def]
    screen = screen_of(lock)
    qtbot.keyClicks(screen.password, password)
    qtbot.keyClick(screen.password, Qt.Key.Key_Return)


def test_an_idle_desk_hides_the_record_and_the_password_shows_it_as_it_was(
    qtbot, session, uow, anna, clock
) -> None:  # type: ignore[no-untyped-def]
    window, lock = open_desk(qtbot, session, anna, clock)
    record_id = _record(uow, anna)
    window.open_record(record_id)
    record = window.record_windows[record_id]
    _shown(qtbot, record)
    summary = record.overview.summary
    summary.setFocus()
    qtbot.keyClick(summary, Qt.Key.Key_End, CTRL)
    type_text(summary, " " + TYPED)
    assert shows(TYPED) and shows(CLIENT)

    idle(lock, clock, 4 * 60 + 59)
    assert not lock.locked  # five minutes by default
    idle(lock, clock, 2)
    assert lock.locked
    assert not shows(TYPED) and not shows(CLIENT)
    assert not summary.isVisible() and not window.centralWidget().isVisible()
    assert CLIENT not in record.windowTitle()
    screen = screen_of(lock)
    assert "Welcome Center Region Zwickau" in screen.office.text()
    assert screen.user.text() == "Anna Berger (anna)"

    unlock_with(qtbot, lock, PASSWORD)
    assert not lock.locked and not screen.isVisible()
    assert summary.isVisible() and window.centralWidget().isVisible()
    assert summary.toPlainText().endswith(TYPED)
    assert CLIENT in record.windowTitle()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is summary, timeout=2000)


def test_a_wrong_password_says_so_and_keeps_the_desk_locked(qtbot, session, anna, clock) -> None:  # type: ignore[no-untyped-def]
    window, lock = open_desk(qtbot, session, anna, clock)
    idle(lock, clock, 301)
    unlock_with(qtbot, lock, "falsches Passwort")
    screen = screen_of(lock)
    assert screen.message.isVisible() and "wrong" in screen.message.text()
    assert screen.password.text() == ""  # ready for the next try
    assert lock.locked and not window.centralWidget().isVisible()
    qtbot.keyClick(screen.password, Qt.Key.Key_Escape)  # no way round the password
    assert lock.locked and screen.isVisible()
    assert not screen.close()
    unlock_with(qtbot, lock, PASSWORD)
    assert not lock.locked and window.centralWidget().isVisible()


def test_input_keeps_the_desk_open(qtbot, session, anna, clock) -> None:  # type: ignore[no-untyped-def]
    window, lock = open_desk(qtbot, session, anna, clock)
    idle(lock, clock, 200)
    qtbot.keyClick(window.nav, Qt.Key.Key_Down)
    idle(lock, clock, 200)
    qtbot.mouseMove(window.nav)
    idle(lock, clock, 299)
    assert not lock.locked
    idle(lock, clock, 2)
    assert lock.locked


def test_the_desk_locks_on_its_own_when_the_time_is_up(qtbot, session, anna) -> None:  # type: ignore[no-untyped-def]
    window = session.open(anna)
    _shown(qtbot, window)
    lock = window.idle_lock
    assert isinstance(lock, IdleLock)
    lock.set_minutes(0.05 / 60)  # 50 ms, on the real clock
    qtbot.waitUntil(lambda: lock.locked, timeout=3000)
    assert not window.centralWidget().isVisible()


def test_the_quick_enquiry_keeps_what_was_typed_while_locked(qtbot, session, anna, clock) -> None:  # type: ignore[no-untyped-def]
    window, lock = open_desk(qtbot, session, anna, clock)
    seen: dict[str, object] = {}

    def in_the_dialog(dialog: QWidget) -> None:
        try:
            assert isinstance(dialog, QuickEnquiryDialog)
            _shown(qtbot, dialog)
            type_text(dialog.summary, TYPED)
            idle(lock, clock, 301)
            seen["locked"] = lock.locked
            seen["hidden"] = not shows(TYPED) and not dialog.summary.isVisible()
            screen = screen_of(lock)
            seen["on top"] = QApplication.activeModalWidget() is screen
            unlock_with(qtbot, lock, PASSWORD)
            seen["unlocked"] = not lock.locked
            seen["open"] = dialog.isVisible() and dialog.summary.isVisible()
            seen["typed"] = dialog.summary.toPlainText()
            qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.summary, timeout=2000)
            seen["focus"] = True
        finally:
            dialog.discard() if hasattr(dialog, "discard") else None
            dialog.done(0)

    when_modal(in_the_dialog)
    qtbot.keyClick(window.windowHandle(), Qt.Key.Key_N, CTRL)  # runs the dialog until done
    assert seen == {
        "locked": True,
        "hidden": True,
        "on top": True,
        "unlocked": True,
        "open": True,
        "typed": TYPED,
        "focus": True,
    }


def test_a_message_that_opens_while_locked_is_covered(qtbot, session, anna, clock) -> None:  # type: ignore[no-untyped-def]
    window, lock = open_desk(qtbot, session, anna, clock)
    idle(lock, clock, 301)
    box = QMessageBox(QMessageBox.Icon.Warning, "Database", "Kovalenko, Oksana", parent=window)
    box.show()
    assert not shows("Oksana")
    unlock_with(qtbot, lock, PASSWORD)
    assert shows("Oksana")
    box.close()


def test_switch_user_asks_about_unsaved_input_first(qtbot, session, uow, anna, clock) -> None:  # type: ignore[no-untyped-def]
    window, lock = open_desk(qtbot, session, anna, clock)
    record_id = _record(uow, anna)
    window.open_record(record_id)
    record = window.record_windows[record_id]
    _shown(qtbot, record)
    summary = record.overview.summary
    summary.setFocus()
    type_text(summary, TYPED)
    idle(lock, clock, 301)

    asked = press_on_question(qtbot, Qt.Key.Key_C)  # Cancel: keep the input
    qtbot.mouseClick(screen_of(lock).switch_button, Qt.MouseButton.LeftButton)
    assert asked.title == "Unsaved changes"
    assert sorted(asked.buttons) == ["&Cancel", "&Discard", "&Save"]
    screen = screen_of(lock)  # still locked, and says why
    assert "not saved" in screen.message.text()
    assert session.window is window and not shows(TYPED) and not shows(CLIENT)

    asked = press_on_question(qtbot, Qt.Key.Key_D)  # Discard: on to the login
    qtbot.mouseClick(screen.switch_button, Qt.MouseButton.LeftButton)
    _log_in_as("ben")  # the login comes once the desk has closed
    qtbot.waitUntil(lambda: session.alive and session.window is not window, timeout=5000)
    assert asked.title == "Unsaved changes"
    assert session.window.ops.actor.name == "ben"
    assert not isValid(record)


def test_switch_user_from_a_locked_dialog_asks_about_its_input(qtbot, session, anna, clock) -> None:  # type: ignore[no-untyped-def]
    window, lock = open_desk(qtbot, session, anna, clock)
    outcome: dict[str, object] = {}

    def in_the_dialog(dialog: QWidget) -> None:
        assert isinstance(dialog, QuickEnquiryDialog)
        _shown(qtbot, dialog)
        type_text(dialog.summary, TYPED)
        idle(lock, clock, 301)
        outcome["asked"] = press_on_question(qtbot, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)
        qtbot.mouseClick(screen_of(lock).switch_button, Qt.MouseButton.LeftButton)
        _log_in_as("ben")

    when_modal(in_the_dialog)
    qtbot.keyClick(window.windowHandle(), Qt.Key.Key_N, CTRL)
    qtbot.waitUntil(lambda: session.alive and session.window is not window, timeout=5000)
    asked = outcome["asked"]
    assert "lost" in asked.text  # type: ignore[attr-defined]
    assert session.window.ops.actor.name == "ben"


def test_the_office_setting_says_after_how_many_minutes(
    qtbot, session, uow, admin, clock, message_boxes
) -> None:  # type: ignore[no-untyped-def]
    window, lock = open_desk(qtbot, session, admin, clock)
    tab = window.show_page("admin").settings  # type: ignore[union-attr]
    window.show_page("admin").tabs.setCurrentWidget(tab)  # type: ignore[union-attr]
    assert tab.idle_lock.value() == 5
    tab.idle_lock.selectAll()
    qtbot.keyClicks(tab.idle_lock, "61")
    qtbot.keyClick(tab.idle_lock, Qt.Key.Key_S, CTRL)
    assert settings.get_settings(uow).idle_lock_minutes == 5
    assert shows("The desk must lock after 1 to 60 minutes without input.")

    tab.idle_lock.selectAll()
    qtbot.keyClicks(tab.idle_lock, "2")
    qtbot.keyClick(tab.idle_lock, Qt.Key.Key_S, CTRL)
    assert settings.get_settings(uow).idle_lock_minutes == 2
    idle(lock, clock, 119)
    assert not lock.locked
    idle(lock, clock, 2)
    assert lock.locked


def test_the_service_refuses_minutes_outside_1_to_60(uow, admin) -> None:  # type: ignore[no-untyped-def]
    for minutes in (0, 61):
        with pytest.raises(ValidationError) as refused:
            settings.update_settings(uow, admin, idle_lock_minutes=minutes)
        assert refused.value.field == "idle_lock_minutes"
    settings.update_settings(uow, admin, idle_lock_minutes=60)
    assert settings.get_settings(uow).idle_lock_minutes == 60
