"""Signed-in sessions kept on the server: started at sign-in, ended at sign-out or deactivation,
over by themselves after the idle limit. The browser holds only a random token in its signed
cookie, so ending the row here ends the session wherever a copy of the cookie is."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from supplier_dd.domain import sessions as rules
from supplier_dd.models import User, UserSession

SIGNED_OUT = "signed_out"
DEACTIVATED = "deactivated"


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_session(
    session: Session, user: User, now: datetime, *, ip_address: str | None, user_agent: str | None
) -> tuple[UserSession, str]:
    """A new session for `user`; returns the row and the token for the cookie (not stored)."""
    token = secrets.token_urlsafe(32)
    record = UserSession(
        token_hash=_hash_token(token),
        user_id=user.id,
        created_at=now,
        last_seen_at=now,
        ip_address=(ip_address or "")[:45],
        user_agent=rules.user_agent_summary(user_agent),
    )
    session.add(record)
    session.flush()
    return record, token


@dataclass(frozen=True)
class SessionLookup:
    # The live session the token names, or None when it is unknown, ended or idle too long.
    record: UserSession | None
    idle_expired: bool = False


def find_live_session(
    session: Session, token: str | None, user_id: int, now: datetime, idle_limit: timedelta
) -> SessionLookup:
    if not token:
        return SessionLookup(None)
    record = session.scalar(
        select(UserSession).where(UserSession.token_hash == _hash_token(token))
    )
    if record is None or record.user_id != user_id or record.ended_at is not None:
        return SessionLookup(None)
    if rules.is_idle_expired(record.last_seen_at, now, idle_limit):
        return SessionLookup(None, idle_expired=True)
    return SessionLookup(record)


def touch(record: UserSession, now: datetime) -> bool:
    """Record activity, at most once a TOUCH_INTERVAL. Returns whether anything changed."""
    if not rules.needs_touch(record.last_seen_at, now):
        return False
    record.last_seen_at = now
    return True


def end_session(session: Session, token: str | None, now: datetime, reason: str) -> None:
    if not token:
        return
    session.execute(
        update(UserSession)
        .where(UserSession.token_hash == _hash_token(token), UserSession.ended_at.is_(None))
        .values(ended_at=now, ended_reason=reason)
    )


def end_sessions_of(session: Session, user_id: int, now: datetime, reason: str) -> int:
    """End every open session of one person (deactivation). Returns how many were open."""
    result = session.execute(
        update(UserSession)
        .where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
        .values(ended_at=now, ended_reason=reason)
    )
    return result.rowcount or 0


def end_other_sessions(
    session: Session, user_id: int, keep_session_id: int | None, now: datetime, reason: str
) -> int:
    """End every open session of one person but the one they are using (a password or
    second-step change, or "Sign out of all other sessions"). Returns how many ended."""
    query = update(UserSession).where(UserSession.user_id == user_id,
                                      UserSession.ended_at.is_(None))
    if keep_session_id is not None:
        query = query.where(UserSession.id != keep_session_id)
    result = session.execute(query.values(ended_at=now, ended_reason=reason))
    return result.rowcount or 0


def end_one_session(session: Session, user_id: int, session_id: int, now: datetime,
                    reason: str) -> bool:
    """End one of a person's own sessions; False when it is not theirs or already over."""
    result = session.execute(
        update(UserSession)
        .where(UserSession.id == session_id, UserSession.user_id == user_id,
               UserSession.ended_at.is_(None))
        .values(ended_at=now, ended_reason=reason)
    )
    return bool(result.rowcount)


def live_sessions_of(session: Session, user_id: int, now: datetime,
                     idle_limit: timedelta) -> list[UserSession]:
    """The person's sessions that still count, newest activity first."""
    records = session.scalars(
        select(UserSession)
        .where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
    )
    return [r for r in records if not rules.is_idle_expired(r.last_seen_at, now, idle_limit)]
