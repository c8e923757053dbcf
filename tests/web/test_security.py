"""Hostile input and session attacks: each control proven by a test (see docs/security.md)."""

from __future__ import annotations

import re

import pytest

from tests.factories import PASSWORD, make_supplier, make_user
from tests.helpers import text_of

INJECTION_STRINGS = [
    "' OR '1'='1",
    "'; DROP TABLE suppliers; --",
    '" OR ""="',
    "%' UNION SELECT email, password_hash FROM users --",
    "\\'; SELECT pg_sleep(5); --",
]


def _post_routes(app):
    for rule in app.url_map.iter_rules():
        if "POST" in rule.methods and rule.endpoint != "static":
            # Every URL argument becomes 1: the CSRF check answers before any lookup.
            path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", "1", rule.rule)
            yield rule.endpoint, path


def test_every_state_changing_route_refuses_a_post_without_csrf_token(app, client, session):
    make_user(session, "admin", email="admin@example.org")
    session.commit()
    client.sign_in("admin@example.org", PASSWORD)
    routes = list(_post_routes(app))
    assert routes, "expected some POST routes"
    for endpoint, path in routes:
        response = client.post(path, data={"anything": "x"})
        if endpoint.startswith("api."):
            # The API takes no CSRF token because a browser's cookies give it no authority:
            # only a Bearer key does, so a signed-in admin's forged POST is still refused.
            assert response.status_code == 401, f"{endpoint} {path} accepted a session cookie"
            continue
        assert response.status_code == 400, f"{endpoint} {path} accepted a POST without CSRF"
        assert "expired or was not sent from this service" in text_of(response)


def test_a_token_from_another_session_is_refused(app, client, session):
    make_user(session, "officer", email="officer@example.org")
    session.commit()
    other = app.test_client()
    foreign_token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"',
                              other.get("/sign-in").get_data(as_text=True)).group(1)
    response = client.post("/sign-in", data={"csrf_token": foreign_token,
                                             "email": "officer@example.org", "password": PASSWORD})
    assert response.status_code == 400


def test_a_session_cookie_planted_before_sign_in_is_not_signed_in_afterwards(app, client, session):
    make_user(session, "officer", email="officer@example.org")
    session.commit()
    client.get("/sign-in")
    planted = client.get_cookie("session").value
    client.sign_in("officer@example.org", PASSWORD)
    assert client.get_cookie("session").value != planted

    attacker = app.test_client()
    attacker.set_cookie("session", planted)
    assert attacker.get("/officer/suppliers").status_code == 302


@pytest.mark.parametrize("hostile", INJECTION_STRINGS)
def test_injection_strings_in_search_are_just_text(client, session, hostile):
    make_supplier(session, name="Acme Ltd")
    make_user(session, "officer", email="officer@example.org")
    session.commit()
    client.sign_in("officer@example.org", PASSWORD)
    response = client.get("/officer/suppliers", query_string={"q": hostile, "page": hostile})
    assert response.status_code == 200
    assert "0 suppliers" in text_of(response)
    # The table is still there afterwards.
    assert "1 supplier" in text_of(client.get("/officer/suppliers"))


def test_hostile_text_is_escaped_not_executed(client, session):
    make_user(session, "officer", email="officer@example.org")
    session.commit()
    client.sign_in("officer@example.org", PASSWORD)
    response = client.submit(
        "/officer/suppliers/new", {"name": "<script>alert(1)</script> Ltd", "country": "GB"}
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Ltd" in page


def test_nul_characters_are_refused_with_a_clear_page(client, session):
    make_user(session, "officer", email="officer@example.org")
    session.commit()
    client.sign_in("officer@example.org", PASSWORD)
    response = client.get("/officer/suppliers", query_string={"q": "acme\x00"})
    assert response.status_code == 400
    assert "Sorry, there is a problem with the request" in text_of(response)
    posted = client.submit("/officer/suppliers/new", {"name": "Nul\x00 Ltd", "country": "GB"})
    assert posted.status_code == 400
