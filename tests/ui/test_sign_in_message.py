"""The server's sign-in keeps its place when its message shows (seen at 1366x768 under Xvfb: in
German the dialog widened from 360 to 484 pixels to the right, its left edge fixed, so that it
no longer stood where it had opened). The message wraps within the dialog's width instead, and
the dialog grows downwards only as far as the message needs."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QLineEdit, QPushButton, QWidget

from tests.ui.conftest import when_modal
from welcome_center import i18n
from welcome_center.domain.errors import AuthenticationError
from welcome_center.i18n import _
from welcome_center.services.context import Actor, UnitOfWork
from welcome_center.ui import start


def _refused(_username: str, _password: str) -> tuple[UnitOfWork, Actor]:
    # The server's answer to a wrong password (services/server_accounts.open_signed_in).
    raise AuthenticationError(
        _(
            "User name or password is wrong, or your login on this server has no "
            "password yet. If you have not signed in on this server before, ask an "
            "administrator to set your password."
        )
    )


def _settle(dialog: QWidget) -> None:
    """Let the dialog grow (screen.grow_to_fit runs from a zero timer after a layout request)."""
    for _round in range(5):
        QApplication.processEvents()
        QTest.qWait(0)
    assert dialog.isVisible()


@pytest.mark.parametrize(
    ("lang", "button", "words"),
    [("en", "Log in", "User name or password is wrong"), ("de", "Anmelden", "Passwort ist falsch")],
)
def test_the_sign_in_keeps_its_place_and_width_when_its_message_shows(
    qapp: QApplication, lang: str, button: str, words: str
) -> None:
    i18n.set_language(lang)
    seen: dict[str, QRect] = {}
    message: list[QLabel] = []

    def act(dialog: QWidget) -> None:
        assert isinstance(dialog, QDialog)
        _settle(dialog)
        seen["before"] = dialog.geometry()
        name, password = dialog.findChildren(QLineEdit)[:2]
        seen["field"] = name.geometry()
        QTest.keyClicks(name, "admin")
        QTest.keyClicks(password, "a wrong password")
        login = next(
            b for b in dialog.findChildren(QPushButton) if b.text().replace("&", "") == button
        )
        QTest.mouseClick(login, Qt.MouseButton.LeftButton)
        _settle(dialog)
        seen["after"] = dialog.geometry()
        seen["field after"] = name.geometry()
        message.extend(
            label
            for label in dialog.findChildren(QLabel)
            if label.isVisible() and words in label.text()
        )
        if message:
            label = message[0]
            seen["label"] = QRect(label.pos(), label.size())
            seen["needed"] = QRect(0, 0, label.width(), label.heightForWidth(label.width()))
        dialog.reject()

    when_modal(act)
    assert start.log_in_to_locked("postgresql+psycopg://server/office", _refused, True) is None

    assert message, "the refusal is shown in the dialog"
    before, after = seen["before"], seen["after"]
    assert after.left() == before.left() and after.width() == before.width()
    assert after.center().x() == before.center().x()
    assert after.top() == before.top() and after.height() > before.height()
    # Taller by what the message needs, no more: the fields stay where the user typed.
    assert seen["field after"] == seen["field"]
    # Read whole: the message wraps inside the dialog and has the height its lines need.
    assert seen["label"].right() < after.width()
    assert seen["label"].height() >= seen["needed"].height()
