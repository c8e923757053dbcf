"""The invitation email: rendered, put in the outbox, then sent at once if the server takes it.

Shared by inviting a contact from the supplier's page, adding a new bidder to a tender and an
admin creating a council staff account (or resending any of these with a new link).
"""

from __future__ import annotations

from flask import current_app, url_for
from flask_login import current_user

from supplier_dd.extensions import db
from supplier_dd.infrastructure.mail import render_email, sender_for_app
from supplier_dd.jobs.delivery import deliver_by_key
from supplier_dd.models import Council, Invitation, Supplier
from supplier_dd.models.base import utcnow
from supplier_dd.services import outbox as outbox_service
from supplier_dd.web.staff_roles import role_label


def invitation_key(invitation: Invitation) -> str:
    """The outbox key of the invitation's latest email: each resend is a message of its own."""
    if invitation.send_count <= 1:
        return f"invitation:{invitation.id}"
    return f"invitation:{invitation.id}:send:{invitation.send_count}"


def _inviting_council_name(invitation: Invitation, service_name: str) -> str:
    """The council whose officer or admin sent the invitation: in a partnership a consortium
    admin invites a new council's first admin, and each council invites its own suppliers."""
    council = db.session.get(Council, invitation.council_id) if invitation.council_id else None
    return council.name if council is not None else service_name


def queue_invitation(invitation: Invitation, token: str, supplier: Supplier | None = None) -> str:
    """Put the invitation email in the outbox (in the caller's transaction); returns its key.
    A supplier contact's email names the organisation; a staff member's names the role."""
    settings = current_app.config["SUPPLIER_DD_SETTINGS"]
    supplier = supplier or invitation.supplier
    email = render_email(
        "invitation" if supplier is not None else "staff_invitation",
        name=invitation.name,
        supplier_name=supplier.name if supplier is not None else "",
        role=role_label(invitation.role),
        council_name=_inviting_council_name(invitation, settings.council_name),
        invited_by=current_user.name or current_user.email,
        link=settings.base_url + url_for("auth.accept", token=token),
        expires=f"{invitation.expires_at:%d %B %Y at %H:%M} UTC",
    )
    key = invitation_key(invitation)
    outbox_service.enqueue(
        db.session, dedupe_key=key, kind="invitation", recipient=invitation.email,
        subject=email.subject, text=email.text, html=email.html, now=utcnow(),
    )
    return key


def send_now(key: str, recipient: str) -> str:
    """After the commit: try the mail server now. Returns what to tell the officer."""
    if deliver_by_key(db.session, sender_for_app(), key, utcnow) == "sent":
        return f"Invitation sent to {recipient}"
    return (f"Invitation to {recipient} saved; the email server did not accept it yet, so it "
            "will be sent automatically when the server is available.")
