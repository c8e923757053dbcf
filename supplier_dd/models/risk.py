"""Risk assessments, officers' review of them, queries, corrective actions, and the dashboard row.

`RiskAssessment` rows are history: a new score adds a row and marks the old one not current, so
every figure an officer once saw can be traced to its model version and breakdown.

`SupplierRiskSummary` is a denormalised copy, one row per supplier and council, of what the
dashboard sorts and filters on, with indexes, so the dashboard never scores or joins per row at
request time. models.tenancy creates it when a council first knows the supplier, a listener here
keeps the supplier's facts current; services refresh the risk columns.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    event,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from supplier_dd.extensions import db
from supplier_dd.models.base import utcnow
from supplier_dd.models.council import CouncilOwned
from supplier_dd.models.supplier import Supplier

REVIEW_TO_REVIEW = "to_review"
REVIEW_ACCEPTED = "accepted"
REVIEW_QUERIED = "queried"
REVIEW_REJECTED = "rejected"
REVIEW_STATUSES = (REVIEW_TO_REVIEW, REVIEW_ACCEPTED, REVIEW_QUERIED, REVIEW_REJECTED)

QUERY_OPEN = "open"
QUERY_ANSWERED = "answered"
QUERY_CLOSED = "closed"

ACTION_OPEN = "open"
ACTION_RESPONDED = "responded"
ACTION_SIGNED_OFF = "signed_off"
ACTION_STATUSES = (ACTION_OPEN, ACTION_RESPONDED, ACTION_SIGNED_OFF)

# Stored in the summary for suppliers never assessed, so the rank column can stay NOT NULL and
# indexed; they sort after Low.
NOT_ASSESSED_RANK = -1
# Stored in the summary for suppliers scored on inherent risk alone (no submitted declaration):
# "Awaiting declaration" is its own state, counted apart from the assessed bands (issue 16).
AWAITING_DECLARATION_RANK = -2
AWAITING_DECLARATION = "Awaiting declaration"


class RiskAssessment(CouncilOwned, db.Model):
    __tablename__ = "risk_assessments"
    __table_args__ = (
        Index(
            "uq_risk_assessments_one_current_per_supplier", "council_id", "supplier_id",
            unique=True,
            sqlite_where=text("is_current"), postgresql_where=text("is_current"),
        ),
        CheckConstraint(
            "review_status IN ('to_review', 'accepted', 'queried', 'rejected')",
            name="review_status_known",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(
        ForeignKey("suppliers.id", ondelete="CASCADE"), index=True
    )
    declaration_id: Mapped[int | None] = mapped_column(
        ForeignKey("declarations.id", ondelete="RESTRICT"), index=True
    )
    model_version: Mapped[str] = mapped_column(String(20))
    model_fingerprint: Mapped[str] = mapped_column(String(16))
    inherent_score: Mapped[int]
    inherent_band: Mapped[str] = mapped_column(String(10))
    maturity_percent: Mapped[float | None]
    residual_score: Mapped[int]
    residual_band: Mapped[str] = mapped_column(String(10))
    residual_rank: Mapped[int]
    excluded_pending_review: Mapped[bool] = mapped_column(default=False)
    red_flags: Mapped[list] = mapped_column(JSON, default=list)
    breakdown: Mapped[dict] = mapped_column(JSON, default=dict)
    # Why this row exists: declaration_submitted, recompute, profile_changed.
    reason: Mapped[str] = mapped_column(String(30))
    review_status: Mapped[str] = mapped_column(String(20), default=REVIEW_TO_REVIEW)
    is_current: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    superseded_at: Mapped[datetime | None]

    supplier = relationship("Supplier")
    declaration = relationship("Declaration")
    reviews = relationship(
        "AssessmentReview", back_populates="assessment", order_by="AssessmentReview.id"
    )

    @property
    def awaiting_declaration(self) -> bool:
        """Scored on inherent risk alone: no submitted declaration to assess (the stored band is
        the model's inherent-only figure, kept as scored; it is not shown as a rating)."""
        return self.declaration_id is None and not self.excluded_pending_review

    @property
    def rating(self) -> str:
        if self.excluded_pending_review:
            return "Excluded pending review"
        return AWAITING_DECLARATION if self.awaiting_declaration else self.residual_band


class AssessmentReview(CouncilOwned, db.Model):
    """An officer's decision on an assessment: accept, query or reject, with the reason."""

    __tablename__ = "assessment_reviews"
    __table_args__ = (
        CheckConstraint("decision IN ('accept', 'query', 'reject')", name="decision_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("risk_assessments.id", ondelete="CASCADE"), index=True
    )
    supplier_id: Mapped[int] = mapped_column(
        ForeignKey("suppliers.id", ondelete="CASCADE"), index=True
    )
    decision: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)

    assessment = relationship("RiskAssessment", back_populates="reviews")
    decided_by = relationship("User")
    queries = relationship("ReviewQuery", back_populates="review", order_by="ReviewQuery.id")


class ReviewQuery(CouncilOwned, db.Model):
    """One question sent back to the supplier with a comment, and the supplier's reply."""

    __tablename__ = "review_queries"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'answered', 'closed')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(
        ForeignKey("assessment_reviews.id", ondelete="CASCADE"), index=True
    )
    supplier_id: Mapped[int] = mapped_column(
        ForeignKey("suppliers.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[str] = mapped_column(String(64))
    # The question's wording when asked, so the query still reads right under a later version.
    question_text: Mapped[str] = mapped_column(Text)
    comment: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=QUERY_OPEN)
    response: Mapped[str | None] = mapped_column(Text)
    responded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    responded_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    closed_at: Mapped[datetime | None]

    review = relationship("AssessmentReview", back_populates="queries")
    responded_by = relationship("User", foreign_keys=[responded_by_id])
    closed_by = relationship("User", foreign_keys=[closed_by_id])


class CorrectiveAction(CouncilOwned, db.Model):
    """Something the supplier must put right, with an owner and a due date.

    open -> responded (the supplier says what it did and marks it done) -> signed_off (an officer
    accepts it), or back to open when the officer is not satisfied. Every step is an event.
    """

    __tablename__ = "corrective_actions"
    __table_args__ = (
        CheckConstraint(
            "status IN ('open', 'responded', 'signed_off')", name="status_known"
        ),
        Index("ix_corrective_actions_supplier_status", "supplier_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id", ondelete="CASCADE"))
    assessment_id: Mapped[int | None] = mapped_column(
        ForeignKey("risk_assessments.id", ondelete="SET NULL")
    )
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    # The named person at the supplier who answers for it.
    owner: Mapped[str] = mapped_column(String(200))
    due_date: Mapped[date]
    status: Mapped[str] = mapped_column(String(20), default=ACTION_OPEN)
    supplier_response: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    responded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    responded_at: Mapped[datetime | None]
    signed_off_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    signed_off_at: Mapped[datetime | None]

    created_by = relationship("User", foreign_keys=[created_by_id])
    responded_by = relationship("User", foreign_keys=[responded_by_id])
    signed_off_by = relationship("User", foreign_keys=[signed_off_by_id])
    events = relationship(
        "CorrectiveActionEvent", back_populates="action", order_by="CorrectiveActionEvent.id"
    )


class CorrectiveActionEvent(CouncilOwned, db.Model):
    __tablename__ = "corrective_action_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(
        ForeignKey("corrective_actions.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=utcnow)

    action = relationship("CorrectiveAction", back_populates="events")
    actor = relationship("User")


class SupplierRiskSummary(CouncilOwned, db.Model):
    __tablename__ = "supplier_risk_summaries"
    # Each index leads with the council: a council's dashboard is a range of its own rows.
    __table_args__ = (
        # The default order (knock-outs, then worst band, then highest score) and band filters.
        Index("ix_risk_summary_rank_score", "council_id", "residual_rank", "residual_score"),
        Index("ix_risk_summary_sector_rank", "council_id", "sector", "residual_rank",
              "residual_score"),
        Index("ix_risk_summary_country_rank", "council_id", "country", "residual_rank",
              "residual_score"),
        # Sector and country together (the count is then read from the index alone).
        Index("ix_risk_summary_sector_country_rank", "council_id", "sector", "country",
              "residual_rank", "residual_score"),
        Index("ix_risk_summary_review_rank", "council_id", "review_status", "residual_rank",
              "residual_score"),
        Index("ix_risk_summary_declaration_rank", "council_id", "latest_declaration_status",
              "residual_rank", "residual_score"),
        # The dashboard's sortable headers (with the tie-break, so each page is a range scan).
        Index("ix_risk_summary_residual_score", "council_id", "residual_score", "supplier_id"),
        Index("ix_risk_summary_inherent_score", "council_id", "inherent_score", "supplier_id"),
        Index("ix_risk_summary_maturity", "council_id", "maturity_percent", "supplier_id"),
        Index("ix_risk_summary_red_flags", "council_id", "red_flag_count", "supplier_id"),
        Index("ix_risk_summary_name", "council_id", "name", "supplier_id"),
        Index("ix_risk_summary_next_due", "council_id", "next_due_on", "supplier_id"),
    )

    # One row per supplier for each council that knows it (models.tenancy links them).
    council_id: Mapped[int] = mapped_column(
        ForeignKey("councils.id", ondelete="RESTRICT"), primary_key=True)
    supplier_id: Mapped[int] = mapped_column(
        ForeignKey("suppliers.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    name: Mapped[str] = mapped_column(String(300))
    # Lower-cased name for case-insensitive search without a function call per row.
    search_name: Mapped[str] = mapped_column(String(300))
    companies_house_number: Mapped[str | None] = mapped_column(String(8), index=True)
    sector: Mapped[str | None] = mapped_column(String(120))
    country: Mapped[str] = mapped_column(String(2))
    inherent_score: Mapped[int | None]
    inherent_band: Mapped[str | None] = mapped_column(String(10))
    maturity_percent: Mapped[float | None]
    residual_score: Mapped[int] = mapped_column(default=0)
    residual_band: Mapped[str | None] = mapped_column(String(10))
    residual_rank: Mapped[int] = mapped_column(default=NOT_ASSESSED_RANK)
    excluded_pending_review: Mapped[bool] = mapped_column(default=False)
    red_flag_count: Mapped[int] = mapped_column(default=0)
    review_status: Mapped[str | None] = mapped_column(String(20))
    assessment_id: Mapped[int | None] = mapped_column(
        ForeignKey("risk_assessments.id", ondelete="SET NULL")
    )
    assessed_at: Mapped[datetime | None]
    latest_declaration_status: Mapped[str | None] = mapped_column(String(20))
    latest_declaration_at: Mapped[datetime | None]
    # When the next declaration is due (re-attestation); overdue = before today.
    next_due_on: Mapped[date | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    supplier = relationship("Supplier")


def _supplier_facts(supplier: Supplier) -> dict:
    return {
        "name": supplier.name,
        "search_name": (supplier.name or "").lower(),
        "companies_house_number": supplier.companies_house_number,
        "sector": supplier.sector,
        "country": supplier.country or "GB",
    }


def create_summaries(connection, links: list[tuple[int, int]]) -> None:
    """The dashboard row of each newly linked (council, supplier), so every council's dashboard
    reads one table from the start. Called by models.tenancy when a link is made."""
    if not links:
        return
    suppliers = {row.id: row for row in connection.execute(
        select(Supplier.__table__).where(Supplier.__table__.c.id.in_(
            sorted({supplier_id for _, supplier_id in links}))))}
    connection.execute(insert(SupplierRiskSummary.__table__), [
        dict(council_id=council_id, supplier_id=supplier_id, residual_score=0,
             residual_rank=NOT_ASSESSED_RANK, excluded_pending_review=False, red_flag_count=0,
             updated_at=utcnow(), **_supplier_facts(suppliers[supplier_id]))
        for council_id, supplier_id in links
    ])


@event.listens_for(Supplier, "after_update")
def _copy_supplier_facts(_mapper, connection, supplier: Supplier) -> None:
    connection.execute(
        update(SupplierRiskSummary.__table__)
        .where(SupplierRiskSummary.__table__.c.supplier_id == supplier.id)
        .values(**_supplier_facts(supplier))
    )
