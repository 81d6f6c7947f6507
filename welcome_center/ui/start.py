"""From a started application to the main window: first-run set-up or login, then the desk."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QDialog

from welcome_center.services import settings, users
from welcome_center.services.context import Actor, UnitOfWork
from welcome_center.ui.dialogs.login import FirstRunDialog, LoginDialog
from welcome_center.ui.main_window import MainWindow
from welcome_center.ui.ops import Ops


def log_in(uow: UnitOfWork, db_name: str, hint: str = "", username: str = "") -> Actor | None:
    """The first-run dialog on a database without users, else the login; None if cancelled."""
    if not users.has_users(uow):
        first = FirstRunDialog(uow)
        return first.actor if first.exec() == QDialog.DialogCode.Accepted else None
    login = LoginDialog(uow, settings.get_settings(uow).office_name, db_name, hint)
    login.username.setText(username)
    if username:
        login.password.setFocus()
    return login.actor if login.exec() == QDialog.DialogCode.Accepted else None


def set_up(
    location: str, create: Callable[[], UnitOfWork]
) -> tuple[Actor | None, UnitOfWork | None]:
    """No database yet: the first-run dialog says where it will be made and makes it when the
    office is set up. Returns the administrator and the new database's unit of work."""
    first = FirstRunDialog(None, location=location, create=create)
    accepted = first.exec() == QDialog.DialogCode.Accepted
    return (first.actor if accepted else None), first.uow


def open_desk(uow: UnitOfWork, actor: Actor, db_name: str, state: QSettings) -> MainWindow:
    """The main window for ``actor``, shown."""
    window = MainWindow(Ops(uow, actor, db_name), state)
    window.show()
    # After the first paint and the user's first look, not in the way of the start.
    QTimer.singleShot(STORAGE_CHECK_DELAY_MS, window.check_storage)
    return window


STORAGE_CHECK_DELAY_MS = 3000
