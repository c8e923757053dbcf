"""Error pages, security headers and the shared layout."""

from __future__ import annotations

from tests.factories import PASSWORD, make_user
from tests.helpers import text_of


def test_security_headers_on_every_page(client):
    response = client.get("/sign-in")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self' 'nonce-" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["Cache-Control"] == "no-store"
    # HSTS only makes sense behind TLS; the test app is served over http.
    assert "Strict-Transport-Security" not in response.headers


def test_the_inline_script_carries_the_nonce(client):
    response = client.get("/sign-in")
    nonce = response.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert f'<script nonce="{nonce}">' in response.get_data(as_text=True)


def test_session_cookie_is_httponly_and_samesite(client, session):
    make_user(session, "officer", email="officer@example.org")
    session.commit()
    response = client.sign_in("officer@example.org", PASSWORD)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_not_found_page_uses_the_service_layout(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    page = text_of(response)
    assert "Page not found" in page and "govuk-template" in page


def test_forbidden_page_uses_the_service_layout(client, session):
    make_user(session, "legal", email="legal@example.org")
    session.commit()
    client.sign_in("legal@example.org", PASSWORD)
    response = client.get("/admin/users")
    assert response.status_code == 403
    assert "You do not have permission to view this page" in text_of(response)


def test_unexpected_errors_show_a_page_not_a_traceback(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internal detail")

    boom.required_permission = "public"
    response = client.get("/boom")
    assert response.status_code == 500
    page = text_of(response)
    assert "Sorry, there is a problem with the service" in page
    assert "secret internal detail" not in page and "Traceback" not in page
