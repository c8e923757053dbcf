from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from supplier_dd.extensions import db
from supplier_dd.models.base import utcnow
from supplier_dd.models.council import CouncilOwned


class Invitation(CouncilOwned, db.Model):
    """A single-use link to set a password: for a supplier contact (with its organisation) or a
    member of council staff (with the role an admin chose). Only the token's hash is kept."""

    __tablename__ = "invitations"
    __table_args__ = (
        CheckConstraint(
            "(role = 'supplier') = (supplier_id IS NOT NULL)",
            name="supplier_invitation_has_organisation",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(20), default="supplier", server_default="supplier")
    supplier_id: Mapped[int | None] = mapped_column(
        ForeignKey("suppliers.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The latest email: resending issues a new token (the old link stops working) and a new
    # expiry, and counts the send so each one has its own outbox key.
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    send_count: Mapped[int] = mapped_column(default=1, server_default="1")
    expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]

    supplier = relationship("Supplier")
    invited_by = relationship("User")
