"""Exclusion decisions and the council's debarment list (issue 16).

A decision is never edited: a new one supersedes it, and the latest for a supplier is its
standing decision. Debarment entries come from a list the council imports; each check of a
supplier against the list is kept, matched or not, so the pack can count them.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from supplier_dd.extensions import db
from supplier_dd.models.base import utcnow
from supplier_dd.models.council import CouncilOwned


class ExclusionDecision(CouncilOwned, db.Model):
    __tablename__ = "exclusion_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(
        ForeignKey("suppliers.id", ondelete="RESTRICT"), index=True
    )
    # The declaration whose answers were screened (none when the supplier has not declared).
    declaration_id: Mapped[int | None] = mapped_column(
        ForeignKey("declarations.id", ondelete="SET NULL")
    )
    # domain.exclusions.OUTCOMES
    outcome: Mapped[str] = mapped_column(String(30))
    # The ground keys (domain.exclusions.GROUNDS) that stood when the decision was made.
    grounds: Mapped[list] = mapped_column(JSON, default=list)
    likely_to_recur: Mapped[bool]
    reasons: Mapped[str] = mapped_column(Text)
    decided_on: Mapped[date]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    supplier = relationship("Supplier")
    decided_by = relationship("User")


class DebarmentEntry(db.Model):
    __tablename__ = "debarment_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    normalised_name: Mapped[str] = mapped_column(String(300), index=True)
    company_number: Mapped[str | None] = mapped_column(String(8), index=True)
    # 6 (mandatory) or 7 (discretionary)
    schedule: Mapped[int]
    listed_on: Mapped[date | None]
    expires_on: Mapped[date | None]
    import_batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_batches.id", ondelete="SET NULL")
    )


class DebarmentCheck(CouncilOwned, db.Model):
    __tablename__ = "debarment_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(
        ForeignKey("suppliers.id", ondelete="CASCADE"), index=True
    )
    checked_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    matched: Mapped[bool] = mapped_column(default=False)
    entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("debarment_entries.id", ondelete="SET NULL")
    )
    # "import" (the list was imported) or "request" (a declaration was requested)
    context: Mapped[str] = mapped_column(String(20))

    entry = relationship("DebarmentEntry")
