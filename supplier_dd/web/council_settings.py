"""A council's own settings, for its admins (issue 17): the header, statement page, time zone,
re-attestation and reminder policy, and who the Cabinet pack names."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from supplier_dd.domain.roles import Permission
from supplier_dd.extensions import db
from supplier_dd.models import Council
from supplier_dd.models.base import utcnow
from supplier_dd.services.council_settings import update_settings
from supplier_dd.web.access import requires
from supplier_dd.web.auditing import request_actor
from supplier_dd.web.council_forms import CouncilSettingsForm

bp = Blueprint("council_settings", __name__, url_prefix="/admin/council")


@bp.route("", methods=["GET", "POST"])
@requires(Permission.MANAGE_COUNCIL_SETTINGS)
def edit():
    council = db.session.get(Council, current_user.council_id) if current_user.council_id \
        else None
    if council is None:
        abort(404)
    form = CouncilSettingsForm(obj=council)
    if form.validate_on_submit():
        changed = update_settings(db.session, council, form.values(), actor=request_actor(),
                                  now=utcnow())
        db.session.commit()
        flash("The council's settings are saved" if changed
              else "Nothing changed: the settings were already as shown")
        return redirect(url_for("council_settings.edit"))
    return render_template("admin/council_settings.html", form=form, council=council)
