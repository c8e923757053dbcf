"""Council staff: request declarations (for a tender, a contract or annually) and read them.

Knock-out answers (Procurement Act exclusion grounds) are listed first so officers see them first.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from supplier_dd.domain.control_characters import control_character_problem
from supplier_dd.domain.questionnaire import triggered_red_flags
from supplier_dd.domain.roles import Permission
from supplier_dd.domain.tenders import TenderStatus
from supplier_dd.extensions import db
from supplier_dd.infrastructure.mail import render_email
from supplier_dd.infrastructure.notification_mailer import mailer_for
from supplier_dd.models import (
    Contract,
    Declaration,
    DeclarationRequest,
    SharedAnswer,
    Supplier,
    Tender,
)
from supplier_dd.models.base import utcnow
from supplier_dd.services import ServiceError, notifications
from supplier_dd.services import declarations as service
from supplier_dd.services import tenders as tender_service
from supplier_dd.services.councils import council_name_for
from supplier_dd.services.declaration_integrity import check_declaration, seals
from supplier_dd.services.sharing import consent_answer
from supplier_dd.web.access import requires
from supplier_dd.web.auditing import request_actor
from supplier_dd.web.declarations import (
    also_answered_titles,
    evidence_download,
    pdf_response,
    summary_sections,
)

bp = Blueprint("officer_declarations", __name__, url_prefix="/officer")

STATUS_FILTERS = {
    "": "All",
    "outstanding": "Not submitted",
    "submitted": "Submitted",
    "flagged": "With answers needing attention",
}


def _note_errors(note: str) -> dict[str, str]:
    """The message to the supplier is typed by hand, not through a WTForms form, so it gets the
    same control-character check as every form's text (web/base_form.py)."""
    problem = control_character_problem("Message to the supplier", note, multiline=True)
    return {"note": problem} if problem else {}


def _parse_due_date(form) -> tuple[date | None, str | None]:
    parts = {p: (form.get(f"due_date-{p}") or "").strip() for p in ("day", "month", "year")}
    if not any(parts.values()):
        return None, "Enter the date the declaration is due"
    missing = [p for p in ("day", "month", "year") if not parts[p]]
    if missing:
        return None, f"The due date must include a {' and '.join(missing)}"
    if not all(v.isdigit() for v in parts.values()) or len(parts["year"]) != 4:
        return None, "The due date must be a real date, like 31 3 2026"
    try:
        return date(int(parts["year"]), int(parts["month"]), int(parts["day"])), None
    except ValueError:
        return None, "The due date must be a real date"


parse_due_date = _parse_due_date  # the same date fields on the bulk request form


def _request_rows(status_filter: str, today: date) -> list[dict]:
    requests = db.session.scalars(
        select(DeclarationRequest).options(
            selectinload(DeclarationRequest.supplier),
            selectinload(DeclarationRequest.declarations),
            selectinload(DeclarationRequest.shared_answer),
            selectinload(DeclarationRequest.tender),
            selectinload(DeclarationRequest.contract),
        # A withdrawn request (its bidder removed from the tender) no longer waits for anything;
        # the tender page lists it.
        ).where(DeclarationRequest.withdrawn_at.is_(None))
    ).all()
    rows = []
    for item in requests:
        declaration = service.current_declaration(item)
        submitted = declaration is not None and not declaration.is_draft
        flags = []
        if submitted:
            flags = triggered_red_flags(service.questionnaire_of(declaration),
                                        service.submitted_answers(declaration))
        knockout = any(
            service.questionnaire_of(declaration).red_flags[o.red_flag]["knockout"]
            for _, o in flags
        ) if flags else False
        status = declaration.status if declaration else "not_started"
        overdue = not submitted and item.due_date < today
        row = {
            "request": item, "title": service.request_title(item), "declaration": declaration,
            "answered_with": service.answered_with(item, declaration),
            # Shared by the supplier from another council's request (issue 17).
            "shared": consent_answer(item),
            "status": "overdue" if overdue else status, "flags": flags, "knockout": knockout,
        }
        if status_filter == "outstanding" and submitted:
            continue
        if status_filter == "submitted" and not submitted:
            continue
        if status_filter == "flagged" and not flags:
            continue
        rows.append(row)
    # Knock-outs first, then other flags, then what is overdue, then by due date.
    rows.sort(key=lambda r: (not r["knockout"], not r["flags"], r["status"] != "overdue",
                             r["request"].due_date, r["request"].supplier.name))
    return rows


