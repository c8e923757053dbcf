"""'Forgotten your password?': ask for a link by email, then choose a new password with it."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    session,
    url_for,
)
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from supplier_dd.domain.roles import home_endpoint
from supplier_dd.extensions import db, limiter
from supplier_dd.infrastructure.mail import render_email
from supplier_dd.models.base import utcnow
from supplier_dd.services import ServiceError, audit, password_resets
from supplier_dd.services import outbox as outbox_service
from supplier_dd.services.users import MIN_PASSWORD_LENGTH, normalise_email
from supplier_dd.web import user_sessions
from supplier_dd.web.access import public
from supplier_dd.web.auditing import request_actor
from supplier_dd.web.base_form import Form

bp = Blueprint("password_reset", __name__)

_ASKED_FOR = "_password_reset_email"  # shown back on the confirmation page, nothing more


class ForgottenPasswordForm(Form):
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[DataRequired(message="Enter your email address")],
    )
    submit = SubmitField("Send me a link", widget=GovSubmitInput())


class NewPasswordForm(Form):
    # The same rules as setting a password from an invitation (services.users checks them too).
    password = PasswordField(
        "New password",
        widget=GovPasswordInput(),
        validators=[
            DataRequired(message="Enter a new password"),
            Length(min=MIN_PASSWORD_LENGTH,
                   message=f"Password must be {MIN_PASSWORD_LENGTH} characters or more"),
        ],
    )
    confirm = PasswordField(
        "Confirm your new password",
        widget=GovPasswordInput(),
        validators=[
            DataRequired(message="Confirm your new password"),
            EqualTo("password", message="Passwords must match"),
        ],
    )
    submit = SubmitField("Change password and sign in", widget=GovSubmitInput())


def _rate_limit() -> str:
    # The same allowance as signing in: both let someone try addresses and links.
    return current_app.config["SUPPLIER_DD_SETTINGS"].login_rate_limit


@bp.route("/forgotten-password", methods=["GET", "POST"])
@limiter.limit(_rate_limit, methods=["POST"])
@public
def forgotten():
    form = ForgottenPasswordForm()
    if form.validate_on_submit():
        try:
            email = normalise_email(form.email.data)
        except ServiceError as error:
            form.email.errors = [str(error)]
        else:
            _send_link_if_account(email)
            session[_ASKED_FOR] = email
            return redirect(url_for("password_reset.sent"))
    return render_template("auth/forgotten_password.html", form=form)


def _send_link_if_account(email: str) -> None:
    """Queue the email for an active account; record the request either way. The email goes
    out with the next outbox pass (within a minute), not during this request, so the answer
    takes as long whether or not the address has an account."""
    now = utcnow()
    link = password_resets.request_reset(db.session, email, now)
    user = link.record.user if link else None
    audit.record(
        db.session, "auth.password_reset_requested", request_actor(), now,
        object_type="user" if user else None, object_id=user.id if user else None,
        details={"email": email[:254], "link_sent": link is not None},
    )
    if link is not None:
        settings = current_app.config["SUPPLIER_DD_SETTINGS"]
        message = render_email(
            "password_reset", name=user.name, email=user.email,
            council_name=settings.council_name,
            link=settings.base_url + url_for("password_reset.choose", token=link.token),
            expires=f"{link.record.expires_at:%H:%M} UTC on {link.record.expires_at:%d %B %Y}",
        )
        outbox_service.enqueue(
            db.session, dedupe_key=f"password_reset:{link.record.id}", kind="password_reset",
            recipient=user.email, subject=message.subject, text=message.text, html=message.html,
            now=now,
        )
    db.session.commit()


@bp.route("/forgotten-password/sent")
@public
def sent():
    return render_template("auth/password_reset_sent.html", email=session.get(_ASKED_FOR))


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@limiter.limit("30 per minute")
@limiter.limit(_rate_limit, methods=["POST"], deduct_when=lambda response: response.status_code
               != 302)
@public
def choose(token: str):
    try:
        link = password_resets.find_usable_link(db.session, token, utcnow())
    except password_resets.ResetLinkError as error:
        return _link_refused(error)
    form = NewPasswordForm()
    if form.validate_on_submit():
        now = utcnow()
        try:
            user = password_resets.reset_password(db.session, token, form.password.data, now)
        except password_resets.ResetLinkError as error:
            db.session.rollback()
            return _link_refused(error)
        except ServiceError as error:
            db.session.rollback()
            form.password.errors = [str(error)]
        else:
            audit.record(db.session, "auth.password_reset", request_actor(user), now,
                         object_type="user", object_id=user.id,
                         details={"sessions_ended": True})
            session_token = user_sessions.begin(user, now)
            db.session.commit()
            user_sessions.sign_in_browser(user, session_token)
            flash("Your password has been changed. You have been signed out everywhere else.")
            return redirect(url_for(home_endpoint(user.role)))
    return render_template("auth/reset_password.html", form=form, email=link.user.email)


def _link_refused(error: password_resets.ResetLinkError):
    return render_template("auth/reset_link_invalid.html", message=str(error)), (
        410 if error.used_or_expired else 404)
