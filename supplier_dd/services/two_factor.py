"""The second sign-in step kept on each account: setting up an authenticator app, checking its
codes at sign-in (counting failures towards the lock-out like wrong passwords), single-use
recovery codes, and turning it off or an admin resetting it. Every change is audited; a change
ends the person's other sessions, since whoever else holds one may be why it changed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash

from supplier_dd.domain import lockout
from supplier_dd.domain import two_factor as rules
from supplier_dd.domain.lockout import LockState
from supplier_dd.domain.roles import Role
from supplier_dd.models import User
from supplier_dd.models.user import RecoveryCode
from supplier_dd.services import ServiceError, audit, user_sessions
from supplier_dd.services.users import hash_password

MFA_CHANGED = "mfa_changed"
MFA_RESET = "mfa_reset"
ENDED_BY_USER = "ended_by_user"
ENDED_BY_ADMIN = "ended_by_admin"


def is_enrolled(user: User) -> bool:
    return user.totp_enrolled_at is not None and bool(user.totp_secret)


def is_required(user: User, staff_mfa: str) -> bool:
    """Staff with a password must have a second step when the council requires it; suppliers
    may choose to."""
    return user.role != Role.SUPPLIER.value and staff_mfa == "required"


def must_enrol(user: User, staff_mfa: str) -> bool:
    return is_required(user, staff_mfa) and bool(user.password_hash) and not is_enrolled(user)


def pending_secret(user: User) -> str:
    """The key being set up: made once and kept until confirmed, so reloading the page does not
    change the QR code under someone who has already scanned it."""
    if is_enrolled(user):
        raise ServiceError("Your authenticator app is already set up")
    if not user.totp_secret:
        user.totp_secret = rules.new_secret()
    return user.totp_secret


def _replace_recovery_codes(session: Session, user: User, now: datetime) -> list[str]:
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = rules.new_recovery_codes()
    session.add_all(RecoveryCode(user_id=user.id, code_hash=hash_password(code), created_at=now)
                    for code in codes)
    return codes


def confirm_enrolment(session: Session, user: User, code: str, now: datetime, *, actor,
                      keep_session_id: int | None) -> list[str]:
    """Turn the second step on once a code from the app checks out; returns the recovery codes
    to show once (only their hashes are kept)."""
    if is_enrolled(user) or not user.totp_secret:
        raise ServiceError("Start setting up your authenticator app again")
    check = rules.check_code(user.totp_secret, code, now, None)
    if check.outcome == rules.MALFORMED:
        raise ServiceError("Enter the 6-digit code from your authenticator app")
    if check.outcome != rules.ACCEPTED:
        raise ServiceError("The code is not right. Check the app shows supplier_dd and try the "
                           "newest code")
    user.totp_enrolled_at = now
    user.totp_last_step = check.step
    codes = _replace_recovery_codes(session, user, now)
    ended = user_sessions.end_other_sessions(session, user.id, keep_session_id, now, MFA_CHANGED)
    audit.record(session, "auth.mfa_enrolled", actor, now, object_type="user", object_id=user.id,
                 details={"method": "totp", "other_sessions_ended": ended})
    session.flush()
    return codes


def regenerate_recovery_codes(session: Session, user: User, now: datetime, *, actor) -> list[str]:
    if not is_enrolled(user):
        raise ServiceError("Set up an authenticator app first")
    codes = _replace_recovery_codes(session, user, now)
    audit.record(session, "auth.mfa_recovery_codes_replaced", actor, now, object_type="user",
                 object_id=user.id)
    session.flush()
    return codes


def unused_recovery_codes(session: Session, user: User) -> int:
    return len(session.scalars(select(RecoveryCode.id).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))).all())


def _clear(session: Session, user: User) -> None:
    user.totp_secret = None
    user.totp_enrolled_at = None
    user.totp_last_step = None
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def turn_off(session: Session, user: User, now: datetime, *, staff_mfa: str, actor,
             keep_session_id: int | None) -> None:
    if is_required(user, staff_mfa):
        raise ServiceError("Council staff must keep a second sign-in step")
    if not is_enrolled(user):
        raise ServiceError("Your account does not have a second sign-in step")
    _clear(session, user)
    ended = user_sessions.end_other_sessions(session, user.id, keep_session_id, now, MFA_CHANGED)
    audit.record(session, "auth.mfa_turned_off", actor, now, object_type="user",
                 object_id=user.id, details={"other_sessions_ended": ended})
    session.flush()


def admin_reset(session: Session, user: User, now: datetime, *, actor) -> int:
    """An admin clears someone's lost authenticator: they set up again at their next sign-in.
    Ends all their sessions; returns how many were open."""
    was_enrolled = is_enrolled(user)
    _clear(session, user)
    ended = user_sessions.end_sessions_of(session, user.id, now, MFA_RESET)
    audit.record(session, "auth.mfa_reset", actor, now, object_type="user", object_id=user.id,
                 before={"enrolled": was_enrolled}, after={"enrolled": False},
                 details={"email": user.email, "sessions_ended": ended})
    session.flush()
    return ended


@dataclass(frozen=True)
class SecondStep:
    outcome: str  # rules.ACCEPTED, WRONG, REUSED, MALFORMED, or LOCKED
    locked_now: bool = False


LOCKED = "locked"


def _failure(user: User, now: datetime) -> bool:
    state = LockState(user.failed_sign_ins or 0, user.locked_until)
    was_locked = lockout.is_locked(state, now)
    state = lockout.after_failure(state, now)
    user.failed_sign_ins, user.locked_until = state.failed_sign_ins, state.locked_until
    return lockout.is_locked(state, now) and not was_locked


def _success(user: User, now: datetime) -> None:
    state = lockout.after_success()
    user.failed_sign_ins, user.locked_until = state.failed_sign_ins, state.locked_until
    user.last_sign_in_at = now


def _locked(user: User, now: datetime) -> bool:
    return lockout.is_locked(LockState(user.failed_sign_ins or 0, user.locked_until), now)


def check_sign_in_code(user: User, code: str, now: datetime) -> SecondStep:
    """The code step of signing in; the caller audits and commits either way."""
    if _locked(user, now) or not user.active or not is_enrolled(user):
        return SecondStep(LOCKED)
    check = rules.check_code(user.totp_secret, code, now, user.totp_last_step)
    if check.outcome == rules.ACCEPTED:
        user.totp_last_step = check.step
        _success(user, now)
        return SecondStep(rules.ACCEPTED)
    if check.outcome == rules.MALFORMED:
        return SecondStep(rules.MALFORMED)  # a typing slip, not a guess: not counted
    return SecondStep(check.outcome, locked_now=_failure(user, now))


def use_recovery_code(session: Session, user: User, code: str, now: datetime) -> SecondStep:
    if _locked(user, now) or not user.active or not is_enrolled(user):
        return SecondStep(LOCKED)
    wanted = rules.normalise_recovery_code(code)
    if wanted:
        for record in session.scalars(select(RecoveryCode).where(
                RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))):
            if check_password_hash(record.code_hash, wanted):
                record.used_at = now
                _success(user, now)
                return SecondStep(rules.ACCEPTED)
    return SecondStep(rules.WRONG, locked_now=_failure(user, now))
