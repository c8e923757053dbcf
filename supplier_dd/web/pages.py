"""Pages anyone can read."""

from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_login import current_user

from supplier_dd.domain.roles import Permission, home_endpoint
from supplier_dd.web.access import public, requires

bp = Blueprint("pages", __name__)


@bp.route("/")
@public
def index():
    if current_user.is_authenticated:
        return redirect(url_for(home_endpoint(current_user.role)))
    return redirect(url_for("auth.sign_in"))


@bp.route("/accessibility")
@public
def accessibility():
    return render_template("pages/accessibility.html")


@bp.route("/session/keep-alive")
@requires(Permission.SIGNED_IN)
def keep_alive():
    # Any request refreshes the session cookie; this one exists so the timeout warning's
    # "Stay signed in" button can do it without leaving the page (and losing typed answers).
    return {"signed_in": True, "expires_in_seconds": int(
        current_app.permanent_session_lifetime.total_seconds())}


@bp.route("/healthz")
@public
def health():
    from sqlalchemy import text

    from supplier_dd.extensions import db

    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}
