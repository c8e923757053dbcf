"""Records the admin pages show: an email in the outbox, an invitation waiting."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from supplier_dd.models import Invitation, OutboxMessage
from supplier_dd.models.base import utcnow
from supplier_dd.services.outbox import enqueue

# What an invitation email carries: a link with a token that lets its reader set the password.
TOKEN = "Xq3v9JpLm2RtY7wZa1bC4dE5fG6hI8jK0lMnOpQrStU"


def add_outbox_message(session, key: str = "matrix:invitation") -> int:
    """An invitation-like email with text and HTML parts, both holding a sign-in link."""
    link = f"http://127.0.0.1:5000/invitation/{TOKEN}"
    enqueue(session, dedupe_key=key, kind="invitation", recipient="new.person@council.example",
            subject="Set up your account",
            text=f"Hello,\n\nSet your password using this link:\n\n{link}\n",
            html=(f'<!DOCTYPE html><html lang="en"><body style="font-family: arial">'
                  f'<p>Hello,</p><p><a href="{link}">Set your password</a></p></body></html>'),
            now=utcnow())
    session.flush()
    return session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == key))


def add_staff_invitation(session, email: str = "waiting.person@council.example",
                         role: str = "officer", expired: bool = False) -> Invitation:
    now = utcnow()
    invitation = Invitation(
        email=email, name="Waiting Person", role=role, token_hash=email.ljust(64, "0")[:64],
        created_at=now - timedelta(days=1), sent_at=now - timedelta(days=1),
        expires_at=now + (timedelta(days=-1) if expired else timedelta(days=6)),
    )
    session.add(invitation)
    session.flush()
    return invitation
