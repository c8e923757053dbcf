"""Bulk request campaigns (issue 15): a rule an officer confirmed, and the frozen list of the
suppliers it matched, each asked by the scheduler in batches.

Exactly once: a campaign's `confirm_key` is unique (the same confirmation sent twice finds the
first campaign), a supplier is on a campaign's list once, and each request a campaign makes has
its own natural key and outbox keys.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from supplier_dd.extensions import db
from supplier_dd.models.base import utcnow
from supplier_dd.models.council import CouncilOwned


class BulkCampaign(CouncilOwned, db.Model):
    __tablename__ = "bulk_campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    # domain.bulk_requests.Confirmation.key: who, the rule, its parameters, the due date and
    # the list the officer saw.
    confirm_key: Mapped[str] = mapped_column(String(64), unique=True)
    rule: Mapped[str] = mapped_column(String(40))
    parameters: Mapped[dict] = mapped_column(JSON, default=dict)
    description: Mapped[str] = mapped_column(String(500))
    due_date: Mapped[date]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Kept as it was, so the campaign still says who started it after that account goes.
    created_by_name: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when the last supplier on the list has been dealt with.
    finished_at: Mapped[datetime | None]

    created_by = relationship("User")
    suppliers = relationship("BulkCampaignSupplier", back_populates="campaign",
                             order_by="BulkCampaignSupplier.supplier_name")


class BulkCampaignSupplier(CouncilOwned, db.Model):
    __tablename__ = "bulk_campaign_suppliers"
    __table_args__ = (
        UniqueConstraint("campaign_id", "supplier_id"),
        CheckConstraint("outcome IN ('waiting', 'queued', 'skipped', 'no_contact')",
                        name="outcome_known"),
        # The scheduler's batch: the oldest campaign's waiting suppliers first.
        Index("ix_bulk_campaign_suppliers_outcome", "outcome", "campaign_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("bulk_campaigns.id", ondelete="CASCADE"))
    supplier_id: Mapped[int] = mapped_column(
        ForeignKey("suppliers.id", ondelete="CASCADE"), index=True)
    supplier_name: Mapped[str] = mapped_column(String(300))
    outcome: Mapped[str] = mapped_column(String(20), default="waiting")
    # The open request a skipped supplier already had.
    open_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("declaration_requests.id", ondelete="SET NULL"))
    # The request this campaign made (one per supplier: the column is unique).
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("declaration_requests.id", ondelete="SET NULL"), unique=True)
    emails_queued: Mapped[int] = mapped_column(default=0)
    processed_at: Mapped[datetime | None]

    campaign = relationship("BulkCampaign", back_populates="suppliers")
    supplier = relationship("Supplier")
    request = relationship("DeclarationRequest", foreign_keys=[request_id])
    open_request = relationship("DeclarationRequest", foreign_keys=[open_request_id])
