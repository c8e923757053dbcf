"""An officer's check that evidence backs one answer of a submitted declaration (issue 16).

An answer is self-attested until a verification backs it: a document the supplier uploaded for
that answer, checked and accepted; an independent audit or certification (scheme, body, date);
or a current statement matched on the Home Office registry. Verifications are added and
withdrawn, never edited, so the history of what backed a rating stays readable; a declaration
itself never changes (attestations are immutable), so this lives beside it.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from supplier_dd.extensions import db
from supplier_dd.models.base import utcnow
from supplier_dd.models.council import CouncilOwned

KIND_DOCUMENT = "document"
KIND_CERTIFICATION = "certification"
KIND_REGISTRY = "registry"
VERIFICATION_KINDS = (KIND_DOCUMENT, KIND_CERTIFICATION, KIND_REGISTRY)


class AnswerVerification(CouncilOwned, db.Model):
    __tablename__ = "answer_verifications"
    __table_args__ = (
        # One standing verification of each kind per answer; a withdrawn one may be replaced.
        Index("uq_answer_verifications_active", "council_id", "declaration_id", "question_id",
              "kind", unique=True, sqlite_where=text("withdrawn_at IS NULL"),
              postgresql_where=text("withdrawn_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(
        ForeignKey("declarations.id", ondelete="RESTRICT"), index=True
    )
    question_id: Mapped[str] = mapped_column(String(64))
    # VERIFICATION_KINDS
    kind: Mapped[str] = mapped_column(String(20))
    # The uploaded file that was checked (KIND_DOCUMENT).
    evidence_file_id: Mapped[int | None] = mapped_column(
        ForeignKey("evidence_files.id", ondelete="RESTRICT")
    )
    # An independent audit or certification (KIND_CERTIFICATION): SMETA, SA8000, Stronger
    # Together or similar, who issued it, when, and until when it holds.
    scheme: Mapped[str | None] = mapped_column(String(200))
    certifying_body: Mapped[str | None] = mapped_column(String(200))
    certified_on: Mapped[date | None]
    expires_on: Mapped[date | None]
    # The registry statement matched (KIND_REGISTRY).
    registry_statement_id: Mapped[int | None] = mapped_column(
        ForeignKey("registry_statements.id", ondelete="RESTRICT")
    )
    note: Mapped[str | None] = mapped_column(Text)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    verified_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[datetime | None]
    withdrawn_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)

    declaration = relationship("Declaration")
    evidence_file = relationship("EvidenceFile")
    verified_by = relationship("User", foreign_keys=[verified_by_id])
    withdrawn_by = relationship("User", foreign_keys=[withdrawn_by_id])

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None
