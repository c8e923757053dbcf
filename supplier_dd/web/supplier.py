"""The supplier portal. Every query here is scoped to the signed-in contact's organisation."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import select

from supplier_dd.domain.roles import Permission
from supplier_dd.extensions import db
from supplier_dd.models import Contract, Supplier, Tender, tender_invitations
from supplier_dd.models.base import utcnow
from supplier_dd.services.declarations import requests_for_supplier
from supplier_dd.services.review import DecisionToActOn, decision_to_act_on
from supplier_dd.web.access import requires
from supplier_dd.web.sharing import share_offer

bp = Blueprint("supplier", __name__, url_prefix="/supplier")


def own_supplier() -> Supplier:
    return db.session.get(Supplier, current_user.supplier_id)


# How a declaration the council sent back is labelled wherever the supplier sees it, so the
# request card and the decision never disagree (the card used to say "Submitted").
DECISION_TAGS = {
    "reject": {"text": "Rejected", "classes": "govuk-tag--red"},
    "query": {"text": "Changes requested", "classes": "govuk-tag--orange"},
}


@bp.app_template_global()
def council_decision_tag(decision: DecisionToActOn) -> dict:
    return DECISION_TAGS[decision.review.decision]


@bp.route("/")
@requires(Permission.SUPPLIER_PORTAL)
def home():
    organisation = own_supplier()
    contracts = db.session.scalars(
        select(Contract).where(Contract.supplier_id == organisation.id).order_by(Contract.reference)
    ).all()
    tenders = db.session.scalars(
        select(Tender)
        .join(tender_invitations, tender_invitations.c.tender_id == Tender.id)
        .where(tender_invitations.c.supplier_id == organisation.id)
        .order_by(Tender.closing_date)
    ).all()
    declaration_requests = requests_for_supplier(db.session, organisation.id, utcnow().date())
    # Tell us once (issue 17): a request another council's declaration can answer offers it.
    share_offers = {item.request.id: offer for item in declaration_requests
                    if item.status == "not_started"
                    and (offer := share_offer(item.request)) is not None}
    return render_template(
        "supplier/home.html", organisation=organisation, contracts=contracts, tenders=tenders,
        declaration_requests=declaration_requests, share_offers=share_offers,
        several_councils=len({item.request.council_id for item in declaration_requests}) > 1,
        decision=decision_to_act_on(db.session, organisation.id),
    )
