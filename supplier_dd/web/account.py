"""The signed-in person's own settings: how they get the emails that can wait."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput
from wtforms import RadioField, SubmitField
from wtforms.validators import DataRequired

from supplier_dd.domain.roles import Permission
from supplier_dd.extensions import db
from supplier_dd.models.notification import DELIVERY_DAILY_DIGEST, DELIVERY_IMMEDIATE
from supplier_dd.services import ServiceError, notifications
from supplier_dd.web.access import requires
from supplier_dd.web.base_form import Form
from supplier_dd.web.choices import choices

bp = Blueprint("account", __name__, url_prefix="/account")


class NotificationsForm(Form):
    delivery = RadioField(
        "How do you want to get updates that can wait?", widget=GovRadioInput(),
        choices=choices([(DELIVERY_IMMEDIATE, "Email me each one as it happens"),
                         (DELIVERY_DAILY_DIGEST, "Send me one summary email a day")]),
        validators=[DataRequired(message="Select how you want to get updates that can wait")],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())


@bp.route("/notifications", methods=["GET", "POST"])
@requires(Permission.SIGNED_IN)
def notifications_page():
    form = NotificationsForm(data={"delivery": current_user.notification_delivery})
    if form.validate_on_submit():
        try:
            notifications.set_delivery(db.session, current_user, form.delivery.data)
            db.session.commit()
        except ServiceError as error:
            db.session.rollback()
            form.delivery.errors = [*form.delivery.errors, str(error)]
        else:
            flash("Your email settings have been saved")
            return redirect(url_for("account.notifications_page"))
    return render_template("account/notifications.html", form=form,
                           digestible=notifications.digestible_for(current_user.role))
