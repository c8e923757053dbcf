"""A bidder taken off a tender before award: who, when, by whom and why (the tender page lists
them). The supplier leaves `tender_invitations`; its open tender request is withdrawn."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from supplier_dd.extensions import db
from supplier_dd.models.council import CouncilOwned


class RemovedBidder(CouncilOwned, db.Model):
    __tablename__ = "removed_bidders"

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id", ondelete="CASCADE"),
                                           index=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id", ondelete="CASCADE"))
    removed_at: Mapped[datetime]
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text, default="")
    # Whether an open declaration request was withdrawn (and the supplier told).
    request_withdrawn: Mapped[bool] = mapped_column(default=False)

    tender = relationship("Tender")
    supplier = relationship("Supplier")
    removed_by = relationship("User")
