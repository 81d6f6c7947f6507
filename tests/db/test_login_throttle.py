"""Logging in after failures (issue 13, item 2): a growing delay per name tried and a lock after
ten failures, lifted by an administrator or after 15 minutes; the same for an unknown name;
every failure audited; a weaker hash replaced; on an encrypted file the first login's failures
counted beside it, without changing the database, its -wal or its key file. A clock is passed
in: no test sleeps."""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from argon2.exceptions import VerifyMismatchError
from sqlalchemy import select

from tests.conftest import PASSWORD
from welcome_center.app import create_office
from welcome_center.db import keyring
from welcome_center.db.engine import url_for_path
from welcome_center.db.models import AuditEntry, LoginAttempts, User
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.audit import AuditAction
from welcome_center.domain.enums import Role
from welcome_center.domain.errors import AuthenticationError, PermissionDeniedError
from welcome_center.domain.login_policy import LOCK_AFTER, delay_after
from welcome_center.paths import resolve
from welcome_center.services import encryption, login, login_attempts, users
from welcome_center.services.context import Actor
from welcome_center.services.login import open_encrypted

T0 = datetime(2026, 12, 12, 13, 0, tzinfo=UTC)  # 14:00 in the office (Europe/Berlin)
WRONG = "not the password"
SECONDS = timedelta(seconds=1)


def _try(uow: UnitOfWork, name: str, password: str, at: datetime) -> str:
    """The message of a refused login ("" when it succeeded)."""
    try:
        users.authenticate(uow, name, password, now=at)
    except AuthenticationError as exc:
        return exc.message
    return ""


def _lock(uow: UnitOfWork, name: str, start: datetime = T0) -> tuple[datetime, list[str]]:
    """Ten failures in a row, each as soon as allowed: the time of the last, and the messages."""
    at, said = start, []
    for n in range(LOCK_AFTER):
        at += delay_after(n)
        said.append(_try(uow, name, WRONG, at))
    return at, said


def _failed(uow: UnitOfWork) -> list[tuple[str, str, datetime]]:
    with uow.read() as s:
        rows = s.scalars(
            select(AuditEntry)
            .where(AuditEntry.action == AuditAction.LOGIN_FAILED.value)
            .order_by(AuditEntry.id)
        )
        return [(e.actor, e.detail, e.at) for e in rows]


def test_the_wait_grows_and_an_early_attempt_is_refused_unchecked(uow: UnitOfWork) -> None:
    assert _try(uow, "anna", WRONG, T0) == "User name or password is wrong."
    assert _try(uow, "anna", WRONG, T0) == (
        "User name or password is wrong. Wait 1 second before the next try."
    )
    early = T0 + timedelta(milliseconds=400)
    refused = "Too many failed logins with this user name: wait 1 second, then try again."
    assert _try(uow, "anna", PASSWORD, early) == refused  # the right password, too soon
    assert _try(uow, "anna", WRONG, T0 + SECONDS).endswith("Wait 2 seconds before the next try.")
    assert _try(uow, "anna", PASSWORD, T0 + 2 * SECONDS).startswith("Too many failed logins")
    assert _try(uow, "anna", PASSWORD, T0 + 3 * SECONDS) == ""  # the wait is over
    reasons = [detail for _a, detail, _t in _failed(uow)]
    assert reasons == ["wrong_password", "wrong_password", "too_soon", "wrong_password", "too_soon"]


def test_the_tenth_failure_locks_until_15_minutes_after_it(uow: UnitOfWork) -> None:
    last, said = _lock(uow, "anna")
    assert said[0] == "User name or password is wrong."
    assert said[6].endswith("Wait 30 seconds before the next try.")
    locked = (
        "This user name is locked after 10 failed logins in a row, until 14:18. An administrator "
        "can lift the lock earlier (Administration, Users)."
    )
    assert (
        last == T0 + timedelta(seconds=121)
        and said[-1] == f"User name or password is wrong. {locked}"
    )
    assert _try(uow, "anna", PASSWORD, last + timedelta(minutes=14, seconds=59)) == locked
    assert _try(uow, "anna", PASSWORD, last + timedelta(minutes=15)) == ""
    # the login forgot the streak: a typo now is a first failure again
    assert (
        _try(uow, "anna", WRONG, last + timedelta(minutes=16)) == "User name or password is wrong."
    )


