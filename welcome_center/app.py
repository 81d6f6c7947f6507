"""Composition root: paths, language, the opened and migrated database, the unit of work.

The command line and (later) the desk start here; nothing below knows how it was configured.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from welcome_center import i18n
from welcome_center.db.engine import Database
from welcome_center.db.uow import UnitOfWork
from welcome_center.paths import AppPaths
from welcome_center.services.storage import open_database

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


def open_app(paths: AppPaths, url: str | None = None) -> AppContext:
    """Open (create, migrate, seed) the database and build the unit of work."""
    db = open_database(url or paths.db_url, backup_dir=paths.backup_dir)
    return AppContext(paths, db, UnitOfWork(db))


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

    by_role = {u.role: u.username for u in reversed(DEMO_USERS)}
    who = ", ".join(
        f"{by_role[r]} ({label(r)})" for r in (Role.COUNSELLOR, Role.MANAGER, Role.ADMIN)
    )
    hint = i18n._(
        "Demonstration office with invented people. Log in as %(users)s; "
        "the password is %(password)s for everyone."
    ) % {"users": who, "password": DEMO_PASSWORD}
    return hint, by_role[Role.COUNSELLOR]


def run_gui(ctx: AppContext, *, demo: bool = False, lang_option: str | None = None) -> int:
    """Start the desk: Qt's application, the user's language, login, the main window."""
    import gc
    import sys

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from welcome_center.ui import qt_i18n, start
    from welcome_center.ui.main_window import LANGUAGE_KEY

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Welcome Center")
    ctx.paths.data_dir.mkdir(parents=True, exist_ok=True)
    state = QSettings(str(ctx.paths.data_dir / "desk.ini"), QSettings.Format.IniFormat)
    chosen = state.value(LANGUAGE_KEY)
    if not lang_option and not os.environ.get(ENV_LANG) and chosen in i18n.LANGUAGES:
        i18n.set_language(str(chosen))
    keep = qt_i18n.install(app, i18n.language())  # noqa: F841 - translators live with the app
    if demo:
        prepare_demo(ctx)
    hint, username = demo_login_hint() if demo else ("", "")
    name = ctx.db.display_name()
    actor = start.log_in(ctx.uow, name, hint, username)
    if actor is None:
        return 0
    window = start.open_desk(ctx.uow, actor, name, state)
    # The objects of start-up live as long as the program: keep the garbage collector's full
    # passes from walking them again and again (a visible pause while scrolling otherwise).
    gc.freeze()
    code = app.exec()
    del window
    return code
