"""The second sign-in step in the browser: the code page after the password, setting up an
authenticator app, recovery codes, and keeping staff who must have a second step on the set-up
page until they have one.

Between the password and the code nobody is signed in: the Flask session holds only who passed
the password step, where they were going, and until when (5 minutes)."""

from __future__ import annotations

from datetime import datetime, timedelta

import segno
from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired

from supplier_dd.domain import lockout
from supplier_dd.domain import two_factor as rules
from supplier_dd.domain.roles import Permission, Role, home_endpoint
from supplier_dd.extensions import db
from supplier_dd.models import User
from supplier_dd.models.base import utcnow
from supplier_dd.services import ServiceError, audit, two_factor
from supplier_dd.web import access, user_sessions
from supplier_dd.web.access import public, requires
from supplier_dd.web.auditing import request_actor
from supplier_dd.web.base_form import Form
from supplier_dd.web.sign_in_limit import sign_in_attempts

bp = Blueprint("two_factor", __name__)

PENDING_KEY = "_second_step_pending"
ENTER_CODE = "Enter the 6-digit code from your authenticator app"
MESSAGES = {
    rules.WRONG: "The code is not right. Enter the newest 6-digit code from your "
                 "authenticator app",
    rules.REUSED: "This code has already been used - wait for the next one",
    rules.MALFORMED: "Enter the code as 6 digits, like 123456",
    two_factor.LOCKED: "Too many wrong attempts. Wait "
                       f"{int(lockout.LOCK_DURATION.total_seconds() // 60)} minutes, then sign in "
                       "again",
}


class CodeForm(Form):
    code = StringField("Code", widget=GovTextInput(),
                       validators=[DataRequired(message=ENTER_CODE)])
    submit = SubmitField("Continue", widget=GovSubmitInput())


class RecoveryCodeForm(Form):
    code = StringField("Recovery code", widget=GovTextInput(),
                       validators=[DataRequired(message="Enter one of your recovery codes")])
    submit = SubmitField("Continue", widget=GovSubmitInput())


class ConfirmSetupForm(Form):
    code = StringField("Code from the app", widget=GovTextInput(),
                       validators=[DataRequired(message=ENTER_CODE)])
    submit = SubmitField("Turn on", widget=GovSubmitInput())


def _staff_mfa() -> str:
    return current_app.config["SUPPLIER_DD_SETTINGS"].staff_mfa


# --- After the password: waiting for the code -------------------------------------------------

def begin_pending(user: User, target: str, now: datetime) -> None:
    """The password was right and the account has a second step: remember that, briefly."""
    session.clear()  # nothing from before the password step carries over
    session[PENDING_KEY] = {
        "user_id": user.id,
        "until": (now + timedelta(minutes=rules.PENDING_MINUTES)).isoformat(),
        "next": target,
    }


def _pending_user(now: datetime) -> tuple[User | None, str | None]:
    """The person half-way through signing in, and where to send them; (None, why) if not."""
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None, "missing"
    try:
        until = datetime.fromisoformat(pending["until"])
        user = db.session.get(User, int(pending["user_id"]))
    except (KeyError, TypeError, ValueError):
        return None, "missing"
    if now > until:
        return None, "expired"
    if user is None or not user.active:
        return None, "missing"
    return user, None


def _start_again(reason: str):
    session.pop(PENDING_KEY, None)
    flash("You took longer than 5 minutes to enter the code. Sign in again."
          if reason == "expired" else "Sign in to continue")
    return redirect(url_for("auth.sign_in"))


def _finish_sign_in(user: User, method: str, now: datetime):
    target = session.get(PENDING_KEY, {}).get("next") or url_for(home_endpoint(user.role))
    audit.record(db.session, "auth.sign_in", request_actor(user), now, object_type="user",
                 object_id=user.id, details={"second_step": method})
    token = user_sessions.begin(user, now)
    db.session.commit()
    user_sessions.sign_in_browser(user, token)  # clears the pending state with the old cookie
    return redirect(target)


def _refuse(user: User, outcome: two_factor.SecondStep, method: str, now: datetime) -> str:
    audit.record(db.session, "auth.mfa_failed", request_actor(), now, object_type="user",
                 object_id=user.id, details={"method": method, "reason": outcome.outcome})
    if outcome.locked_now:
        audit.record(db.session, "auth.account_locked", request_actor(), now, object_type="user",
                     object_id=user.id, after={"locked_until": user.locked_until})
    db.session.commit()
    current_app.logger.info("Second sign-in step refused for user %s: %s", user.id,
                            outcome.outcome)
    if method == "recovery_code" and outcome.outcome == rules.WRONG:
        return "That recovery code is not right or has already been used"
    return MESSAGES[outcome.outcome]


