"""Notifications held for a person's daily digest instead of being mailed one by one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from supplier_dd.extensions import db
from supplier_dd.models.base import utcnow

DELIVERY_IMMEDIATE = "immediate"
DELIVERY_DAILY_DIGEST = "daily_digest"
DELIVERY_CHOICES = (DELIVERY_IMMEDIATE, DELIVERY_DAILY_DIGEST)


class DigestItem(db.Model):
    """One non-urgent notification waiting for its recipient's next digest. `dedupe_key` is
    the key its own email would have had, so an event noticed twice is held once."""

    __tablename__ = "digest_items"
    __table_args__ = (Index("ix_digest_items_user_waiting", "user_id", "digested_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(255), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(50))
    subject: Mapped[str] = mapped_column(String(300))
    link: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    digested_at: Mapped[datetime | None]
