"""The dashboard row's next declaration due date: the active re-attestation cycle's due date,
copied to the supplier's risk summary whenever a cycle starts or its due date moves, so the
dashboard's 'Overdue' reads one table. Its own module so that reminders (which moves due dates)
and risk (which re-scores, and may shorten a cycle) both use it without importing each other
in a circle."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from supplier_dd.models.attestation import SCHEDULE_ACTIVE, AttestationSchedule
from supplier_dd.models.risk import SupplierRiskSummary
from supplier_dd.services.risk_dashboard import forget_headline


def next_due_on(session: Session, supplier_id: int) -> date | None:
    return session.scalar(
        select(func.min(AttestationSchedule.due_on)).where(
            AttestationSchedule.supplier_id == supplier_id,
            AttestationSchedule.status == SCHEDULE_ACTIVE,
        )
    )


def refresh_next_due(session: Session, supplier_id: int) -> None:
    session.execute(
        update(SupplierRiskSummary)
        .where(SupplierRiskSummary.supplier_id == supplier_id)
        .values(next_due_on=next_due_on(session, supplier_id))
    )
    forget_headline()
