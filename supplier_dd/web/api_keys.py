"""The admin's API keys page: keys a council's e-tendering system pushes tenders with
(web/api.py). A new key is shown once, on the page that made it; only its hash is kept."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from supplier_dd.domain.roles import Permission
from supplier_dd.extensions import db
from supplier_dd.models import ApiKey
from supplier_dd.models.base import utcnow
from supplier_dd.services import InvalidField, ServiceError
from supplier_dd.services import api_keys as service
from supplier_dd.web.access import requires
from supplier_dd.web.auditing import request_actor
from supplier_dd.web.base_form import Form
from supplier_dd.web.flashes import flash_refusal

bp = Blueprint("api_keys", __name__, url_prefix="/admin/api-keys")


class NewKeyForm(Form):
    name = StringField(
        "Name of the key", widget=GovTextInput(),
        description="Say which system uses it, for example ‘ProContract e-tendering’.",
        validators=[DataRequired(message="Enter a name for the key, such as the system that "
                                         "uses it"),
                    Length(max=service.NAME_MAX,
                           message=f"The name must be {service.NAME_MAX} characters or fewer")],
    )
    submit = SubmitField("Create key", widget=GovSubmitInput())


class RevokeForm(Form):
    submit = SubmitField("Revoke the key", widget=GovSubmitInput())


@bp.route("", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def index():
    form = NewKeyForm()
    if form.validate_on_submit():
        try:
            key, secret = service.create_key(db.session, form.name.data, current_user, utcnow(),
                                             request_actor())
            db.session.commit()
        except InvalidField as error:
            db.session.rollback()
            form.name.errors = [str(error)]
        else:
            # Rendered, not redirected: the key is never put in the session or a URL.
            response = render_template("admin/api_key_created.html", key=key, secret=secret)
            return response, 200, {"Cache-Control": "no-store"}
    return render_template("admin/api_keys.html", form=form, keys=service.list_keys(db.session))


@bp.route("/<int:key_id>/revoke", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def revoke(key_id: int):
    key = db.session.get(ApiKey, key_id)
    if key is None:
        abort(404)
    if not key.active:
        flash_refusal(f"The key ‘{key.name}’ was already revoked")
        return redirect(url_for("api_keys.index"))
    form = RevokeForm()
    if form.validate_on_submit():
        try:
            service.revoke_key(db.session, key, current_user, utcnow(), request_actor())
            db.session.commit()
        except ServiceError as error:
            db.session.rollback()
            flash_refusal(str(error))
        else:
            flash(f"Key ‘{key.name}’ revoked: requests with it are now refused")
        return redirect(url_for("api_keys.index"))
    return render_template("admin/api_key_revoke.html", key=key, form=form,
                           title_context=[key.name])
