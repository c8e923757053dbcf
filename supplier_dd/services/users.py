from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from supplier_dd.domain import lockout
from supplier_dd.domain.lockout import LockState
from supplier_dd.domain.passwords import MIN_PASSWORD_LENGTH as MIN_PASSWORD_LENGTH
from supplier_dd.domain.passwords import password_problem
from supplier_dd.domain.roles import COUNCIL_STAFF_ROLES, Role, parse_role
from supplier_dd.models import Supplier, User
from supplier_dd.services import ServiceError

# Hashing a throwaway value when the account is unknown keeps the response time the same,
# so timing does not reveal which email addresses have accounts.
_DUMMY_HASH = generate_password_hash("timing-equaliser-not-a-password")


def normalise_email(raw: str) -> str:
    try:
        return validate_email(raw.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise ServiceError(
            "Enter an email address in the correct format, like name@example.com"
        ) from None


def check_password_policy(password: str, *, email: str = "", name: str = "") -> None:
    """NCSC's rules (domain/passwords.py): long enough and not common or personal."""
    problem = password_problem(password, email=email, name=name)
    if problem:
        raise ServiceError(problem)


def hash_password(password: str) -> str:
    # Werkzeug's default is scrypt, a memory-hard algorithm.
    return generate_password_hash(password)


def find_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def create_user(
    session: Session,
    email: str,
    role: str,
    password: str | None,
    *,
    name: str = "",
    supplier: Supplier | None = None,
    council_id: int | None = None,
) -> User:
    """`council_id` is the council a staff member works for; without it, the council the
    session acts for (or a single-council deployment's only one) is used."""
    role = parse_role(role) if not isinstance(role, Role) else role
    email = normalise_email(email)
    if (role == Role.SUPPLIER) != (supplier is not None):
        raise ServiceError(
            "A supplier account needs its supplier organisation; council staff accounts have none."
        )
    if find_by_email(session, email):
        raise ServiceError(f"An account for {email} already exists")
    if password is not None:
        check_password_policy(password, email=email, name=name)
    user = User(
        email=email,
        name=name,
        role=role.value,
        supplier=supplier,
        council_id=council_id if role in COUNCIL_STAFF_ROLES else None,
        password_hash=hash_password(password) if password else None,
    )
    session.add(user)
    session.flush()
    return user


@dataclass(frozen=True)
class SignInOutcome:
    user: User | None
    # Set when the account exists: so the caller can audit a failure against it.
    account: User | None = None
    locked_now: bool = False


def authenticate(session: Session, email: str, password: str, now: datetime) -> SignInOutcome:
    """Check a password. Failures count towards lock-out; the caller commits either way."""
    user = find_by_email(session, email)
    if user is None or not user.password_hash:
        check_password_hash(_DUMMY_HASH, password)
        return SignInOutcome(None)
    state = LockState(user.failed_sign_ins or 0, user.locked_until)
    if lockout.is_locked(state, now):
        check_password_hash(_DUMMY_HASH, password)
        return SignInOutcome(None, user)
    if not check_password_hash(user.password_hash, password) or not user.active:
        was_locked = lockout.is_locked(state, now)
        state = lockout.after_failure(state, now)
        user.failed_sign_ins, user.locked_until = state.failed_sign_ins, state.locked_until
        return SignInOutcome(
            None, user, locked_now=lockout.is_locked(state, now) and not was_locked
        )
    if user.totp_enrolled_at is not None:
        # Half-way only: failures keep counting until the second step succeeds, so knowing the
        # password does not buy unlimited guesses at the code (services/two_factor.py).
        return SignInOutcome(user, user)
    state = lockout.after_success()
    user.failed_sign_ins, user.locked_until = state.failed_sign_ins, state.locked_until
    user.last_sign_in_at = now
    return SignInOutcome(user, user)


def unlock(user: User) -> None:
    state = lockout.after_success()
    user.failed_sign_ins, user.locked_until = state.failed_sign_ins, state.locked_until


def set_password(user: User, password: str) -> None:
    check_password_policy(password, email=user.email, name=user.name or "")
    user.password_hash = hash_password(password)


# --- Roles and deactivation (admins and `supplier-dd users set-role`) --------------------------

# The roles an admin gives a council's staff; a consortium admin belongs to no council and is
# made from the command line, never from a council's pages.
STAFF_ROLES = tuple(r.value for r in Role if r in COUNCIL_STAFF_ROLES)


def _active_admins(session: Session) -> int:
    return (
        session.scalar(
            select(func.count(User.id)).where(User.role == Role.ADMIN.value, User.active.is_(True))
        )
        or 0
    )


def set_role(
    session: Session, user: User, role: str, *, by: User | None, actor, now: datetime
) -> bool:
    """Change a council staff account's role, audited with before and after. Supplier contacts
    keep the supplier role; no one removes their own admin role; one admin always remains.
    Returns whether anything changed."""
    from supplier_dd.services import audit

    try:
        new_role = parse_role(role) if not isinstance(role, Role) else role
    except ValueError as error:
        raise ServiceError(str(error)) from None
    if user.role == Role.SUPPLIER.value:
        raise ServiceError(
            "Supplier contacts always have the supplier role; their "
            "organisation decides who its contacts are"
        )
    if new_role == Role.SUPPLIER:
        raise ServiceError(
            "A council staff account cannot become a supplier contact; "
            "suppliers invite their own contacts"
        )
    if new_role.value == user.role:
        return False
    if (user.role in COUNCIL_STAFF_ROLES) != (new_role in COUNCIL_STAFF_ROLES):
        # Council staff work for one council and a consortium admin for none (issue 17).
        raise ServiceError(
            "A consortium admin works for no council, so a council staff account cannot "
            "become one, nor one become council staff; create a separate account instead"
        )
    if user.role == Role.ADMIN.value:
        if by is not None and by.id == user.id:
            raise ServiceError("You cannot remove your own admin role; ask another admin")
        if user.active and _active_admins(session) <= 1:
            raise ServiceError(
                "This is the only active admin account; make someone else an admin first"
            )
    before = user.role
    user.role = new_role.value
    session.flush()
    audit.record(
        session,
        "user.role_changed",
        actor,
        now,
        object_type="user",
        object_id=user.id,
        before={"role": before},
        after={"role": user.role},
        details={"email": user.email},
    )
    return True


def set_active(
    session: Session, user: User, active: bool, *, by: User | None, actor, now: datetime
) -> bool:
    """Deactivate (no sign-in, existing sessions end) or reactivate an account, audited."""
    from supplier_dd.services import audit, user_sessions

    if bool(user.active) == active:
        return False
    if not active:
        if by is not None and by.id == user.id:
            raise ServiceError("You cannot deactivate your own account")
        if user.role == Role.ADMIN.value and _active_admins(session) <= 1:
            raise ServiceError(
                "This is the only active admin account; make someone else an admin first"
            )
    user.active = active
    if not active:
        # Ended, not just refused while inactive: reactivation must not revive an old cookie.
        user_sessions.end_sessions_of(session, user.id, now, user_sessions.DEACTIVATED)
    session.flush()
    audit.record(
        session,
        "user.reactivated" if active else "user.deactivated",
        actor,
        now,
        object_type="user",
        object_id=user.id,
        before={"active": not active},
        after={"active": active},
        details={"email": user.email},
    )
    return True
