"""'Forgotten your password?': single-use, expiring links that set a new password.

Asking for a link never says whether the address has an account (the page is the same either
way, and only an active account gets an email). Only the token's SHA-256 is stored. Setting a
new password uses the link up, clears a lock-out and ends every session the person had open, so
whoever knew the old password is signed out everywhere.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from supplier_dd.database import hold_until_commit
from supplier_dd.models import PasswordResetToken, User
from supplier_dd.services import ServiceError, user_sessions
from supplier_dd.services.users import find_by_email, set_password, unlock

LINK_LIFETIME = timedelta(hours=1)
# However often someone asks (from however many addresses), one account gets at most this many
# emails an hour, so the form cannot be used to flood a person's inbox.
MAX_LINKS_PER_HOUR = 3
PASSWORD_RESET = "password_reset"  # why the person's sessions ended (user_sessions.ended_reason)


class ResetLinkError(ServiceError):
    """The link cannot be used; `used_or_expired` tells a dead link from one never issued."""

    def __init__(self, message: str, used_or_expired: bool):
        super().__init__(message)
        self.used_or_expired = used_or_expired


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class IssuedLink:
    record: PasswordResetToken
    token: str  # for the email only; never stored


def request_reset(session: Session, email: str, now: datetime) -> IssuedLink | None:
    """A new link for the active account with this address, or None (no such account, or it
    has had its hourly share). Earlier links stop working: only the newest email counts."""
    user = find_by_email(session, email)
    if user is None or not user.active:
        return None
    recent = session.scalar(
        select(func.count(PasswordResetToken.id)).where(
            PasswordResetToken.user_id == user.id,
            PasswordResetToken.created_at > now - timedelta(hours=1),
        )
    ) or 0
    if recent >= MAX_LINKS_PER_HOUR:
        return None
    _use_up_open_links(session, user.id, now)
    token = secrets.token_urlsafe(32)
    record = PasswordResetToken(token_hash=_hash(token), user_id=user.id, created_at=now,
                                expires_at=now + LINK_LIFETIME)
    session.add(record)
    session.flush()
    return IssuedLink(record, token)


def _use_up_open_links(session: Session, user_id: int, now: datetime) -> None:
    session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.user_id == user_id, PasswordResetToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )


def find_usable_link(session: Session, token: str, now: datetime) -> PasswordResetToken:
    record = session.scalar(
        select(PasswordResetToken).where(PasswordResetToken.token_hash == _hash(token))
        .execution_options(populate_existing=True)
    )
    if record is None:
        raise ResetLinkError(
            "This link is not valid. Check you copied the whole link from the email.",
            used_or_expired=False,
        )
    if record.used_at is not None:
        raise ResetLinkError(
            "This link has already been used, or a newer one was sent. Each link works once.",
            used_or_expired=True,
        )
    if record.expires_at <= now:
        minutes = int(LINK_LIFETIME.total_seconds() // 60)
        raise ResetLinkError(
            f"This link has expired. Links work for {minutes} minutes after they are sent.",
            used_or_expired=True,
        )
    if not record.user.active:
        raise ResetLinkError("This link is not valid.", used_or_expired=True)
    return record


def reset_password(session: Session, token: str, password: str, now: datetime) -> User:
    """Set the new password through the link (the caller commits). The link is locked first, so
    of two submissions at once only one sets a password; the other finds it used."""
    hold_until_commit(session, PasswordResetToken.used_at,
                      PasswordResetToken.token_hash == _hash(token))
    record = find_usable_link(session, token, now)
    user = record.user
    set_password(user, password)
    unlock(user)
    _use_up_open_links(session, user.id, now)
    user_sessions.end_sessions_of(session, user.id, now, PASSWORD_RESET)
    session.flush()
    return user
