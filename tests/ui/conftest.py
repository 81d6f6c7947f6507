"""Fixtures for the desk's tests: an Ops for a logged-in user, typing with umlauts, dialogs."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from welcome_center.db.uow import UnitOfWork
from welcome_center.services.context import Actor
from welcome_center.services.remote_changes import ChangeFeed
from welcome_center.ui.live_updates import LiveUpdates
from welcome_center.ui.ops import Ops
from welcome_center.ui.pages.records import RecordsPage


def type_text(widget: QWidget, text: str) -> None:
    """Type ``text`` into ``widget`` key by key. QTest.keyClicks aborts on non-ASCII (STACK.md),
    so umlauts are sent as key events carrying their text."""
    widget.setFocus()
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


def mnemonic_letter(text: str) -> str | None:
    """The letter Alt reaches in a label or button text ("&&" is a plain ampersand), or None."""
    found = re.search(r"&([^&])", text.replace("&&", ""))
    return found.group(1).casefold() if found else None


@pytest.fixture(autouse=True)
def _dialogs_grow(qapp: QApplication) -> None:
    """As in the program (app._qt_app): dialogs grow to their content, and their standard
    buttons carry mnemonics."""
    from welcome_center.ui.mnemonics import install_button_names
    from welcome_center.ui.screen import install_dialog_growth

    install_dialog_growth(qapp)
    install_button_names(qapp)


@pytest.fixture
def ops_for(uow: UnitOfWork) -> Iterator[Callable[[Actor], Ops]]:
    made: list[Ops] = []

    def make(actor: Actor) -> Ops:
        o = Ops(uow, actor, "test.db")
        made.append(o)
        return o

    yield make
    # Each desk is closed before the test's database goes (on a server it is dropped at once):
    # its background jobs end first, and a page's timer firing later reads nothing.
    for o in made:
        o.close()
        o.deleteLater()


@pytest.fixture
def ops(ops_for: Callable[[Actor], Ops], anna: Actor) -> Ops:
    """The desk's service access for the counsellor Anna Berger."""
    return ops_for(anna)


@pytest.fixture
def admin_ops(ops_for: Callable[[Actor], Ops], admin: Actor) -> Ops:
    """An administrator who also counsels (the template's first user)."""
    return ops_for(admin)


@pytest.fixture
def admin_only_ops(ops_for: Callable[[Actor], Ops], admin_only: Actor) -> Ops:
    """An administrator without the counsellor's role: no case content."""
    return ops_for(admin_only)


class MessageBoxes:
    """Records the message boxes a test provoked instead of showing them.

    A question of the desk (``confirm``, ``ask_unsaved`` of ui/dialogs/base.py) is answered by
    clicking the button whose words are ``answer``, as the user reads them without the "&"
    ("Discard", "Cancel", "Promote"); with no ``answer``, by the one that goes ahead (the
    action of ``confirm``, "Discard" of ``ask_unsaved``). ``buttons`` has each question's
    button words."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from welcome_center.ui.dialogs import base

        self.shown: list[tuple[str, str]] = []
        self.buttons: list[list[str]] = []
        self.answer = ""
        for name in ("warning", "information", "critical"):
            monkeypatch.setattr(QMessageBox, name, staticmethod(self._record))
        monkeypatch.setattr(base, "run_question", self._answer)

    def _record(self, _parent: object, title: str, text: str, *_a: object, **_k: object) -> object:
        self.shown.append((title, text))
        return QMessageBox.StandardButton.Ok

    def _answer(self, box: QMessageBox) -> None:
        self.shown.append((box.windowTitle(), box.text()))
        by_words = {b.text().replace("&", ""): b for b in box.buttons()}
        self.buttons.append(list(by_words))
        if self.answer:
            assert self.answer in by_words, f"no button {self.answer!r} in {list(by_words)}"
            by_words[self.answer].click()
            return
        roles = {box.buttonRole(b): b for b in box.buttons()}
        ahead = QMessageBox.ButtonRole
        (roles.get(ahead.DestructiveRole) or roles[ahead.AcceptRole]).click()

    @property
    def texts(self) -> list[str]:
        return [t for _title, t in self.shown]


@pytest.fixture
def message_boxes(monkeypatch: pytest.MonkeyPatch) -> MessageBoxes:
    """Message boxes are recorded instead of shown; questions are answered (see MessageBoxes)."""
    return MessageBoxes(monkeypatch)


def when_modal(action: Callable[[QWidget], None], timeout_ms: int = 3000) -> None:
    """Run ``action`` on the next modal dialog that opens (for dialogs run with exec())."""
    waited = 0

    def poll() -> None:
        nonlocal waited
        modal = QApplication.activeModalWidget()
        if modal is not None:
            action(modal)
            return
        waited += 20
        if waited < timeout_ms:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(0, poll)


# --- this desk's live updates and its record list (tests of desks that see each other:
# test_live_updates.py, test_record_given_away.py; the other desk: tests/conftest.py) -------


@pytest.fixture
def live(ops: Ops) -> Iterator[LiveUpdates]:
    """This desk's live updates, looking every 20 ms (the feed too)."""
    updates = LiveUpdates(ops, ChangeFeed(ops.uow, interval=0.02), poll_ms=20)
    assert updates.start()
    yield updates
    updates.stop()
    assert not updates.feed.running
    updates.deleteLater()


@pytest.fixture
def records_page(qtbot, ops: Ops) -> RecordsPage:  # type: ignore[no-untyped-def]
    """The record list, shown and loaded."""
    page = RecordsPage(ops)
    qtbot.addWidget(page)
    page.resize(1300, 500)
    page.show()
    qtbot.waitExposed(page)
    page.activated()
    return page
