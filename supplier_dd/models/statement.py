"""A council's Modern Slavery Transparency Statement for a financial year (issue 19), in
versions: each drafted, submitted for approval, approved (by whom, when, under which decision)
and published. An approved version never changes; a new version supersedes it.

The content (narratives and figures) is refused a change once approved, here, below every
route and service: `_approved_statements_never_change` runs on every flush.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from supplier_dd.extensions import db
from supplier_dd.models.base import utcnow
from supplier_dd.models.council import CouncilOwned

STATEMENT_DRAFT = "draft"
STATEMENT_SUBMITTED = "submitted"
STATEMENT_APPROVED = "approved"
STATEMENT_PUBLISHED = "published"
STATEMENT_SUPERSEDED = "superseded"
STATEMENT_STATUSES = (STATEMENT_DRAFT, STATEMENT_SUBMITTED, STATEMENT_APPROVED,
                      STATEMENT_PUBLISHED, STATEMENT_SUPERSEDED)
# What an approver approved: never changed once approved.
FROZEN_COLUMNS = ("narratives", "figures", "figures_as_of", "start_year", "version",
                  "checksum", "approved_on", "approver_name", "approver_role",
                  "decision_reference", "council_id", "pack_run_id")
# The PDF edition made at approval (services/statement_pdf.py). It needs what approval records
# (who, when, the checksum), so it is made just after the status becomes approved, in the same
# transaction: these columns may be filled once while NULL, never changed or emptied after.
PDF_COLUMNS = ("pdf_filename", "pdf_sha256", "pdf_unsigned_sha256", "pdf_signed")


class ApprovedStatementChanged(Exception):
    """Something tried to change an approved statement's content."""


class TransparencyStatement(CouncilOwned, db.Model):
    __tablename__ = "transparency_statements"
    __table_args__ = (
        UniqueConstraint("council_id", "start_year", "version"),
        CheckConstraint("status IN ('draft', 'submitted', 'approved', 'published', "
                        "'superseded')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The financial year it covers: 2026 is 1 April 2026 to 31 March 2027.
    start_year: Mapped[int] = mapped_column(index=True)
    version: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(String(20), default=STATEMENT_DRAFT)
    # The officers' paragraph for each of the six areas (reports/statement.AREAS).
    narratives: Mapped[dict] = mapped_column(JSON, default=dict)
    # reports/statement.StatementFigures.as_json(): the pack's figures for each area.
    figures: Mapped[dict] = mapped_column(JSON, default=dict)
    figures_as_of: Mapped[date]
    # SHA-256 of what was approved (reports/statement.checksum), set at approval.
    checksum: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    submitted_at: Mapped[datetime | None]
    submitted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # The approval as the council made it: e.g. the Leader's key decision or the Cabinet minute.
    approved_on: Mapped[date | None]
    approver_name: Mapped[str | None] = mapped_column(String(200))
    approver_role: Mapped[str | None] = mapped_column(String(200))
    decision_reference: Mapped[str | None] = mapped_column(String(200))
    approval_recorded_at: Mapped[datetime | None]
    approval_recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    published_at: Mapped[datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # The approved version this one replaces, for a new version of an approved statement.
    supersedes_id: Mapped[int | None] = mapped_column(
        ForeignKey("transparency_statements.id", ondelete="RESTRICT"), index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    # The Cabinet evidence pack run approved with it (chosen when the approval is recorded;
    # empty when the council approved the statement without a pack from this service).
    pack_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("cabinet_pack_runs.id", ondelete="RESTRICT"), index=True)
    # The PDF edition (PDF_COLUMNS): the stored file's name under <upload_dir>/statements, its
    # SHA-256, the SHA-256 of the PDF before signing (rebuilding the approved version gives the
    # same bytes), and whether the deployment's certificate signed it. active_history: the
    # guard below must see the value being replaced, even if it was never loaded.
    pdf_filename: Mapped[str | None] = mapped_column(String(100), active_history=True)
    pdf_sha256: Mapped[str | None] = mapped_column(String(64), active_history=True)
    pdf_unsigned_sha256: Mapped[str | None] = mapped_column(String(64), active_history=True)
    pdf_signed: Mapped[bool | None] = mapped_column(Boolean, active_history=True)

    created_by = relationship("User", foreign_keys=[created_by_id])
    submitted_by = relationship("User", foreign_keys=[submitted_by_id])
    approval_recorded_by = relationship("User", foreign_keys=[approval_recorded_by_id])
    published_by = relationship("User", foreign_keys=[published_by_id])
    supersedes = relationship("TransparencyStatement", remote_side=[id])
    pack_run = relationship("CabinetPackRun")

    @property
    def is_approved(self) -> bool:
        return self.status in (STATEMENT_APPROVED, STATEMENT_PUBLISHED, STATEMENT_SUPERSEDED)


@event.listens_for(Session, "before_flush")
def _approved_statements_never_change(session: Session, _context, _instances) -> None:
    for statement in session.dirty:
        if not isinstance(statement, TransparencyStatement):
            continue
        state = db.inspect(statement)
        was_approved = state.attrs.status.history.deleted or [statement.status]
        if was_approved[0] not in (STATEMENT_APPROVED, STATEMENT_PUBLISHED, STATEMENT_SUPERSEDED):
            continue
        changed = [name for name in FROZEN_COLUMNS if state.attrs[name].history.has_changes()]
        changed += [name for name in PDF_COLUMNS if _replaces_a_value(state.attrs[name].history)]
        if changed:
            raise ApprovedStatementChanged(
                f"An approved statement never changes (tried to change {', '.join(changed)}): "
                "make a new version instead")
    for statement in session.deleted:
        if isinstance(statement, TransparencyStatement) and statement.is_approved:
            raise ApprovedStatementChanged("An approved statement is never deleted")


def _replaces_a_value(history) -> bool:
    return history.has_changes() and any(old is not None for old in history.deleted)
