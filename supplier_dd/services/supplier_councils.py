"""The supplier's page of councils (issue 17): every council that has asked the supplier for a
declaration, with its requests and the supplier's consent to share with it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from supplier_dd.models import Council, Declaration
from supplier_dd.models.council import SharingConsent
from supplier_dd.models.declaration import STATUS_SUBMITTED
from supplier_dd.models.tenancy import across_councils
from supplier_dd.services.declarations import RequestView, requests_for_supplier
from supplier_dd.services.sharing import active_consent


@dataclass(frozen=True)
class CouncilRelationship:
    council: Council
    open_requests: list[RequestView]
    answered_requests: list[RequestView]
    consent: SharingConsent | None  # the active one
    consent_declaration: Declaration | None  # the declaration first shared under it
    # The consent last withdrawn, when none is active ("You stopped sharing on ...").
    withdrawn: SharingConsent | None = None


def councils_of_supplier(session: Session, supplier_id: int, today: date
                         ) -> list[CouncilRelationship]:
    """Every council that has asked the supplier for a declaration, by name, with its open and
    answered requests (as the supplier's home lists them) and the supplier's consent to share
    with it: the active one, else the one last withdrawn."""
    by_council: dict[int, list[RequestView]] = {}
    for view in requests_for_supplier(session, supplier_id, today):
        by_council.setdefault(view.request.council_id, []).append(view)
    councils = {council.id: council for council in session.scalars(across_councils(
        select(Council).where(Council.id.in_(by_council))))}
    rows = []
    for council_id, asked in by_council.items():
        consent = active_consent(session, supplier_id, council_id)
        rows.append(CouncilRelationship(
            council=councils[council_id],
            open_requests=[view for view in asked if view.status != STATUS_SUBMITTED],
            answered_requests=[view for view in asked if view.status == STATUS_SUBMITTED],
            consent=consent,
            consent_declaration=session.get(Declaration, consent.declaration_id)
            if consent is not None else None,
            withdrawn=None if consent is not None else session.scalar(
                select(SharingConsent)
                .where(SharingConsent.supplier_id == supplier_id,
                       SharingConsent.council_id == council_id)
                .order_by(SharingConsent.withdrawn_at.desc()).limit(1))))
    return sorted(rows, key=lambda row: row.council.name)


def council_of_supplier(session: Session, supplier_id: int, council_id: int, today: date
                        ) -> CouncilRelationship | None:
    """One council the supplier works with, or None if it has never asked the supplier."""
    return next((row for row in councils_of_supplier(session, supplier_id, today)
                 if row.council.id == council_id), None)
