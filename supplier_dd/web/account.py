"""The signed-in person's own settings: how they get the emails that can wait, and the
sessions they have open (two-step sign-in is in web/two_factor.py)."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, session, url_for
from flask_login import current_user, logout_user
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput
from wtforms import RadioField, SubmitField
from wtforms.validators import DataRequired

from supplier_dd.domain.roles import Permission
from supplier_dd.domain.sessions import device_description
from supplier_dd.extensions import db
from supplier_dd.models.base import utcnow
from supplier_dd.models.notification import DELIVERY_DAILY_DIGEST, DELIVERY_IMMEDIATE
from supplier_dd.services import ServiceError, audit, notifications, two_factor, user_sessions
from supplier_dd.web import user_sessions as web_sessions
from supplier_dd.web.access import requires
from supplier_dd.web.auditing import request_actor
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


def _audit_ended(now, reason: str, count: int, **details) -> None:
    audit.record(db.session, "auth.session_ended", request_actor(), now, object_type="user",
                 object_id=current_user.id,
                 details={"reason": reason, "sessions_ended": count, **details})


@bp.route("/sessions")
@requires(Permission.SIGNED_IN)
def sessions_page():
    current = g.get("user_session")
    records = user_sessions.live_sessions_of(db.session, current_user.id, utcnow(),
                                             web_sessions.idle_limit())
    rows = [{"record": r, "device": device_description(r.user_agent),
             "is_current": current is not None and r.id == current.id} for r in records]
    return render_template("account/sessions.html", rows=rows,
                           others=sum(not row["is_current"] for row in rows),
                           two_factor_on=two_factor.is_enrolled(current_user))


@bp.route("/sessions/<int:session_id>/end", methods=["POST"])
@requires(Permission.SIGNED_IN)
def end_session(session_id: int):
    now = utcnow()
    current = g.get("user_session")
    if current is not None and current.id == session_id:
        # This browser's own session ends with "Sign out", not from the list.
        return redirect(url_for("account.sessions_page"))
    if user_sessions.end_one_session(db.session, current_user.id, session_id, now,
                                     two_factor.ENDED_BY_USER):
        _audit_ended(now, two_factor.ENDED_BY_USER, 1, session_id=session_id)
        db.session.commit()
        flash("That session is signed out")
    return redirect(url_for("account.sessions_page"))


@bp.route("/sessions/end-others", methods=["POST"])
@requires(Permission.SIGNED_IN)
def end_other_sessions():
    now = utcnow()
    current = g.get("user_session")
    count = user_sessions.end_other_sessions(db.session, current_user.id,
                                             current.id if current else None, now,
                                             two_factor.ENDED_BY_USER)
    _audit_ended(now, two_factor.ENDED_BY_USER, count, kept_this_session=True)
    db.session.commit()
    flash("Your other sessions are signed out" if count else "You had no other sessions open")
    return redirect(url_for("account.sessions_page"))


@bp.route("/sessions/end-all", methods=["POST"])
@requires(Permission.SIGNED_IN)
def sign_out_everywhere():
    """Every session, this one too: what to do when a device or a cookie may be in the wrong
    hands, since a copied cookie is the same session as the browser it came from."""
    now = utcnow()
    count = user_sessions.end_sessions_of(db.session, current_user.id, now,
                                          two_factor.ENDED_BY_USER)
    _audit_ended(now, two_factor.ENDED_BY_USER, count, kept_this_session=False)
    db.session.commit()
    logout_user()
    session.clear()
    flash("You are signed out everywhere, including here")
    return redirect(url_for("auth.sign_in"))
