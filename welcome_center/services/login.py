"""The first login of an encrypted file: throttled before the file is opened.

The database of an encrypted file cannot be read before a key slot opens, and a wrong password
must leave the database, its -wal and its key file as they were. So the first login counts its
failures in the attempts file beside the database (services/login_attempts.py), checks the wait
and the lock there before trying the slot, and hands over to the one throttled login on an open
database (:func:`users.authenticate`) once the slot has opened.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from welcome_center.db.engine import Database, sqlite_path
from welcome_center.db.keyring import Keyring
from welcome_center.db.types import utcnow
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain import login_policy
from welcome_center.domain.errors import AuthenticationError
from welcome_center.services import encryption, login_attempts, users
from welcome_center.services.context import Actor
from welcome_center.services.encryption import Unlock
from welcome_center.services.storage import open_database


def unlock(url: str, username: str, password: str, now: datetime | None = None) -> Keyring:
    """The keyring of the encrypted file at ``url`` from ``username``'s key slot, throttled:
    refused without trying the slot while the name must wait or is locked (the attempts file
    says so); a wrong password is counted in the attempts file and changes no other file. Both
    raise AuthenticationError with the same words as a login on an open database. For what
    reads the file without logging in (``db check``); a login uses :func:`open_encrypted`."""
    now = now or utcnow()
    path = sqlite_path(url)
    assert path is not None, "only a SQLite file is encrypted"
    attempts = login_attempts.attempts_path(path)
    verdict = login_policy.check(login_attempts.file_state(attempts, username, now), now)
    if verdict.refusal is not None:
        login_attempts.note_in_file(attempts, username, now, verdict.refusal.value)
        raise AuthenticationError(login_attempts.refusal_message(verdict))
    try:
        return encryption.unlock(url, Unlock(username, password))
    except AuthenticationError:
        after = login_attempts.note_in_file(attempts, username, now, login_attempts.FAILED)
        raise AuthenticationError(login_attempts.failure_message(after, now)) from None


def open_encrypted(
    url: str,
    backup_dir: Path | None,
    username: str,
    password: str,
    now: datetime | None = None,
) -> tuple[Database, Actor]:
    """Open the encrypted file at ``url`` with ``username``'s key slot and log them in.

    The slot is tried as :func:`unlock` does (throttled, a failure counted beside the file).
    Once it opens, the database is opened (migrated, with a backup first, as ever) and the
    login finished there (:func:`users.authenticate`: the file's failures are counted in the
    database and audited first); when that login fails, the database is closed again."""
    now = now or utcnow()
    keyring = unlock(url, username, password, now)
    db = open_database(url, backup_dir, keyring=keyring)
    try:
        actor = users.authenticate(UnitOfWork(db), username, password, now=now)
    except BaseException:
        db.dispose()
        raise
    return db, actor
