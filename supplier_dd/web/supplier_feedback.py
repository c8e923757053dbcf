"""The supplier's feedback on an accepted declaration, its responses, and evidence files.

Pages show band words and recommendations, never points, weights, percentages or the council's
ratings (tests/e2e/test_supplier_pages_show_no_scores.py crawls for them). Every lookup is
scoped to the signed-in contact's organisation: another supplier's ids are 404s.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from supplier_dd.domain.roles import Permission
from supplier_dd.extensions import db
from supplier_dd.models.base import utcnow
from supplier_dd.models.feedback import SupplierEvidenceFile
from supplier_dd.services import InvalidField, ServiceError
from supplier_dd.services import declarations as declaration_service
from supplier_dd.services import feedback as service
from supplier_dd.services import review as review_service
from supplier_dd.services.evidence import ALLOWED_DESCRIPTION
from supplier_dd.web.access import requires
from supplier_dd.web.auditing import request_actor
from supplier_dd.web.declarations import max_upload_bytes, store, stored_file_download
from supplier_dd.web.feedback_forms import ActionEvidenceForm, RecommendationResponseForm
from supplier_dd.web.flashes import flash_refusal

bp = Blueprint("supplier_feedback", __name__, url_prefix="/supplier")


def _feedback_or_404(declaration_id: int) -> service.Feedback:
    declaration = declaration_service.owned_declaration(db.session, declaration_id,
                                                        current_user.supplier_id)
    found = service.feedback_for(db.session, declaration) if declaration else None
    if found is None:
        abort(404)
    return found


@bp.app_template_global()
def feedback_link(declaration) -> str | None:
    """Where a supplier reads the feedback on a declaration, once the council accepted it."""
    if declaration is None or declaration.is_draft:
        return None
    if not service.is_accepted(db.session, declaration):
        return None
    return url_for("supplier_feedback.feedback", declaration_id=declaration.id)


@bp.app_template_global()
def latest_feedback(supplier_id: int) -> service.Feedback | None:
    """The feedback on a supplier's latest accepted declaration (its home, the officer's page)."""
    return service.latest_with_feedback(db.session, supplier_id)


@bp.app_template_global()
def corrective_action_files(action) -> list[SupplierEvidenceFile]:
    return service.action_evidence(db.session, action.id)


@bp.route("/declarations/<int:declaration_id>/feedback")
@requires(Permission.SUPPLIER_PORTAL)
def feedback(declaration_id: int):
    found = _feedback_or_404(declaration_id)
    return render_template("supplier/feedback.html", feedback=found,
                           labels=service.RESPONSE_LABELS)


@bp.route("/declarations/<int:declaration_id>/feedback/<key>", methods=["GET", "POST"])
@requires(Permission.SUPPLIER_PORTAL)
def respond(declaration_id: int, key: str):
    found = _feedback_or_404(declaration_id)
    recommendation = service.recommendation_in(found, key)
    if recommendation is None:
        abort(404)
    existing = found.responses.get(key)
    form = RecommendationResponseForm()
    if request.method == "GET" and existing is not None:
        form.kind.data = existing.kind
        form.due_date.data = existing.due_date
        form[form.NOTES[existing.kind]].data = existing.note
    locked = existing is not None and existing.corrective_action_id is not None
    if not locked and form.validate_on_submit():
        upload = request.files.get("evidence")
        data = upload.stream.read(max_upload_bytes() + 1) if upload and upload.filename else None
        given = service.ResponseInput(
            kind=form.kind.data, due_date=form.due_date.data, note=form.note_for(form.kind.data),
            filename=upload.filename if data else None, data=data)
        try:
            service.respond(db.session, store(), found, recommendation, given, current_user,
                            utcnow(), max_upload_bytes(), actor=request_actor())
            db.session.commit()
        except InvalidField as error:
            db.session.rollback()
            form[error.field].errors = [*form[error.field].errors, str(error)]
        except ServiceError as error:
            db.session.rollback()
            flash_refusal(str(error))
            return redirect(url_for(".feedback", declaration_id=declaration_id))
        else:
            flash("Your response has been saved. The council can see it now.")
            return redirect(url_for(".feedback", declaration_id=declaration_id,
                                    _anchor=f"rec-{key}"))
    return render_template("supplier/feedback_respond.html", feedback=found,
                           recommendation=recommendation, response=existing, form=form,
                           locked=locked, allowed_files=ALLOWED_DESCRIPTION,
                           max_mb=max_upload_bytes() // (1024 * 1024))


@bp.route("/actions/<int:action_id>/evidence", methods=["POST"])
@requires(Permission.SUPPLIER_PORTAL)
def action_evidence(action_id: int):
    action = review_service.owned_action(db.session, action_id, current_user.supplier_id)
    if action is None:
        abort(404)
    form = ActionEvidenceForm()
    upload = request.files.get("evidence")
    target = url_for("supplier_risk.action", action_id=action.id)
    if not form.validate_on_submit():
        flash_refusal("The file was not uploaded: reload the page and try again")
        return redirect(target)
    if upload is None or not upload.filename:
        flash_refusal("Select a file to upload")
        return redirect(target)
    try:
        record = service.add_action_evidence(
            db.session, store(), action, upload.filename,
            upload.stream.read(max_upload_bytes() + 1), current_user, utcnow(),
            max_upload_bytes(), actor=request_actor())
        db.session.commit()
    except ServiceError as error:
        db.session.rollback()
        flash_refusal(f"The file was not uploaded. {error}")
        return redirect(target)
    flash(f"{record.original_filename} uploaded. The council can see it now.")
    return redirect(target)


@bp.route("/evidence/<int:file_id>")
@requires(Permission.SUPPLIER_PORTAL)
def download(file_id: int):
    record = service.supplier_file(db.session, file_id, current_user.supplier_id)
    if record is None:
        abort(404)
    return stored_file_download(record)
