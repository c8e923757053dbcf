"""The consortium admin's pages (issue 17): the councils of the partnership with their counts,
and creating a council with its first admin. Nothing here shows any council's own records."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from supplier_dd.domain import council_settings
from supplier_dd.domain.roles import Permission
from supplier_dd.extensions import db
from supplier_dd.models.base import utcnow
from supplier_dd.services import consortium, councils
from supplier_dd.services.councils import CouncilError
from supplier_dd.web.access import requires
from supplier_dd.web.auditing import request_actor
from supplier_dd.web.council_forms import NewCouncilForm
from supplier_dd.web.invitation_mail import queue_invitation, send_now

bp = Blueprint("consortium", __name__, url_prefix="/consortium")


@bp.route("")
@requires(Permission.MANAGE_COUNCILS)
def index():
    return render_template("consortium/index.html",
                           counts=councils.consortium_counts(db.session),
                           shared_suppliers=councils.shared_supplier_count(db.session))


@bp.route("/councils/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_COUNCILS)
def new_council():
    form = NewCouncilForm()
    if form.validate_on_submit():
        now = utcnow()
        try:
            created = consortium.create_council_with_admin(
                db.session, name=form.name.data, short_name=form.short_name.data,
                header_text=form.header_text.data,
                statement_url=council_settings.statement_url(form.statement_url.data),
                admin_name=form.admin_name.data, admin_email=form.admin_email.data,
                invited_by=current_user, actor=request_actor(), now=now,
                valid_hours=current_app.config["SUPPLIER_DD_SETTINGS"].invitation_valid_hours)
        except CouncilError as error:
            db.session.rollback()
            field = getattr(form, error.field or "name")
            field.errors = [*field.errors, str(error)]
        else:
            if created.token is None:  # the same press arriving twice: the first one sent it
                db.session.rollback()
                flash(f"{created.council.name} is created. Invitation sent to "
                      f"{created.invitation.email}")
                return redirect(url_for("consortium.index"))
            key = queue_invitation(created.invitation, created.token)
            db.session.commit()
            outcome = send_now(key, created.invitation.email)
            flash(f"{created.council.name} is created. {outcome}")
            return redirect(url_for("consortium.index"))
    return render_template("consortium/new_council.html", form=form)
