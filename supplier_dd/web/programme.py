"""The council's programme records: action plan, training, referrals and Charter evidence.

Referral entries are safeguarding records: only MANAGE_REFERRALS (safeguarding and admin) may
list or add them. Everyone else on the staff side sees counts only, on a separate page, so no
template ever has entries in hand for someone who may not read them.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from supplier_dd.domain.action_plans import NoteKind, is_overdue
from supplier_dd.domain.charter import COMMITMENTS, commitment
from supplier_dd.domain.programme import (
    REFERRAL_TYPE_LABELS,
    SHORT_REFERRAL_TYPE_LABELS,
    TRAINING_GROUP_LABELS,
    completion_percent,
)
from supplier_dd.domain.roles import Permission
from supplier_dd.extensions import db
from supplier_dd.models import Contract, PlanAction, Referral, Supplier, Tender
from supplier_dd.models.base import utcnow
from supplier_dd.services import ServiceError, audit
from supplier_dd.services import action_plans as plans
from supplier_dd.services import programme as records
from supplier_dd.web.access import requires
from supplier_dd.web.auditing import request_actor
from supplier_dd.web.paging import page_number
from supplier_dd.web.programme_forms import (
    ActionForm,
    CurrentPlanForm,
    EvidenceForm,
    ImportActionPlanForm,
    ReferralForm,
    TrainingForm,
)

bp = Blueprint("programme", __name__, url_prefix="/programme")
PER_PAGE = 50


@bp.app_template_global()
def rag_tag(rag: str | None) -> dict:
    colours = {"red": "govuk-tag--red", "amber": "govuk-tag--orange", "green": "govuk-tag--green"}
    if not rag:
        return {"text": "Not set", "classes": "govuk-tag--grey"}
    return {"text": rag.capitalize(), "classes": colours.get(rag, "govuk-tag--grey")}


def _today():
    return utcnow().date()


@bp.route("/")
@requires(Permission.VIEW_PROGRAMME)
def index():
    today = _today()
    statuses = records.charter_status(db.session, today)
    plan_rows = plans.list_plans(db.session)
    latest_plan = plans.load_plan(db.session, plan_rows[0][0].id) if plan_rows else None
    overdue = plans.overdue_actions(latest_plan, today) if latest_plan else []
    return render_template(
        "programme/index.html", statuses=statuses, latest_plan=latest_plan, overdue=overdue,
        training=records.latest_training(records.training_records(db.session)),
        counts=records.referral_counts(db.session), group_labels=TRAINING_GROUP_LABELS,
        percent=completion_percent,
    )


# --- action plans ---------------------------------------------------------------------------

@bp.route("/action-plans")
@requires(Permission.VIEW_PROGRAMME)
def action_plans():
    return render_template("programme/action_plans.html", plans=plans.list_plans(db.session),
                           current=plans.current_plan(db.session))


@bp.route("/action-plans/import", methods=["GET", "POST"])
@requires(Permission.MANAGE_PROGRAMME)
def import_action_plan():
    form = ImportActionPlanForm()
    if form.validate_on_submit():
        upload = form.file.data
        if upload is None or not getattr(upload, "filename", ""):
            form.file.errors = ["Select the action plan file"]
        else:
            try:
                parsed = plans.parse_file(upload.read(), upload.filename)
                plan = plans.store_action_plan(
                    db.session, parsed, source_filename=upload.filename[:300],
                    imported_by=current_user, now=utcnow(), title=form.title.data or None,
                )
                audit.record(db.session, "action_plan.imported", request_actor(), utcnow(),
                             object_type="action_plan", object_id=plan.id,
                             details={"title": plan.title, "actions": len(parsed.actions)})
                db.session.commit()
            except ServiceError as error:
                db.session.rollback()
                form.file.errors = [str(error)]
            else:
                flash(f"Imported {len(parsed.actions)} actions in {len(parsed.priorities)} "
                      "priorities. Check the import notes below.")
                return redirect(url_for("programme.action_plan", plan_id=plan.id))
    return render_template("programme/import.html", form=form)


@bp.route("/action-plans/<int:plan_id>")
@requires(Permission.VIEW_PROGRAMME)
def action_plan(plan_id: int):
    plan = plans.load_plan(db.session, plan_id)
    if plan is None:
        abort(404)
    today = _today()
    notes_by_kind: dict[str, list[dict]] = {}
    for note in plan.import_notes or []:
        notes_by_kind.setdefault(note["kind"], []).append(note)
    return render_template(
        "programme/action_plan.html", plan=plan, today=today, is_overdue=is_overdue,
        overdue=plans.overdue_actions(plan, today), notes_by_kind=notes_by_kind,
        note_kinds=[kind.value for kind in NoteKind], current=plans.current_plan(db.session),
        current_form=CurrentPlanForm(),
    )


@bp.route("/action-plans/<int:plan_id>/current", methods=["POST"])
@requires(Permission.CHOOSE_CURRENT_PLAN)
def make_current_plan(plan_id: int):
    try:
        plan = plans.make_current(db.session, plan_id, request_actor(), utcnow())
    except ServiceError:
        db.session.rollback()
        abort(404)
    db.session.commit()
    flash(f"{plan.title} is now the council's current action plan. The Cabinet pack reports it "
          "unless another plan is chosen when the pack is generated.")
    return redirect(url_for("programme.action_plan", plan_id=plan.id))


def _action_or_404(action_id: int) -> PlanAction:
    return db.get_or_404(PlanAction, action_id)


@bp.route("/actions/<int:action_id>")
@requires(Permission.VIEW_PROGRAMME)
def action(action_id: int):
    item = _action_or_404(action_id)
    return render_template("programme/action.html", action=item, today=_today(),
                           overdue=is_overdue(item.end_date, item.progress, _today()))


@bp.route("/actions/<int:action_id>/edit", methods=["GET", "POST"])
@requires(Permission.MANAGE_PROGRAMME)
def edit_action(action_id: int):
    item = _action_or_404(action_id)
    form = ActionForm(obj=item)
    if request.method == "GET":
        form.rag.data = item.rag or ""
        form.progress.data = item.progress or ""
        form.rag_reason.data = ""
    if form.validate_on_submit():
        changes = plans.ActionChanges(
            ref=form.ref.data or "", description=form.description.data or "",
            measure=form.measure.data or "", lead_officer=form.lead_officer.data or "",
            area_lead=form.area_lead.data or "", start_date=form.start_date.data,
            end_date=form.end_date.data, progress=form.progress.data or "",
            comments=form.comments.data or "", rag=form.rag.data or "",
            rag_reason=form.rag_reason.data or "",
        )
        try:
            plans.update_action(db.session, item, changes, current_user, utcnow(),
                                actor=request_actor())
            db.session.commit()
        except plans.ActionProblems as problems:
            db.session.rollback()
            for name, message in problems.by_field.items():
                getattr(form, name).errors = [message]
        else:
            flash("Action saved")
            return redirect(url_for("programme.action", action_id=item.id))
    return render_template("programme/action_form.html", form=form, action=item)


def _saved(form, add, details, message: str, unknown_field: str | None = None) -> bool:
    """Record `details` with `add(session, details, user, now, actor=...)`, commit and flash
    `message`. A record the service refuses (`InvalidField`) is rolled back and its message put
    on the form field it names (or `unknown_field`), so the page shows it; returns False."""
    try:
        add(db.session, details, current_user, utcnow(), actor=request_actor())
        db.session.commit()
    except records.InvalidField as error:
        db.session.rollback()
        field = getattr(form, error.field, None) or getattr(form, unknown_field or error.field)
        field.errors = [str(error)]
        return False
    flash(message)
    return True


# --- training -------------------------------------------------------------------------------

@bp.route("/training")
@requires(Permission.VIEW_PROGRAMME)
def training():
    rows = records.training_records(db.session)
    return render_template(
        "programme/training.html", records=rows, latest=records.latest_training(rows),
        group_labels=TRAINING_GROUP_LABELS, percent=completion_percent,
    )


@bp.route("/training/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_PROGRAMME)
def new_training():
    form = TrainingForm()
    if form.validate_on_submit():
        details = records.TrainingDetails(
            staff_group=form.staff_group.data, course=form.course.data,
            completed=form.completed.data, total=form.total.data,
            recorded_on=form.recorded_on.data, notes=form.notes.data or "",
        )
        if _saved(form, records.add_training_record, details, "Training record saved"):
            return redirect(url_for("programme.training"))
    return render_template("programme/training_form.html", form=form)


# --- referrals ------------------------------------------------------------------------------

@bp.route("/referrals")
@requires(Permission.VIEW_PROGRAMME)
def referral_counts():
    return render_template(
        "programme/referral_counts.html", counts=records.referral_counts(db.session),
        type_labels=SHORT_REFERRAL_TYPE_LABELS,
        retention_days=current_app.config["SUPPLIER_DD_SETTINGS"].referral_retention_days,
    )


@bp.route("/referrals/log")
@requires(Permission.MANAGE_REFERRALS)
def referrals():
    page = page_number(request.args)
    rows, total = records.referrals_page(db.session, page, PER_PAGE)
    return render_template(
        "programme/referrals.html", referrals=rows, total=total, page=page, per_page=PER_PAGE,
        type_labels=SHORT_REFERRAL_TYPE_LABELS,
        retention_days=current_app.config["SUPPLIER_DD_SETTINGS"].referral_retention_days,
    )


def _referral_form(**kwargs) -> ReferralForm:
    suppliers = db.session.scalars(select(Supplier).order_by(Supplier.name, Supplier.id)).all()
    contracts = db.session.scalars(select(Contract).order_by(Contract.reference)).all()
    return ReferralForm(suppliers, contracts, **kwargs)


def _referral_details(form: ReferralForm) -> records.ReferralDetails:
    return records.ReferralDetails(
        referred_on=form.referred_on.data, referral_type=form.referral_type.data,
        service_area=form.service_area.data, outcome=form.outcome.data or "",
        notes=form.notes.data or "",
        supplier_id=int(form.supplier_id.data) if form.supplier_id.data else None,
        contract_id=int(form.contract_id.data) if form.contract_id.data else None,
    )


@bp.route("/referrals/log/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_REFERRALS)
def new_referral():
    form = _referral_form()
    if form.validate_on_submit():
        if _saved(form, records.add_referral, _referral_details(form), "Referral recorded"):
            return redirect(url_for("programme.referrals"))
    return render_template("programme/referral_form.html", form=form,
                           type_labels=REFERRAL_TYPE_LABELS, referral=None)


@bp.route("/referrals/log/<int:referral_id>/edit", methods=["GET", "POST"])
@requires(Permission.MANAGE_REFERRALS)
def edit_referral(referral_id: int):
    referral = db.get_or_404(Referral, referral_id)
    form = _referral_form(obj=referral)
    if request.method == "GET":
        form.supplier_id.data = str(referral.supplier_id or "")
        form.contract_id.data = str(referral.contract_id or "")
    if form.validate_on_submit():
        try:
            changed = records.update_referral(db.session, referral, _referral_details(form),
                                              current_user, utcnow(), actor=request_actor())
            db.session.commit()
        except records.InvalidField as error:
            db.session.rollback()
            getattr(form, error.field).errors = [str(error)]
        else:
            flash("Referral corrected" if changed else "Nothing was changed")
            return redirect(url_for("programme.referrals"))
    return render_template("programme/referral_form.html", form=form,
                           type_labels=REFERRAL_TYPE_LABELS, referral=referral)


# --- Charter evidence -----------------------------------------------------------------------

@bp.route("/charter")
@requires(Permission.VIEW_PROGRAMME)
def charter():
    return render_template("programme/charter.html",
                           statuses=records.charter_status(db.session, _today()))


def _commitment_or_404(number: int):
    try:
        return commitment(number)
    except ValueError:
        abort(404)


@bp.route("/charter/<int:number>")
@requires(Permission.VIEW_PROGRAMME)
def commitment_evidence(number: int):
    item = _commitment_or_404(number)
    status = records.charter_status(db.session, _today())[number - 1]
    return render_template(
        "programme/commitment.html", commitment=item, status=status,
        evidence=records.charter_evidence(db.session, number), commitments=COMMITMENTS,
    )


@bp.route("/charter/<int:number>/evidence/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_PROGRAMME)
def new_evidence(number: int):
    item = _commitment_or_404(number)
    tenders = db.session.scalars(select(Tender).order_by(Tender.reference)).all()
    contracts = db.session.scalars(select(Contract).order_by(Contract.reference)).all()
    form = EvidenceForm(tenders, contracts)
    if form.validate_on_submit():
        details = records.EvidenceDetails(
            commitment=number, evidenced_on=form.evidenced_on.data,
            description=form.description.data,
            tender_id=int(form.tender_id.data) if form.tender_id.data else None,
            contract_id=int(form.contract_id.data) if form.contract_id.data else None,
        )
        if _saved(form, records.add_charter_evidence, details, "Evidence recorded",
                  unknown_field="description"):
            return redirect(url_for("programme.commitment_evidence", number=number))
    return render_template("programme/evidence_form.html", form=form, commitment=item)