@bp.route("/declarations")
@requires(Permission.VIEW_SUPPLIERS)
def index():
    status_filter = request.args.get("status", "")
    if status_filter not in STATUS_FILTERS:
        status_filter = ""
    rows = _request_rows(status_filter, utcnow().date())
    return render_template("declarations/officer_list.html", rows=rows, filters=STATUS_FILTERS,
                           status_filter=status_filter, title="Supplier declarations")


@bp.route("/declarations/<int:declaration_id>")
@requires(Permission.VIEW_SUPPLIERS)
def view(declaration_id: int):
    declaration = db.get_or_404(Declaration, declaration_id)
    questionnaire = service.questionnaire_of(declaration)
    answers = {} if declaration.is_draft else service.submitted_answers(declaration)
    newer = db.session.scalar(
        select(Declaration).where(Declaration.supersedes_id == declaration.id)
    )
    return render_template(
        "declarations/view.html", declaration=declaration, questionnaire=questionnaire,
        sections=summary_sections(questionnaire, answers),
        flags=triggered_red_flags(questionnaire, answers), newer=newer, audience="officer",
        also_answered=also_answered_titles(declaration),
        shared_with_us=_shared_with_this_council(declaration),
        title=f"Declaration DEC-{declaration.id:06d}",
    )


def _shared_with_this_council(declaration: Declaration) -> SharedAnswer | None:
    """How the council got a declaration made for another council's request: the supplier's
    first share of it (the scoping reads the acting council's shares only)."""
    return db.session.scalar(
        select(SharedAnswer)
        .where(SharedAnswer.declaration_id == declaration.id,
               SharedAnswer.consent_id.is_not(None))
        .order_by(SharedAnswer.answered_at).limit(1))


@bp.route("/declarations/<int:declaration_id>/pdf")
@requires(Permission.VIEW_SUPPLIERS)
def pdf(declaration_id: int):
    return pdf_response(db.get_or_404(Declaration, declaration_id))


@bp.route("/declarations/<int:declaration_id>/evidence/<int:evidence_id>")
@requires(Permission.VIEW_SUPPLIERS)
def evidence(declaration_id: int, evidence_id: int):
    declaration = db.get_or_404(Declaration, declaration_id)
    if declaration.is_draft:
        abort(404)  # a draft's files are the supplier's working papers until submitted
    return evidence_download(declaration, evidence_id)


@bp.route("/declarations/<int:declaration_id>/verify")
@requires(Permission.VIEW_SUPPLIERS)
def verify(declaration_id: int):
    """Check a submitted declaration now: answers against their SHA-256, signatory and evidence
    against the seal in the audit log, and every evidence file on disk."""
    declaration = db.get_or_404(Declaration, declaration_id)
    if declaration.is_draft and not seals(db.session, [declaration.id]):
        abort(404)  # nothing is signed yet (a sealed one set back to draft is shown failing)
    upload_root = Path(current_app.config["SUPPLIER_DD_SETTINGS"].upload_dir)
    checks = check_declaration(db.session, declaration, upload_root)
    return render_template(
        "declarations/verify.html", declaration=declaration, checks=checks,
        intact=all(check.passed for check in checks), checked_at=utcnow(),
        title=f"Verify declaration DEC-{declaration.id:06d}",
    )


