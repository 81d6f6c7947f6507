"""Where the program keeps its data: platformdirs by default, overridable by option or environment.

An AppPaths value is made once by the composition root and passed in; nothing here is global.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "welcome-center"
ENV_DB = "WELCOME_CENTER_DB"
ENV_DATA = "WELCOME_CENTER_DATA"


@dataclass(frozen=True)
class AppPaths:
    data_dir: Path
    db_url: str

    @property
    def backup_dir(self) -> Path:
        """Backups taken before a migration (beside a custom file, else in the data folder)."""
        from welcome_center.db.engine import sqlite_path

        path = sqlite_path(self.db_url)
        return (path.parent if path else self.data_dir) / "backups"

    @property
    def demo_db_url(self) -> str:
        return f"sqlite:///{self.data_dir / 'demo.db'}"


def resolve(db: str | None = None, environ: dict[str, str] | None = None) -> AppPaths:
    """The paths for ``--db`` (a URL or a file path), else ``WELCOME_CENTER_DB``, else the default
    file ``welcome-center.db`` in the user data folder."""
    env = os.environ if environ is None else environ
    data_dir = (
        Path(env[ENV_DATA])
        if env.get(ENV_DATA)
        else platformdirs.user_data_path(APP_NAME, appauthor=False)
    )
    target = db or env.get(ENV_DB) or str(data_dir / "welcome-center.db")
    return AppPaths(data_dir, to_url(target))


def to_url(target: str) -> str:
    """A database URL for a URL or a plain file path."""
    if "://" in target:
        return target
    return f"sqlite:///{Path(target).expanduser().absolute()}"
