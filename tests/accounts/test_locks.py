"""The lock rule, as a pure function of the most recent failure times."""

from datetime import UTC, datetime, timedelta

import pytest

from najiz.accounts.services import locked_until_from

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
LOCKOUT = timedelta(minutes=15)


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.NAFATH_MAX_FAILURES = 5
    settings.NAFATH_LOCKOUT = LOCKOUT


def times(*minutes):
    return sorted((T0 + timedelta(minutes=m) for m in minutes), reverse=True)


def test_fewer_failures_than_the_limit_never_lock():
    assert locked_until_from(times(0, 1, 2, 3), T0 + timedelta(minutes=4)) is None


def test_five_failures_close_together_lock_for_the_lockout_after_the_last():
    failures = times(0, 1, 2, 3, 4)
    assert locked_until_from(failures, T0 + timedelta(minutes=5)) == T0 + timedelta(minutes=4) + LOCKOUT
    assert locked_until_from(failures, T0 + timedelta(minutes=19, seconds=1)) is None


def test_five_failures_spread_wider_than_the_window_do_not_lock():
    assert locked_until_from(times(0, 4, 8, 12, 15.1), T0 + timedelta(minutes=16)) is None


def test_exactly_the_window_still_locks():
    assert locked_until_from(times(0, 5, 10, 14, 15), T0 + timedelta(minutes=16)) == T0 + timedelta(minutes=30)


def test_one_failure_after_a_lock_does_not_relock():
    # Locked by 0..4; the lock ended at 19; one more failure at 20.
    failures = times(0, 1, 2, 3, 4, 20)[:5]
    assert locked_until_from(failures, T0 + timedelta(minutes=20)) is None


def test_a_fresh_run_after_a_lock_locks_again():
    failures = times(0, 1, 2, 3, 4, 20, 21, 22, 23, 24)[:5]
    assert locked_until_from(failures, T0 + timedelta(minutes=25)) == T0 + timedelta(minutes=24) + LOCKOUT
