"""The supplier's side of review: the council's queries and corrective actions, and replies.

Every lookup is scoped to the signed-in contact's organisation, so another supplier's query or
action id finds nothing (404).
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from supplier_dd.domain.roles import Permission
from supplier_dd.extensions import db
from supplier_dd.infrastructure.notification_mailer import mailer_for
from supplier_dd.models.base import utcnow
from supplier_dd.services import ServiceError, notifications
from supplier_dd.services import review as review_service
from supplier_dd.services.declarations import questionnaire_of, submitted_answers
from supplier_dd.web.access import requires
from supplier_dd.web.auditing import request_actor
from supplier_dd.web.risk_forms import SupplierReplyForm

bp = Blueprint("supplier_risk", __name__, url_prefix="/supplier")


@bp.route("/council-requests")
@requires(Permission.SUPPLIER_PORTAL)
def requests():
    supplier_id = current_user.supplier_id
    return render_template(
        "supplier/council_requests.html",
        queries=review_service.open_queries_for_supplier(db.session, supplier_id),
        actions=review_service.actions_for_supplier(db.session, supplier_id),
        decision=review_service.decision_to_act_on(db.session, supplier_id),
    )


@bp.route("/queries/<int:query_id>", methods=["GET", "POST"])
@requires(Permission.SUPPLIER_PORTAL)
def query(query_id: int):
    record = review_service.owned_query(db.session, query_id, current_user.supplier_id)
    if record is None:
        abort(404)
    form = SupplierReplyForm()
    # Not "Your answer": the page shows the declaration's answer beside the question.
    form.response.label.text = "Your reply to the council"
    if record.status == "open" and form.validate_on_submit():
        try:
            review_service.answer_query(db.session, record, form.response.data, current_user,
                                        utcnow(), actor=request_actor())
            notifications.query_answered(db.session, record, mailer_for(current_app), utcnow())
            db.session.commit()
        except ServiceError as error:
            db.session.rollback()
            form.response.errors = [*form.response.errors, str(error)]
        else:
            flash("Your answer has been sent to the council")
            return redirect(url_for("supplier_risk.requests"))
    return render_template("supplier/council_query.html", query=record, form=form,
                           **_queried_answer(record))


def _queried_answer(record) -> dict:
    """The declaration the council queried, and the question and answer it sent back (the
    question as worded in that declaration's questionnaire version)."""
    declaration = record.review.assessment.declaration
    if declaration is None:
        return {}
    try:
        question = questionnaire_of(declaration).question(record.question_id)
    except KeyError:
        return {}
    return {"declaration": declaration, "question": question,
            "answer": submitted_answers(declaration).get(question.id)}


@bp.route("/actions/<int:action_id>", methods=["GET", "POST"])
@requires(Permission.SUPPLIER_PORTAL)
def action(action_id: int):
    record = review_service.owned_action(db.session, action_id, current_user.supplier_id)
    if record is None:
        abort(404)
    form = SupplierReplyForm()
    form.response.label.text = "What you have done"
    form.submit.label.text = "Mark as done and send to the council"
    if record.status == "open" and form.validate_on_submit():
        try:
            review_service.respond_to_action(db.session, record, form.response.data,
                                             current_user, utcnow(), actor=request_actor())
            db.session.commit()
        except ServiceError as error:
            db.session.rollback()
            form.response.errors = [*form.response.errors, str(error)]
        else:
            flash("Marked as done; the council will check it and sign it off")
            return redirect(url_for("supplier_risk.requests"))
    return render_template("supplier/council_action.html", action=record, form=form)
