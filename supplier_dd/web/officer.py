"""Procurement officers' pages: suppliers, contracts, inviting contacts (tenders: web.tenders)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from supplier_dd.domain.contract_filters import (
    NOT_MATCHED,
    STATUS_LABELS,
    VALUE_BANDS,
    category_choices,
    contract_status,
)
from supplier_dd.domain.ppn import industry_label
from supplier_dd.domain.roles import Permission, can
from supplier_dd.extensions import db
from supplier_dd.infrastructure.spreadsheets import Identifier
from supplier_dd.models import Contract, Supplier
from supplier_dd.models.base import utcnow
from supplier_dd.services import ServiceError, audit
from supplier_dd.services.contract_search import (
    ContractFilters,
    contracts_page,
    export_contracts,
    suppliers_holding_contracts,
)
from supplier_dd.services.invitations import create_invitation
from supplier_dd.services.suppliers import (
    SupplierDetails,
    create_supplier,
    search_suppliers,
    supplier_snapshot,
    update_supplier,
)
from supplier_dd.web.access import requires
from supplier_dd.web.auditing import request_actor
from supplier_dd.web.forms import InviteContactForm, SearchForm, SupplierForm
from supplier_dd.web.invitation_mail import queue_invitation, send_now
from supplier_dd.web.paging import page_number
from supplier_dd.web.spreadsheet_responses import csv_download, xlsx_download

bp = Blueprint("officer", __name__, url_prefix="/officer")

PER_PAGE = 25


def _supplier_or_404(supplier_id: int) -> Supplier:
    return db.get_or_404(Supplier, supplier_id)


def _details(form: SupplierForm) -> SupplierDetails:
    return SupplierDetails(
        name=form.name.data,
        companies_house_number=form.companies_house_number.data,
        country=form.country.data,
        sector=form.sector.data,
        turnover_band=form.turnover_band.data,
    )


@bp.route("/suppliers")
@requires(Permission.VIEW_SUPPLIERS)
def suppliers():
    form = SearchForm(request.args)
    page = page_number(request.args)
    rows, total = search_suppliers(db.session, form.q.data or "", page, PER_PAGE)
    return render_template(
        "officer/suppliers.html", form=form, suppliers=rows, total=total, page=page,
        per_page=PER_PAGE,
    )


@bp.route("/suppliers/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_SUPPLIERS)
def new_supplier():
    form = SupplierForm()
    if form.validate_on_submit():
        try:
            supplier = create_supplier(db.session, _details(form), now=utcnow())
            audit.record(db.session, "supplier.created", request_actor(), utcnow(),
                         object_type="supplier", object_id=supplier.id,
                         after=supplier_snapshot(supplier))
            db.session.commit()
        except ServiceError as error:
            db.session.rollback()
            form.companies_house_number.errors = [str(error)]
        else:
            flash(f"{supplier.name} added")
            return redirect(url_for("officer.supplier", supplier_id=supplier.id))
    return render_template("officer/supplier_form.html", form=form, supplier=None)


@bp.route("/suppliers/<int:supplier_id>")
@requires(Permission.VIEW_SUPPLIERS)
def supplier(supplier_id: int):
    record = db.session.scalar(
        select(Supplier)
        .where(Supplier.id == supplier_id)
        .options(selectinload(Supplier.contacts), selectinload(Supplier.contracts))
    )
    if record is None:
        abort(404)
    from supplier_dd.services.reminders import local_date, supplier_reattestation

    reattestation = supplier_reattestation(db.session, record.id, local_date(utcnow()), limit=5)
    from supplier_dd.services.declarations import open_requests_for, request_title
    from supplier_dd.web.risk import supplier_risk_context

    open_requests = [(request_title(request), request.due_date)
                     for request in open_requests_for(db.session, record.id)]
    return render_template("officer/supplier.html", supplier=record, reattestation=reattestation,
                           open_requests=open_requests,
                           **_referrals_context(record), **_registry_context(record),
                           **supplier_risk_context(db.session, record.id))


def _referrals_context(record: Supplier) -> dict:
    """Referral entries are safeguarding records: loaded only for those who may read them."""
    if not can(current_user.role, Permission.MANAGE_REFERRALS):
        return {"referrals_about": None}
    from supplier_dd.domain.programme import SHORT_REFERRAL_TYPE_LABELS
    from supplier_dd.services.programme import referrals_about_supplier

    return {"referrals_about": referrals_about_supplier(db.session, record.id),
            "referral_type_labels": SHORT_REFERRAL_TYPE_LABELS}


def _registry_context(record: Supplier) -> dict:
    """The statement registry's facts for the supplier page, checked against its declaration."""
    from supplier_dd.domain.statement_registry import registry_mismatches
    from supplier_dd.services.declarations import last_submitted, submitted_answers
    from supplier_dd.services.statement_registry import registry_facts_for

    facts = registry_facts_for(db.session, record, utcnow().date())
    declaration = last_submitted(db.session, record.id)
    declared = submitted_answers(declaration) if declaration else None
    return {
        "registry": facts,
        "registry_declaration": declaration,
        "registry_declared": declared,
        "registry_mismatches": registry_mismatches(facts, declared) if declared else [],
    }


