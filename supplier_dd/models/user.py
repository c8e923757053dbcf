from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from supplier_dd.extensions import db
from supplier_dd.models.base import utcnow


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        # A supplier contact belongs to exactly one organisation; council staff to none.
        CheckConstraint(
            "(role = 'supplier') = (supplier_id IS NOT NULL)", name="supplier_has_organisation"
        ),
        # Council staff work for exactly one council (issue 17); supplier contacts and
        # consortium admins for none.
        CheckConstraint(
            "(role IN ('officer', 'legal', 'safeguarding', 'admin')) = (council_id IS NOT NULL)",
            name="staff_have_council",
        ),
        # One account per person at a provider: the ID token's issuer and subject (issue 18).
        Index("ix_users_sso_account", "sso_issuer", "sso_subject", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), index=True)
    supplier_id: Mapped[int | None] = mapped_column(
        ForeignKey("suppliers.id", ondelete="RESTRICT"), index=True
    )
    council_id: Mapped[int | None] = mapped_column(
        ForeignKey("councils.id", ondelete="RESTRICT"), index=True
    )
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_sign_in_at: Mapped[datetime | None]
    # Consecutive failed sign-ins; reset by a successful one. Too many locks the account.
    failed_sign_ins: Mapped[int] = mapped_column(default=0, server_default="0")
    locked_until: Mapped[datetime | None]
    # Non-urgent notifications as they happen, or gathered in one email a day (issue 15).
    notification_delivery: Mapped[str] = mapped_column(
        String(20), default="immediate", server_default="immediate")
    # The authenticator app's shared key (base32), stored as is: no well-kept encryption library
    # is installed, and a key read from the database still needs the password (docs/security.md).
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    # Set once the person has confirmed a code: until then a key is only being set up.
    totp_enrolled_at: Mapped[datetime | None]
    # The last 30-second step a code was accepted for: a code at or before it is refused.
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    # Set for an account made or linked by the council's single sign-on (issue 18): the person
    # signs in at the provider, never with a password here.
    sso_issuer: Mapped[str | None] = mapped_column(String(500))
    sso_subject: Mapped[str | None] = mapped_column(String(255))

    supplier = relationship("Supplier", back_populates="contacts")
    council = relationship("Council")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts.
        return self.active


class RecoveryCode(db.Model):
    """A single-use code for signing in without the authenticator app; only its hash is kept."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None]
