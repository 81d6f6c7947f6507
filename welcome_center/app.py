"""Composition root: paths, language, the opened and migrated database, the unit of work.

The command line and (later) the desk start here; nothing below knows how it was configured.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from welcome_center import i18n
from welcome_center.db.engine import Database, display_location, sqlite_path
from welcome_center.db.uow import UnitOfWork
from welcome_center.paths import AppPaths
from welcome_center.services import encryption, server_accounts
from welcome_center.services.encryption import Unlock
from welcome_center.services.storage import open_database

if TYPE_CHECKING:
    from PySide6.QtGui import QIcon

ENV_LANG = "WELCOME_CENTER_LANG"


@dataclass(frozen=True)
class AppContext:
    paths: AppPaths
    db: Database
    uow: UnitOfWork

    def close(self) -> None:
        self.db.dispose()


def choose_language(option: str | None) -> str:
    """``--lang``, else ``WELCOME_CENTER_LANG``, else German."""
    lang = option or os.environ.get(ENV_LANG) or i18n.DEFAULT_LANGUAGE
    i18n.set_language(lang)
    return lang


def open_app(
    paths: AppPaths, url: str | None = None, create: bool = False, unlock: Unlock | None = None
) -> AppContext:
    """Open (migrate, seed) the database and build the unit of work; with ``create`` a missing
    database is made first (a plain one: :func:`create_office` makes the office's). An
    encrypted file opens with ``unlock`` (a user's password or the recovery key); without it,
    it is refused (StorageRefusedError) and left as it was."""
    url = url or paths.db_url
    keyring = encryption.unlock(url, unlock) if unlock and encryption.needs_key(url) else None
    db = open_database(url, backup_dir=paths.backup_dir, create=create, keyring=keyring)
    return AppContext(paths, db, UnitOfWork(db))


def create_office(
    paths: AppPaths, url: str | None = None, encrypted: bool = True
) -> tuple[AppContext, str | None]:
    """Make the office's new database at ``url`` (a missing or empty file, or a server
    database): encrypted unless ``encrypted`` is false or it is on a server. Returns it with
    its recovery key (None when not encrypted), to be shown once."""
    url = url or paths.db_url
    if not encrypted or sqlite_path(url) is None:
        return open_app(paths, url, create=True), None
    db, recovery = encryption.create_encrypted(url, backup_dir=paths.backup_dir)
    return AppContext(paths, db, UnitOfWork(db)), recovery


DEMO_RECORDS = 2000


def prepare_demo(ctx: AppContext) -> None:
    """Fill the demonstration database on first use: a living office in one command."""
    import getpass
    import sys

    from welcome_center.services import settings, users
    from welcome_center.services.context import Actor
    from welcome_center.services.demo import generate_demo

    if users.has_users(ctx.uow):
        return
    print(i18n._("Preparing the demonstration office (a few seconds, once)…"), file=sys.stderr)
    actor = Actor.system(getpass.getuser())
    settings.update_settings(
        ctx.uow, actor, office_name=i18n._("Welcome Center Region Zwickau (demonstration)")
    )
    generate_demo(ctx.uow, actor, records=DEMO_RECORDS)


def demo_login_hint() -> tuple[str, str]:
    """What the login screen of the demonstration office says, and the user name it offers."""
    from welcome_center.domain.enums import Role
    from welcome_center.i18n.labels import label
    from welcome_center.services.demo import DEMO_PASSWORD, DEMO_USERS

    by_role = {r: u.username for u in reversed(DEMO_USERS) for r in u.roles}
    who = ", ".join(
        f"{by_role[r]} ({label(r)})" for r in (Role.COUNSELLOR, Role.MANAGER, Role.ADMIN)
    )
    hint = i18n._(
        "Demonstration office with invented people. Log in as %(users)s; "
        "the password is %(password)s for everyone."
    ) % {"users": who, "password": DEMO_PASSWORD}
    return hint, by_role[Role.COUNSELLOR]


def _qt_app(lang_option: str | None, data_dir: Path):  # type: ignore[no-untyped-def]
    """Qt's application in the user's language, and the desk's per-user state file."""
    import sys

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from welcome_center.ui import qt_i18n
    from welcome_center.ui.main_window import LANGUAGE_KEY
    from welcome_center.ui.mnemonics import install_button_names
    from welcome_center.ui.screen import install_dialog_growth

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Welcome Center")
    app.setWindowIcon(_window_icon())
    app.setDesktopFileName("welcome-center")  # Wayland matches the window to the menu entry
    data_dir.mkdir(parents=True, exist_ok=True)
    state = QSettings(str(data_dir / "desk.ini"), QSettings.Format.IniFormat)
    chosen = state.value(LANGUAGE_KEY)
    if not lang_option and not os.environ.get(ENV_LANG) and chosen in i18n.LANGUAGES:
        i18n.set_language(str(chosen))
    translators = qt_i18n.install(app, i18n.language())  # they must live as long as the app
    install_dialog_growth(app)
    install_button_names(app)
    return app, state, translators


def _window_icon() -> QIcon:
    """The desk's icon in each size drawn (resources/icons, made by packaging/icon/make-icons):
    inside the package when installed or bundled, beside it in a source checkout."""
    from PySide6.QtGui import QIcon

    here = Path(__file__).resolve().parent
    folder = here / "resources" / "icons"
    if not folder.is_dir():
        folder = here.parent / "resources" / "icons"
    icon = QIcon()
    for png in sorted(folder.glob("welcome-center-*.png")):
        icon.addFile(str(png))
    return icon


def report_start_error(message: str, lang_option: str | None, data_dir: Path) -> int:
    """The desk could not start (a refused or unreachable database): say why in a window, as
    well as on standard error. Returns the exit code."""
    import sys

    print(i18n._("error: %(message)s") % {"message": message}, file=sys.stderr)
    _app, _state, _translators = _qt_app(lang_option, data_dir)  # they live until it returns
    from welcome_center.ui.dialogs.login import show_start_error

    show_start_error(message)
    return 1


def run_gui(
    ctx: AppContext | None,
    *,
    demo: bool = False,
    lang_option: str | None = None,
    new_at: tuple[AppPaths, str] | None = None,
) -> int:
    """Start the desk: Qt's application, the user's language, login, the main window; after a
    logout the login again, until the desk is closed or a login is cancelled.

    Without ``ctx``, the database at ``new_at`` (paths, URL) is not open yet: an encrypted
    file opens at the login, with the user's password; where there is no database yet, the
    first-run dialog says where it will be made and makes it (encrypted, unless the user
    chooses otherwise) when the office is set up, and shows the recovery key once."""
    from welcome_center.ui import start

    paths = ctx.paths if ctx is not None else new_at[0] if new_at else None
    assert paths is not None
    app, state, _translators = _qt_app(lang_option, paths.data_dir)
    hint = ""
    server = False
    made: list[AppContext] = []
    if ctx is None:
        assert new_at is not None
        location = display_location(new_at[1])
        if encryption.needs_key(new_at[1]) or server_accounts.needs_sign_in(new_at[1]):
            # An encrypted file, or a team server where each user signs in as their own login.
            server = server_accounts.needs_sign_in(new_at[1])
            logged_in = start.log_in_to_locked(location, _opener(new_at, made), server=server)
            actor, uow = logged_in if logged_in is not None else (None, None)
        else:
            actor, uow = _first_run(new_at, location, made)
        if not made:
            return 0
        ctx = made[-1]
    else:
        if demo:
            prepare_demo(ctx)
        hint, username = demo_login_hint() if demo else ("", "")
        uow = ctx.uow
        actor = start.log_in(uow, ctx.db.display_name(), hint, username)
    try:
        if actor is None or uow is None:
            return 0
        # On a team server the desk names the server as it keeps it (not the user's login),
        # and each login after a logout opens the server as that user's own login.
        session = start.DeskSession(
            uow,
            location if server else ctx.db.display_name(),
            state,
            backups=ctx.paths.backup_dir,
            hint=hint,
            freeze_gc=True,
            server=_opener(new_at, made) if server and new_at is not None else None,
        )
        session.open(actor)
        code = int(app.exec())  # until the desk is closed, or a login after a logout cancelled
        del session
        return code
    finally:
        if new_at is not None:
            for opened in made or [ctx]:
                opened.close()


def _opener(at: tuple[AppPaths, str], made: list[AppContext]):  # type: ignore[no-untyped-def]
    """Opens the encrypted file at ``at`` with a user's name and password (throttled: the
    first login counts its failures beside the file), and logs them in."""
    from welcome_center.services import login
    from welcome_center.services.context import Actor

    def open_as(username: str, password: str) -> tuple[UnitOfWork, Actor]:
        if server_accounts.needs_sign_in(at[1]):
            db, actor = server_accounts.sign_in(at[1], at[0].backup_dir, username, password)
        else:
            db, actor = login.open_encrypted(at[1], at[0].backup_dir, username, password)
        made.append(AppContext(at[0], db, UnitOfWork(db)))
        return made[-1].uow, actor

    return open_as


def _first_run(at: tuple[AppPaths, str], location: str, made: list[AppContext]):  # type: ignore[no-untyped-def]
    from welcome_center.services import settings
    from welcome_center.ui import start

    keys: list[str] = []

    def create(encrypted: bool) -> UnitOfWork:
        ctx, recovery = create_office(at[0], at[1], encrypted=encrypted)
        made.append(ctx)
        if recovery:
            keys.append(recovery)
        return ctx.uow

    can_encrypt = sqlite_path(at[1]) is not None
    actor, uow = start.set_up(location, create, can_encrypt=can_encrypt)
    if actor is not None and uow is not None and keys:
        office = settings.get_settings(uow).office_name
        start.show_recovery_key(keys[-1], office, location, at[0].data_dir)
    return actor, uow
