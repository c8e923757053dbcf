"""What a consortium admin does (issue 17): create a council of the partnership with its first
admin, who is invited by email like any other member of staff and joins the new council."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from supplier_dd.database import hold_until_commit
from supplier_dd.domain.roles import Role
from supplier_dd.models import Council, Invitation, User
from supplier_dd.models.tenancy import ALL_COUNCILS
from supplier_dd.services import ServiceError, audit, councils, invitations
from supplier_dd.services.councils import CouncilError
from supplier_dd.services.users import normalise_email


@dataclass(frozen=True)
class NewCouncil:
    council: Council
    invitation: Invitation
    # The link's secret, for the email only (None: a double press, already sent).
    token: str | None


def create_council_with_admin(
    session: Session, *, name: str, short_name: str | None, header_text: str | None,
    statement_url: str | None, admin_name: str, admin_email: str, invited_by: User,
    actor: audit.Actor, now: datetime, valid_hours: int,
) -> NewCouncil:
    """The council, audited, and an invitation for its first admin carrying the new council's
    id, so whoever accepts it works for that council and no other. Raises CouncilError naming
    the field at fault; the caller rolls back, so a refused admin leaves no council behind.

    The same consortium admin sending the same form again at once (a double click) gets the
    council and invitation the first press made, with no token: nothing new to send."""
    # Locking the consortium admin's row makes their second copy wait for the first's commit.
    hold_until_commit(session, User.id, User.id == invited_by.id)
    repeated = _same_press_again(session, name, admin_email, invited_by, now)
    if repeated is not None:
        return repeated
    council = councils.create_council(session, name, now, actor, short_name=short_name or None,
                                      header_text=header_text or None,
                                      statement_url=statement_url or None)
    try:
        invitation, token = invitations.create_staff_invitation(
            session, admin_email, admin_name, Role.ADMIN.value, invited_by, now, valid_hours,
            council_id=council.id)
    except ServiceError as error:
        raise CouncilError(str(error), "admin_email") from None
    audit.record(session, "invitation.created", actor, now, object_type="invitation",
                 object_id=invitation.id, council_id=council.id,
                 after={"email": invitation.email, "name": invitation.name,
                        "role": invitation.role, "expires_at": invitation.expires_at,
                        "council_id": council.id})
    return NewCouncil(council, invitation, token)


def _same_press_again(session: Session, name: str, admin_email: str, invited_by: User,
                      now: datetime) -> NewCouncil | None:
    wanted = " ".join((name or "").split()).lower()
    council = next((council for council in councils.all_councils(session)
                    if council.name.lower() == wanted), None)
    if council is None:
        return None
    try:
        email = normalise_email(admin_email)
    except ServiceError:
        return None
    invitation = session.scalar(
        select(Invitation).where(
            Invitation.council_id == council.id, func.lower(Invitation.email) == email,
            Invitation.invited_by_id == invited_by.id, Invitation.accepted_at.is_(None),
            Invitation.withdrawn_at.is_(None))
        .execution_options(populate_existing=True, **{ALL_COUNCILS: True}))
    if invitation is None or now - invitation.created_at >= invitations.REPEAT_WINDOW:
        return None
    return NewCouncil(council, invitation, None)
