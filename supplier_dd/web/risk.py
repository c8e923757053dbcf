"""Officers' risk workspace: dashboard, pictures, exports, review, corrective actions."""

from __future__ import annotations

import io
from datetime import date, datetime

from flask import (
    Blueprint,
    Response,
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

from supplier_dd.domain.organisations import country_name
from supplier_dd.domain.risk.kpis import STATUS_LABELS as KPI_STATUS_LABELS
from supplier_dd.domain.risk.model import RESIDUAL_BANDS
from supplier_dd.domain.roles import Permission
from supplier_dd.extensions import db
from supplier_dd.infrastructure.notification_mailer import mailer_for
from supplier_dd.infrastructure.spreadsheets import CsvWriter, Identifier, write_table
from supplier_dd.models import Supplier
from supplier_dd.models.base import utcnow
from supplier_dd.models.risk import AWAITING_DECLARATION, CorrectiveAction, ReviewQuery
from supplier_dd.services import ServiceError, answer_verification, exclusions, notifications
from supplier_dd.services import review as review_service
from supplier_dd.services.council_kpis import council_kpis
from supplier_dd.services.declarations import questionnaire_of, submitted_answers
from supplier_dd.services.risk import assessment_history, current_assessment, scoring_plan_for
from supplier_dd.services.risk_dashboard import (
    ASSESSED_BANDS,
    DECLARATION_LABELS,
    RANK_LABELS,
    REVIEW_LABELS,
    TREND_BANDS,
    DashboardFilters,
    band_counts_over_time,
    dashboard_page,
    export_rows,
    filter_choices,
    headline,
    heat_map,
    heat_map_by_residual,
)
from supplier_dd.services.risk_models import active_model
from supplier_dd.web.access import requires
from supplier_dd.web.auditing import request_actor
from supplier_dd.web.choices import choices
from supplier_dd.web.council_scope import stream_for_council
from supplier_dd.web.declarations import summary_sections
from supplier_dd.web.flashes import flash_refusal
from supplier_dd.web.paging import page_number
from supplier_dd.web.risk_forms import (
    CloseQueryForm,
    CorrectiveActionForm,
    SignOffForm,
    question_comment_name,
    review_form_for,
)

bp = Blueprint("risk", __name__, url_prefix="/officer/risk")

PER_PAGE = 25
EXPORT_COLUMNS = (
    "Supplier", "Companies House number", "Country", "Sector", "Rating", "Residual score",
    "Inherent score", "Inherent band", "Maturity %", "Red flags", "Review status",
    "Latest declaration", "Next declaration due", "Last assessed",
)


def _today() -> date:
    return utcnow().date()


def _rating(row) -> str:
    return RANK_LABELS.get(row.residual_rank, "Not assessed")


def _export_values(row) -> list:
    """Typed values (numbers, dates, None for nothing), so the XLSX can filter and sort them."""
    return [
        row.name, Identifier(row.companies_house_number or ""), country_name(row.country),
        row.sector or "", _rating(row), row.residual_score if row.residual_band else None,
        row.inherent_score, row.inherent_band or "", row.maturity_percent,
        row.red_flag_count, REVIEW_LABELS.get(row.review_status or "", ""),
        DECLARATION_LABELS.get(row.latest_declaration_status or "none", ""),
        row.next_due_on, row.assessed_at.replace(second=0, microsecond=0) if row.assessed_at
        else None,
    ]


def _csv_values(row) -> list:
    return [f"{value:%Y-%m-%d %H:%M}" if isinstance(value, datetime) else value
            for value in _export_values(row)]


@bp.route("/")
@requires(Permission.VIEW_RISK)
def dashboard():
    filters = DashboardFilters.from_args(request.args)
    page = page_number(request.args)
    today = _today()
    counts = headline(db.session, today)
    rows, total = dashboard_page(db.session, filters, page, PER_PAGE, today, counts)
    return render_template(
        "risk/dashboard.html", filters=filters, rows=rows, total=total, page=page,
        per_page=PER_PAGE, headline=counts, choices=filter_choices(db.session, filters.tender),
        rank_labels=RANK_LABELS, review_labels=REVIEW_LABELS,
        exclusion_tags=exclusions.dashboard_tags(db.session, rows),
        declaration_labels=DECLARATION_LABELS, today=today,
        band_options=[*ASSESSED_BANDS, AWAITING_DECLARATION, "Not assessed"],
    )


@bp.route("/export.csv")
@requires(Permission.VIEW_RISK)
def export_csv():
    filters = DashboardFilters.from_args(request.args)
    today = _today()

    def generate():
        buffer = io.StringIO()
        writer = CsvWriter(buffer, byte_order_mark=True)
        writer.writerow(EXPORT_COLUMNS)
        for row in export_rows(db.session, filters, today):
            writer.writerow(_csv_values(row))
            if buffer.tell() > 64_000:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    return Response(
        stream_for_council(generate()), mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename=supplier-risk-{today}.csv"},
    )


@bp.route("/export.xlsx")
@requires(Permission.VIEW_RISK)
def export_xlsx():
    from openpyxl import Workbook

    filters = DashboardFilters.from_args(request.args)
    today = _today()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Supplier risk")
    write_table(sheet, EXPORT_COLUMNS,
                (_export_values(row) for row in export_rows(db.session, filters, today)))
    output = io.BytesIO()
    workbook.save(output)
    return Response(
        output.getvalue(),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f"attachment; filename=supplier-risk-{today}.xlsx"},
    )


