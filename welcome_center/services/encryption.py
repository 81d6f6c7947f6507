"""Encryption at rest of the office's SQLite file: unlock, set up, restore a backup, encrypt.

A server database is encrypted by the server (README: the team's administrator's section).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from welcome_center.db import cipher, erasure, migrate
from welcome_center.db.engine import (
    APPLICATION_ID,
    Database,
    DatabaseRefusedError,
    check_sqlite_file,
    is_encrypted_file,
    require_key_opens,
    sqlite_path,
    wal_path,
)
from welcome_center.db.keyring import (
    RECOVERY_SLOT,
    KeyFile,
    KeyFileError,
    Keyring,
    WrongSecretError,
    key_file_path,
    new_data_key,
    new_key_file,
    new_recovery_key,
    read_key_file,
    recovery_secret,
    slot_name,
    write_key_file,
)
from welcome_center.db.models import User
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.audit import AuditAction
from welcome_center.domain.dates import OFFICE_TZ
from welcome_center.domain.errors import AuthenticationError, DomainError
from welcome_center.domain.permissions import Permission
from welcome_center.i18n import _
from welcome_center.services import audit
from welcome_center.services.context import Actor
from welcome_center.services.storage import StorageRefusedError, open_database, refusal_message


@dataclass(frozen=True)
class Unlock:
    """What opens an encrypted file: a user's name and password, or the recovery key."""

    username: str = ""
    password: str = ""
    recovery_key: str = ""


def needs_key(url: str) -> bool:
    """Whether ``url`` is an encrypted file (it opens only with a password or the recovery
    key); a missing file, a plain one or a server database does not."""
    path = sqlite_path(url)
    return path is not None and path.exists() and is_encrypted_file(path)


def _key_file(path: Path) -> KeyFile:
    keys = key_file_path(path)
    try:
        return read_key_file(keys)
    except KeyFileError as exc:
        raise StorageRefusedError(
            _(
                "The key file %(keys)s cannot be read (%(reason)s); the database was left "
                "unchanged. Put the key file that was made with this database beside it."
            )
            % {"keys": keys, "reason": exc}
        ) from exc


def open_key(keys: KeyFile, how: Unlock) -> bytes:
    """The data key from the slot ``how`` opens; AuthenticationError when it does not."""
    try:
        if how.recovery_key:
            return keys.open_slot(RECOVERY_SLOT, recovery_secret(how.recovery_key))
        return keys.open_slot(slot_name(how.username), how.password.encode())
    except WrongSecretError:
        if how.recovery_key:
            raise AuthenticationError(
                _("This recovery key does not open the database; nothing was changed.")
            ) from None
        raise AuthenticationError(_("User name or password is wrong.")) from None


def unlock(url: str, how: Unlock) -> Keyring:
    """The keyring of the encrypted file at ``url``, opened with ``how``. Reads the key file
    only: a wrong password changes no file."""
    path = sqlite_path(url)
    assert path is not None
    keys = _key_file(path)
    return Keyring(key_file_path(path), open_key(keys, how))


def has_slot(url: str, username: str) -> bool:
    """Whether the user has a key slot in the encrypted file at ``url``."""
    path = sqlite_path(url)
    assert path is not None
    return _key_file(path).slot(slot_name(username)) is not None


def ensure_slot(db: Database, username: str, password: str) -> bool:
    """Give a user who has just logged in on the open encrypted ``db`` a key slot when they
    have none: the users of a file that ``encrypt`` made (only the administrator who ran it
    has one), or one activated again. From then on their password opens the file too. The
    caller has checked the password (users.authenticate). Returns whether a slot was written."""
    keyring = db.keyring
    if keyring is None or keyring.has_user(username):
        return False
    keyring.set_user(username, password)
    return True


def _stamp(now: datetime | None = None) -> str:
    """The office's date and time, as the backups' names carry it."""
    return (now or datetime.now(UTC)).astimezone(OFFICE_TZ).strftime("%Y-%m-%d-%H%M%S")


def create_encrypted(url: str, backup_dir: Path | None = None) -> tuple[Database, str]:
    """A new encrypted database at ``url`` (a missing or empty file) and its recovery key, to
    be shown once. Its users' slots are written as they are added (services.users)."""
    path = sqlite_path(url)
    assert path is not None
    keys_path = key_file_path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if keys_path.exists():  # left by a set-up that did not finish, or of a file moved away
        os.replace(keys_path, keys_path.with_name(f"{keys_path.name}.orphaned-{_stamp()}"))
    data_key, recovery = new_data_key(), new_recovery_key()
    keys = new_key_file().with_slot(RECOVERY_SLOT, recovery_secret(recovery), data_key)
    write_key_file(keys_path, keys)  # before the database has its name (engine.py)
    try:
        db = open_database(url, backup_dir, create=True, keyring=Keyring(keys_path, data_key))
    except BaseException:
        if not path.exists() or path.stat().st_size == 0:
            keys_path.unlink(missing_ok=True)
        raise
    return db, recovery


