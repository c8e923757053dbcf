"""Procurement officers: request declarations in bulk, by rule (issue 15).

The rule form, the preview and the confirmation page are GET pages carrying the rule in the
address, so they can be paged, reloaded and shared; only confirming changes anything. The
campaign is then worked through by the scheduler (jobs/bulk_requests.py), a batch a minute.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import HiddenField

from supplier_dd.domain import bulk_requests as rules
from supplier_dd.domain.roles import Permission
from supplier_dd.extensions import db
from supplier_dd.models import BulkCampaign
from supplier_dd.models.base import utcnow
from supplier_dd.services import ServiceError
from supplier_dd.services import bulk_requests as service
from supplier_dd.web.access import requires
from supplier_dd.web.auditing import request_actor
from supplier_dd.web.base_form import Form
from supplier_dd.web.declaration_requests import parse_due_date
from supplier_dd.web.flashes import flash_refusal
from supplier_dd.web.paging import page_number

bp = Blueprint("bulk_requests", __name__, url_prefix="/officer/declarations/bulk")

PER_PAGE = 25
RULE_ARGS = ("rule", "min_value", "industry", "due_date-day", "due_date-month", "due_date-year")


class ConfirmForm(Form):
    """What the officer saw on the confirmation page, sent back to be frozen into a campaign."""

    rule = HiddenField()
    min_value = HiddenField()
    industry = HiddenField()
    due_date = HiddenField()
    fingerprint = HiddenField()


def _rule_args(source) -> dict[str, str]:
    return {name: (source.get(name) or "").strip()[:40] for name in RULE_ARGS}


def _read(values: dict[str, str]) -> tuple[rules.Rule | None, date | None, dict[str, str]]:
    """The rule and due date from the address (or the confirmation form), with an error per
    field for the rule form."""
    errors: dict[str, str] = {}
    rule = None
    try:
        rule = rules.parse_rule(values["rule"], values["min_value"], values["industry"],
                                service.high_risk_industries())
    except rules.RuleError as problem:
        errors[problem.field] = str(problem)
    due_date, problem = parse_due_date(values)
    if problem:
        errors["due_date"] = problem
    else:
        try:
            rules.check_due_date(due_date, utcnow().date())
        except rules.RuleError as late:
            errors["due_date"] = str(late)
    return rule, due_date, errors


def _described(rule: rules.Rule) -> str:
    return rules.describe(rule, service.high_risk_industries())


def _valid_or_back(values: dict[str, str]):
    """A preview or confirmation reached with a rule that does not read is sent back to the
    form, which says what to fix."""
    rule, due_date, errors = _read(values)
    if errors:
        return None, None, redirect(url_for(".new", **values))
    return rule, due_date, None


@bp.route("/")
@requires(Permission.MANAGE_SUPPLIERS)
def index():
    campaigns = service.campaigns(db.session)
    counts = {c.id: service.outcome_counts(db.session, c.id) for c in campaigns}
    return render_template("bulk_requests/index.html", campaigns=campaigns, counts=counts,
                           title="Declaration requests in bulk")


@bp.route("/new")
@requires(Permission.MANAGE_SUPPLIERS)
def new():
    """The rule form. It is sent by GET to itself: a rule that reads goes on to the preview."""
    values = _rule_args(request.args)
    errors: dict[str, str] = {}
    if request.args.get("rule") is not None or request.args.get("check"):
        _rule, _due, errors = _read(values)
        if not errors:
            return redirect(url_for(".preview", **values))
    return render_template(
        "bulk_requests/new.html", values=values, errors=errors, labels=rules.RULE_LABELS,
        hints=rules.RULE_HINTS, industries=service.high_risk_industries(),
        title="Request declarations in bulk")


@bp.route("/preview")
@requires(Permission.MANAGE_SUPPLIERS)
def preview():
    values = _rule_args(request.args)
    rule, due_date, back = _valid_or_back(values)
    if back:
        return back
    page = page_number(request.args)
    found = service.preview(db.session, rule, utcnow().date(), page, PER_PAGE)
    return render_template(
        "bulk_requests/preview.html", values=values, rule=rule, description=_described(rule),
        due_date=due_date, found=found, page=page, per_page=PER_PAGE,
        title="Suppliers this rule asks")


def _confirmation_page(values: dict[str, str], rule: rules.Rule, due_date: date,
                       form: ConfirmForm, problem: str | None = None):
    found = service.preview(db.session, rule, utcnow().date(), 1, 1)
    form.rule.data, form.min_value.data = values["rule"], values["min_value"]
    form.industry.data, form.due_date.data = values["industry"], due_date.isoformat()
    form.fingerprint.data = found.fingerprint
    skipped = service.skipped_matches(db.session, rule, utcnow().date())
    return render_template(
        "bulk_requests/confirm.html", values=values, description=_described(rule),
        due_date=due_date, found=found, skipped=skipped, form=form, problem=problem,
        batch_size=current_app.config["SUPPLIER_DD_SETTINGS"].bulk_batch_size,
        title="Check and send the requests")


@bp.route("/confirm", methods=["GET", "POST"])
@requires(Permission.MANAGE_SUPPLIERS)
def confirm():
    form = ConfirmForm()
    if request.method == "GET":
        values = _rule_args(request.args)
        rule, due_date, back = _valid_or_back(values)
        return back or _confirmation_page(values, rule, due_date, form)
    due = form.due_date.data or ""
    year, month, day = (due.split("-") + ["", "", ""])[:3]
    values = _rule_args({"rule": form.rule.data, "min_value": form.min_value.data,
                         "industry": form.industry.data, "due_date-day": day,
                         "due_date-month": month, "due_date-year": year})
    rule, due_date, back = _valid_or_back(values)
    if back:
        flash_refusal("The requests were not sent: check the rule and its due date")
        return back
    if not form.validate_on_submit():
        return _confirmation_page(values, rule, due_date, ConfirmForm(formdata=None),
                                  "This page had expired. Check the list and send again.")
    try:
        campaign, created = service.start_campaign(
            db.session, rule, due_date, current_user, form.fingerprint.data or "", utcnow(),
            actor=request_actor())
        db.session.commit()
    except service.ListChanged as changed:
        db.session.rollback()
        return _confirmation_page(values, rule, due_date, ConfirmForm(formdata=None),
                                  str(changed))
    except ServiceError as failure:
        db.session.rollback()
        flash_refusal(str(failure))
        return redirect(url_for(".new", **values))
    if created:
        flash("Requests queued: they go out a few each minute")
    else:
        flash_refusal("These requests had already been sent: this is the campaign they "
                      "started")
    return redirect(url_for(".campaign", campaign_id=campaign.id))


@bp.route("/<int:campaign_id>")
@requires(Permission.MANAGE_SUPPLIERS)
def campaign(campaign_id: int):
    record = db.get_or_404(BulkCampaign, campaign_id)
    counts = service.outcome_counts(db.session, record.id)
    return render_template(
        "bulk_requests/campaign.html", campaign=record, counts=counts,
        skipped=service.skipped_suppliers(db.session, record.id),
        title="Bulk request campaign", title_context=[f"Campaign {record.id}"])


@bp.route("/<int:campaign_id>/engagement")
@requires(Permission.MANAGE_SUPPLIERS)
def engagement(campaign_id: int):
    record = db.get_or_404(BulkCampaign, campaign_id)
    state = request.args.get("state", "")
    if state not in rules.ENGAGEMENT_LABELS:
        state = ""
    page = page_number(request.args)
    found = service.engagement(db.session, record.id, state, page, PER_PAGE)
    return render_template(
        "bulk_requests/engagement.html", campaign=record, found=found, state=state, page=page,
        per_page=PER_PAGE, labels=rules.ENGAGEMENT_LABELS,
        title="Who has responded", title_context=[f"Campaign {record.id}"])
