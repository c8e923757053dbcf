"""The supplier's responses to its recommendations, and files it sends as evidence.

A response belongs to one accepted declaration and one recommendation (its key from
`domain.recommendations`, with the recommendations file's version and the title as the
supplier saw it, so the record still reads right under a later version). An officer can turn a
response into a corrective action; the action then carries the follow-up.

`SupplierEvidenceFile` holds files for an "already done" response or a corrective action (one
of the two, never both), checked by content and stored like declaration evidence.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from supplier_dd.extensions import db
from supplier_dd.models.base import utcnow
from supplier_dd.models.council import CouncilOwned

RESPONSE_WILL_DO = "will_do"
RESPONSE_DONE = "done"
RESPONSE_NOT_APPLICABLE = "not_applicable"
RESPONSE_KINDS = (RESPONSE_WILL_DO, RESPONSE_DONE, RESPONSE_NOT_APPLICABLE)


class RecommendationResponse(CouncilOwned, db.Model):
    __tablename__ = "recommendation_responses"
    __table_args__ = (
        UniqueConstraint("council_id", "declaration_id", "recommendation_key",
                         name="uq_recommendation_responses_declaration_key"),
        CheckConstraint("kind IN ('will_do', 'done', 'not_applicable')", name="kind_known"),
        CheckConstraint("kind != 'will_do' OR due_date IS NOT NULL", name="will_do_has_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(
        ForeignKey("suppliers.id", ondelete="CASCADE"), index=True
    )
    declaration_id: Mapped[int] = mapped_column(
        ForeignKey("declarations.id", ondelete="RESTRICT"), index=True
    )
    recommendation_key: Mapped[str] = mapped_column(String(120))
    recommendations_version: Mapped[int]
    recommendation_title: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20))
    due_date: Mapped[date | None]
    note: Mapped[str] = mapped_column(Text, default="")
    responded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    responded_at: Mapped[datetime] = mapped_column(default=utcnow)
    corrective_action_id: Mapped[int | None] = mapped_column(
        ForeignKey("corrective_actions.id", ondelete="SET NULL")
    )

    responded_by = relationship("User")
    corrective_action = relationship("CorrectiveAction")
    evidence = relationship(
        "SupplierEvidenceFile", back_populates="response",
        order_by="SupplierEvidenceFile.id",
    )


class SupplierEvidenceFile(CouncilOwned, db.Model):
    """A file the supplier sent for a response or a corrective action; never served inline."""

    __tablename__ = "supplier_evidence_files"
    __table_args__ = (
        CheckConstraint(
            "(response_id IS NULL) != (corrective_action_id IS NULL)", name="one_owner"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(
        ForeignKey("suppliers.id", ondelete="CASCADE"), index=True
    )
    response_id: Mapped[int | None] = mapped_column(
        ForeignKey("recommendation_responses.id", ondelete="CASCADE"), index=True
    )
    corrective_action_id: Mapped[int | None] = mapped_column(
        ForeignKey("corrective_actions.id", ondelete="CASCADE"), index=True
    )
    original_filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    response = relationship("RecommendationResponse", back_populates="evidence")
    corrective_action = relationship("CorrectiveAction")
    uploaded_by = relationship("User")
