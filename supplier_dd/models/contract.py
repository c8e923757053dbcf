from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Column, ForeignKey, Numeric, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from supplier_dd.extensions import db
from supplier_dd.models.council import CouncilOwned

tender_invitations = Table(
    "tender_invitations",
    db.metadata,
    Column("tender_id", ForeignKey("tenders.id", ondelete="CASCADE"), primary_key=True),
    Column("supplier_id", ForeignKey("suppliers.id", ondelete="CASCADE"), primary_key=True),
)


class Contract(CouncilOwned, db.Model):
    __tablename__ = "contracts"
    # A reference is the council's own: two councils may both have a contract "C-001".
    __table_args__ = (UniqueConstraint("council_id", "reference",
                                       name="uq_contracts_council_reference"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(500))
    category: Mapped[str | None] = mapped_column(String(200))
    cpv_code: Mapped[str | None] = mapped_column(String(20))
    value: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]
    supplier_id: Mapped[int | None] = mapped_column(
        ForeignKey("suppliers.id", ondelete="RESTRICT"), index=True
    )
    # PPN 02/23 industry from category and CPV (domain.ppn.ppn_category_for), set on import.
    ppn_industry: Mapped[str | None] = mapped_column(String(40), index=True)
    ppn_high_risk: Mapped[bool | None]

    supplier = relationship("Supplier", back_populates="contracts")


class Tender(CouncilOwned, db.Model):
    __tablename__ = "tenders"
    __table_args__ = (UniqueConstraint("council_id", "reference",
                                       name="uq_tenders_council_reference"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(500))
    category: Mapped[str | None] = mapped_column(String(200))
    value: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    closing_date: Mapped[date | None]
    # Created by officers (issue 15); tenders loaded from elsewhere may leave these empty.
    description: Mapped[str | None] = mapped_column(Text)
    cpv_code: Mapped[str | None] = mapped_column(String(20))
    # domain.tenders.PROCUREMENT_ROUTES and RISK_TIERS
    procurement_route: Mapped[str | None] = mapped_column(String(40))
    risk_tier: Mapped[str | None] = mapped_column(String(20))
    lot: Mapped[str | None] = mapped_column(String(200))
    # domain.tenders.TenderStatus: open, closed, awarded.
    status: Mapped[str] = mapped_column(String(20), default="open", server_default="open")
    closed_at: Mapped[datetime | None]
    awarded_at: Mapped[datetime | None]
    # The contract the award created, held by the winning bidder.
    contract_id: Mapped[int | None] = mapped_column(
        ForeignKey("contracts.id", ondelete="RESTRICT"), unique=True
    )

    invited_suppliers = relationship(
        "Supplier", secondary=tender_invitations, order_by="Supplier.name"
    )
    contract = relationship("Contract")
