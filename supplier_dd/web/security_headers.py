"""Content Security Policy and other headers, through Flask-Talisman."""

from flask import Flask

from supplier_dd.extensions import talisman

CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'self'",
    "object-src": "'none'",
}


def init_app(app: Flask) -> None:
    https = app.config["SUPPLIER_DD_SETTINGS"].base_url.startswith("https://")
    talisman.init_app(
        app,
        content_security_policy=CSP,
        # govuk-frontend's template runs one inline script; it carries this nonce.
        content_security_policy_nonce_in=["script-src"],
        force_https=False,
        strict_transport_security=https,
        session_cookie_secure=https,
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
        permissions_policy={"geolocation": "()", "camera": "()", "microphone": "()"},
    )

    @app.after_request
    def no_store_for_pages(response):
        # Pages show personal and commercial data; do not let shared machines cache them.
        if response.mimetype == "text/html":
            response.headers.setdefault("Cache-Control", "no-store")
        return response
