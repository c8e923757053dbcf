"""Who the client is when the app runs behind the TLS proxy.

Behind a proxy every request comes from the proxy's address, so the sign-in rate limit (keyed
on the address), the audit log and session protection would all see one address for everyone.
The proxy names the client in X-Forwarded-For, but so can anyone: the header is believed only
for as many proxies as the operator says are in front (SUPPLIER_DD_TRUSTED_PROXIES, default 0,
believe none). Werkzeug's ProxyFix then takes the address the outermost trusted proxy saw.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


def init_app(app: Flask) -> None:
    trusted = app.config["SUPPLIER_DD_SETTINGS"].trusted_proxies
    if trusted:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=trusted, x_proto=trusted)
