"""Officers' view of a supplier's feedback: its responses to the recommendations, the files it
sent, and turning a response into a corrective action (which tells the supplier)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from supplier_dd.domain.roles import Permission
from supplier_dd.extensions import db
from supplier_dd.infrastructure.notification_mailer import mailer_for
from supplier_dd.models import Supplier
from supplier_dd.models.base import utcnow
from supplier_dd.models.feedback import RESPONSE_WILL_DO, SupplierEvidenceFile
from supplier_dd.services import ServiceError, notifications
from supplier_dd.services import feedback as service
from supplier_dd.web.access import requires
from supplier_dd.web.auditing import request_actor
from supplier_dd.web.declarations import stored_file_download
from supplier_dd.web.risk_forms import CorrectiveActionForm

bp = Blueprint("officer_feedback", __name__, url_prefix="/officer")


def _supplier_feedback_or_404(supplier_id: int) -> tuple[Supplier, service.Feedback | None]:
    supplier = db.get_or_404(Supplier, supplier_id)
    return supplier, service.latest_with_feedback(db.session, supplier.id)


@bp.route("/suppliers/<int:supplier_id>/feedback")
@requires(Permission.VIEW_RISK)
def responses(supplier_id: int):
    supplier, found = _supplier_feedback_or_404(supplier_id)
    return render_template("risk/feedback_responses.html", supplier=supplier, feedback=found,
                           labels=service.RESPONSE_LABELS)


@bp.route("/suppliers/<int:supplier_id>/feedback/<key>/action", methods=["GET", "POST"])
@requires(Permission.REVIEW_RISK)
def make_action(supplier_id: int, key: str):
    supplier, found = _supplier_feedback_or_404(supplier_id)
    response = found.responses.get(key) if found else None
    recommendation = service.recommendation_in(found, key) if found else None
    if response is None or recommendation is None:
        abort(404)
    if response.corrective_action_id is not None:
        return redirect(url_for("risk.action", action_id=response.corrective_action_id))
    form = CorrectiveActionForm()
    if not form.is_submitted():
        form.title.data = recommendation.title[:200]
        form.description.data = recommendation.text
        if response.kind == RESPONSE_WILL_DO:
            form.due_date.data = response.due_date
        if response.responded_by is not None:
            form.owner.data = response.responded_by.name or ""
    if form.validate_on_submit():
        try:
            action = service.turn_into_action(
                db.session, response, title=form.title.data,
                description=form.description.data or "", owner=form.owner.data,
                due_date=form.due_date.data, officer=current_user, now=utcnow(),
                actor=request_actor())
            notifications.corrective_action(db.session, action, notifications.ACTION_OPENED,
                                            mailer_for(current_app), utcnow())
            db.session.commit()
        except ServiceError as error:
            db.session.rollback()
            form.due_date.errors = [*form.due_date.errors, str(error)]
        else:
            flash("Corrective action opened; the supplier has been told")
            return redirect(url_for("risk.action", action_id=action.id))
    return render_template("risk/feedback_action_form.html", supplier=supplier, form=form,
                           recommendation=recommendation, response=response,
                           labels=service.RESPONSE_LABELS)


@bp.route("/supplier-evidence/<int:file_id>")
@requires(Permission.VIEW_RISK)
def download(file_id: int):
    record = db.session.get(SupplierEvidenceFile, file_id)
    if record is None:
        abort(404)
    return stored_file_download(record)
