"""Single-use, expiring links with which a supplier contact sets a password."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from supplier_dd.domain.roles import Role
from supplier_dd.models import Invitation, Supplier, User
from supplier_dd.services import ServiceError
from supplier_dd.services.users import create_user, find_by_email, normalise_email


class InvitationError(ServiceError):
    pass


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_invitation(
    session: Session,
    supplier: Supplier,
    email: str,
    name: str,
    invited_by: User | None,
    now: datetime,
    valid_hours: int,
) -> tuple[Invitation, str]:
    email = normalise_email(email)
    existing = find_by_email(session, email)
    if existing is not None:
        raise ServiceError(f"{email} already has an account")
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        email=email,
        name=name.strip(),
        supplier=supplier,
        token_hash=_hash_token(token),
        invited_by=invited_by,
        created_at=now,
        expires_at=now + timedelta(hours=valid_hours),
    )
    session.add(invitation)
    session.flush()
    return invitation, token


def find_open_invitation(session: Session, token: str, now: datetime) -> Invitation:
    invitation = session.scalar(
        select(Invitation).where(Invitation.token_hash == _hash_token(token))
    )
    if invitation is None:
        raise InvitationError(
            "This invitation link is not valid. Check you copied the whole link from the email, "
            "or ask your contact at the council for a new one."
        )
    if invitation.accepted_at is not None:
        raise InvitationError(
            "This invitation link has already been used. Sign in with your email address and "
            "password, or ask your contact at the council for a new invitation."
        )
    if invitation.expires_at <= now:
        raise InvitationError(
            "This invitation link has expired. Ask your contact at the council to send a new one."
        )
    return invitation


def accept_invitation(session: Session, token: str, password: str, now: datetime) -> User:
    invitation = find_open_invitation(session, token, now)
    user = create_user(
        session,
        invitation.email,
        Role.SUPPLIER,
        password,
        name=invitation.name,
        supplier=invitation.supplier,
    )
    invitation.accepted_at = now
    session.flush()
    return user
