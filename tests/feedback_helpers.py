"""A supplier whose declaration the council has accepted, with the feedback that unlocks."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from supplier_dd.demo.declarations import demo_answers
from supplier_dd.models import Declaration, Supplier, User
from supplier_dd.models.base import utcnow
from supplier_dd.services import declarations as service
from supplier_dd.services import review
from supplier_dd.services.evidence import EvidenceStore
from supplier_dd.services.risk import current_assessment
from tests.declaration_helpers import make_request
from tests.factories import make_supplier, make_user


@dataclass
class Accepted:
    supplier: Supplier
    contact: User
    officer: User
    declaration: Declaration


def submitted_declaration(session, supplier: Supplier, contact: User, profile: str = "fair",
                          **overrides) -> Declaration:
    now = utcnow()
    # For a high-risk tender, so the whole questionnaire is asked (questionnaire v2's full form)
    # and every recommendation can apply.
    request = make_request(session, supplier, kind="tender")
    request.tender.risk_tier = "high"
    store = EvidenceStore(Path(current_app.config["SUPPLIER_DD_SETTINGS"].upload_dir))
    draft = service.start_or_resume(session, store, request, contact, now)
    draft.answers = {**demo_answers(supplier, "acme", profile, now.date()), **overrides}
    session.flush()
    service.submit(session, draft, signatory_name="Jane Smith", signatory_role="Director",
                   confirms_true=True, confirms_authority=True, ip="198.51.100.7", user=contact,
                   now=now)
    session.commit()
    return draft


def accept(session, supplier: Supplier, officer: User) -> None:
    assessment = current_assessment(session, supplier.id)
    review.record_review(session, assessment, "accept", "Answers checked", officer, utcnow())
    session.commit()


def accepted_supplier(session, name="Acme Facilities Ltd", email="jane@acme.example",
                      officer_email="officer@example.org", profile="fair", **overrides
                      ) -> Accepted:
    supplier = make_supplier(session, name=name, turnover_band="under-36m")
    contact = make_user(session, "supplier", email=email, supplier=supplier)
    officer = make_user(session, "officer", email=officer_email)
    session.commit()
    declaration = submitted_declaration(session, supplier, contact, profile, **overrides)
    accept(session, supplier, officer)
    return Accepted(supplier, contact, officer, declaration)


def add_feedback_records(session, supplier, action_id: int) -> dict:
    """A file on `supplier`'s corrective action, really on disk (the route matrix's 'other'
    supplier, so another supplier asking for it must get a 404)."""
    import hashlib

    from supplier_dd.models import SupplierEvidenceFile
    from tests.declaration_helpers import PDF_BYTES

    store = EvidenceStore(Path(current_app.config["SUPPLIER_DD_SETTINGS"].upload_dir))
    record = SupplierEvidenceFile(
        supplier_id=supplier.id, corrective_action_id=action_id,
        original_filename="new-policy.pdf", stored_name=store.write(PDF_BYTES),
        content_type="application/pdf", size_bytes=len(PDF_BYTES),
        sha256=hashlib.sha256(PDF_BYTES).hexdigest(), uploaded_at=utcnow(),
    )
    session.add(record)
    session.flush()
    return {"supplier_file": record.id}


CRAWL_KEY = "pol_board_review.less_often"


def add_crawl_feedback(session, supplier_id: int) -> dict:
    """For the every-page crawl: the signed-in supplier's accepted declaration, with one
    response to a recommendation (so the officer's 'make a corrective action' page exists)."""
    from sqlalchemy import select

    from supplier_dd.models import RecommendationResponse
    from supplier_dd.services import feedback

    supplier = session.get(Supplier, supplier_id)
    contact = session.scalar(select(User).where(User.email == "supplier@example.org"))
    officer = session.scalar(select(User).where(User.email == "officer@example.org"))
    declaration = submitted_declaration(session, supplier, contact)
    accept(session, supplier, officer)
    found = feedback.feedback_for(session, declaration)
    session.add(RecommendationResponse(
        supplier_id=supplier.id, declaration_id=declaration.id, recommendation_key=CRAWL_KEY,
        recommendations_version=found.recommendations.version,
        recommendation_title=feedback.recommendation_in(found, CRAWL_KEY).title,
        kind="will_do", due_date=utcnow().date(), note="At the next board meeting",
        responded_by_id=contact.id, responded_at=utcnow()))
    session.commit()
    return {"own_accepted": declaration.id}


def crawl_feedback_pages(ids: dict) -> list[tuple[str, str, tuple[str, ...]]]:
    feedback = f"/supplier/declarations/{ids['own_accepted']}/feedback"
    return [
        ("own feedback", feedback, ("supplier",)),
        ("own feedback: respond", f"{feedback}/{CRAWL_KEY}", ("supplier",)),
        ("own feedback: officer's view", f"/officer/suppliers/{ids['own_supplier']}/feedback",
         ("officer", "legal", "admin", "safeguarding")),
        ("own feedback: make a corrective action",
         f"/officer/suppliers/{ids['own_supplier']}/feedback/{CRAWL_KEY}/action",
         ("officer", "admin")),
    ]
