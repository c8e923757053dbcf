from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from supplier_dd.extensions import db


class AuditEntry(db.Model):
    """Append-only. Each row's entry_hash chains to the previous row, and entry_mac is the HMAC
    of entry_hash under the audit key held outside the database (domain/audit_chain.py); rows
    written before the key existed have none."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    sequence: Mapped[int] = mapped_column(BigInteger().with_variant(db.Integer, "sqlite"),
                                          unique=True)
    occurred_at: Mapped[datetime] = mapped_column(index=True)
    actor_id: Mapped[int | None] = mapped_column(index=True)
    actor_email: Mapped[str | None] = mapped_column(String(254))
    actor_role: Mapped[str | None] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(80), index=True)
    object_type: Mapped[str | None] = mapped_column(String(60))
    object_id: Mapped[str | None] = mapped_column(String(60))
    ip_address: Mapped[str | None] = mapped_column(String(45))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    details: Mapped[dict | None] = mapped_column(JSON)
    previous_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))
    entry_mac: Mapped[str | None] = mapped_column(String(64))
    # The council whose audit view shows the entry (issue 17); None: the whole deployment's.
    # Not part of the hashed content, so entries written before councils existed still verify.
    council_id: Mapped[int | None] = mapped_column(
        ForeignKey("councils.id", ondelete="RESTRICT"), index=True)


class AuditChainHead(db.Model):
    """One row. Updating it first serialises writers, so the chain never forks."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_sequence: Mapped[int] = mapped_column(BigInteger().with_variant(db.Integer, "sqlite"))
    last_hash: Mapped[str] = mapped_column(String(64))
