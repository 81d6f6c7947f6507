"""The desk on an encrypted office: the first run makes the file encrypted and shows the
recovery key once; the login opens the file with the user's password."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from tests.conftest import PG_URL
from tests.ui.conftest import type_text
from welcome_center.app import AppContext, _opener, create_office
from welcome_center.db.engine import is_encrypted_file, url_for_path
from welcome_center.db.keyring import key_file_path, recovery_secret
from welcome_center.db.uow import UnitOfWork
from welcome_center.paths import resolve
from welcome_center.services import encryption, users
from welcome_center.ui.dialogs.login import FirstRunDialog, LoginDialog
from welcome_center.ui.dialogs.recovery_key import RecoveryKeyDialog

pytestmark = pytest.mark.skipif(bool(PG_URL), reason="encryption is for SQLite files")


def test_first_run_makes_an_encrypted_office(tmp_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    url = url_for_path(tmp_path / "office.db")
    made: list[tuple[AppContext, str | None]] = []

    def create(encrypted: bool) -> UnitOfWork:
        made.append(create_office(resolve(url), url, encrypted=encrypted))
        return made[-1][0].uow

    dialog = FirstRunDialog(None, location=str(tmp_path / "office.db"), create=create,
                            can_encrypt=True)  # fmt: skip
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.encrypt.isVisible() and dialog.encrypt.isChecked()
    type_text(dialog.office, "Welcome Center Region Zwickau")
    qtbot.keyClicks(dialog.username, "sabine")
    qtbot.keyClicks(dialog.password, "lange-passwort-1")
    qtbot.keyClicks(dialog.repeat, "lange-passwort-1")
    qtbot.keyClick(dialog.repeat, Qt.Key.Key_Return)
    assert dialog.result() == dialog.DialogCode.Accepted
    ctx, recovery = made[0]
    try:
        assert recovery is not None and recovery_secret(recovery)
        assert is_encrypted_file(tmp_path / "office.db")
        assert encryption.has_slot(url, "sabine")
    finally:
        ctx.close()
    # The password opens it, and so does the recovery key.
    encryption.unlock(url, encryption.Unlock("sabine", "lange-passwort-1"))
    encryption.unlock(url, encryption.Unlock(recovery_key=recovery))


def test_first_run_without_encryption_when_the_user_unticks_it(tmp_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    url = url_for_path(tmp_path / "office.db")
    made: list[tuple[AppContext, str | None]] = []

    def create(encrypted: bool) -> UnitOfWork:
        made.append(create_office(resolve(url), url, encrypted=encrypted))
        return made[-1][0].uow

    dialog = FirstRunDialog(None, location="office.db", create=create, can_encrypt=True)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    QTest.keyClick(dialog.windowHandle(), Qt.Key.Key_E, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: not dialog.encrypt.isChecked())  # &Encrypt …: clicked
    qtbot.keyClicks(dialog.username, "sabine")
    qtbot.keyClicks(dialog.password, "lange-passwort-1")
    qtbot.keyClicks(dialog.repeat, "lange-passwort-1")
    qtbot.keyClick(dialog.repeat, Qt.Key.Key_Return)
    ctx, recovery = made[0]
    ctx.close()
    assert recovery is None
    assert (tmp_path / "office.db").read_bytes().startswith(b"SQLite format 3\0")
    assert not key_file_path(tmp_path / "office.db").exists()


def test_the_recovery_key_dialog_closes_only_once_the_key_is_kept(tmp_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = RecoveryKeyDialog("ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4567", "WC", "x.db", tmp_path)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.key_label.text() == "ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4567"
    assert not dialog.go_on.isEnabled()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    # "I have &printed …", typed as Alt+P through the window, where mnemonics are found.
    QTest.keyClick(dialog.windowHandle(), Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(dialog.kept.isChecked)  # a mnemonic clicks after a short animation
    assert dialog.go_on.isEnabled()
    qtbot.keyClick(dialog.go_on, Qt.Key.Key_Return)
    assert dialog.result() == dialog.DialogCode.Accepted


def _digests(folder: Path) -> dict[str, str]:
    """The database, its -wal and -shm if any, and its key file (the attempts file beside them,
    where a failed first login is counted, is the only file a wrong password may write)."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.iterdir()
        if not p.name.endswith(".logins")
    }


def test_login_opens_the_encrypted_file_and_a_wrong_password_changes_nothing(
    tmp_path: Path, qtbot
) -> None:  # type: ignore[no-untyped-def]
    url = url_for_path(tmp_path / "office.db")
    ctx, _recovery = create_office(resolve(url), url)
    users.add_user(ctx.uow, None, "sabine", "lange-passwort-1", users.FIRST_USER_ROLES)
    ctx.close()
    before = _digests(tmp_path)
    made: list[AppContext] = []
    dialog = LoginDialog(None, "Encrypted database", str(tmp_path / "office.db"),
                         opener=_opener((resolve(url), url), made))  # fmt: skip
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.username, "sabine")
    qtbot.keyClicks(dialog.password, "falsches-passwort")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.message.text() == "User name or password is wrong."
    assert dialog.uow is None and not made
    assert _digests(tmp_path) == before
    assert (tmp_path / "office.db.logins").exists()  # counted for the throttle
    qtbot.keyClicks(dialog.password, "lange-passwort-1")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.actor is not None and dialog.actor.name == "sabine"
    assert made and made[0].db.is_encrypted
    made[0].close()
