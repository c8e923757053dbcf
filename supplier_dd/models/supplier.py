from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from supplier_dd.extensions import db
from supplier_dd.models.base import utcnow


class Supplier(db.Model):
    __tablename__ = "suppliers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300), index=True)
    # Lower-cased, punctuation and legal suffix stripped: used to match imports by name.
    normalised_name: Mapped[str] = mapped_column(String(300), index=True)
    companies_house_number: Mapped[str | None] = mapped_column(String(8), unique=True)
    country: Mapped[str] = mapped_column(String(2), default="GB", index=True)
    sector: Mapped[str | None] = mapped_column(String(120), index=True)
    turnover_band: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    contacts = relationship("User", back_populates="supplier", order_by="User.email")
    contracts = relationship("Contract", back_populates="supplier", order_by="Contract.reference")