def test_a_success_forgets_the_failures(uow: UnitOfWork) -> None:
    for n in range(3):
        _try(uow, "anna", WRONG, T0 + n * 10 * SECONDS)
    assert _try(uow, "Anna", PASSWORD, T0 + 60 * SECONDS) == ""
    assert _try(uow, "anna", WRONG, T0 + 61 * SECONDS) == "User name or password is wrong."
    with uow.read() as s:
        assert s.get(LoginAttempts, "anna") is not None  # only the new failure
        assert s.get(LoginAttempts, "anna").failures == 1  # type: ignore[union-attr]


def test_an_administrator_lifts_the_lock(uow: UnitOfWork, admin: Actor, anna: Actor) -> None:
    last, _said = _lock(uow, "anna")
    listed = {u.username: u.locked_until for u in users.list_users(uow, now=last)}
    assert listed == {
        "admin": None,
        "anna": last + timedelta(minutes=15),
        "ben": None,
        "maria": None,
    }
    with pytest.raises(PermissionDeniedError):
        users.unlock_login(uow, anna, anna.user_id)  # type: ignore[arg-type]
    saved = users.unlock_login(uow, admin, anna.user_id)  # type: ignore[arg-type]
    assert saved.value.locked_until is None and saved.changes.users
    assert users.list_users(uow, now=last)[1].locked_until is None
    assert _try(uow, "anna", PASSWORD, last + SECONDS) == ""
    with uow.read() as s:
        lifted = s.scalars(
            select(AuditEntry).where(AuditEntry.action == AuditAction.UNLOCK_LOGIN.value)
        ).one()
        assert (lifted.actor, lifted.entity, lifted.entity_id) == ("admin", "user", anna.user_id)


def test_an_unknown_name_gets_the_same_answers_and_the_same_lock(uow: UnitOfWork) -> None:
    _last, known = _lock(uow, "anna")
    last, unknown = _lock(uow, "Mallory")
    assert unknown == known
    assert _try(uow, "mallory", "whatever", last + SECONDS) == _try(
        uow, "anna", PASSWORD, last + SECONDS
    )
    assert _try(uow, "MALLORY", "whatever", last + timedelta(minutes=15)).startswith(
        "User name or password is wrong."
    )


def test_every_failure_is_in_the_audit_log(uow: UnitOfWork) -> None:
    last, _said = _lock(uow, "ben")
    _try(uow, "ben", PASSWORD, last + SECONDS)  # locked
    _try(uow, "nobody", WRONG, T0)
    _try(uow, "nobody", WRONG, T0)
    _try(uow, "nobody", WRONG, T0)  # too soon
    entries = _failed(uow)
    assert [(a, d) for a, d, _t in entries] == [
        *[("login:ben", "wrong_password")] * 10,
        ("login:ben", "locked"),
        ("login:nobody", "unknown_user"),
        ("login:nobody", "unknown_user"),
        ("login:nobody", "too_soon"),
    ]


def test_a_weaker_hash_is_replaced_at_login(uow: UnitOfWork) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)
    with uow.begin() as s:
        s.scalars(select(User).where(User.username == "anna")).one().password_hash = weak
    users.authenticate(uow, "anna", PASSWORD, now=T0)
    with uow.read() as s:
        stored = s.scalars(select(User).where(User.username == "anna")).one().password_hash
    assert stored != weak and stored is not None
    assert not users._hasher.check_needs_rehash(stored)
    assert users.authenticate(uow, "anna", PASSWORD, now=T0).name == "anna"


class _CountingHasher:
    """The users' hasher, counting the hashes it verifies."""

    def __init__(self, real: PasswordHasher) -> None:
        self.real, self.verified = real, 0

    def verify(self, hash: str, password: str) -> bool:
        self.verified += 1
        return self.real.verify(hash, password)

    def __getattr__(self, name: str) -> object:
        return getattr(self.real, name)


