"""The one place where routes are checked against roles.

Every view declares what it needs with @requires(Permission.X) or @public. A request to a view
that declares nothing is refused, and create_app fails if any route is undeclared, so a new route
cannot ship unguarded.
"""

from __future__ import annotations

from flask import Flask, abort, current_app, redirect, request, url_for
from flask_login import current_user

from supplier_dd.domain.roles import Permission, can

PUBLIC = "public"
# A JSON API view that checks the caller's API key itself (web/api.py's key_required), not
# the browser session.
API_KEY = "api_key"
_ATTRIBUTE = "required_permission"


def requires(permission: Permission):
    def decorate(view):
        setattr(view, _ATTRIBUTE, permission)
        return view

    return decorate


def public(view):
    setattr(view, _ATTRIBUTE, PUBLIC)
    return view


def api_key_checked(view):
    """Mark a view wrapped by web/api.py's key_required: only that wrapper calls this."""
    setattr(view, _ATTRIBUTE, API_KEY)
    return view


def required_permission(app: Flask, endpoint: str):
    view = app.view_functions.get(endpoint)
    return getattr(view, _ATTRIBUTE, None)


def undeclared_endpoints(app: Flask) -> list[str]:
    return sorted(
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static" and required_permission(app, rule.endpoint) is None
    )


def _check_request():
    endpoint = request.endpoint
    if endpoint is None or endpoint == "static":
        return None
    permission = required_permission(current_app, endpoint)
    if permission in (PUBLIC, API_KEY):
        return None
    if permission is None:
        abort(403)
    if not current_user.is_authenticated:
        return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
    if not can(current_user.role, permission):
        abort(403)
    return None


def init_app(app: Flask) -> None:
    missing = undeclared_endpoints(app)
    if missing:
        raise RuntimeError(f"Routes without an access declaration: {', '.join(missing)}")
    app.before_request(_check_request)
