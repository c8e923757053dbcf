"""What a consortium admin does (issue 17): create a council of the partnership with its first
admin, who is invited by email like any other member of staff and joins the new council."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from supplier_dd.domain.roles import Role
from supplier_dd.models import Council, Invitation, User
from supplier_dd.services import ServiceError, audit, councils, invitations
from supplier_dd.services.councils import CouncilError


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
    the field at fault; the caller rolls back, so a refused admin leaves no council behind."""
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
