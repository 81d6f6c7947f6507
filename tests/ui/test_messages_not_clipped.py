"""Messages wrap and dialogs grow: nothing is clipped at 1366x768 in German (issue 11, item 3)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel
from pytestqt.qtbot import QtBot

from tests.ui.conftest import MessageBoxes
from welcome_center import i18n
from welcome_center.db.engine import url_for_path
from welcome_center.db.uow import UnitOfWork
from welcome_center.services.storage import open_database
from welcome_center.ui.dialogs.login import FirstRunDialog, LoginDialog
from welcome_center.ui.ops import Ops
from welcome_center.ui.pages.admin_users import AddUserDialog


@pytest.fixture
def german() -> Iterator[None]:
    i18n.set_language("de")
    yield
    i18n.set_language("en")


def _clipped(dialog: QDialog) -> list[str]:
    """Visible labels whose text needs more room than they have, or that lie outside the
    dialog."""
    found = []
    inside = dialog.rect()
    for label in dialog.findChildren(QLabel):
        if not label.isVisible() or not label.text():
            continue
        needed = (
            label.heightForWidth(label.width()) if label.wordWrap() else label.sizeHint().height()
        )
        box = label.geometry()
        box.moveTopLeft(label.mapTo(dialog, label.rect().topLeft()))
        if label.height() < needed or not inside.contains(box):
            found.append(f"{label.text()[:60]!r}: {label.size().toTuple()} needs height {needed}")
        if not label.wordWrap() and label.sizeHint().width() > label.width():
            found.append(f"{label.text()[:60]!r} is cut at the right")
    return found


def _show(qtbot: QtBot, dialog: QDialog) -> None:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.wait(20)


def test_add_user_dialog_shows_its_messages_whole(
    qtbot: QtBot, admin_ops: Ops, german: None, message_boxes: MessageBoxes
) -> None:
    dialog = AddUserDialog(admin_ops)
    _show(qtbot, dialog)
    qtbot.keyClicks(dialog.username, "xaver")
    qtbot.keyClicks(dialog.passwords.password, "kurz")
    qtbot.keyClicks(dialog.passwords.repeat, "kurz")
    qtbot.keyClick(dialog.passwords.repeat, Qt.Key.Key_Return)
    qtbot.wait(20)
    assert message_boxes.texts == []
    assert dialog.isVisible()
    shown = [dialog.errors.message(f) for f in ("username", "password", "repeat")]
    assert any(shown), (shown, dialog.errors.general.text())
    assert _clipped(dialog) == []


def test_first_run_dialog_shows_its_messages_whole(
    qtbot: QtBot, tmp_path: Path, german: None
) -> None:
    dialog = FirstRunDialog(None, location=str(tmp_path / "neu.db"), create=lambda: None)  # type: ignore[arg-type, return-value]
    _show(qtbot, dialog)
    qtbot.keyClicks(dialog.username, "sabine")
    qtbot.keyClicks(dialog.password, "kurz")
    qtbot.keyClicks(dialog.repeat, "lang")
    qtbot.keyClick(dialog.repeat, Qt.Key.Key_Return)
    qtbot.wait(20)
    assert dialog.errors.message("repeat")
    assert _clipped(dialog) == []
    dialog.repeat.setText("kurz")
    qtbot.keyClick(dialog.repeat, Qt.Key.Key_Return)
    qtbot.wait(20)
    assert dialog.errors.message("password")
    assert _clipped(dialog) == []


def test_login_hint_and_message_are_whole(qtbot: QtBot, db_path: Path, german: None) -> None:
    from welcome_center import app

    db = open_database(url_for_path(db_path))
    try:
        hint, _user = app.demo_login_hint()
        dialog = LoginDialog(UnitOfWork(db), "Welcome Center Region Zwickau (Beispieldaten)",
                             str(db_path), hint)  # fmt: skip
        _show(qtbot, dialog)
        assert _clipped(dialog) == []
        qtbot.keyClicks(dialog.username, "niemand")
        qtbot.keyClicks(dialog.password, "falsch")
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
        qtbot.wait(20)
        assert dialog.message.isVisible()
        assert _clipped(dialog) == []
    finally:
        db.dispose()