@bp.route("/suppliers/<int:supplier_id>/edit", methods=["GET", "POST"])
@requires(Permission.MANAGE_SUPPLIERS)
def edit_supplier(supplier_id: int):
    record = _supplier_or_404(supplier_id)
    form = SupplierForm(obj=record)
    if form.validate_on_submit():
        try:
            before = supplier_snapshot(record)
            update_supplier(db.session, record, _details(form), now=utcnow())
            audit.record(db.session, "supplier.updated", request_actor(), utcnow(),
                         object_type="supplier", object_id=record.id, before=before,
                         after=supplier_snapshot(record))
            db.session.commit()
        except ServiceError as error:
            db.session.rollback()
            form.companies_house_number.errors = [str(error)]
        else:
            flash("Supplier details saved")
            return redirect(url_for("officer.supplier", supplier_id=record.id))
    return render_template("officer/supplier_form.html", form=form, supplier=record)


@bp.route("/suppliers/<int:supplier_id>/invite", methods=["GET", "POST"])
@requires(Permission.MANAGE_SUPPLIERS)
def invite_contact(supplier_id: int):
    record = _supplier_or_404(supplier_id)
    form = InviteContactForm()
    if form.validate_on_submit():
        settings = current_app.config["SUPPLIER_DD_SETTINGS"]
        now = utcnow()
        try:
            invitation, token = create_invitation(
                db.session, record, form.email.data, form.name.data, current_user, now,
                settings.invitation_valid_hours,
            )
        except ServiceError as error:
            db.session.rollback()
            form.email.errors = [str(error)]
        else:
            audit.record(db.session, "invitation.created", request_actor(), now,
                         object_type="invitation", object_id=invitation.id,
                         after={"email": invitation.email, "supplier_id": record.id,
                                "expires_at": invitation.expires_at})
            key = queue_invitation(invitation, token, record)
            db.session.commit()
            flash(send_now(key, invitation.email))
            return redirect(url_for("officer.supplier", supplier_id=record.id))
    return render_template("officer/invite.html", form=form, supplier=record)


@bp.route("/contracts")
@requires(Permission.VIEW_SUPPLIERS)
def contracts():
    filters = ContractFilters.from_args(request.args)
    page = page_number(request.args)
    today = utcnow().date()
    rows, total = contracts_page(db.session, filters, page, PER_PAGE, today)
    return render_template(
        "officer/contracts.html", contracts=rows, total=total, page=page, per_page=PER_PAGE,
        filters=filters, today=today, categories=category_choices(),
        statuses=STATUS_LABELS, value_bands=VALUE_BANDS, not_matched=NOT_MATCHED,
        suppliers=suppliers_holding_contracts(db.session), contract_status=contract_status,
    )


CONTRACT_EXPORT_COLUMNS = (
    "Reference", "Title", "Supplier", "Companies House number", "Category", "CPV code",
    "PPN 02/23 industry", "High-risk industry", "Value (£)", "Start date", "End date", "Status",
)


def _contract_export_values(contract: Contract, today) -> list:
    supplier = contract.supplier
    return [
        contract.reference, contract.title, supplier.name if supplier else "Not matched",
        Identifier(supplier.companies_house_number or "") if supplier else "",
        contract.category or "",
        contract.cpv_code or "", industry_label(contract.ppn_industry),
        {True: "Yes", False: "No"}.get(contract.ppn_high_risk, "Not known"),
        contract.value if contract.value is not None else "",
        contract.start_date or "", contract.end_date or "",
        STATUS_LABELS[contract_status(contract.end_date, today)],
    ]


def _export_rows(today):
    filters = ContractFilters.from_args(request.args)
    return (_contract_export_values(contract, today)
            for contract in export_contracts(db.session, filters, today))


@bp.route("/contracts/export.csv")
@requires(Permission.VIEW_SUPPLIERS)
def export_contracts_csv():
    today = utcnow().date()
    return csv_download(CONTRACT_EXPORT_COLUMNS, _export_rows(today), f"contracts-{today}.csv")


@bp.route("/contracts/export.xlsx")
@requires(Permission.VIEW_SUPPLIERS)
def export_contracts_xlsx():
    today = utcnow().date()
    return xlsx_download(CONTRACT_EXPORT_COLUMNS, _export_rows(today),
                         f"contracts-{today}.xlsx", "Contracts")