@bp.route("/overview")
@requires(Permission.VIEW_RISK)
def overview():
    model = active_model(db.session)
    inherent_bands = [band.name for band in reversed(model.inherent_bands)]
    if model.evidence_weighted:
        # v2's rating depends on verified maturity too: count inherent band by rating.
        cells = heat_map_by_residual(db.session)
        columns = [*RESIDUAL_BANDS, "None"]
        cell_bands = {(i, c): c for i in inherent_bands for c in columns}
    else:
        cells = heat_map(db.session, model)
        columns = [band.name for band in model.maturity_bands] + ["None"]
        cell_bands = {(i, c): model.residual_matrix[i].get(c, "Critical")
                      for i in inherent_bands for c in columns}
    cell_bands.update({(i, "None"): "Awaiting" for i in inherent_bands})
    series = band_counts_over_time(db.session, _today())
    return render_template(
        "risk/overview.html", cells=cells, inherent_bands=inherent_bands,
        maturity_bands=columns, cell_bands=cell_bands, model=model, series=series,
        series_bands=TREND_BANDS,
    )


@bp.route("/kpis")
@requires(Permission.VIEW_RISK)
def kpis():
    """Council-level KPIs: per Charter commitment and Transparency Statement KPI, how many
    assessed suppliers meet it; suppliers awaiting a declaration are counted apart."""
    return render_template("risk/kpis.html", report=council_kpis(db.session),
                           status_labels=KPI_STATUS_LABELS)


def _supplier_or_404(supplier_id: int) -> Supplier:
    return db.get_or_404(Supplier, supplier_id)


@bp.route("/suppliers/<int:supplier_id>/review", methods=["GET", "POST"])
@requires(Permission.REVIEW_RISK)
def review(supplier_id: int):
    supplier = _supplier_or_404(supplier_id)
    assessment = current_assessment(db.session, supplier.id)
    if assessment is None:
        abort(404)
    sections = _declaration_sections(assessment)
    form = review_form_for([(q.id, q.short) for group in sections for q, _ in group["rows"]])()
    form.questions.choices = choices(review_service.queryable_questions(assessment))
    if form.validate_on_submit():
        queries = []
        if form.decision.data == "query":
            # A question's own comment, else the one for every question (else the reason).
            queries = [review_service.QueryRequest(
                qid, form.question_comment(qid) or form.comment.data or "")
                for qid in form.questions.data or []]
        try:
            decision = review_service.record_review(
                db.session, assessment, form.decision.data, form.reason.data, current_user,
                utcnow(), queries, actor=request_actor(),
            )
            notifications.review_decided(db.session, decision, mailer_for(current_app),
                                         utcnow())
            db.session.commit()
        except ServiceError as error:
            db.session.rollback()
            target = form.questions if "question" in str(error) else form.reason
            target.errors = [*target.errors, str(error)]
        else:
            flash("Decision recorded")
            return redirect(url_for("officer.supplier", supplier_id=supplier.id))
    return render_template("risk/review.html", form=form, supplier=supplier,
                           assessment=assessment, sections=sections,
                           selected=set(form.questions.data or []),
                           comment_name=question_comment_name, **_evidence_context(assessment))


def _evidence_context(assessment) -> dict:
    """What backs each scored answer of the assessed declaration, for the review page."""
    declaration = assessment.declaration
    if declaration is None:
        return {"scored_ids": frozenset(), "evidence": {}}
    plan = scoring_plan_for(declaration.questionnaire_id, declaration.questionnaire_version)
    return {"scored_ids": frozenset(q.id for q in plan.questions if q.scored),
            "evidence": answer_verification.standing_verifications(db.session, declaration.id),
            "describe": answer_verification.describe, "today": _today()}


