"""Re-attestation cycles and the reminders decided for them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from supplier_dd.extensions import db
from supplier_dd.models.base import utcnow
from supplier_dd.models.council import CouncilOwned

SCHEDULE_ACTIVE = "active"
SCHEDULE_COMPLETED = "completed"


class AttestationSchedule(CouncilOwned, db.Model):
    """One re-attestation cycle of a supplier: when the next declaration is due, and why.

    A supplier has at most one active cycle (a partial unique index). A submission completes it
    and starts the next, so completed rows are the history of cycles.
    """

    __tablename__ = "attestation_schedules"
    __table_args__ = (
        # The sweep reads only the cycles whose next reminder day has come.
        Index("ix_attestation_schedules_status_next_reminder", "status", "next_reminder_on"),
        # Overdue and due-soon lists (dashboard, digest) read by due date.
        Index("ix_attestation_schedules_status_due", "status", "due_on"),
        Index(
            "uq_attestation_schedules_one_active_per_supplier", "council_id", "supplier_id",
            unique=True,
            sqlite_where=text("status = 'active'"), postgresql_where=text("status = 'active'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(
        ForeignKey("suppliers.id", ondelete="CASCADE"), index=True
    )
    # The submitted declaration this cycle follows; none when a contract event started it.
    # No foreign key yet: the declarations table is added by a sibling migration branch.
    declaration_id: Mapped[int | None] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(20), default=SCHEDULE_ACTIVE)
    valid_from: Mapped[date | None]
    residual_band: Mapped[str | None] = mapped_column(String(20))
    # Due date from the validity period, and from the latest contract event; due_on is the earlier.
    periodic_due_on: Mapped[date | None]
    event_due_on: Mapped[date | None]
    event_kind: Mapped[str | None] = mapped_column(String(40))
    due_on: Mapped[date]
    reason: Mapped[str] = mapped_column(String(40))
    reason_note: Mapped[str | None] = mapped_column(String(500))
    # False when the due date is past the bundled bank holiday data: only weekends were avoided.
    holidays_known: Mapped[bool] = mapped_column(default=True)
    responsible_officer_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    next_reminder_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]

    supplier = relationship("Supplier")
    responsible_officer = relationship("User")


REMINDER_QUEUED = "queued"
REMINDER_INVALID_ADDRESS = "invalid_address"
REMINDER_NO_RECIPIENT = "no_recipient"


class AttestationReminder(CouncilOwned, db.Model):
    """A reminder decided for one recipient: the supplier's history, and the sweep's memory of
    what it already sent. `dedupe_key` equals the outbox key when a message was queued."""

    __tablename__ = "attestation_reminders"
    __table_args__ = (
        Index("ix_attestation_reminders_supplier_decided", "supplier_id", "decided_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(255), unique=True)
    schedule_id: Mapped[int] = mapped_column(
        ForeignKey("attestation_schedules.id", ondelete="CASCADE"), index=True
    )
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id", ondelete="CASCADE"))
    due_on: Mapped[date]
    kind: Mapped[str] = mapped_column(String(50))
    audience: Mapped[str] = mapped_column(String(20))
    recipient_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    recipient_email: Mapped[str | None] = mapped_column(String(254))
    status: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str | None] = mapped_column(String(500))
    decided_on: Mapped[date]
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)