# --- restoring a backup ---------------------------------------------------------------------


@dataclass(frozen=True)
class Restored:
    kept: Path  # the file that was replaced, kept aside
    encrypted: bool  # whether the restored file is encrypted


def check_backup(backup: Path, how: Unlock | None) -> bytes | None:
    """Check that ``backup`` is a backup of ours that this version can open: intact, of a
    schema no newer than the program's. Returns its data key (None for a plain one). Raises
    DomainError saying what is wrong; reads only."""
    try:
        if check_sqlite_file(backup):
            raise DomainError(_("%(path)s is empty: not a backup.") % {"path": backup})
        key = None
        if is_encrypted_file(backup):
            if how is None:
                raise DomainError(
                    _("%(path)s is encrypted: give a user's password or the recovery key.")
                    % {"path": backup}
                )
            key = open_key(_key_file(backup), how)
            require_key_opens(backup, key)
    except DatabaseRefusedError as exc:
        raise StorageRefusedError(refusal_message(exc)) from exc
    if wal_path(backup).exists():
        raise DomainError(
            _("%(path)s has a -wal file beside it: it is a database in use, not a backup.")
            % {"path": backup}
        )
    problems = _integrity(backup, key)
    if problems:
        raise DomainError(
            _("%(path)s is damaged (%(detail)s); nothing was restored.")
            % {"path": backup, "detail": "; ".join(problems[:3])}
        )
    revision = erasure.schema_revision(backup, key)
    if revision is None or not migrate.is_known_revision(revision):
        raise DomainError(
            _("%(path)s was written by another version of this program and cannot be restored "
              "by this one.") % {"path": backup}
        )  # fmt: skip
    return key


def _integrity(path: Path, key: bytes | None) -> list[str]:
    try:
        con = erasure.read_only(path, key)
        try:
            rows = [str(r[0]) for r in con.execute("PRAGMA integrity_check")]
        finally:
            con.close()
    except cipher.ERRORS as exc:
        return [str(exc)]
    return [] if rows == ["ok"] else rows


def restore(url: str, backup: Path, how: Unlock | None, now: datetime | None = None) -> Restored:
    """Put the backup ``backup`` in place of the (closed) database at ``url``, after checking
    it; the replaced file (and its key file) are kept in the backups folder beside it, where
    the retention run looks after them as after every backup. The restored file is migrated
    when it is next opened, with a backup first as ever."""
    path = sqlite_path(url)
    if path is None:
        raise DomainError(_("Restore a PostgreSQL database with the server's own tools."))
    backup = backup.absolute()
    if backup == path.absolute():
        raise DomainError(_("This is the database itself, not a backup of it."))
    key = check_backup(backup, how)
    stamp = _stamp(now)
    folder = path.parent / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    kept = folder / f"{path.stem}-replaced-{stamp}{path.suffix}"
    temp = path.with_name(f".{path.name}.{os.getpid()}.restoring")
    try:
        shutil.copyfile(backup, temp)
        with temp.open("rb") as f:
            os.fsync(f.fileno())
        if path.exists():
            for side in (wal_path(path), Path(f"{path}-shm")):
                if side.exists():  # the replaced file's last changes belong with it
                    os.replace(side, Path(f"{kept}{side.name.removeprefix(path.name)}"))
            os.replace(path, kept)
        old_keys = key_file_path(path)
        if old_keys.exists():
            os.replace(old_keys, key_file_path(kept))
        if key is not None:
            write_key_file(key_file_path(path), read_key_file(key_file_path(backup)))
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)
    return Restored(kept, key is not None)


# --- encrypting a plain file ----------------------------------------------------------------


@dataclass(frozen=True)
class Encrypted:
    recovery_key: str
    kept_plain: Path | None


