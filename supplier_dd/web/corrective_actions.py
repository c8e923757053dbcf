"""Every supplier's corrective actions on one page for staff (each opens on the risk pages)."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from supplier_dd.domain.corrective_actions import STATUS_LABELS, is_overdue
from supplier_dd.domain.roles import Permission
from supplier_dd.extensions import db
from supplier_dd.models.base import utcnow
from supplier_dd.services.corrective_action_list import ActionFilters, actions_page
from supplier_dd.web.access import requires
from supplier_dd.web.paging import page_number

bp = Blueprint("corrective_actions", __name__, url_prefix="/officer/corrective-actions")
PER_PAGE = 50


@bp.route("")
@requires(Permission.VIEW_RISK)
def index():
    filters = ActionFilters.from_args(request.args)
    page = page_number(request.args)
    today = utcnow().date()
    rows, total = actions_page(db.session, filters, page, PER_PAGE, today)
    return render_template(
        "risk/corrective_actions.html", rows=rows, total=total, page=page, per_page=PER_PAGE,
        filters=filters, statuses=STATUS_LABELS, is_overdue=is_overdue, today=today,
    )
