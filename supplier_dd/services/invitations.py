"""Single-use, expiring links with which a supplier contact or a member of council staff sets a
password. Admins see the ones still open, send a new link or withdraw one."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from supplier_dd.database import hold_until_commit
from supplier_dd.domain.roles import COUNCIL_STAFF_ROLES, parse_role
from supplier_dd.models import Invitation, Supplier, User
from supplier_dd.services import ServiceError, audit
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
        sent_at=now,
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
    if invitation.withdrawn_at is not None:
        raise InvitationError(
            "This invitation has been withdrawn. Ask your contact at the council if you still "
            "need an account."
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
    # Nobody is signed in here, so the session acts for no council: a staff member joins the
    # council that invited them, which in a partnership is not a default one can guess.
    user = create_user(
        session,
        invitation.email,
        invitation.role,
        password,
        name=invitation.name,
        supplier=invitation.supplier,
        council_id=invitation.council_id,
    )
    invitation.accepted_at = now
    session.flush()
    return user


# --- Council staff, invited by an admin (issue 21) --------------------------------------------

def _open():
    """Invitations nobody has used or withdrawn, expired or not (an expired one is resent)."""
    return [Invitation.accepted_at.is_(None), Invitation.withdrawn_at.is_(None)]


# A second copy of the same "Create account" press arrives within moments of the first.
REPEAT_WINDOW = timedelta(minutes=2)


def create_staff_invitation(
    session: Session,
    email: str,
    name: str,
    role: str,
    invited_by: User,
    now: datetime,
    valid_hours: int,
    *,
    council_id: int | None = None,
) -> tuple[Invitation, str | None]:
    """An invitation for a council staff account with `role`. Refused when the address already
    has an account or an open invitation, so one person never ends up with two links. The same
    admin sending the same form again at once (a double click) gets the first invitation back
    with no token: nothing new to send. `council_id` is the council the person will work for:
    a consortium admin names the new council; a council's admin leaves it to the council the
    session acts for."""
    try:
        staff_role = parse_role(role)
    except ValueError as error:
        raise ServiceError(str(error)) from None
    if staff_role not in COUNCIL_STAFF_ROLES:
        raise ServiceError("Choose a council staff role")
    email = normalise_email(email)
    # Locking the inviting admin's row makes their second copy wait for the first one's commit.
    hold_until_commit(session, User.id, User.id == invited_by.id)
    if find_by_email(session, email) is not None:
        raise ServiceError(f"{email} already has an account. Find it in the list of users to "
                           "change its role.")
    waiting = session.scalar(
        select(Invitation).where(func.lower(Invitation.email) == email, *_open())
        .execution_options(populate_existing=True)
    )
    if waiting is not None:
        if (waiting.invited_by_id == invited_by.id and waiting.role == staff_role.value
                and waiting.name == name.strip() and now - waiting.created_at < REPEAT_WINDOW):
            return waiting, None
        raise ServiceError(f"An invitation to {email} is already waiting. Resend it from the "
                           "list of invitations if it did not arrive.")
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        email=email, name=name.strip(), role=staff_role.value, supplier=None,
        council_id=council_id, token_hash=_hash_token(token), invited_by=invited_by,
        created_at=now, sent_at=now, expires_at=now + timedelta(hours=valid_hours),
    )
    session.add(invitation)
    session.flush()
    return invitation, token


def pending_invitations(session: Session) -> list[Invitation]:
    """Every invitation not yet used or withdrawn, expired ones included (they can be resent),
    the most recently sent first."""
    return list(session.scalars(
        select(Invitation).where(*_open())
        .options(selectinload(Invitation.supplier), selectinload(Invitation.invited_by))
        .order_by(Invitation.sent_at.desc(), Invitation.id.desc())
    ))


def _locked_invitation(session: Session, invitation_id: int) -> Invitation:
    # The lock makes a second copy of the same press wait for the first and then see its
    # result, so a double click resends (or withdraws) once.
    hold_until_commit(session, Invitation.id, Invitation.id == invitation_id)
    invitation = session.get(Invitation, invitation_id, populate_existing=True)
    if invitation is None:
        raise ServiceError("That invitation no longer exists.")
    if invitation.accepted_at is not None:
        raise ServiceError(f"{invitation.email} has already accepted the invitation and can "
                           "sign in.")
    return invitation


def _sending(invitation: Invitation) -> dict:
    return {"sent_at": invitation.sent_at, "expires_at": invitation.expires_at,
            "send_count": invitation.send_count}


def resend_invitation(
    session: Session, invitation_id: int, seen_send_count: int, *, actor, now: datetime,
    valid_hours: int,
) -> tuple[Invitation, str | None]:
    """A new link (the old one stops working) and a new expiry, audited. `seen_send_count` is
    the count the admin's page showed: if it has moved on, this press was already answered (a
    double submit) and nothing is sent again; the token is then None."""
    invitation = _locked_invitation(session, invitation_id)
    if invitation.withdrawn_at is not None:
        raise ServiceError(f"The invitation to {invitation.email} was withdrawn, so it cannot "
                           "be sent again. Create the account again to invite them.")
    if invitation.send_count != seen_send_count:
        return invitation, None
    before = _sending(invitation)
    token = secrets.token_urlsafe(32)
    invitation.token_hash = _hash_token(token)
    invitation.sent_at = now
    invitation.expires_at = now + timedelta(hours=valid_hours)
    invitation.send_count += 1
    session.flush()
    audit.record(session, "invitation.resent", actor, now, object_type="invitation",
                 object_id=invitation.id, before=before, after=_sending(invitation),
                 details={"email": invitation.email})
    return invitation, token


def withdraw_invitation(
    session: Session, invitation_id: int, *, actor, now: datetime
) -> Invitation:
    """The link stops working for good and the invitation leaves the list, audited. A second
    copy of the same press finds it withdrawn and changes nothing."""
    invitation = _locked_invitation(session, invitation_id)
    if invitation.withdrawn_at is not None:
        return invitation
    invitation.withdrawn_at = now
    session.flush()
    audit.record(session, "invitation.withdrawn", actor, now, object_type="invitation",
                 object_id=invitation.id, before={"withdrawn_at": None},
                 after={"withdrawn_at": now}, details={"email": invitation.email})
    return invitation