def encrypt(
    db: Database,
    username: str,
    password: str,
    keep_plain: bool = False,
    actor: Actor | None = None,
) -> Encrypted:
    """Turn the open plain database ``db`` into an encrypted one, with a slot for
    ``username`` (an administrator who proved ``password``) and a new recovery key. The plain
    file is overwritten with zeros unless ``keep_plain``: then it is kept beside, renamed.
    ``db`` is closed by this; open the file again with the password. With ``actor``, the
    encryption is audited (the entry goes into the encrypted file with everything else)."""
    path = db.path
    if path is None or db.is_encrypted:
        raise DomainError(_("Only a plain database file can be encrypted."))
    if actor is not None:
        actor.require(Permission.BACKUP)
        with UnitOfWork(db).begin() as s:
            audit.log(s, actor, AuditAction.ENCRYPT, "database", None, detail=path.name)
    erasure.checkpoint(db)
    db.dispose()
    temp = path.with_name(f".{path.name}.{os.getpid()}.encrypting")
    hidden = path.with_name(f".{path.name}.{os.getpid()}.plain")
    kept = path.with_name(f"{path.stem}-plain-{_stamp()}{path.suffix}") if keep_plain else None
    data_key, recovery = new_data_key(), new_recovery_key()
    temp.unlink(missing_ok=True)
    keys_written = replaced = False
    try:
        con = cipher.plain_module_connect(path, isolation_level=None)
        try:
            con.execute("PRAGMA journal_mode=DELETE")  # no -wal left beside the plain file
            cipher.export_encrypted(con, temp, data_key, APPLICATION_ID)
        finally:
            con.close()
        problems = _integrity(temp, data_key)
        if problems:
            raise DomainError(
                _("The encrypted copy failed its check (%(detail)s); nothing was changed.")
                % {"detail": "; ".join(problems[:3])}
            )
        keys = (
            new_key_file()
            .with_slot(RECOVERY_SLOT, recovery_secret(recovery), data_key)
            .with_slot(slot_name(username), password.encode(), data_key)
        )
        write_key_file(key_file_path(path), keys)
        keys_written = True
        os.link(path, kept or hidden)
        with temp.open("rb") as f:
            os.fsync(f.fileno())
        os.replace(temp, path)
        replaced = True
        if kept is None:
            erasure.shred(hidden)
    finally:
        if keys_written and not replaced:  # the file is still the plain one
            key_file_path(path).unlink(missing_ok=True)
        temp.unlink(missing_ok=True)
        if kept is None:
            hidden.unlink(missing_ok=True)
    return Encrypted(recovery, kept)


def restore_in_place(
    uow: UnitOfWork, actor: Actor, backup: Path, how: Unlock | None, backup_dir: Path | None
) -> tuple[UnitOfWork, Restored]:
    """The desk's restore: close the open database of ``uow``, put ``backup`` in its place
    (:func:`restore`) and open it again (migrated if it is older, with ``how`` if it is
    encrypted). Audited in the restored database. Returns its unit of work."""
    actor.require(Permission.BACKUP)
    url = uow.db.url
    check_backup(backup, how)  # before anything is closed
    uow.db.dispose()
    restored = restore(url, backup, how)
    keyring = unlock(url, how) if how is not None and needs_key(url) else None
    db = open_database(url, backup_dir, keyring=keyring)
    new = UnitOfWork(db)
    with new.begin() as s:
        user = s.get(User, actor.user_id) if actor.user_id is not None else None
        same = user is not None and user.username.lower() == actor.name.lower()
        # The restored file may not know the user (a backup from before their account).
        who = actor if same else Actor(None, actor.name, actor.roles)
        audit.log(s, who, AuditAction.RESTORE, "database", None, detail=backup.name)
    return new, restored


def recover_administrator(
    url: str, backup_dir: Path | None, recovery_key: str, username: str, password: str
) -> None:
    """Every password lost: open the encrypted file at ``url`` with the office's recovery key
    and give the administrator ``username`` the new ``password`` (and its key slot). Audited as
    done with the recovery key."""
    from welcome_center.domain.enums import Role
    from welcome_center.services import users

    if not needs_key(url):
        raise DomainError(
            _("Only an encrypted database has a recovery key; %(where)s is not encrypted.")
            % {"where": url}
        )
    keyring = unlock(url, Unlock(recovery_key=recovery_key))
    db = open_database(url, backup_dir, keyring=keyring)
    try:
        uow = UnitOfWork(db)
        with uow.read() as s:
            user = s.query(User).filter(User.username.ilike(username.strip())).one_or_none()
            if user is None or not user.active or Role.ADMIN not in user.roles:
                raise DomainError(
                    _("%(user)s is not an active administrator of this office.")
                    % {"user": username}
                )
            user_id = user.id
        users.reset_password(uow, Actor(None, "recovery-key", Role.ADMIN), user_id, password)
    finally:
        db.dispose()
