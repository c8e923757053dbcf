from datetime import datetime, timedelta

from supplier_dd.domain.lockout import (
    LOCK_DURATION,
    MAX_FAILED_SIGN_INS,
    LockState,
    after_failure,
    after_success,
    is_locked,
)

NOW = datetime(2026, 3, 1, 12, 0)


def test_locks_on_the_tenth_failure_and_not_before():
    state = LockState(0, None)
    for _ in range(MAX_FAILED_SIGN_INS - 1):
        state = after_failure(state, NOW)
        assert not is_locked(state, NOW)
    state = after_failure(state, NOW)
    assert is_locked(state, NOW)
    assert state.locked_until == NOW + LOCK_DURATION


def test_lock_expires_by_itself():
    state = LockState(0, NOW + LOCK_DURATION)
    assert is_locked(state, NOW + LOCK_DURATION - timedelta(seconds=1))
    assert not is_locked(state, NOW + LOCK_DURATION)


def test_success_resets_the_count():
    assert after_success() == LockState(0, None)
