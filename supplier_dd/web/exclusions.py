"""Exclusion decisions on the web (issue 16): the screening and standing decision on the
supplier page, the decision form for legal and officers, and the decided status wherever a
knock-out rating ("Excluded pending review") is shown."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, g, redirect, render_template, url_for
from flask_login import current_user

from supplier_dd.domain import exclusions as rules
from supplier_dd.domain.risk.residual import EXCLUDED_PENDING_REVIEW
from supplier_dd.domain.roles import Permission
from supplier_dd.extensions import db
from supplier_dd.models import Supplier
from supplier_dd.models.base import utcnow
from supplier_dd.services import debarment
from supplier_dd.services import exclusions as service
from supplier_dd.web.access import requires
from supplier_dd.web.auditing import request_actor
from supplier_dd.web.exclusion_forms import DebarmentListForm, ExclusionDecisionForm

bp = Blueprint("exclusions", __name__, url_prefix="/officer")
bp.add_app_template_global(rules.OUTCOMES, "exclusion_outcomes")

DECIDED_EXCLUDED = "Excluded"


@bp.app_template_global("exclusion_state")
def exclusion_state(supplier_id: int) -> service.ExclusionState:
    """The supplier's screening and standing decision, read once per request."""
    cache = g.setdefault("exclusion_states", {})
    if supplier_id not in cache:
        cache[supplier_id] = service.state(db.session, supplier_id)
    return cache[supplier_id]


@bp.app_template_global("debarment_check")
def debarment_check(supplier_id: int):
    """The supplier's latest check against the debarment list (None before any)."""
    return debarment.latest_check(db.session, supplier_id)


@bp.app_template_global("decided_rating")
def decided_rating(label: str, supplier_id: int, band: str | None) -> str:
    """The rating to show: a knock-out stays "Excluded pending review" until a decision covers
    the latest declaration; then "Excluded", or the residual band scored (scores unchanged)."""
    if label != EXCLUDED_PENDING_REVIEW:
        return label
    state = exclusion_state(supplier_id)
    if state.status_label is None:
        return label
    if state.decision.outcome == rules.EXCLUDED:
        return DECIDED_EXCLUDED
    return band or label


DECISION_TAGS = {
    rules.EXCLUDED: "govuk-tag--red",
    rules.EXCLUDABLE_NOT_EXCLUDED: "govuk-tag--yellow",
    rules.NOT_EXCLUDED: "govuk-tag--green",
}


@bp.app_template_global("exclusion_tag")
def exclusion_tag(state_key: str | None) -> dict | None:
    """The dashboard's exclusion tag from services.exclusions.dashboard_tags: the decision, or
    "Decision needed"."""
    if state_key is None or state_key == rules.EXCLUDED:
        return None  # the rating itself reads "Excluded"
    if state_key == rules.AWAITING_DECISION:
        return {"text": "Decision needed", "classes": "govuk-tag--purple"}
    return {"text": rules.OUTCOMES[state_key], "classes": DECISION_TAGS[state_key]}


@bp.route("/suppliers/<int:supplier_id>/exclusion-decision", methods=["GET", "POST"])
@requires(Permission.DECIDE_EXCLUSIONS)
def decide(supplier_id: int):
    supplier = db.get_or_404(Supplier, supplier_id)
    state = service.state(db.session, supplier.id)
    form = ExclusionDecisionForm()
    if form.validate_on_submit():
        now = utcnow()
        try:
            service.record_decision(
                db.session, supplier.id, outcome=form.outcome.data,
                likely_to_recur=form.likely_to_recur.data == "yes", reasons=form.reasons.data,
                decided_on=form.decided_on.data, user=current_user, now=now,
                actor=request_actor())
        except service.DecisionRejected as rejected:
            db.session.rollback()
            for error in rejected.errors:
                getattr(form, error.field).errors.append(error.message)
        else:
            db.session.commit()
            flash(f"Exclusion decision recorded: {rules.OUTCOMES[form.outcome.data]}")
            return redirect(url_for("officer.supplier", supplier_id=supplier.id,
                                    _anchor="exclusion"))
    return render_template("officer/exclusion_decision.html", supplier=supplier, state=state,
                           form=form, decisions=service.decisions_for(db.session, supplier.id),
                           outcomes=rules.OUTCOMES)


def _list_text(upload, max_bytes: int) -> tuple[str | None, str | None]:
    """The uploaded list as text, or why it cannot be read (checked by content, not by name)."""
    content = upload.stream.read(max_bytes + 1)
    if len(content) > max_bytes:
        return None, f"The file is larger than {max_bytes // (1024 * 1024)} MB"
    if not content.strip():
        return None, "The selected file is empty"
    if b"\0" in content or content.startswith((b"PK", b"%PDF")):
        return None, "The file must be a CSV file (a spreadsheet saved as CSV UTF-8)"
    try:
        return content.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        return None, "The file must be saved as CSV UTF-8 (in Excel: Save as, CSV UTF-8)"


@bp.route("/debarment-list", methods=["GET", "POST"])
@requires(Permission.DECIDE_EXCLUSIONS)
def debarment_list():
    """The council's debarment list: import it from a CSV (every supplier is checked against it
    at once, and each supplier again at every declaration request) and see who is on it."""
    form = DebarmentListForm()
    row_problems: list[str] = []
    if form.validate_on_submit():
        settings = current_app.config["SUPPLIER_DD_SETTINGS"]
        text, problem = _list_text(form.file.data, settings.upload_max_bytes)
        result = None if problem else debarment.import_list(
            db.session, text, utcnow(), request_actor())
        if problem or result.errors:
            db.session.rollback()
            row_problems = [] if problem else result.errors
            form.file.errors = [problem or (
                "Nothing was imported: correct the problems listed under the file box and "
                "upload the file again" if len(row_problems) > 1
                else f"Nothing was imported: {row_problems[0]}")]
        else:
            db.session.commit()
            already = (f", {result.already_listed} already on the list"
                       if result.already_listed else "")
            flash(f"Debarment list imported: {result.entries} new entries{already}. "
                  f"Checked {result.checked} suppliers: {result.matched} on the list.")
            return redirect(url_for("exclusions.debarment_list"))
    return render_template(
        "officer/debarment_list.html", form=form, row_problems=row_problems,
        entries=debarment.entries(db.session),
        on_the_list=debarment.suppliers_on_the_list(db.session), today=utcnow().date(),
        max_mb=current_app.config["SUPPLIER_DD_SETTINGS"].upload_max_bytes // (1024 * 1024))
