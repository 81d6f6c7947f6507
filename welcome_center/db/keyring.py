"""Key slots of an encrypted database: one random data key, stored only wrapped.

The database file is encrypted by SQLCipher under a random 256-bit data key. The key file beside
it (``welcome-center.db.keys``) holds that key wrapped once per user, under a key derived from
the user's password with Argon2id, and once under the recovery key shown at setup. The wrap is
AES-256-GCM, bound (as associated data) to the database's id and the slot's name, so a slot
cannot be copied to another user or another database. A wrong password fails the wrap's
authentication: nothing else is read and nothing is written.

The key file holds no personal data beyond the user names (which the slots are found by). It is
written whole under a temporary name, synced, and renamed: a crash leaves the old or the new one.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import secrets
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_FILE_SUFFIX = ".keys"
FORMAT = "welcome-center-keys"
VERSION = 1
DATA_KEY_BYTES = 32
RECOVERY_SLOT = "*recovery*"  # not a user name: user names have no asterisk
_RECOVERY_BYTES = 20  # 160 bits: 32 base32 letters, shown in 8 groups of 4


class KeyFileError(Exception):
    """The key file is missing, unreadable or not one of ours."""


class WrongSecretError(Exception):
    """No slot of that name, or the password (recovery key) does not open it."""


@dataclass(frozen=True)
class Kdf:
    """Argon2id's cost, stored with each slot (a slot made with other costs still opens)."""

    time_cost: int = 3
    memory_kib: int = 65536
    parallelism: int = 4

    def derive(self, secret: bytes, salt: bytes) -> bytes:
        from argon2.low_level import Type, hash_secret_raw

        return hash_secret_raw(
            secret,
            salt,
            time_cost=self.time_cost,
            memory_cost=self.memory_kib,
            parallelism=self.parallelism,
            hash_len=32,
            type=Type.ID,
        )


# The cost of new slots. Tests lower it (conftest) so that hundreds of slots stay quick.
DEFAULT_KDF = Kdf()


@dataclass(frozen=True)
class Slot:
    name: str  # a user name in lower case, or RECOVERY_SLOT
    kdf: Kdf
    salt: bytes
    nonce: bytes
    wrapped: bytes

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kdf": {
                "name": "argon2id",
                "time_cost": self.kdf.time_cost,
                "memory_kib": self.kdf.memory_kib,
                "parallelism": self.kdf.parallelism,
            },
            "salt": _b64(self.salt),
            "nonce": _b64(self.nonce),
            "wrapped": _b64(self.wrapped),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Slot:
        k = data["kdf"]
        if k.get("name") != "argon2id":
            raise KeyFileError("unknown key derivation")
        kdf = Kdf(int(k["time_cost"]), int(k["memory_kib"]), int(k["parallelism"]))
        return cls(
            str(data["name"]),
            kdf,
            _unb64(data["salt"]),
            _unb64(data["nonce"]),
            _unb64(data["wrapped"]),
        )


def slot_name(username: str) -> str:
    """User names are compared without case (as the users table does)."""
    return username.strip().lower()


@dataclass(frozen=True)
class KeyFile:
    """The contents of a key file: the database's id and its slots."""

    database_id: str
    slots: tuple[Slot, ...] = field(default=())

    def slot(self, name: str) -> Slot | None:
        return next((s for s in self.slots if s.name == name), None)

    @property
    def user_names(self) -> list[str]:
        return sorted(s.name for s in self.slots if s.name != RECOVERY_SLOT)

    def _aad(self, name: str) -> bytes:
        return f"{FORMAT}/{VERSION}/{self.database_id}/{name}".encode()

    def open_slot(self, name: str, secret: bytes) -> bytes:
        """The data key from slot ``name`` with ``secret``. Raises WrongSecretError (after the
        same work as a real try when there is no such slot: a name is not given away by time)."""
        slot = self.slot(name)
        if slot is None:
            DEFAULT_KDF.derive(secret, b"\0" * 16)
            raise WrongSecretError(name)
        kek = slot.kdf.derive(secret, slot.salt)
        from cryptography.exceptions import InvalidTag

        try:
            return _aesgcm(kek).decrypt(slot.nonce, slot.wrapped, self._aad(name))
        except InvalidTag:
            raise WrongSecretError(name) from None

    def with_slot(
        self, name: str, secret: bytes, data_key: bytes, kdf: Kdf | None = None
    ) -> KeyFile:
        """A copy with slot ``name`` (new or replaced) wrapping ``data_key`` under ``secret``."""
        kdf = kdf or DEFAULT_KDF
        salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
        wrapped = _aesgcm(kdf.derive(secret, salt)).encrypt(nonce, data_key, self._aad(name))
        others = tuple(s for s in self.slots if s.name != name)
        return replace(self, slots=(*others, Slot(name, kdf, salt, nonce, wrapped)))

    def without_slot(self, name: str) -> KeyFile:
        return replace(self, slots=tuple(s for s in self.slots if s.name != name))

    def to_bytes(self) -> bytes:
        data = {
            "format": FORMAT,
            "version": VERSION,
            "database_id": self.database_id,
            "note": "Key slots of an encrypted Welcome Center database: keep this file beside it.",
            # In name order (the recovery slot first): a slot put back leaves the same bytes.
            "slots": [s.to_json() for s in sorted(self.slots, key=lambda s: s.name)],
        }
        return (json.dumps(data, indent=1) + "\n").encode()

    @classmethod
    def from_bytes(cls, raw: bytes) -> KeyFile:
        try:
            data = json.loads(raw.decode())
            if data.get("format") != FORMAT:
                raise KeyFileError("not a key file of this program")
            if int(data.get("version", 0)) > VERSION:
                raise KeyFileError("written by a newer version of this program")
            slots = tuple(Slot.from_json(s) for s in data["slots"])
            return cls(str(data["database_id"]), slots)
        except (ValueError, KeyError, TypeError, UnicodeDecodeError, binascii.Error) as exc:
            raise KeyFileError(str(exc)) from exc


