"""When a login may be tried: a growing delay after failures, a lock after ten in a row.

Counted per account name as typed (stripped, in lower case), whether or not a user of that name
exists, so that an unknown name behaves exactly like a real one and the answers give nothing
away. The numbers:

- after the 1st failure no wait (a typo happens); after the 2nd a wait of 1 second, then
  doubling: 2, 4, 8, 16, and 30 seconds (the most) after the 7th to 9th failure;
- the 10th failure in a row locks the name for 15 minutes after that failure; an administrator
  may lift the lock before (services.users.unlock_login);
- a failure streak is forgotten 15 minutes after its last failure (the lock ends with it);
- a successful login forgets it at once.

An attempt made before the wait is over, or while locked, is refused without checking the
password, and is not counted as a failure (an impatient user does not lock themselves out).
The clock is always passed in.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

FIRST_DELAY_SECONDS = 1  # the wait after the 2nd failure in a row
MAX_DELAY_SECONDS = 30
LOCK_AFTER = 10  # failures in a row
LOCK_PERIOD = timedelta(minutes=15)  # the lock, and the memory of a streak, after its last failure
MAX_NAME = 64  # user names are at most 64 characters; a longer name tried is cut


def account_key(username: str) -> str:
    """The name failures are counted under: what was typed, stripped, in lower case."""
    return username.strip().lower()[:MAX_NAME]


@dataclass(frozen=True)
class Attempts:
    """Failures in a row for one name, and when the last one was."""

    failures: int = 0
    last_failure: datetime | None = None


class Refusal(StrEnum):
    """Why an attempt was refused before its password was checked (the audit log's reason)."""

    TOO_SOON = "too_soon"
    LOCKED = "locked"


@dataclass(frozen=True)
class Verdict:
    """Whether an attempt may check its password now; if not, why and until when."""

    refusal: Refusal | None = None
    until: datetime | None = None  # when the next attempt is allowed
    wait_seconds: int = 0  # TOO_SOON: whole seconds to wait (at least 1)

    @property
    def allowed(self) -> bool:
        return self.refusal is None


ALLOWED = Verdict()


def delay_after(failures: int) -> timedelta:
    """The wait before the next attempt after ``failures`` failures in a row."""
    if failures <= 1:
        return timedelta(0)
    return timedelta(seconds=min(MAX_DELAY_SECONDS, FIRST_DELAY_SECONDS * 2 ** (failures - 2)))


def current(attempts: Attempts, now: datetime) -> Attempts:
    """``attempts`` as they count at ``now``: a streak whose last failure is a lock period ago
    is forgotten."""
    last = attempts.last_failure
    if last is None or now - last >= LOCK_PERIOD:
        return Attempts()
    return attempts


def lock_end(attempts: Attempts) -> datetime | None:
    """When the name's lock ends, if it is locked (whatever the time now)."""
    if attempts.failures >= LOCK_AFTER and attempts.last_failure is not None:
        return attempts.last_failure + LOCK_PERIOD
    return None


def locked_until(attempts: Attempts, now: datetime) -> datetime | None:
    """When the lock ends if the name is locked at ``now``, else None."""
    return lock_end(current(attempts, now))


def check(attempts: Attempts, now: datetime) -> Verdict:
    """Whether an attempt at ``now`` may check its password."""
    attempts = current(attempts, now)
    end = lock_end(attempts)
    if end is not None:
        return Verdict(Refusal.LOCKED, end)
    if attempts.last_failure is None:
        return ALLOWED
    delay = delay_after(attempts.failures)
    ready = attempts.last_failure + delay
    if now >= ready:
        return ALLOWED
    # A clock behind the one that wrote the failure (another desk) waits no longer than the delay.
    wait = min(math.ceil((ready - now).total_seconds()), math.ceil(delay.total_seconds()))
    return Verdict(Refusal.TOO_SOON, now + timedelta(seconds=wait), max(1, wait))


def after_failure(attempts: Attempts, at: datetime) -> Attempts:
    """The attempts after one more failure at ``at`` (a failure counted late, with an earlier
    time than the last one, keeps the later time)."""
    before = current(attempts, at)
    last = before.last_failure
    return Attempts(before.failures + 1, at if last is None or at > last else last)


def replay(failures_at: list[datetime]) -> Attempts:
    """The attempts after failures at these times (in any order), with nothing before."""
    state = Attempts()
    for at in sorted(failures_at):
        state = after_failure(state, at)
    return state
