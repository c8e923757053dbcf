"""Account lock-out: many consecutive failed sign-ins lock an account for a while.

Rate limiting slows one address down; lock-out protects one account from many addresses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

MAX_FAILED_SIGN_INS = 10
LOCK_DURATION = timedelta(minutes=30)


@dataclass(frozen=True)
class LockState:
    failed_sign_ins: int
    locked_until: datetime | None


def is_locked(state: LockState, now: datetime) -> bool:
    return state.locked_until is not None and state.locked_until > now


def after_failure(state: LockState, now: datetime) -> LockState:
    failures = state.failed_sign_ins + 1
    if failures >= MAX_FAILED_SIGN_INS:
        return LockState(0, now + LOCK_DURATION)
    return LockState(failures, state.locked_until)


def after_success() -> LockState:
    return LockState(0, None)
