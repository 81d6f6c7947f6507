"""Where failed logins are counted (domain/login_policy.py has the rules).

In the database, table ``login_attempts``, for an open database: shared by every desk of the
office (a SQLite file, encrypted or not, or a PostgreSQL database).

Before an encrypted file is open there is no database to count in: the first login of a desk
opens the file with the password's key slot, and a wrong password must leave the database, its
-wal and its key file as they were. Those attempts go to a small JSON file beside the database
(``<db>.logins``), read before the slot is tried and appended to on a failure. Its entries are
counted in the database and written to the audit log, with their own time, when the database
is next opened by anyone (at the next login on it: :func:`flush`); then they are marked as
counted and stay in the file, as the first login's memory, until they are 15 minutes old, the
name logs in, or an administrator lifts the lock.

The file holds the names tried and times only, never a password. Two desks failing their first
login at the very same moment may lose one of the two entries (the file is rewritten whole).
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from welcome_center.db.keyring import KeyFileError
from welcome_center.db.models import LoginAttempts, User
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.dates import OFFICE_TZ
from welcome_center.domain.login_policy import (
    LOCK_AFTER,
    LOCK_PERIOD,
    Attempts,
    Refusal,
    Verdict,
    account_key,
    after_failure,
    check,
    current,
    replay,
)
from welcome_center.i18n import _, ngettext
from welcome_center.services import audit

FILE_SUFFIX = ".logins"
FORMAT = "welcome-center-logins"
FAILED = "failed"  # a wrong password (the audit log's reason is found when it is counted)
# Refusals (too soon, locked) kept in the file at most; failures are always kept (the delays
# let at most a few dozen an hour through).
MAX_REFUSALS = 1000

# --- in the database --------------------------------------------------------------------------


def stored(session: Session, name: str) -> Attempts:
    """The failures in a row counted for account name ``name`` (an account_key)."""
    row = session.get(LoginAttempts, name)
    return Attempts(row.failures, row.last_failure) if row is not None else Attempts()


def all_stored(session: Session) -> dict[str, Attempts]:
    return {
        r.name: Attempts(r.failures, r.last_failure) for r in session.scalars(select(LoginAttempts))
    }


def count_failure(session: Session, name: str, at: datetime) -> Attempts:
    """Count one more failure for ``name`` at ``at``, in the caller's transaction, with the row
    locked (several desks on a server count into it at once). Rows whose streak is over are
    removed on the way."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    session.execute(
        insert(LoginAttempts)
        .values(name=name, failures=0, last_failure=at)
        .on_conflict_do_nothing(index_elements=["name"])
    )
    row = session.execute(
        select(LoginAttempts)
        .where(LoginAttempts.name == name)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()
    state = after_failure(Attempts(row.failures, row.last_failure), at)
    assert state.last_failure is not None
    row.failures, row.last_failure = state.failures, state.last_failure
    session.execute(
        delete(LoginAttempts).where(
            LoginAttempts.last_failure < at - LOCK_PERIOD, LoginAttempts.name != name
        )
    )
    return state


def forget(session: Session, name: str) -> None:
    """The name logged in, or an administrator lifted its lock: its failures are forgotten."""
    session.execute(delete(LoginAttempts).where(LoginAttempts.name == name))


# --- the attempts file of an encrypted file ---------------------------------------------------


def attempts_path(database: Path) -> Path:
    """The attempts file of the database file ``database``."""
    return database.with_name(database.name + FILE_SUFFIX)


def _read(path: Path) -> list[dict[str, Any]]:
    """The file's entries; a missing or unreadable file has none (it only ever slows logins)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = data["attempts"] if data.get("format") == FORMAT else []
        return [e for e in entries if isinstance(e, dict) and {"name", "at", "reason"} <= set(e)]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return []


def _at(entry: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(str(entry["at"])).astimezone(UTC)


def _write(path: Path, entries: list[dict[str, Any]], now: datetime) -> None:
    """Write the entries still needed (not yet counted, or part of a streak that still counts)
    whole, under a temporary name and renamed; no entry left: no file."""
    keep = [e for e in entries if not e.get("counted") or now - _at(e) < LOCK_PERIOD]
    if not keep:
        path.unlink(missing_ok=True)
        return
    data = {
        "format": FORMAT,
        "version": 1,
        "note": "Failed logins before the database was opened (no passwords).",
        "attempts": keep,
    }
    temp = path.with_name(f".{path.name}.{os.getpid()}.new")
    try:
        temp.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


def file_state(path: Path, username: str, now: datetime) -> Attempts:
    """The failures in a row of ``username`` that the attempts file ``path`` knows of."""
    name = account_key(username)
    failed = [_at(e) for e in _read(path) if e["name"] == name and e["reason"] == FAILED]
    return current(replay(failed), now)


def note_in_file(path: Path, username: str, at: datetime, reason: str) -> Attempts:
    """Append an attempt (FAILED, or a refusal's reason) and return the name's failures then."""
    entries = _read(path)
    refusals = sum(1 for e in entries if e["reason"] != FAILED and not e.get("counted"))
    if reason == FAILED or refusals < MAX_REFUSALS:
        entry = {"name": account_key(username), "at": at.astimezone(UTC).isoformat(),
                 "reason": reason, "counted": False}  # fmt: skip
        entries.append(entry)
        _write(path, entries, at)
    return file_state(path, username, at)


def forget_in_file(database: Path | None, username: str, now: datetime) -> None:
    """Forget the counted entries of ``username`` in the attempts file (a login, an unlock)."""
    if database is None:
        return
    path = attempts_path(database)
    if not path.exists():
        return
    name = account_key(username)
    entries = _read(path)
    kept = [e for e in entries if not (e["name"] == name and e.get("counted"))]
    if len(kept) != len(entries):
        _write(path, kept, now)


def _reason(uow: UnitOfWork, user: User | None, name: str) -> str:
    """Why a wrong password at the first login failed, as the open database tells it."""
    if user is None:
        return "unknown_user"
    if not user.active:
        return "inactive"
    if user.password_hash is None:
        return "no_password"
    keyring = uow.db.keyring
    try:
        if keyring is not None and not keyring.has_user(name):
            return "no_key_slot"
    except KeyFileError:
        pass
    return "wrong_password"


def flush(uow: UnitOfWork, now: datetime) -> int:
    """Count the attempts file's new entries in the database and write them to the audit log,
    each with its own time; then mark them counted. Returns how many there were."""
    path = uow.db.path
    if path is None or not attempts_path(path).exists():
        return 0
    path = attempts_path(path)
    entries = _read(path)
    new = sorted((e for e in entries if not e.get("counted")), key=_at)
    if not new:
        return 0
    with uow.begin() as s:
        for e in new:
            name, at = str(e["name"]), _at(e)
            user = s.scalar(select(User).where(func.lower(User.username) == name))
            reason = str(e["reason"])
            if reason == FAILED:
                count_failure(s, name, at)
                reason = _reason(uow, user, name)
            audit.log_failed_login(s, name, user.id if user else None, reason, at=at)
    for e in new:
        e["counted"] = True
    _write(path, entries, now)
    return len(new)


# --- what a refused or failed login says ------------------------------------------------------


def clock_text(at: datetime) -> str:
    """A lock's end in office time, rounded up to the minute (``14:32``)."""
    local = at.astimezone(OFFICE_TZ)
    if local.second or local.microsecond:
        local = local.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return f"{local:%H:%M}"


def _locked_text(until: datetime) -> str:
    return _(
        "This user name is locked after %(n)d failed logins in a row, until %(time)s. An "
        "administrator can lift the lock earlier (Administration, Users)."
    ) % {"n": LOCK_AFTER, "time": clock_text(until)}


def refusal_message(verdict: Verdict) -> str:
    """Why an attempt was refused without checking its password (the same for every name)."""
    if verdict.refusal is Refusal.LOCKED:
        assert verdict.until is not None
        return _locked_text(verdict.until)
    n = verdict.wait_seconds
    return ngettext(
        "Too many failed logins with this user name: wait %(n)d second, then try again.",
        "Too many failed logins with this user name: wait %(n)d seconds, then try again.",
        n,
    ) % {"n": n}


def failure_message(after: Attempts, now: datetime) -> str:
    """A wrong name or password, and what the next attempt must wait for."""
    wrong = _("User name or password is wrong.")
    verdict = check(after, now)
    if verdict.refusal is Refusal.LOCKED:
        assert verdict.until is not None
        return f"{wrong} {_locked_text(verdict.until)}"
    if verdict.refusal is Refusal.TOO_SOON:
        n = verdict.wait_seconds
        wait = ngettext(
            "Wait %(n)d second before the next try.", "Wait %(n)d seconds before the next try.", n
        ) % {"n": n}
        return f"{wrong} {wait}"
    return wrong
