"""Pages anyone can read."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from supplier_dd.domain.roles import home_endpoint
from supplier_dd.web.access import public

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


@bp.route("/healthz")
@public
def health():
    from sqlalchemy import text

    from supplier_dd.extensions import db

    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}
