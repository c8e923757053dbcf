"""The council's own programme records: action plans, training, referrals, Charter evidence."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from supplier_dd.extensions import db
from supplier_dd.models.base import utcnow
from supplier_dd.models.council import CouncilOwned


class ActionPlan(CouncilOwned, db.Model):
    __tablename__ = "action_plans"
    __table_args__ = (
        # At most one plan is the council's current one; with none marked, the latest imported
        # is current (services.action_plans.current_plan).
        Index("uq_action_plans_one_current", "council_id", unique=True,
              sqlite_where=text("is_current"), postgresql_where=text("is_current")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    source_filename: Mapped[str | None] = mapped_column(String(300))
    # Header facts from the source (owner, duration, board) as written.
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    # The importer's notes: what was kept only as text, what was repaired.
    import_notes: Mapped[list] = mapped_column(JSON, default=list)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Marked by an officer or legal: the plan the Cabinet pack reports unless another is chosen.
    is_current: Mapped[bool] = mapped_column(default=False, server_default=false())

    priorities = relationship(
        "ActionPlanPriority", back_populates="plan", order_by="ActionPlanPriority.position",
        cascade="all, delete-orphan",
    )
    imported_by = relationship("User")


class ActionPlanPriority(CouncilOwned, db.Model):
    __tablename__ = "action_plan_priorities"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("action_plans.id", ondelete="CASCADE"),
                                         index=True)
    position: Mapped[int]
    number: Mapped[int | None]
    title: Mapped[str] = mapped_column(String(300), default="")
    aim: Mapped[str] = mapped_column(Text, default="")

    plan = relationship("ActionPlan", back_populates="priorities")
    actions = relationship(
        "PlanAction", back_populates="priority", order_by="PlanAction.position",
        cascade="all, delete-orphan",
    )


class PlanAction(CouncilOwned, db.Model):
    __tablename__ = "plan_actions"
    __table_args__ = (
        CheckConstraint("end_date IS NULL OR start_date IS NULL OR end_date >= start_date",
                        name="ends_after_start"),
        CheckConstraint("rag IS NULL OR rag IN ('red', 'amber', 'green')", name="known_rag"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    priority_id: Mapped[int] = mapped_column(
        ForeignKey("action_plan_priorities.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    ref: Mapped[str | None] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text)
    specific_aim: Mapped[str] = mapped_column(Text, default="")
    measure: Mapped[str] = mapped_column(Text, default="")
    lead_officer: Mapped[str] = mapped_column(String(500), default="")
    area_lead: Mapped[str] = mapped_column(String(500), default="")
    start_date: Mapped[date | None]
    end_date: Mapped[date | None] = mapped_column(index=True)
    # The time-frame wording as written ('In progress – due September 2020').
    timeframe: Mapped[str] = mapped_column(Text, default="")
    progress: Mapped[str | None] = mapped_column(String(20))
    comments: Mapped[str] = mapped_column(Text, default="")
    rag: Mapped[str | None] = mapped_column(String(10))
    source_line: Mapped[int | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    priority = relationship("ActionPlanPriority", back_populates="actions")
    rag_changes = relationship(
        "ActionRagChange", back_populates="action", order_by="ActionRagChange.changed_at.desc()",
        cascade="all, delete-orphan",
    )


class ActionRagChange(CouncilOwned, db.Model):
    """Who changed an action's RAG status, when and why. Rows are only ever added."""

    __tablename__ = "action_rag_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("plan_actions.id", ondelete="CASCADE"),
                                           index=True)
    from_rag: Mapped[str | None] = mapped_column(String(10))
    to_rag: Mapped[str | None] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(Text)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Kept as text too, so the history still names the person if the account is removed.
    changed_by_name: Mapped[str] = mapped_column(String(254))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    action = relationship("PlanAction", back_populates="rag_changes")


class TrainingRecord(CouncilOwned, db.Model):
    __tablename__ = "training_records"
    __table_args__ = (
        CheckConstraint("total >= 1 AND completed >= 0 AND completed <= total",
                        name="counts_possible"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_group: Mapped[str] = mapped_column(String(40), index=True)
    course: Mapped[str] = mapped_column(String(300))
    completed: Mapped[int]
    total: Mapped[int]
    recorded_on: Mapped[date] = mapped_column(index=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    recorded_by = relationship("User")


class Referral(CouncilOwned, db.Model):
    """One modern-slavery referral or concern. Never holds a potential victim's name."""

    __tablename__ = "referrals"

    id: Mapped[int] = mapped_column(primary_key=True)
    referred_on: Mapped[date] = mapped_column(index=True)
    referral_type: Mapped[str] = mapped_column(String(30), index=True)
    service_area: Mapped[str] = mapped_column(String(200))
    outcome: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # What the referral concerns, when it concerns a supplier or one of its contracts (the
    # Cabinet pack's commitment 9 counts these). A removed record leaves the referral unlinked.
    supplier_id: Mapped[int | None] = mapped_column(
        ForeignKey("suppliers.id", ondelete="SET NULL"), index=True
    )
    contract_id: Mapped[int | None] = mapped_column(
        ForeignKey("contracts.id", ondelete="SET NULL"), index=True
    )

    recorded_by = relationship("User")
    supplier = relationship("Supplier")
    contract = relationship("Contract")


class CharterEvidence(CouncilOwned, db.Model):
    __tablename__ = "charter_evidence"
    __table_args__ = (
        CheckConstraint("commitment BETWEEN 1 AND 10", name="known_commitment"),
        Index("ix_charter_evidence_commitment_date", "commitment", "evidenced_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment: Mapped[int]
    evidenced_on: Mapped[date]
    description: Mapped[str] = mapped_column(Text)
    tender_id: Mapped[int | None] = mapped_column(ForeignKey("tenders.id", ondelete="SET NULL"))
    contract_id: Mapped[int | None] = mapped_column(
        ForeignKey("contracts.id", ondelete="SET NULL")
    )
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    tender = relationship("Tender")
    contract = relationship("Contract")
    recorded_by = relationship("User")
    documents = relationship(
        "CharterEvidenceDocument", back_populates="evidence",
        order_by="CharterEvidenceDocument.id", cascade="all, delete-orphan",
    )


class CharterEvidenceDocument(CouncilOwned, db.Model):
    """A file attached to a Charter evidence record: checked by content like declaration
    evidence, stored outside static/ under a random name and only ever served as a download."""

    __tablename__ = "charter_evidence_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    evidence_id: Mapped[int] = mapped_column(
        ForeignKey("charter_evidence.id", ondelete="CASCADE"), index=True
    )
    original_filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    evidence = relationship("CharterEvidence", back_populates="documents")
    uploaded_by = relationship("User")
