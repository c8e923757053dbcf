"""Content Security Policy and other headers, through Flask-Talisman."""

from flask import Flask, Response

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
# A file served as a download may be anything a supplier uploaded (an HTML page that is also
# a PDF, say). If a browser ever shows one instead of saving it, it runs nothing, loads
# nothing and has no origin to act for.
DOWNLOAD_CSP = "default-src 'none'; sandbox"


def _is_download(response: Response) -> bool:
    return response.headers.get("Content-Disposition", "").lower().startswith("attachment")


def init_app(app: Flask) -> None:
    https = app.config["SUPPLIER_DD_SETTINGS"].base_url.startswith("https://")

    # Registered before Talisman because Flask runs after_request hooks last-registered
    # first: Talisman sets the site's policy on every response, then this puts the
    # download's own policy back (a view's header would be overwritten).
    @app.after_request
    def sandbox_downloads(response: Response) -> Response:
        if _is_download(response):
            response.headers["Content-Security-Policy"] = DOWNLOAD_CSP
        return response

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
