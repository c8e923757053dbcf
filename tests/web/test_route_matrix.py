"""Every route, every role plus anonymous, the answer expected.

A new route fails `test_every_route_has_an_entry` until it is added here, so the matrix stays
complete. Ids in URLs point at *another* supplier's records, so a supplier role that got a 200 on
them would be an IDOR hole.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from supplier_dd.models import Contract, Tender
from tests.factories import PASSWORD, make_supplier, make_user
from tests.helpers import any_csrf_token

ROLES = ["anonymous", "supplier", "officer", "legal", "admin"]


def expect(anonymous, supplier, officer, legal, admin):
    return dict(zip(ROLES, (anonymous, supplier, officer, legal, admin), strict=True))


PUBLIC = expect(200, 200, 200, 200, 200)
STAFF = expect(302, 403, 200, 200, 200)
PROCUREMENT = expect(302, 403, 200, 403, 200)
SUPPLIER_ONLY = expect(302, 200, 403, 403, 403)
ADMIN_ONLY = expect(302, 403, 403, 403, 200)

# endpoint: (method, url, expected status by role). Signed-in people visiting /sign-in are sent
# home (302); everyone may sign out (302).
MATRIX: dict[str, tuple[str, str, dict]] = {
    "pages.index": ("GET", "/", expect(302, 302, 302, 302, 302)),
    "pages.accessibility": ("GET", "/accessibility", PUBLIC),
    "pages.health": ("GET", "/healthz", PUBLIC),
    "auth.sign_in": ("GET", "/sign-in", expect(200, 302, 302, 302, 302)),
    "auth.sign_out": ("POST", "/sign-out", expect(302, 302, 302, 302, 302)),
    "auth.accept": ("GET", "/invitation/not-a-real-token", expect(404, 404, 404, 404, 404)),
    "officer.suppliers": ("GET", "/officer/suppliers", STAFF),
    "officer.new_supplier": ("GET", "/officer/suppliers/new", PROCUREMENT),
    "officer.supplier": ("GET", "/officer/suppliers/{other_supplier}", STAFF),
    "officer.edit_supplier": ("GET", "/officer/suppliers/{other_supplier}/edit", PROCUREMENT),
    "officer.invite_contact": ("GET", "/officer/suppliers/{other_supplier}/invite", PROCUREMENT),
    "officer.contracts": ("GET", "/officer/contracts", STAFF),
    "officer.tenders": ("GET", "/officer/tenders", STAFF),
    "officer.tender": ("GET", "/officer/tenders/{tender}", STAFF),
    "supplier.home": ("GET", "/supplier/", SUPPLIER_ONLY),
    "admin.users": ("GET", "/admin/users", ADMIN_ONLY),
}


@pytest.fixture
def world(session):
    """Accounts for every role, and records that belong to a supplier other than the user's."""
    own = make_supplier(session, name="Own Organisation Ltd")
    other = make_supplier(session, name="Other Organisation Ltd")
    for role in ("officer", "legal", "admin"):
        make_user(session, role, email=f"{role}@example.org")
    make_user(session, "supplier", email="supplier@example.org", supplier=own)
    contract = Contract(reference="C-OTHER-1", title="Other's contract", value=Decimal("1000"),
                        start_date=date(2025, 1, 1), end_date=date(2026, 1, 1), supplier=other)
    tender = Tender(reference="T-1", title="A tender", invited_suppliers=[other])
    session.add_all([contract, tender])
    session.commit()
    return {"other_supplier": other.id, "own_supplier": own.id, "contract": contract.id,
            "tender": tender.id}


def test_every_route_has_an_entry(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    missing = sorted(endpoints - set(MATRIX))
    assert not missing, f"routes missing from the role matrix: {missing}"
    stale = sorted(set(MATRIX) - endpoints)
    assert not stale, f"matrix entries for routes that no longer exist: {stale}"


@pytest.mark.parametrize("role", ROLES)
def test_route_answers_by_role(app, client, world, role):
    if role != "anonymous":
        client.sign_in(f"{role}@example.org", PASSWORD)
    token = None
    failures = []
    for endpoint, (method, url, expected) in MATRIX.items():
        if endpoint == "auth.sign_out":
            continue  # signing out mid-loop would end the session; tested below
        path = url.format(**world)
        if method == "GET":
            response = client.get(path)
        else:
            token = token or any_csrf_token(client)
            response = client.post(path, data={"csrf_token": token})
        if response.status_code != expected[role]:
            failures.append(f"{method} {path}: {response.status_code}, expected {expected[role]}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("role", ROLES)
def test_sign_out_answers_by_role(client, world, role):
    if role != "anonymous":
        client.sign_in(f"{role}@example.org", PASSWORD)
    token = any_csrf_token(client)
    response = client.post("/sign-out", data={"csrf_token": token})
    assert response.status_code == MATRIX["auth.sign_out"][2][role]
    assert client.get("/officer/suppliers").status_code == 302
