"""Declaration requests, supplier declarations and their evidence files.

A submitted declaration is a record the council relies on: the rows are guarded against change by
a before_flush listener here and by database triggers (migration 0002), so neither a bug in a view
nor a hand-written UPDATE can alter one.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    event,
    inspect,
    text,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from supplier_dd.extensions import db
from supplier_dd.models.base import utcnow
from supplier_dd.models.council import CouncilOwned

REQUEST_KINDS = ("tender", "contract", "annual")
STATUS_DRAFT = "draft"
STATUS_SUBMITTED = "submitted"
STATUS_SUPERSEDED = "superseded"
# Signed and submitted, whether or not a later version has replaced it.
ANSWERED_STATUSES = (STATUS_SUBMITTED, STATUS_SUPERSEDED)


class DeclarationRequest(CouncilOwned, db.Model):
    """The council asking a supplier for a declaration: for a tender, a contract, or annually."""

    __tablename__ = "declaration_requests"
    __table_args__ = (
        CheckConstraint("kind IN ('tender', 'contract', 'annual')", name="kind_known"),
        # "annual:2026:supplier:7" is asked once by each council.
        UniqueConstraint("council_id", "natural_key",
                         name="uq_declaration_requests_council_natural_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # e.g. "tender:12:supplier:7" or "annual:2026:supplier:7": asking twice cannot duplicate.
    natural_key: Mapped[str] = mapped_column(String(120))
    supplier_id: Mapped[int] = mapped_column(
        ForeignKey("suppliers.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    tender_id: Mapped[int | None] = mapped_column(ForeignKey("tenders.id", ondelete="SET NULL"))
    contract_id: Mapped[int | None] = mapped_column(
        ForeignKey("contracts.id", ondelete="SET NULL")
    )
    due_date: Mapped[date]
    questionnaire_id: Mapped[str] = mapped_column(String(50), default="modern_slavery")
    note: Mapped[str] = mapped_column(Text, default="")
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when the council no longer wants the answer (a bidder removed from its tender).
    withdrawn_at: Mapped[datetime | None]

    supplier = relationship("Supplier")
    tender = relationship("Tender")
    contract = relationship("Contract")
    requested_by = relationship("User")
    declarations = relationship(
        "Declaration", back_populates="request", order_by="Declaration.id"
    )
    # Answered by a declaration made for another of the supplier's requests (models.shared_answer).
    shared_answer = relationship("SharedAnswer", back_populates="request", uselist=False)


class Declaration(db.Model):
    __tablename__ = "declarations"
    __table_args__ = (
        CheckConstraint(
            "status IN ('draft', 'submitted', 'superseded')", name="status_known"
        ),
        CheckConstraint(
            "status = 'draft' OR (answers_sha256 IS NOT NULL AND canonical_answers IS NOT NULL "
            "AND submitted_at IS NOT NULL AND signatory_name IS NOT NULL)",
            name="submitted_is_complete",
        ),
        # One open draft per request (migration 0013): concurrent "make a new version" or
        # "start" clicks cannot leave the supplier two drafts for one request.
        Index("uq_declarations_one_draft_per_request", "request_id", unique=True,
              sqlite_where=text("status = 'draft'"), postgresql_where=text("status = 'draft'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(
        ForeignKey("suppliers.id", ondelete="RESTRICT"), index=True
    )
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("declaration_requests.id", ondelete="SET NULL"), index=True
    )
    questionnaire_id: Mapped[str] = mapped_column(String(50))
    questionnaire_version: Mapped[int]
    # The proportionate form level asked (domain.form_level), kept at submission so re-scoring
    # counts the same questions whatever later happens to the tender's tier. NULL: the whole
    # questionnaire (v1, and drafts, whose level follows their answers).
    form_level: Mapped[str | None] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(20), default=STATUS_DRAFT)
    # The working copy while a draft; kept as it was at submission afterwards.
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    # Questions copied from an earlier declaration that the supplier has not yet looked at again.
    review_question_ids: Mapped[list] = mapped_column(JSON, default=list)
    prefilled_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("declarations.id", ondelete="SET NULL")
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    canonical_answers: Mapped[str | None] = mapped_column(Text)
    answers_sha256: Mapped[str | None] = mapped_column(String(64))
    signatory_name: Mapped[str | None] = mapped_column(String(200))
    signatory_role: Mapped[str | None] = mapped_column(String(200))
    submitted_at: Mapped[datetime | None]
    submitted_ip: Mapped[str | None] = mapped_column(String(45))
    submitted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    supersedes_id: Mapped[int | None] = mapped_column(
        ForeignKey("declarations.id", ondelete="RESTRICT"), unique=True
    )
    superseded_at: Mapped[datetime | None]

    supplier = relationship("Supplier")
    request = relationship("DeclarationRequest", back_populates="declarations")
    created_by = relationship("User", foreign_keys=[created_by_id])
    submitted_by = relationship("User", foreign_keys=[submitted_by_id])
    supersedes = relationship("Declaration", remote_side=[id], foreign_keys=[supersedes_id])
    prefilled_from = relationship(
        "Declaration", remote_side=[id], foreign_keys=[prefilled_from_id]
    )
    evidence = relationship(
        "EvidenceFile", back_populates="declaration", order_by="EvidenceFile.id"
    )

    @property
    def is_draft(self) -> bool:
        return self.status == STATUS_DRAFT


class EvidenceFile(db.Model):
    """An uploaded file, stored outside static/ under a random name; never served inline."""

    __tablename__ = "evidence_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(
        ForeignKey("declarations.id", ondelete="RESTRICT"), index=True
    )
    question_id: Mapped[str] = mapped_column(String(64))
    original_filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    declaration = relationship("Declaration", back_populates="evidence")
    uploaded_by = relationship("User")


class ImmutableRecordError(RuntimeError):
    """Something tried to change a submitted declaration or its evidence."""


# Moving a submitted declaration to superseded is the one change allowed after submission.
_SUPERSEDE_FIELDS = frozenset({"status", "superseded_at"})


def _declaration_was_submitted(declaration: Declaration) -> bool:
    history = inspect(declaration).attrs.status.history
    before = history.deleted[0] if history.deleted else declaration.status
    return before != STATUS_DRAFT


def _changed_fields(instance) -> set[str]:
    state = inspect(instance)
    return {attr.key for attr in state.attrs if attr.history.has_changes()}


@event.listens_for(Session, "before_flush")
def _guard_submitted_declarations(session: Session, _context, _instances) -> None:
    for instance in session.dirty:
        if isinstance(instance, Declaration) and session.is_modified(instance):
            if not _declaration_was_submitted(instance):
                continue
            changed = _changed_fields(instance) - {"evidence", "request", "supplier"}
            status_history = inspect(instance).attrs.status.history
            superseding = (
                status_history.deleted == [STATUS_SUBMITTED]
                and instance.status == STATUS_SUPERSEDED
            )
            if changed and not (superseding and changed <= _SUPERSEDE_FIELDS):
                raise ImmutableRecordError(
                    f"Declaration {instance.id} was submitted and cannot be changed "
                    f"(attempted: {', '.join(sorted(changed))})"
                )
        if isinstance(instance, EvidenceFile) and session.is_modified(instance):
            raise ImmutableRecordError("Evidence files cannot be changed once uploaded")
    for instance in session.deleted:
        if isinstance(instance, Declaration) and _declaration_was_submitted(instance):
            raise ImmutableRecordError(f"Declaration {instance.id} was submitted; it is kept")
        if isinstance(instance, EvidenceFile) and instance.declaration is not None and (
            _declaration_was_submitted(instance.declaration)
        ):
            raise ImmutableRecordError("Evidence of a submitted declaration is kept")
    for instance in session.new:
        if isinstance(instance, EvidenceFile) and instance.declaration is not None and (
            instance.declaration.status != STATUS_DRAFT
        ):
            raise ImmutableRecordError("Evidence cannot be added to a submitted declaration")


def submitted_answers(declaration: Declaration) -> dict[str, Any]:
    """The signed answers of a submitted declaration (the working copy for a draft)."""
    if declaration.canonical_answers:
        return json.loads(declaration.canonical_answers)["answers"]
    return dict(declaration.answers or {})
