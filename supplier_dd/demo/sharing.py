"""Demo: a supplier sharing its declaration with another council, and one that withdrew its
consent before the council relied on it.

Sharing goes through `services.sharing`, as the supplier's "Share my declaration" page does:
a consent for the council, the council's request answered by the declaration as signed, and
the council's own assessment and re-attestation cycle. The refusal is a consent recorded and
withdrawn (through the same service) before any request of the council was answered under it,
so the council never sees that declaration.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from supplier_dd.models import Declaration, DeclarationRequest, SharedAnswer, SharingConsent, User
from supplier_dd.services import audit
from supplier_dd.services import sharing as service


def consent_for(session, supplier_id: int, council_id: int) -> SharingConsent | None:
    """The supplier's latest consent for the council, given or withdrawn."""
    return session.scalar(
        select(SharingConsent)
        .where(SharingConsent.supplier_id == supplier_id,
               SharingConsent.council_id == council_id)
        .order_by(SharingConsent.id.desc()).limit(1))


def share_declaration(session, declaration: Declaration, request: DeclarationRequest,
                      contact: User, when: datetime) -> SharedAnswer:
    """The supplier answers `request` (another council's) with `declaration`, consenting."""
    return service.share_declaration(session, request.id, declaration.id, request.supplier_id,
                                     contact, when, audit.Actor.of(contact))


def withdrawn_consent(session, declaration: Declaration, council_id: int, contact: User,
                      granted: datetime, withdrawn: datetime) -> SharingConsent:
    """A consent the supplier gave for the council and withdrew before the council asked it
    for anything: no request is answered under it."""
    consent = SharingConsent(supplier_id=declaration.supplier_id, council_id=council_id,
                             declaration_id=declaration.id, granted_at=granted,
                             granted_by_id=contact.id)
    session.add(consent)
    session.flush()
    audit.record(session, "sharing_consent.granted", audit.Actor.of(contact), granted,
                 object_type="sharing_consent", object_id=consent.id,
                 after={"supplier_id": consent.supplier_id, "council_id": council_id,
                        "declaration_id": consent.declaration_id,
                        "granted_at": granted.isoformat()},
                 council_id=council_id)
    return service.withdraw_consent(session, consent.supplier_id, council_id, contact,
                                    withdrawn, audit.Actor.of(contact))
