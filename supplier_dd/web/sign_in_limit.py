"""One rate limit for every step of signing in: wrong passwords and wrong second-step codes
from one address count together, so splitting guesses between the pages gains nothing."""

from __future__ import annotations

from flask import current_app

from supplier_dd.extensions import limiter


def _login_rate_limit() -> str:
    return current_app.config["SUPPLIER_DD_SETTINGS"].login_rate_limit


# Only failed attempts count (a success redirects), so people who sign in correctly are never
# slowed down.
sign_in_attempts = limiter.shared_limit(
    _login_rate_limit, scope="sign-in", methods=["POST"],
    deduct_when=lambda response: response.status_code != 302,
)
