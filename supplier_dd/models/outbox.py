from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from supplier_dd.extensions import db
from supplier_dd.models.base import utcnow


class OutboxMessage(db.Model):
    """An email decided on and waiting to be (or already) delivered.

    `dedupe_key` is unique, so deciding to send the same message twice cannot create a second row.

    Status: pending -> (claimed by a sender) -> sending (committed just before SMTP DATA) -> sent,
    or back to pending with backoff, or failed. A row left in `sending` by a crashed sender is
    the one case where the mail server may or may not have the message: see
    services.outbox.reconcile_interrupted and docs/operations.md.
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(255), unique=True)
    kind: Mapped[str] = mapped_column(String(50))
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_until: Mapped[datetime | None]
    # Which sender holds the lease: a sender whose lease expired must not record its result.
    claim_token: Mapped[str | None] = mapped_column(String(36))
    # Deliveries cut off between DATA and recording the result (the mail server may have a copy).
    interrupted_deliveries: Mapped[int] = mapped_column(default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    # Whose admins see and retry it (issue 17): the council that sent it; None for the
    # deployment's own mail (and mail about a supplier's action no one council asked for).
    council_id: Mapped[int | None] = mapped_column(
        ForeignKey("councils.id", ondelete="RESTRICT"), index=True)
