"""The browser's side of server-side sessions: the token in the signed cookie, checked on every
request that asks who is signed in, and the cookie kept as fresh as the session.

The cookie is a browser-session cookie (not "permanent"), so Flask-Login's "strong" session
protection applies as documented: a cookie presented from another address or browser than the
one it was issued to is signed out. The idle limit is enforced twice: by the cookie's signature
age (Flask refuses a cookie signed longer ago than PERMANENT_SESSION_LIFETIME, and the cookie is
re-signed on every signed-in request) and, whatever the cookie says, by the session's last
activity recorded on the server.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, current_app, flash, g, request, session
from flask_login import current_user, login_user

from supplier_dd.extensions import db
from supplier_dd.models import User
from supplier_dd.models.base import utcnow
from supplier_dd.services import user_sessions

TOKEN_KEY = "_session_token"


def begin(user: User, now) -> str:
    """Record a new session for `user` (the caller commits); returns the cookie's token."""
    _record, token = user_sessions.start_session(
        db.session, user, now, ip_address=request.remote_addr,
        user_agent=request.headers.get("User-Agent"),
    )
    return token


def sign_in_browser(user: User, token: str) -> None:
    # A fresh cookie on sign-in, so a session id planted before sign-in is worth nothing.
    session.clear()
    login_user(user)
    session[TOKEN_KEY] = token


def end_current(now, reason: str = user_sessions.SIGNED_OUT) -> None:
    """End this browser's session on the server (the caller commits)."""
    user_sessions.end_session(db.session, session.get(TOKEN_KEY), now, reason)


def idle_limit() -> timedelta:
    return timedelta(minutes=current_app.config["SUPPLIER_DD_SETTINGS"].session_minutes)


def is_live(user: User) -> bool:
    """Whether this browser's session for `user` is still open on the server. If not, the
    cookie is emptied: whoever holds it (the owner, or a copy) is signed out."""
    lookup = user_sessions.find_live_session(
        db.session, session.get(TOKEN_KEY), user.id, utcnow(), idle_limit())
    if lookup.record is None:
        session.clear()
        if lookup.idle_expired:
            minutes = current_app.config["SUPPLIER_DD_SETTINGS"].session_minutes
            flash(f"You were signed out because you had not used the service for {minutes} "
                  "minutes")
        return False
    g.user_session = lookup.record
    return True


def _keep_session_current():
    if request.endpoint == "static" or not current_user.is_authenticated:
        return
    record = g.get("user_session")
    # Runs before the view, so this commit holds only the touch.
    if record is not None and user_sessions.touch(record, utcnow()):
        db.session.commit()
    session.modified = True  # re-sign the cookie: its signature age counts idleness too


def init_app(app: Flask) -> None:
    """Before the access check, so every signed-in request is checked and counted first."""
    app.before_request(_keep_session_current)
