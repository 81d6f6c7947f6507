"""The login policy's numbers (domain/login_policy.py), with a clock passed in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from welcome_center.domain.login_policy import (
    LOCK_AFTER,
    LOCK_PERIOD,
    Attempts,
    Refusal,
    account_key,
    after_failure,
    check,
    delay_after,
    locked_until,
    replay,
)

T0 = datetime(2026, 12, 12, 13, 0, tzinfo=UTC)


def test_the_wait_doubles_from_the_second_failure_up_to_30_seconds() -> None:
    waits = [delay_after(n).total_seconds() for n in range(1, LOCK_AFTER)]
    assert waits == [0, 1, 2, 4, 8, 16, 30, 30, 30]


def test_an_attempt_before_the_wait_is_over_is_refused_with_the_seconds_left() -> None:
    state = replay([T0, T0 + timedelta(seconds=1), T0 + timedelta(seconds=2)])  # wait 2 s
    verdict = check(state, T0 + timedelta(seconds=2, milliseconds=300))
    assert (verdict.refusal, verdict.wait_seconds) == (Refusal.TOO_SOON, 2)
    assert check(state, T0 + timedelta(seconds=4)).allowed


def test_a_clock_behind_waits_no_longer_than_the_delay() -> None:
    state = replay([T0, T0])
    assert check(state, T0 - timedelta(hours=1)).wait_seconds == 1


def test_ten_failures_in_a_row_lock_for_15_minutes_after_the_last() -> None:
    state = Attempts()
    at = T0
    for n in range(LOCK_AFTER):
        at += delay_after(n)
        assert check(state, at).allowed
        state = after_failure(state, at)
    verdict = check(state, at + timedelta(minutes=14, seconds=59))
    assert verdict.refusal is Refusal.LOCKED and verdict.until == at + LOCK_PERIOD
    assert locked_until(state, at) == at + LOCK_PERIOD
    assert check(state, at + LOCK_PERIOD).allowed
    assert locked_until(state, at + LOCK_PERIOD) is None
    # the streak is forgotten with the lock: the next failure is a first one again
    assert after_failure(state, at + LOCK_PERIOD).failures == 1


def test_a_late_failure_keeps_the_later_time() -> None:
    state = after_failure(replay([T0]), T0 - timedelta(seconds=5))
    assert state == Attempts(2, T0)


def test_the_account_key_is_the_name_tried_in_lower_case() -> None:
    assert account_key("  Anna ") == "anna"
    assert len(account_key("x" * 500)) == 64
