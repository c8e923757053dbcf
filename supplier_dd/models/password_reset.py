from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from supplier_dd.extensions import db


class PasswordResetToken(db.Model):
    """A single-use, expiring link to set a new password ('Forgotten your password?'). Only the
    token's SHA-256 is kept, so reading this table does not let anyone reset a password."""

    __tablename__ = "password_reset_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    # Set when the link sets a password, or when a newer link or another reset replaces it.
    used_at: Mapped[datetime | None]

    user = relationship("User")
