"""An administrator restores an encrypted backup from the desk: Desk › Restore a backup…"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QWidget

from tests.conftest import PG_URL
from tests.ui.conftest import type_text
from welcome_center.app import create_office
from welcome_center.db.engine import url_for_path
from welcome_center.domain.drafts import PersonDraft
from welcome_center.domain.errors import NotFoundError
from welcome_center.paths import resolve
from welcome_center.services import people, storage, users
from welcome_center.services.context import Actor
from welcome_center.ui import start
from welcome_center.ui.dialogs.login import LoginDialog
from welcome_center.ui.restore import ProveDialog

pytestmark = pytest.mark.skipif(bool(PG_URL), reason="backups of SQLite files")
PW = "lange-passwort-1"


def _action(window: QWidget, words: str) -> QAction:
    for action in window.findChildren(QAction):
        if action.text().replace("&", "") == words:
            return action
    raise AssertionError(f"no menu entry {words!r}")


def test_an_administrator_restores_an_encrypted_backup_and_logs_in_again(
    qtbot, tmp_path: Path, monkeypatch, message_boxes
) -> None:  # type: ignore[no-untyped-def]
    url = url_for_path(tmp_path / "office.db")
    ctx, recovery = create_office(resolve(url), url)
    admin = users.add_user(ctx.uow, None, "sabine", PW, users.FIRST_USER_ROLES).value
    actor = Actor(admin.id, admin.username, admin.roles)
    kept_person = people.create_person(
        ctx.uow, actor, PersonDraft(family_name="Kovalenko", given_name="Oksana"), True
    )
    backup = storage.backup(ctx.db, tmp_path / "backups" / "before.db", actor, ctx.uow)
    later = people.create_person(
        ctx.uow, actor, PersonDraft(family_name="Nguyen", given_name="Lan"), True
    )
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(backup), ""))
    )
    state = QSettings(str(tmp_path / "desk.ini"), QSettings.Format.IniFormat)
    desk = start.DeskSession(ctx.uow, "office.db", state, backups=tmp_path / "backups",
                             on_quit=lambda: None)  # fmt: skip
    window = desk.open(actor)
    qtbot.waitExposed(window)

    def prove(dialog: QWidget) -> None:
        assert isinstance(dialog, ProveDialog)
        type_text(dialog.secret, "falsches-passwort")
        QTest.keyClick(dialog.secret, Qt.Key.Key_Return)
        assert dialog.message.text() == "User name or password is wrong."
        type_text(dialog.secret, PW)
        QTest.keyClick(dialog.secret, Qt.Key.Key_Return)

    logins: list[LoginDialog] = []

    def log_in(dialog: QWidget) -> None:
        assert isinstance(dialog, LoginDialog)
        logins.append(dialog)
        assert dialog.username.text() == "sabine"  # filled in: the same administrator goes on
        type_text(dialog.password, PW)
        QTest.keyClick(dialog.password, Qt.Key.Key_Return)

    answers = {ProveDialog: prove, LoginDialog: log_in}

    def answer_each() -> None:  # every dialog as it comes: the proof, then the login
        modal = QApplication.activeModalWidget()
        for kind, act in list(answers.items()):
            if isinstance(modal, kind):
                del answers[kind]
                act(modal)
        if answers:
            QTimer.singleShot(20, answer_each)

    QTimer.singleShot(0, answer_each)
    _action(window, "Restore a backup…").trigger()
    qtbot.waitUntil(lambda: desk.alive and desk.window is not window, timeout=10_000)
    try:
        assert logins, "the login came again"
        restored = [t for t in message_boxes.texts if "was restored" in t]
        assert restored and "office-replaced-" in restored[0]
        assert desk.uow.db.is_encrypted
        # The backup's state: the person saved before it is there, the one after it is not.
        assert people.get_person(desk.uow, actor, kept_person.value.id).family_name == "Kovalenko"
        with pytest.raises(NotFoundError):
            people.get_person(desk.uow, actor, later.value.id)
        kept = sorted((tmp_path / "backups").glob("office-replaced-*.db"))
        assert len(kept) == 1 and kept[0].with_name(kept[0].name + ".keys").exists()
        assert recovery
    finally:
        assert desk.window is not None
        desk.window.leaving = desk.window.leaving.QUIT
        desk.window.close()
        QApplication.instance().setQuitOnLastWindowClosed(True)  # type: ignore[union-attr]
        desk.uow.db.dispose()