def _declaration_sections(assessment) -> list[dict]:
    """The assessed declaration's questions and the supplier's answers, by section."""
    declaration = assessment.declaration
    if declaration is None:
        return []
    return summary_sections(questionnaire_of(declaration), submitted_answers(declaration))


@bp.route("/suppliers/<int:supplier_id>/actions/new", methods=["GET", "POST"])
@requires(Permission.REVIEW_RISK)
def new_action(supplier_id: int):
    supplier = _supplier_or_404(supplier_id)
    form = CorrectiveActionForm()
    if form.validate_on_submit():
        assessment = current_assessment(db.session, supplier.id)
        try:
            opened = review_service.open_corrective_action(
                db.session, supplier.id, title=form.title.data,
                description=form.description.data or "", owner=form.owner.data,
                due_date=form.due_date.data, officer=current_user, now=utcnow(),
                assessment_id=assessment.id if assessment else None, actor=request_actor(),
            )
            notifications.corrective_action(db.session, opened, notifications.ACTION_OPENED,
                                            mailer_for(current_app), utcnow())
            db.session.commit()
        except ServiceError as error:
            db.session.rollback()
            form.due_date.errors = [*form.due_date.errors, str(error)]
        else:
            flash("Corrective action opened; the supplier can see it now")
            return redirect(url_for("officer.supplier", supplier_id=supplier.id))
    return render_template("risk/action_form.html", form=form, supplier=supplier)


@bp.route("/actions/<int:action_id>")
@requires(Permission.VIEW_RISK)
def action(action_id: int):
    record = db.get_or_404(CorrectiveAction, action_id)
    return render_template("risk/action.html", action=record,
                           supplier=db.session.get(Supplier, record.supplier_id),
                           form=SignOffForm())


@bp.route("/actions/<int:action_id>/decision", methods=["POST"])
@requires(Permission.REVIEW_RISK)
def decide_action(action_id: int):
    record = db.get_or_404(CorrectiveAction, action_id)
    form = SignOffForm()
    if form.validate_on_submit():
        try:
            if form.outcome.data == "sign_off":
                review_service.sign_off_action(db.session, record, form.note.data or "",
                                               current_user, utcnow(), actor=request_actor())
                notifications.corrective_action(db.session, record,
                                                notifications.ACTION_SIGNED_OFF,
                                                mailer_for(current_app), utcnow())
            else:
                review_service.reopen_action(db.session, record, form.note.data or "",
                                             current_user, utcnow(), actor=request_actor())
            db.session.commit()
        except ServiceError as error:
            db.session.rollback()
            form.note.errors = [*form.note.errors, str(error)]
        else:
            flash("Action signed off" if record.status == "signed_off"
                  else "Action sent back to the supplier")
            return redirect(url_for("risk.action", action_id=record.id))
    return render_template("risk/action.html", action=record,
                           supplier=db.session.get(Supplier, record.supplier_id), form=form)


@bp.route("/queries/<int:query_id>/close", methods=["POST"])
@requires(Permission.REVIEW_RISK)
def close_query(query_id: int):
    query = db.get_or_404(ReviewQuery, query_id)
    form = CloseQueryForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        review_service.close_query(db.session, query, current_user, utcnow(),
                                   actor=request_actor())
        db.session.commit()
        flash("Query closed")
    except ServiceError as error:
        db.session.rollback()
        flash_refusal(str(error))
    return redirect(url_for("officer.supplier", supplier_id=query.supplier_id))


def supplier_risk_context(session, supplier_id: int) -> dict:
    """What the officer's supplier page shows about risk (used by web/officer.py)."""
    history = assessment_history(session, supplier_id)
    current = next((a for a in history if a.is_current), None)
    from supplier_dd.models.declaration import Declaration

    declarations = session.scalars(
        select(Declaration).where(Declaration.supplier_id == supplier_id)
        .order_by(Declaration.id.desc())
    ).all()
    reviews = [r for a in history for r in a.reviews]
    reviews.sort(key=lambda r: r.decided_at, reverse=True)
    return {
        "risk_current": current,
        "risk_history": history,
        "risk_declarations": declarations,
        "risk_reviews": reviews,
        "risk_queries": review_service.open_queries_for_supplier(session, supplier_id),
        "risk_actions": review_service.actions_for_supplier(session, supplier_id),
        "close_query_form": CloseQueryForm(),
    }
