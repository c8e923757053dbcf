"""Demo: a supplier's consent to share its declaration with another council, and a withdrawn one.

Written the way `models.council.SharingConsent` and `models.shared_answer.SharedAnswer`
describe: sharing gives the council a consent row (supplier, council, the declaration shared,
when and by whom) and answers the council's request with a `SharedAnswer` under that consent;
the declaration itself, and its seal, are untouched, so the council sees it byte for byte, and
scores it for itself. Both are audited in the council's own view. Called while acting for the
council shared with.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from supplier_dd.models import Declaration, DeclarationRequest, SharedAnswer, SharingConsent, User
from supplier_dd.models.tenancy import ALL_COUNCILS
from supplier_dd.services import audit
from supplier_dd.services.reminders import schedule_after_submission
from supplier_dd.services.risk import assess_declaration


def consent_for(session, supplier_id: int, council_id: int) -> SharingConsent | None:
    return session.scalar(
        select(SharingConsent)
        .where(SharingConsent.supplier_id == supplier_id,
               SharingConsent.council_id == council_id)
        .order_by(SharingConsent.id.desc()).limit(1)
        .execution_options(**{ALL_COUNCILS: True}))


def _consent_audit(consent: SharingConsent) -> dict:
    return {"supplier_id": consent.supplier_id, "council_id": consent.council_id,
            "declaration_id": consent.declaration_id,
            "granted_at": consent.granted_at.isoformat(),
            "withdrawn_at": consent.withdrawn_at.isoformat() if consent.withdrawn_at else None}


def _grant(session, declaration: Declaration, council_id: int, contact: User,
           when: datetime) -> SharingConsent:
    consent = SharingConsent(supplier_id=declaration.supplier_id, council_id=council_id,
                             declaration_id=declaration.id, granted_at=when,
                             granted_by_id=contact.id)
    session.add(consent)
    session.flush()
    audit.record(session, "sharing_consent.granted", audit.Actor.of(contact), when,
                 object_type="sharing_consent", object_id=consent.id,
                 after=_consent_audit(consent), council_id=council_id)
    return consent


def share_declaration(session, declaration: Declaration, request: DeclarationRequest,
                      contact: User, when: datetime) -> SharedAnswer:
    """The supplier answers `request` (another council's) with `declaration`, consenting."""
    consent = _grant(session, declaration, request.council_id, contact, when)
    answer = SharedAnswer(request=request, declaration_id=declaration.id, answered_at=when,
                          consent_id=consent.id, council_id=request.council_id)
    session.add(answer)
    session.flush()
    audit.record(session, "declaration_request.answered", audit.Actor.of(contact), when,
                 object_type="declaration_request", object_id=request.id,
                 after={"declaration_id": declaration.id, "answered_at": when.isoformat(),
                        "declaration_request_id": declaration.request_id,
                        "consent_id": consent.id},
                 council_id=request.council_id)
    # The council scores it with its own inputs, and its re-attestation cycle starts from it,
    # as a declaration made for its own request would.
    assessment = assess_declaration(session, declaration, when)
    schedule_after_submission(session, supplier_id=declaration.supplier_id,
                              declaration_id=declaration.id,
                              submitted_at=declaration.submitted_at,
                              residual_band=assessment.residual_band, now=when)
    return answer


def withdrawn_consent(session, declaration: Declaration, council_id: int, contact: User,
                      granted: datetime, withdrawn: datetime) -> SharingConsent:
    """A consent the supplier gave and withdrew before the council relied on it: no request is
    answered under it, so the council never sees the declaration."""
    consent = _grant(session, declaration, council_id, contact, granted)
    before = _consent_audit(consent)
    consent.withdrawn_at, consent.withdrawn_by_id = withdrawn, contact.id
    session.flush()
    audit.record(session, "sharing_consent.withdrawn", audit.Actor.of(contact), withdrawn,
                 object_type="sharing_consent", object_id=consent.id, before=before,
                 after=_consent_audit(consent), council_id=council_id)
    return consent
