"""Tenders for procurement officers: create and change one, add bidders (existing suppliers, or
new ones who are invited), see who has declared before the closing date, award, close.

Asking the bidders for declarations is `web.declaration_requests.request_for_tender`.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from supplier_dd.domain.roles import Permission
from supplier_dd.domain.tenders import TenderStatus, risk_tier_label, route_label
from supplier_dd.extensions import db
from supplier_dd.infrastructure.notification_mailer import mailer_for
from supplier_dd.models import Tender
from supplier_dd.models.base import utcnow
from supplier_dd.services import InvalidField, ServiceError, notifications
from supplier_dd.services import tenders as service
from supplier_dd.services.reminders import active_schedule, local_date
from supplier_dd.services.suppliers import search_suppliers
from supplier_dd.web.access import requires
from supplier_dd.web.auditing import request_actor
from supplier_dd.web.choices import choices
from supplier_dd.web.flashes import flash_refusal
from supplier_dd.web.forms import SearchForm
from supplier_dd.web.invitation_mail import queue_invitation, send_now
from supplier_dd.web.tender_forms import (
    AwardForm,
    ConfirmForm,
    NewBidderForm,
    RemoveBidderForm,
    TenderForm,
)

bp = Blueprint("tenders", __name__, url_prefix="/officer/tenders")

SEARCH_RESULTS = 10


def _tender_or_404(tender_id: int, lock: bool = False) -> Tender:
    tender = service.locked(db.session, tender_id) if lock else db.session.get(Tender, tender_id)
    if tender is None:
        abort(404)
    return tender


def _details(form: TenderForm) -> service.TenderDetails:
    return service.TenderDetails(
        reference=form.reference.data or "", title=form.title.data or "",
        description=form.description.data or "", category=form.category.data or "",
        cpv_code=form.cpv_code.data or "", value=form.value.data,
        procurement_route=form.procurement_route.data or "",
        risk_tier=form.risk_tier.data or "", closing_date=form.closing_date.data,
        lot=form.lot.data or "",
    )


def _save(form, change):
    """Run `change()`, commit and return what it returned. A refusal is rolled back and shown
    on the form field it names; then None."""
    try:
        result = change()
        db.session.commit()
    except InvalidField as error:
        db.session.rollback()
        getattr(form, error.field).errors = [str(error)]
        return None
    return result


def _refused(tender: Tender, error: ServiceError):
    db.session.rollback()
    flash_refusal(str(error))
    return redirect(url_for("tenders.show", tender_id=tender.id))


@bp.route("")
@requires(Permission.VIEW_SUPPLIERS)
def index():
    return render_template("officer/tenders.html", tenders=service.list_tenders(db.session))


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_SUPPLIERS)
def new():
    form = TenderForm(closing_from=local_date(utcnow()))
    if form.validate_on_submit() and (tender := _save(form, lambda: service.create_tender(
            db.session, _details(form), utcnow(), request_actor()))):
        flash(f"Tender {tender.reference} created. Add its bidders next.")
        return redirect(url_for("tenders.show", tender_id=tender.id))
    return render_template("officer/tender_form.html", form=form, tender=None)


@bp.route("/<int:tender_id>")
@requires(Permission.VIEW_SUPPLIERS)
def show(tender_id: int):
    tender = _tender_or_404(tender_id)
    schedule = None
    if tender.contract is not None and tender.contract.supplier_id is not None:
        schedule = active_schedule(db.session, tender.contract.supplier_id)
    return render_template(
        "officer/tender.html", tender=tender, bidders=service.bidder_rows(db.session, tender),
        status=TenderStatus(tender.status), schedule=schedule,
        removed=service.removed_bidders(db.session, tender),
    )


@bp.route("/<int:tender_id>/edit", methods=["GET", "POST"])
@requires(Permission.MANAGE_SUPPLIERS)
def edit(tender_id: int):
    tender = _tender_or_404(tender_id, lock=request.method == "POST")
    if tender.status == TenderStatus.AWARDED:
        flash_refusal("This tender has been awarded, so its details can no longer change")
        return redirect(url_for("tenders.show", tender_id=tender.id))
    form = TenderForm(obj=tender)
    if form.validate_on_submit() and _save(form, lambda: service.update_tender(
            db.session, tender, _details(form), utcnow(), request_actor())):
        flash("Tender details saved")
        return redirect(url_for("tenders.show", tender_id=tender.id))
    return render_template("officer/tender_form.html", form=form, tender=tender)


def _bidders_page(tender: Tender, form: NewBidderForm):
    search = SearchForm(request.args)
    query = (search.q.data or "").strip()
    results, total = ([], 0)
    if query:
        results, total = search_suppliers(db.session, query, 1, SEARCH_RESULTS)
    bidder_ids = {supplier.id for supplier in tender.invited_suppliers}
    return render_template(
        "officer/tender_bidders.html", tender=tender, form=form, search=search, query=query,
        results=results, total=total, bidder_ids=bidder_ids, shown=SEARCH_RESULTS,
    )


@bp.route("/<int:tender_id>/bidders", methods=["GET", "POST"])
@requires(Permission.MANAGE_SUPPLIERS)
def bidders(tender_id: int):
    tender = _tender_or_404(tender_id, lock=request.method == "POST")
    if tender.status != TenderStatus.OPEN:
        flash_refusal(f"This tender is {tender.status}: no more bidders or requests")
        return redirect(url_for("tenders.show", tender_id=tender.id))
    form = NewBidderForm()
    if form.validate_on_submit():
        settings = current_app.config["SUPPLIER_DD_SETTINGS"]
        bidder = service.NewBidder(
            name=form.name.data, companies_house_number=form.companies_house_number.data,
            contact_name=form.contact_name.data, contact_email=form.contact_email.data)

        def add():
            supplier, invitation, token = service.add_new_bidder(
                db.session, tender, bidder, current_user, utcnow(),
                settings.invitation_valid_hours, request_actor())
            return supplier, invitation, queue_invitation(invitation, token, supplier)

        if added := _save(form, add):
            supplier, invitation, key = added
            flash(f"{supplier.name} added as a bidder")
            flash(send_now(key, invitation.email))
            return redirect(url_for("tenders.show", tender_id=tender.id))
    return _bidders_page(tender, form)


@bp.route("/<int:tender_id>/bidders/existing", methods=["POST"])
@requires(Permission.MANAGE_SUPPLIERS)
def add_existing_bidder(tender_id: int):
    tender = _tender_or_404(tender_id, lock=True)
    raw = request.form.get("supplier_id", "")
    try:
        if not raw.isdigit() or len(raw) > 12:
            raise ServiceError("Choose a supplier from the search results")
        supplier, is_new = service.add_existing_bidder(db.session, tender, int(raw), utcnow(),
                                                       request_actor())
        db.session.commit()
    except ServiceError as error:
        return _refused(tender, error)
    flash(f"{supplier.name} added as a bidder" if is_new
          else f"{supplier.name} is already a bidder")
    return redirect(url_for("tenders.show", tender_id=tender.id))


@bp.route("/<int:tender_id>/bidders/<int:supplier_id>/remove", methods=["GET", "POST"])
@requires(Permission.MANAGE_SUPPLIERS)
def remove_bidder(tender_id: int, supplier_id: int):
    """Confirm, then take the bidder off; its open request is withdrawn and its contacts told."""
    tender = _tender_or_404(tender_id, lock=request.method == "POST")
    if tender.status == TenderStatus.AWARDED:
        flash_refusal("This tender has been awarded, so its bidders can no longer change")
        return redirect(url_for("tenders.show", tender_id=tender.id))
    row = next((r for r in service.bidder_rows(db.session, tender)
                if r.supplier.id == supplier_id), None)
    if row is None:
        abort(404)
    form = RemoveBidderForm()
    if form.validate_on_submit():
        reason = (form.reason.data or "").strip()
        try:
            _removal, withdrawn = service.remove_bidder(
                db.session, tender, supplier_id, reason, current_user, utcnow(),
                request_actor())
            if withdrawn is not None:
                notifications.tender_request_withdrawn(db.session, withdrawn, reason,
                                                       mailer_for(current_app), utcnow())
            db.session.commit()
        except ServiceError as error:
            return _refused(tender, error)
        flash(f"{row.supplier.name} removed from the bidders"
              + (": its declaration request was withdrawn and its contacts told by email"
                 if withdrawn is not None else ""))
        return redirect(url_for("tenders.show", tender_id=tender.id))
    return render_template("officer/tender_remove_bidder.html", tender=tender, row=row,
                           form=form, title_context=[tender.reference])


@bp.route("/<int:tender_id>/award", methods=["GET", "POST"])
@requires(Permission.MANAGE_SUPPLIERS)
def award(tender_id: int):
    tender = _tender_or_404(tender_id, lock=request.method == "POST")
    if tender.status == TenderStatus.AWARDED:
        flash_refusal("This tender has already been awarded")
        return redirect(url_for("tenders.show", tender_id=tender.id))
    rows = service.bidder_rows(db.session, tender)
    form = AwardForm(data={"contract_reference": tender.reference, "value": tender.value})
    form.supplier.choices = choices((str(row.supplier.id), row.supplier.name) for row in rows)
    if rows and form.validate_on_submit():
        chosen = form.supplier.data or ""
        details = service.Award(
            supplier_id=int(chosen) if chosen.isdigit() and len(chosen) < 12 else None,
            contract_reference=form.contract_reference.data, value=form.value.data,
            start_date=form.start_date.data, end_date=form.end_date.data)
        if awarded := _save(form, lambda: service.award(
                db.session, tender, details, current_user, utcnow(), request_actor())):
            contract, schedule = awarded
            flash(f"Tender awarded to {contract.supplier.name}: contract {contract.reference} "
                  f"created. Its re-attestation is due by {schedule.due_on.day} "
                  f"{schedule.due_on:%B %Y}.")
            return redirect(url_for("tenders.show", tender_id=tender.id))
    return render_template("officer/tender_award.html", tender=tender, form=form, rows=rows)


@bp.route("/<int:tender_id>/close", methods=["GET", "POST"])
@requires(Permission.MANAGE_SUPPLIERS)
def close(tender_id: int):
    tender = _tender_or_404(tender_id, lock=request.method == "POST")
    if tender.status != TenderStatus.OPEN:
        flash_refusal(f"This tender is already {tender.status}")
        return redirect(url_for("tenders.show", tender_id=tender.id))
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            service.close(db.session, tender, utcnow(), request_actor())
            db.session.commit()
        except ServiceError as error:
            return _refused(tender, error)
        flash(f"Tender {tender.reference} closed: no more bidders or requests")
        return redirect(url_for("tenders.show", tender_id=tender.id))
    return render_template("officer/tender_close.html", tender=tender, form=form,
                           bidders=service.bidder_rows(db.session, tender))


@bp.app_template_global()
def procurement_route_label(code: str | None) -> str:
    return route_label(code)


@bp.app_template_global()
def tender_risk_tier_label(code: str | None) -> str:
    return risk_tier_label(code)