def test_a_wrong_name_costs_what_a_wrong_password_costs(
    uow: UnitOfWork, monkeypatch: pytest.MonkeyPatch
) -> None:
    counting = _CountingHasher(users._hasher)
    monkeypatch.setattr(users, "_hasher", counting)
    took: dict[str, float] = {}
    # Each the quickest of three tries, taken in turns an hour apart (no throttling in
    # between): a core taken by other work for a moment slows one try, not all three.
    for attempt in range(3):
        for name in ("anna", "mallory"):
            before, start = counting.verified, time.perf_counter()
            _try(uow, name, WRONG, T0 + timedelta(hours=attempt))
            elapsed = time.perf_counter() - start
            took[name] = min(took.get(name, elapsed), elapsed)
            assert counting.verified - before == 1  # one argon2 verification each
    start = time.perf_counter()
    with pytest.raises(VerifyMismatchError):
        users._hasher.real.verify(users._DUMMY_HASH, WRONG)
    one_hash = time.perf_counter() - start
    # measured, not tightly asserted: both pay (about) one hash, neither a second one
    assert min(took.values()) > 0.5 * one_hash
    assert max(took.values()) < 5 * min(took.values()) + 0.05


# --- an encrypted file -------------------------------------------------------------------------


@pytest.fixture
def office(tmp_path: Path, pg_server: object) -> tuple[str, Path]:
    """An encrypted office with an administrator and a counsellor, closed."""
    if pg_server is not None:
        pytest.skip("a test of SQLite files")
    path = tmp_path / "office.db"
    paths = resolve(str(path), environ={"WELCOME_CENTER_DATA": str(tmp_path / "data")})
    ctx, _recovery = create_office(paths, url_for_path(path))
    users.add_user(ctx.uow, None, "chef", PASSWORD, users.FIRST_USER_ROLES)
    chef = users.authenticate(ctx.uow, "chef", PASSWORD)
    users.add_user(ctx.uow, chef, "anna", PASSWORD, Role.COUNSELLOR)
    ctx.close()
    return url_for_path(path), tmp_path / "backups"


def _fingerprints(db: Path) -> dict[str, str]:
    files = [db, Path(f"{db}-wal"), keyring.key_file_path(db)]
    return {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in files if f.exists()}


def _first_login(url: str, backups: Path, name: str, password: str, at: datetime) -> str:
    try:
        db, _actor = open_encrypted(url, backups, name, password, now=at)
    except AuthenticationError as exc:
        return exc.message
    db.dispose()
    return ""


def test_a_wrong_first_login_changes_no_file_and_is_audited_later(
    office: tuple[str, Path],
) -> None:
    url, backups = office
    path = Path(url.removeprefix("sqlite:///"))
    before = _fingerprints(path)
    assert keyring.key_file_path(path).name in before
    said = _first_login(url, backups, "anna", WRONG, T0)
    assert said == "User name or password is wrong."
    assert _fingerprints(path) == before
    assert login_attempts.file_state(login_attempts.attempts_path(path), "anna", T0).failures == 1
    # the next first login, by anyone, counts it and writes it to the audit log with its time
    db, chef = open_encrypted(url, backups, "chef", PASSWORD, now=T0 + timedelta(minutes=1))
    try:
        uow = UnitOfWork(db)
        assert _failed(uow) == [("login:anna", "wrong_password", T0)]
        with uow.read() as s:
            assert s.get(LoginAttempts, "anna").failures == 1  # type: ignore[union-attr]
        assert chef.name == "chef"
    finally:
        db.dispose()


