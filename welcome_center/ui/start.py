"""From a started application to the main window: first-run set-up or login, then the desk.

A :class:`DeskSession` keeps the desk running from login to quit: logging out or switching
user closes the main window and shows the login again, without ending the program.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox
from shiboken6 import isValid

from welcome_center.domain.errors import DomainError
from welcome_center.i18n import _
from welcome_center.services import encryption, settings, users
from welcome_center.services.context import Actor, UnitOfWork
from welcome_center.ui import retention_start
from welcome_center.ui.dialogs.login import FirstRunDialog, LoginDialog, Opener
from welcome_center.ui.dialogs.recovery_key import RecoveryKeyDialog
from welcome_center.ui.idle_lock import IdleLock
from welcome_center.ui.live_updates import start_live_updates
from welcome_center.ui.main_window import Leaving, MainWindow
from welcome_center.ui.ops import Ops
from welcome_center.ui.restore import RestoreRequest


def log_in(uow: UnitOfWork, db_name: str, hint: str = "", username: str = "") -> Actor | None:
    """The first-run dialog on a database without users, else the login; None if cancelled."""
    if not users.has_users(uow):
        first = FirstRunDialog(uow)
        return first.actor if first.exec() == QDialog.DialogCode.Accepted else None
    login = LoginDialog(uow, settings.get_settings(uow).office_name, db_name, hint)
    try:
        login.username.setText(username)
        if username:
            login.password.setFocus()
        return login.actor if login.exec() == QDialog.DialogCode.Accepted else None
    finally:
        login.deleteLater()


def set_up(
    location: str, create: Callable[[bool], UnitOfWork], can_encrypt: bool = False
) -> tuple[Actor | None, UnitOfWork | None]:
    """No database yet: the first-run dialog says where it will be made and makes it when the
    office is set up (encrypted, if offered and chosen). Returns the administrator and the new
    database's unit of work."""
    first = FirstRunDialog(None, location=location, create=create, can_encrypt=can_encrypt)
    accepted = first.exec() == QDialog.DialogCode.Accepted
    return (first.actor if accepted else None), first.uow


def log_in_to_locked(
    db_name: str, opener: Opener, server: bool = False, username: str = ""
) -> tuple[Actor, UnitOfWork] | None:
    """An encrypted file: the login opens it with the user's key slot; a team server: with the
    user's own login (``server``). None if cancelled."""
    title = _("Team server") if server else _("Encrypted database")
    login = LoginDialog(None, title, db_name, opener=opener)
    try:
        login.username.setText(username)
        if username:
            login.password.setFocus()
        if login.exec() != QDialog.DialogCode.Accepted:
            return None
        assert login.actor is not None and login.uow is not None
        return login.actor, login.uow
    finally:
        login.deleteLater()


def show_recovery_key(key: str, office: str, db_name: str, folder: Path) -> None:
    """The recovery key of a new encrypted office, once."""
    RecoveryKeyDialog(key, office, db_name, folder).exec()


def open_desk(
    uow: UnitOfWork,
    actor: Actor,
    db_name: str,
    state: QSettings,
    *,
    backups: Path | None = None,
) -> MainWindow:
    """The main window for ``actor``, shown; it locks after the office's idle minutes."""
    window = MainWindow(Ops(uow, actor, db_name), state, backups=backups)
    window.idle_lock = IdleLock(window)
    # Other desks' saves refresh this one (LISTEN/NOTIFY on a server, data_version on a file).
    window.live_updates = start_live_updates(window.ops, window)
    window.show()
    # After the first paint and the user's first look, not in the way of the start.
    QTimer.singleShot(STORAGE_CHECK_DELAY_MS, window, window.check_storage)
    # Today's retention run, if none ran today (DOMAIN.md: at the start, at most daily).
    QTimer.singleShot(
        retention_start.DELAY_MS,
        window,
        lambda: retention_start.run_at_start(window.ops, window.backups),
    )
    return window


STORAGE_CHECK_DELAY_MS = 3000


class DeskSession(QObject):
    """The desk from the first login to quitting: one main window per login.

    Logging out or switching user closes the main window (record windows first; any of them
    may keep the desk open) and shows the login again; the program ends when the main window
    is closed for good or that login is cancelled. The application therefore does not quit on
    its own when its last window closes: the session says when (``on_quit``).
    """

    def __init__(
        self,
        uow: UnitOfWork,
        db_name: str,
        state: QSettings,
        *,
        backups: Path | None = None,
        hint: str = "",
        on_quit: Callable[[], None] = QApplication.quit,
        freeze_gc: bool = False,
        server: Opener | None = None,
    ) -> None:
        """``freeze_gc``: keep the garbage collector's full passes off each desk's objects.
        ``server``: on a team server, opens the server as a user's own login; each login after
        a logout opens it anew (the last user's login reads and may what that user may)."""
        super().__init__()
        self.uow = uow
        self._server = server
        self.db_name = db_name
        self.state = state
        self.backups = backups
        self.hint = hint
        self._quit = on_quit
        self._freeze_gc = freeze_gc
        self.window: MainWindow | None = None
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        app.setQuitOnLastWindowClosed(False)  # a logout closes every window for a moment

    def open(self, actor: Actor) -> MainWindow:
        """The main window for ``actor``, shown."""
        window = open_desk(self.uow, actor, self.db_name, self.state, backups=self.backups)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # its pages and Ops go too
        window.ended.connect(self._ended)
        self.window = window
        if self._freeze_gc:
            # The objects of a desk live as long as it: keep the garbage collector's full
            # passes from walking them again and again (a visible pause while scrolling).
            gc.freeze()
        return window

    def _ended(self, how: str, username: str) -> None:
        window, self.window = self.window, None
        if how == Leaving.QUIT:
            self._quit()
            return
        if how == Leaving.RESTORE and window is not None:
            request, actor = window.restore_request, window.ops.actor
            QTimer.singleShot(0, self, lambda: self._restore(request, actor, username))
            return
        name = username if how == Leaving.LOG_OUT else ""
        # Once the closed window is gone (its deletion is posted before this timer runs).
        QTimer.singleShot(0, self, lambda: self._log_in_again(name))

    def _log_in_again(self, username: str) -> None:
        if self._freeze_gc:
            gc.unfreeze()  # the closed desk's objects may be collected now
            gc.collect()
        if self._server is not None:
            self.uow.db.dispose()  # the last user's login: closed, never used by the next one
            signed_in = log_in_to_locked(self.db_name, self._server, True, username)
            actor = None
            if signed_in is not None:
                actor, self.uow = signed_in
        else:
            actor = log_in(self.uow, self.db_name, self.hint, username)
        if actor is None:
            self._quit()
            return
        self.open(actor)

    def _restore(self, request: RestoreRequest, actor: Actor, username: str) -> None:
        """Put the backup in place of the closed desk's database, say how it went, and show
        the login on the restored one (on the old one, untouched, if it failed)."""
        try:
            self.uow, restored = encryption.restore_in_place(
                self.uow, actor, request.backup, request.how, self.backups
            )
        except DomainError as exc:
            QMessageBox.critical(None, _("Restore a backup"), exc.message)
        else:
            QMessageBox.information(
                None,
                _("Restore a backup"),
                _("The backup %(file)s was restored. The replaced database was kept as %(kept)s.")
                % {"file": request.backup.name, "kept": restored.kept},
            )
        self._log_in_again(username)

    @property
    def alive(self) -> bool:
        """Whether a main window is open (for tests and the composition root)."""
        return self.window is not None and isValid(self.window)
