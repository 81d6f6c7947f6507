"""Fixtures for the desk's tests: an Ops for a logged-in user, typing with umlauts, dialogs."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from welcome_center.db.uow import UnitOfWork
from welcome_center.services.context import Actor
from welcome_center.ui.ops import Ops


def type_text(widget: QWidget, text: str) -> None:
    """Type ``text`` into ``widget`` key by key. QTest.keyClicks aborts on non-ASCII (STACK.md),
    so umlauts are sent as key events carrying their text."""
    widget.setFocus()
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


@pytest.fixture(autouse=True)
def _dialogs_grow(qapp: QApplication) -> None:
    """As in the program (app._qt_app): dialogs grow to their content."""
    from welcome_center.ui.screen import install_dialog_growth

    install_dialog_growth(qapp)


@pytest.fixture
def ops_for(uow: UnitOfWork) -> Iterator[Callable[[Actor], Ops]]:
    made: list[Ops] = []

    def make(actor: Actor) -> Ops:
        o = Ops(uow, actor, "test.db")
        made.append(o)
        return o

    yield make
    for o in made:
        o.deleteLater()


@pytest.fixture
def ops(ops_for: Callable[[Actor], Ops], anna: Actor) -> Ops:
    """The desk's service access for the counsellor Anna Berger."""
    return ops_for(anna)


@pytest.fixture
def admin_ops(ops_for: Callable[[Actor], Ops], admin: Actor) -> Ops:
    return ops_for(admin)


class MessageBoxes:
    """Records the message boxes a test provoked, answering each with ``answer``."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.shown: list[tuple[str, str]] = []
        self.answer = QMessageBox.StandardButton.Yes
        for name in ("warning", "information", "critical", "question"):
            monkeypatch.setattr(QMessageBox, name, staticmethod(self._record))

    def _record(self, _parent: object, title: str, text: str, *_a: object, **_k: object) -> object:
        self.shown.append((title, text))
        return self.answer

    @property
    def texts(self) -> list[str]:
        return [t for _title, t in self.shown]


@pytest.fixture
def message_boxes(monkeypatch: pytest.MonkeyPatch) -> MessageBoxes:
    """Static QMessageBox calls are recorded instead of shown (and answered Yes)."""
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