@bp.route("/tenders/<int:tender_id>/request-declarations", methods=["GET", "POST"])
@requires(Permission.MANAGE_SUPPLIERS)
def request_for_tender(tender_id: int):
    """Every bidder at once, each told by email through the outbox (sent by the next send
    pass). Asking again asks only bidders added since."""
    tender = db.get_or_404(Tender, tender_id)
    if tender.status != TenderStatus.OPEN:
        flash(f"This tender is {tender.status}: no more bidders or requests")
        return redirect(url_for("tenders.show", tender_id=tender.id))
    errors: dict[str, str] = {}
    values = {"note": ""}
    if request.method == "POST":
        values = {"note": request.form.get("note", "")[:2000]}
        errors.update(_note_errors(values["note"]))
        due_date, error = _parse_due_date(request.form)
        if error:
            errors["due_date"] = error
        elif not errors:
            settings = current_app.config["SUPPLIER_DD_SETTINGS"]
            mail = tender_service.RequestMail(
                council_name=council_name_for(db.session, settings.council_name,
                                              tender.council_id),
                render=render_email,
                portal_link=settings.base_url + url_for("supplier.home"),
                councils_link=settings.base_url + url_for("sharing.councils"))
            try:
                created, queued = tender_service.request_declarations(
                    db.session, tender_service.locked(db.session, tender.id), due_date,
                    current_user, utcnow(), values["note"], mail, request_actor(),
                )
                db.session.commit()
            except ServiceError as failure:
                db.session.rollback()
                errors["due_date"] = str(failure)
            else:
                flash(f"Declarations requested from {created} bidder"
                      f"{'' if created == 1 else 's'}; {len(queued)} email"
                      f"{'' if len(queued) == 1 else 's'} queued" if created else
                      "Every bidder had already been asked for a declaration")
                return redirect(url_for("tenders.show", tender_id=tender.id))
    return render_template(
        "declarations/request_form.html", subject=f"Tender {tender.reference}: {tender.title}",
        recipients=[s.name for s in tender.invited_suppliers], errors=errors, values=values,
        contracts=None, title="Request declarations from every bidder",
        cancel=url_for("tenders.show", tender_id=tender.id),
    )


@bp.route("/suppliers/<int:supplier_id>/request-declaration", methods=["GET", "POST"])
@requires(Permission.MANAGE_SUPPLIERS)
def request_for_supplier(supplier_id: int):
    supplier = db.get_or_404(Supplier, supplier_id)
    contracts = db.session.scalars(
        select(Contract).where(Contract.supplier_id == supplier.id).order_by(Contract.reference)
    ).all()
    errors: dict[str, str] = {}
    values = {"note": "", "contract": ""}
    if request.method == "POST":
        values = {"note": request.form.get("note", "")[:2000],
                  "contract": request.form.get("contract", "")}
        errors.update(_note_errors(values["note"]))
        contract = None
        if values["contract"]:
            contract = next((c for c in contracts if str(c.id) == values["contract"]), None)
            if contract is None:
                errors["contract"] = (
                    "Select a contract this supplier holds, or an annual declaration"
                )
        due_date, error = _parse_due_date(request.form)
        if error:
            errors["due_date"] = error
        if not errors:
            try:
                record, created = service.request_for_supplier(
                    db.session, supplier, due_date, current_user, utcnow(), contract,
                    values["note"], actor=request_actor(),
                )
                if created:
                    notifications.declaration_requested(db.session, record,
                                                        mailer_for(current_app), utcnow())
                db.session.commit()
            except ServiceError as failure:
                db.session.rollback()
                errors["due_date"] = str(failure)
            else:
                flash("Declaration requested" if created
                      else "This supplier has already been asked for that declaration and "
                           "has not answered it yet")
                return redirect(url_for("officer.supplier", supplier_id=supplier.id))
    return render_template(
        "declarations/request_form.html", subject=supplier.name, recipients=[supplier.name],
        errors=errors, values=values, contracts=contracts, title="Request a declaration",
        cancel=url_for("officer.supplier", supplier_id=supplier.id),
    )
