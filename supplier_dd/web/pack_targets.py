"""/admin/pack-targets: the council's own targets for the Cabinet pack (edition 2, issue 16).

Admins only. Each save adds a row per changed target (never overwrites), audited as
pack_target.set, so a pack rebuilt for an earlier date reads the targets as they stood.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from supplier_dd.domain.roles import Permission
from supplier_dd.extensions import db
from supplier_dd.models.base import utcnow
from supplier_dd.reports.queries import (
    CHARTER_MEASURE_TARGET,
    CHARTER_TARGET_KEY,
    EDITION_2_TARGETS,
    TARGETS,
)
from supplier_dd.services import pack_targets
from supplier_dd.web.access import requires
from supplier_dd.web.auditing import request_actor
from supplier_dd.web.pack_target_forms import PackTargetsForm, field_name

bp = Blueprint("pack_targets", __name__, url_prefix="/admin")
DEFAULTS = {**TARGETS, **EDITION_2_TARGETS, CHARTER_TARGET_KEY: CHARTER_MEASURE_TARGET}


@bp.route("/pack-targets", methods=["GET", "POST"])
@requires(Permission.SET_PACK_TARGETS)
def edit():
    now = utcnow()
    stored = pack_targets.targets_at(db.session)
    form = PackTargetsForm()
    if form.validate_on_submit():
        added = pack_targets.set_targets(db.session, form.targets(), current_user,
                                         request_actor(), now, DEFAULTS)
        db.session.commit()
        flash(f"{len(added)} target{'' if len(added) == 1 else 's'} changed. Packs built as "
              "edition 2 read them from now on." if added else "No target changed.")
        return redirect(url_for("pack_targets.edit"))
    if not form.is_submitted():
        for measure in pack_targets.MEASURES:
            row = stored.get(measure.key)
            getattr(form, field_name(measure.key)).data = (
                row.target if row else DEFAULTS[measure.key])
    return render_template("admin/pack_targets.html", form=form, stored=stored,
                           measures=pack_targets.MEASURES, defaults=DEFAULTS)
