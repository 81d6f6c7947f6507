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


def run_gui(ctx: AppContext) -> int:
    """The desk. Until the desktop window lands, say so and where the data lives."""
    import sys

    print(
        i18n._(
            "The database is ready at %(where)s.\n"
            "The desktop window comes with the next release; until then use the command line:\n"
            "  welcome-center demo      fill a database with demonstration data\n"
            "  welcome-center import    import a spreadsheet of existing records\n"
            "  welcome-center user add  add a user\n"
            "  welcome-center --help    everything else"
        )
        % {"where": ctx.db.display_name()},
        file=sys.stderr,
    )
    return 0