def _aesgcm(key: bytes) -> AESGCM:
    """AES-256-GCM under ``key`` (``cryptography`` is imported only when a slot is opened or
    written: a plain office's start does not pay for it)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(key)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode(), validate=True)


def key_file_path(database: Path) -> Path:
    """The key file of the database file ``database``."""
    return database.with_name(database.name + KEY_FILE_SUFFIX)


def read_key_file(path: Path) -> KeyFile:
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise KeyFileError("missing") from exc
    except OSError as exc:
        raise KeyFileError(exc.strerror or str(exc)) from exc
    return KeyFile.from_bytes(raw)


def write_key_file(path: Path, keys: KeyFile) -> None:
    """Write ``keys`` to ``path`` whole or not at all (temporary file, sync, rename)."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.new")
    try:
        with temp.open("wb") as f:
            f.write(keys.to_bytes())
            f.flush()
            os.fsync(f.fileno())
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)
    if os.name == "posix":
        fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def new_data_key() -> bytes:
    return secrets.token_bytes(DATA_KEY_BYTES)


def new_key_file() -> KeyFile:
    return KeyFile(uuid.uuid4().hex)


# --- the recovery key ------------------------------------------------------------------------


def new_recovery_key() -> str:
    """A random recovery key as people copy it: 8 groups of 4 letters and digits."""
    text = base64.b32encode(secrets.token_bytes(_RECOVERY_BYTES)).decode()
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def recovery_secret(typed: str) -> bytes:
    """The recovery key's bytes from what someone typed: case, spaces and dashes do not matter,
    and the digits 0, 1 and 8 read as the letters O, I and B they are mistaken for. Raises
    WrongSecretError when it cannot be a recovery key."""
    text = "".join(c for c in typed.upper() if c.isalnum())
    text = text.translate(str.maketrans("018", "OIB"))
    try:
        raw = base64.b32decode(text)
    except binascii.Error:
        raise WrongSecretError(RECOVERY_SLOT) from None
    if len(raw) != _RECOVERY_BYTES:
        raise WrongSecretError(RECOVERY_SLOT)
    return raw


# --- the keyring of an open database --------------------------------------------------------


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold the key file's lock (a file beside it) while its slots are read and rewritten: a
    desk and the command line changing passwords at once must not lose each other's slot."""
    lock = path.with_name(f"{path.name}.lock")
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        if sys.platform == "win32":
            import msvcrt

            msvcrt.locking(fd, msvcrt.LK_LOCK, 1)  # retries for ten seconds, then raises
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


@dataclass(frozen=True)
class SlotUndo:
    """One slot as it was before a change, to put back if what goes with the change fails."""

    name: str
    slot: Slot | None


@dataclass
class Keyring:
    """The open database's data key and its key file, which the user services keep in step
    with the users: a slot per user who may log in, replaced when the password changes. Each
    change reads and rewrites the file under its lock and touches one slot only."""

    path: Path
    data_key: bytes

    def read(self) -> KeyFile:
        return read_key_file(self.path)

    def _change(self, name: str, new: Slot | None) -> SlotUndo:
        with locked(self.path):
            keys = self.read()
            undo = SlotUndo(name, keys.slot(name))
            keys = keys.without_slot(name)
            if new is not None:
                keys = replace(keys, slots=(*keys.slots, new))
            write_key_file(self.path, keys)
        return undo

    def set_user(self, username: str, password: str, kdf: Kdf | None = None) -> SlotUndo:
        """Write the user's slot under ``password`` (new, or replacing the old one)."""
        name = slot_name(username)
        # Derived outside the lock (a tenth of a second): the file's id does not change.
        slot = self.read().with_slot(name, password.encode(), self.data_key, kdf).slot(name)
        return self._change(name, slot)

    def remove_user(self, username: str) -> SlotUndo:
        """Remove the user's slot (they can no longer open the file)."""
        return self._change(slot_name(username), None)

    def put_back(self, undo: SlotUndo) -> None:
        """Put one slot back as it was (other slots changed meanwhile stay as they are)."""
        self._change(undo.name, undo.slot)

    def has_user(self, username: str) -> bool:
        return self.read().slot(slot_name(username)) is not None

    def new_recovery_key(self) -> str:
        """Replace the recovery slot with a new recovery key, returned to be shown once."""
        key = new_recovery_key()
        slot = self.read().with_slot(RECOVERY_SLOT, recovery_secret(key), self.data_key)
        self._change(RECOVERY_SLOT, slot.slot(RECOVERY_SLOT))
        return key
