"""Signing in and out, and accepting an invitation."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import LoginManager, current_user, logout_user
from sqlalchemy.exc import IntegrityError

from supplier_dd.domain.roles import home_endpoint
from supplier_dd.extensions import db, limiter
from supplier_dd.models import User
from supplier_dd.models.base import utcnow
from supplier_dd.services import ServiceError, audit, single_sign_on, two_factor
from supplier_dd.services.invitations import (
    InvitationError,
    accept_invitation,
    find_open_invitation,
)
from supplier_dd.services.users import authenticate
from supplier_dd.web import two_factor as two_factor_pages
from supplier_dd.web import user_sessions
from supplier_dd.web.access import public
from supplier_dd.web.auditing import request_actor
from supplier_dd.web.forms import SetPasswordForm, SignInForm
from supplier_dd.web.safe_redirects import safe_next
from supplier_dd.web.sign_in_limit import sign_in_attempts
from supplier_dd.web.single_sign_on import (
    SIGNED_IN_KEY,
    provider_sign_out_url,
    remember_provider_sign_out,
)

bp = Blueprint("auth", __name__)


def init_login_manager(manager: LoginManager) -> None:
    manager.login_view = "auth.sign_in"
    manager.login_message = "Sign in to continue"
    manager.session_protection = "strong"

    @manager.user_loader
    def load_user(user_id: str):
        if not user_id.isdigit():
            return None
        user = db.session.get(User, int(user_id))
        if user is not None and not user.active:
            # A deactivated account's open session ends at its next request, for good: clearing
            # it means reactivating the account later does not bring the old session back.
            session.clear()
            return None
        if user is not None and not user_sessions.is_live(user):
            return None  # signed out on the server, idle too long, or never issued by it
        return user


@bp.route("/sign-in", methods=["GET", "POST"])
@sign_in_attempts
@public
def sign_in():
    if current_user.is_authenticated and request.method == "GET":
        return redirect(url_for(home_endpoint(current_user.role)))
    form = SignInForm()
    error = None
    if form.validate_on_submit():
        now = utcnow()
        outcome = authenticate(db.session, form.email.data, form.password.data, now)
        user = outcome.user
        if user is not None:
            target = safe_next(request.args.get("next")) or url_for(home_endpoint(user.role))
            if two_factor.is_enrolled(user):
                # Nobody is signed in yet: the code page finishes the job (web/two_factor.py).
                db.session.commit()
                two_factor_pages.begin_pending(user, target, now)
                return redirect(url_for("two_factor.sign_in_code"))
            if two_factor.must_enrol(user, current_app.config["SUPPLIER_DD_SETTINGS"].staff_mfa):
                target = url_for("two_factor.setup")
            audit.record(
                db.session,
                "auth.sign_in",
                request_actor(user),
                now,
                object_type="user",
                object_id=user.id,
            )
            token = user_sessions.begin(user, now)
            db.session.commit()
            user_sessions.sign_in_browser(user, token)
            return redirect(target)
        account = outcome.account
        audit.record(
            db.session,
            "auth.sign_in_failed",
            request_actor(),
            now,
            object_type="user" if account else None,
            object_id=account.id if account else None,
            details={"email": (form.email.data or "")[:254]},
        )
        if outcome.locked_now:
            audit.record(
                db.session,
                "auth.account_locked",
                request_actor(),
                now,
                object_type="user",
                object_id=account.id,
                after={"locked_until": account.locked_until},
            )
        db.session.commit()
        error = "Enter a correct email address and password"
        form.password.errors = [error]
    return render_template("auth/sign_in.html", form=form, error=error,
                           sso_councils=single_sign_on.sign_in_choices(db.session))


@bp.route("/sign-out", methods=["POST"])
@public
def sign_out():
    provider_sign_out = None
    if current_user.is_authenticated:
        now = utcnow()
        # Signed in through the council's provider: sign out there too, once signed out here.
        provider_sign_out = provider_sign_out_url(session.get(SIGNED_IN_KEY))
        audit.record(
            db.session,
            "auth.sign_out",
            request_actor(),
            now,
            object_type="user",
            object_id=current_user.id,
        )
        user_sessions.end_current(now)
        db.session.commit()
    logout_user()
    session.clear()
    if provider_sign_out:
        return redirect(remember_provider_sign_out(provider_sign_out))
    flash("You have signed out")
    return redirect(url_for("auth.sign_in"))


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@limiter.limit("30 per minute")
@public
def accept(token: str):
    try:
        invitation = find_open_invitation(db.session, token, utcnow())
    except InvitationError as error:
        return render_template("auth/invitation_invalid.html", message=str(error)), 410 if (
            "expired" in str(error) or "already been used" in str(error)
        ) else 404
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            now = utcnow()
            user = accept_invitation(db.session, token, form.password.data, now)
            audit.record(
                db.session,
                "invitation.accepted",
                request_actor(user),
                now,
                object_type="invitation",
                object_id=invitation.id,
                after={
                    "user_id": user.id,
                    "email": user.email,
                    "role": user.role,
                    "supplier_id": user.supplier_id,
                },
            )
            session_token = user_sessions.begin(user, now)
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            return render_template(
                "auth/invitation_invalid.html",
                message="This invitation link has already been used. Sign in instead.",
            ), 410
        except ServiceError as error:
            db.session.rollback()
            form.password.errors = [str(error)]
        else:
            user_sessions.sign_in_browser(user, session_token)
            flash("Your password is set and you are signed in")
            return redirect(url_for(home_endpoint(user.role)))
    return render_template("auth/accept_invitation.html", form=form, invitation=invitation)
