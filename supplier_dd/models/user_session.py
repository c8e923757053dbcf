from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from supplier_dd.extensions import db


class UserSession(db.Model):
    """One signed-in browser. The signed session cookie carries a random token; only its SHA-256
    is stored, so reading this table does not let anyone act as the people in it. A session
    counts only while `ended_at` is empty and it has not been idle too long."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    # Why it ended: signed_out, deactivated (and what later features add).
    ended_reason: Mapped[str | None] = mapped_column(String(40))
    ip_address: Mapped[str] = mapped_column(String(45), default="")
    user_agent: Mapped[str] = mapped_column(String(200), default="")

    user = relationship("User")