@bp.route("/sign-in/code", methods=["GET", "POST"])
@sign_in_attempts
@public
def sign_in_code():
    now = utcnow()
    user, why = _pending_user(now)
    if user is None:
        return _start_again(why)
    form = CodeForm()
    if form.validate_on_submit():
        outcome = two_factor.check_sign_in_code(user, form.code.data, now)
        if outcome.outcome == rules.ACCEPTED:
            return _finish_sign_in(user, "totp", now)
        form.code.errors = [_refuse(user, outcome, "totp", now)]
    return render_template("auth/sign_in_code.html", form=form)


@bp.route("/sign-in/recovery-code", methods=["GET", "POST"])
@sign_in_attempts
@public
def sign_in_recovery_code():
    now = utcnow()
    user, why = _pending_user(now)
    if user is None:
        return _start_again(why)
    form = RecoveryCodeForm()
    if form.validate_on_submit():
        outcome = two_factor.use_recovery_code(db.session, user, form.code.data, now)
        if outcome.outcome == rules.ACCEPTED:
            left = two_factor.unused_recovery_codes(db.session, user)
            response = _finish_sign_in(user, "recovery_code", now)
            flash(f"You have {left} recovery codes left. If your authenticator app is lost, "
                  "make new codes on your two-step sign-in page.")
            return response
        form.code.errors = [_refuse(user, outcome, "recovery_code", now)]
    return render_template("auth/sign_in_recovery_code.html", form=form)


# --- Setting up, and what can be changed afterwards -------------------------------------------

def _qr_data_uri(uri: str) -> str:
    # An SVG in a data: URI: the CSP already allows `img-src data:`, and nothing is fetched.
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=4)


@bp.route("/account/two-factor", methods=["GET", "POST"])
@requires(Permission.SIGNED_IN)
def setup():
    user = current_user._get_current_object()
    if two_factor.is_enrolled(user):
        return render_template(
            "account/two_factor.html", enrolled_at=user.totp_enrolled_at,
            codes_left=two_factor.unused_recovery_codes(db.session, user),
            can_turn_off=not two_factor.is_required(user, _staff_mfa()))
    secret = two_factor.pending_secret(user)
    db.session.commit()  # the same key on every reload, until it is confirmed
    form = ConfirmSetupForm()
    if form.validate_on_submit():
        now = utcnow()
        record = g.get("user_session")
        try:
            codes = two_factor.confirm_enrolment(
                db.session, user, form.code.data, now, actor=request_actor(),
                keep_session_id=record.id if record else None)
            db.session.commit()
        except ServiceError as error:
            db.session.rollback()
            form.code.errors = [str(error)]
        else:
            return render_template("account/recovery_codes.html", codes=codes, first_time=True,
                                   continue_to=url_for(home_endpoint(user.role)))
    uri = rules.provisioning_uri(secret, user.email)
    return render_template(
        "account/two_factor_setup.html", form=form, qr=_qr_data_uri(uri),
        key=rules.grouped(secret), account_name=user.email, issuer=rules.ISSUER,
        required=two_factor.must_enrol(user, _staff_mfa()))


@bp.route("/account/two-factor/recovery-codes", methods=["POST"])
@requires(Permission.SIGNED_IN)
def new_recovery_codes():
    try:
        codes = two_factor.regenerate_recovery_codes(
            db.session, current_user, utcnow(), actor=request_actor())
        db.session.commit()
    except ServiceError as error:
        db.session.rollback()
        flash(str(error))
        return redirect(url_for("two_factor.setup"))
    return render_template("account/recovery_codes.html", codes=codes, first_time=False,
                           continue_to=url_for("two_factor.setup"))


@bp.route("/account/two-factor/turn-off", methods=["POST"])
@requires(Permission.SIGNED_IN)
def turn_off():
    record = g.get("user_session")
    try:
        two_factor.turn_off(db.session, current_user, utcnow(), staff_mfa=_staff_mfa(),
                            actor=request_actor(), keep_session_id=record.id if record else None)
        db.session.commit()
    except ServiceError as error:
        db.session.rollback()
        flash(str(error))
    else:
        flash("Two-step sign-in is off. You sign in with your password only.")
    return redirect(url_for("two_factor.setup"))


# Where a staff member who must set up a second step may still go: set-up itself, signing out,
# and pages anyone may see.
_ALLOWED_BEFORE_ENROLMENT = frozenset({"two_factor.setup", "auth.sign_out", "static"})


@bp.before_app_request
def _keep_unenrolled_staff_on_set_up():
    endpoint = request.endpoint
    if endpoint is None or endpoint in _ALLOWED_BEFORE_ENROLMENT:
        return None
    if access.required_permission(current_app, endpoint) in (access.PUBLIC, access.API_KEY):
        return None
    if not current_user.is_authenticated or current_user.role == Role.SUPPLIER.value:
        return None
    if two_factor.must_enrol(current_user, _staff_mfa()):
        return redirect(url_for("two_factor.setup"))
    return None