def test_the_first_login_waits_and_locks_before_trying_a_slot(
    office: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, backups = office
    path = Path(url.removeprefix("sqlite:///"))
    derived: list[bytes] = []
    real = keyring.Kdf.derive
    monkeypatch.setattr(
        keyring.Kdf,
        "derive",
        lambda self, secret, salt: derived.append(salt) or real(self, secret, salt),
    )
    at, said = T0, []
    for n in range(LOCK_AFTER):
        at += delay_after(n)
        said.append(_first_login(url, backups, "anna", WRONG, at))
    assert len(derived) == LOCK_AFTER  # one slot tried per allowed attempt
    assert said[1].endswith("Wait 1 second before the next try.") and "until 14:18" in said[-1]
    # too soon and locked: refused without deriving a key, the right password too
    assert _first_login(url, backups, "anna", PASSWORD, at + SECONDS).startswith(
        "This user name is locked"
    )
    assert len(derived) == LOCK_AFTER
    # an unknown name: the same answers, and a key derived for it as for a real slot
    unknown = []
    for when in (T0, T0, T0 + SECONDS / 2):
        unknown.append(_first_login(url, backups, "mallory", WRONG, when))
    assert unknown == [said[0], said[1], "Too many failed logins with this user name: wait 1 "
                       "second, then try again."]  # fmt: skip
    assert len(derived) == LOCK_AFTER + 2
    # the administrator opens the file: anna's lock is counted there, and lifted
    db, chef = open_encrypted(url, backups, "chef", PASSWORD, now=at + timedelta(minutes=2))
    try:
        uow = UnitOfWork(db)
        listed = {u.username: u.locked_until for u in users.list_users(uow, now=at + SECONDS)}
        assert listed["anna"] == at + timedelta(minutes=15)
        reasons = [d for a, d, _t in _failed(uow) if a == "login:anna"]
        assert reasons == ["wrong_password"] * LOCK_AFTER + ["locked"]
        anna = next(u for u in users.list_users(uow) if u.username == "anna")
        users.unlock_login(uow, chef, anna.id)
    finally:
        db.dispose()
    assert _first_login(url, backups, "anna", PASSWORD, at + timedelta(minutes=3)) == ""
    assert not login_attempts.attempts_path(path).exists() or not [
        e for e in login_attempts._read(login_attempts.attempts_path(path)) if e["name"] == "anna"
    ]


def test_a_user_without_a_key_slot_gets_one_at_a_login_on_the_open_file(
    office: tuple[str, Path],
) -> None:
    url, backups = office
    db, chef = open_encrypted(url, backups, "chef", PASSWORD, now=T0)
    try:
        uow = UnitOfWork(db)
        anna = next(u for u in users.list_users(uow) if u.username == "anna")
        users.set_active(uow, chef, anna.id, False)
        users.set_active(uow, chef, anna.id, True)
        assert not encryption.has_slot(url, "anna")
        assert _first_login(url, backups, "anna", PASSWORD, T0) == "User name or password is wrong."
        # anna logs in at a desk opened by someone else (the idle lock's switch of user, say)
        assert (
            users.authenticate(uow, "anna", PASSWORD, now=T0 + timedelta(minutes=1)).name == "anna"
        )
        assert encryption.has_slot(url, "anna")
        reasons = [d for a, d, _t in _failed(uow) if a == "login:anna"]
        assert reasons == ["no_key_slot"]
    finally:
        db.dispose()
    assert _first_login(url, backups, "anna", PASSWORD, T0 + timedelta(minutes=2)) == ""


def test_unlocking_without_logging_in_is_throttled_too(office: tuple[str, Path]) -> None:
    """``db check`` reads an encrypted file with a user's key slot, without logging in."""
    url, _backups = office
    path = Path(url.removeprefix("sqlite:///"))
    before = _fingerprints(path)
    for _n in range(2):
        with pytest.raises(AuthenticationError):
            login.unlock(url, "chef", WRONG, now=T0)
    with pytest.raises(AuthenticationError, match="wait 1 second"):
        login.unlock(url, "chef", PASSWORD, now=T0)
    assert login.unlock(url, "chef", PASSWORD, now=T0 + SECONDS).data_key
    assert _fingerprints(path) == before


def test_an_administrators_new_password_lifts_the_lock(uow: UnitOfWork) -> None:
    """The new password is the administrator's answer to a locked account: it works at once."""
    start = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
    for n in range(10):
        with pytest.raises(AuthenticationError):
            users.authenticate(uow, "anna", "wrong-password", now=start + timedelta(minutes=n))
    later = start + timedelta(minutes=10)
    with pytest.raises(AuthenticationError, match="locked"):
        users.authenticate(uow, "anna", PASSWORD, now=later)
    admin = users.authenticate(uow, "admin", PASSWORD, now=later)
    anna_id = next(u.id for u in users.list_users(uow) if u.username == "anna")
    users.reset_password(uow, admin, anna_id, "a-brand-new-password")
    assert users.authenticate(uow, "anna", "a-brand-new-password", now=later).name == "anna"
