"""Crafted URLs an attacker sends by hand: each gives a clean 404 or redirect, never a 500."""

from __future__ import annotations

import pytest
from werkzeug.routing import IntegerConverter

from supplier_dd.domain.roles import Role, can
from supplier_dd.web.access import PUBLIC, required_permission
from tests.factories import PASSWORD, make_user
from tests.helpers import FormClient, any_csrf_token, csrf_token_in

# Just past a signed 64-bit integer (what both databases store ids in), far past it, and past
# the 4,300 digits Python agrees to turn into a number.
OVERSIZED_IDS = [str(2**63), str(10**30), "9" * 5000]
_PLACEHOLDER = 123454321


def _routes_with_int_ids(app):
    for rule in app.url_map.iter_rules():
        if any(isinstance(c, IntegerConverter) for c in rule._converters.values()):
            yield rule


def _url(rule, oversized: str) -> str:
    values = {
        name: _PLACEHOLDER if isinstance(converter, IntegerConverter) else "x"
        for name, converter in rule._converters.items()
    }
    return rule.build(values)[1].replace(str(_PLACEHOLDER), oversized)


def _role_for(app, endpoint: str) -> str | None:
    """A role that passes the access check, so the request reaches the id lookup."""
    permission = required_permission(app, endpoint)
    if permission == PUBLIC:
        return None
    return next(role.value for role in Role if can(role.value, permission))


def test_every_route_with_an_id_answers_404_for_ids_beyond_64_bits(app, session):
    users = {role.value: make_user(session, role.value) for role in Role}
    session.commit()
    app.test_client_class = FormClient
    clients = {}
    for role, user in users.items():
        clients[role] = app.test_client()
        clients[role].sign_in(user.email, PASSWORD)
    rules = list(_routes_with_int_ids(app))
    assert len(rules) > 20, "expected the service's many routes with ids"
    answers = {}
    for rule in rules:
        client = clients.get(_role_for(app, rule.endpoint)) or app.test_client()
        for oversized in OVERSIZED_IDS:
            url = _url(rule, oversized)
            if "GET" in rule.methods:
                response = client.get(url)
            else:
                response = client.post(url, data={"csrf_token": any_csrf_token(client)})
            answers[f"{rule.endpoint} {url[:80]}"] = response.status_code
            session.rollback()
    wrong = {where: status for where, status in answers.items() if status != 404}
    assert not wrong, f"expected 404 for ids beyond 64 bits, got {wrong}"


@pytest.mark.parametrize("next_target", [
    "/officer/tenders%0d%0aSet-Cookie:%20x=1",
    "/officer/tenders%0aLocation:%20https://evil.example/",
    "/officer/tenders%09",
    "/officer/%7f",
])
def test_a_next_parameter_with_control_characters_signs_in_to_the_home_page(
    client, session, next_target
):
    make_user(session, "officer", email="officer@example.org")
    session.commit()
    page = client.get(f"/sign-in?next={next_target}")
    assert page.status_code == 200
    response = client.post(f"/sign-in?next={next_target}", data={
        "csrf_token": csrf_token_in(page.get_data(as_text=True)),
        "email": "officer@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/officer/risk/"
    assert "Set-Cookie: x" not in str(response.headers)
    assert client.get("/officer/suppliers").status_code == 200
