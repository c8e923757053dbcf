"""What follows when a council comes to rely on a declaration (issue 17): the supplier submitted
it for that council's request, or shared it from another council's. Its own module because both
ways lead here (services.declarations and services.sharing), and one must not import the other
back."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from supplier_dd.models import Declaration, RiskAssessment
from supplier_dd.services.reminders import schedule_after_submission
from supplier_dd.services.risk import assess_declaration


def assess_for_acting_council(session: Session, declaration: Declaration,
                              now: datetime) -> RiskAssessment:
    """What a declaration the acting council relies on sets going, whether the supplier
    submitted it for that council's request or shared it from another council's (issue 17):
    risk scoring (issue 4) from the acting council's contracts, in the same transaction, so
    the declaration always has that council's assessment; and re-attestation (issue 5): the
    next declaration falls due 12 months on, 6 for High or Critical residual risk, which
    completes the supplier's current cycle with the council and resets reminders."""
    assessment = assess_declaration(session, declaration, now)
    # The cycle runs from the signing (a shared declaration is as old as it is, for every
    # council), which for a submission is now.
    schedule_after_submission(
        session, supplier_id=declaration.supplier_id, declaration_id=declaration.id,
        submitted_at=declaration.submitted_at or now, residual_band=assessment.residual_band,
        now=now,
    )
    return assessment

