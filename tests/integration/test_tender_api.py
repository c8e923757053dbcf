"""The tender API (issue 15), on both databases: an admin makes a key (shown once, only its hash
kept, revocable, audited); the e-tendering system creates a tender with it (the same record the
officers' pages show), sends the same tender again without making a second, updates it, and is
answered 401 without a valid key and 400 naming the field when a field is wrong; requests over
the rate limit are refused."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from supplier_dd.extensions import limiter
from supplier_dd.models import ApiKey, AuditEntry, Tender
from supplier_dd.services.api_keys import key_sha256
from tests.factories import PASSWORD, make_user
from tests.integration.test_tenders import page_text

CLOSING = date.today() + timedelta(days=40)
TENDER = {
    "reference": "ET-2026-031", "title": "Grounds maintenance, south parks",
    "description": "Grass cutting and hedges in six parks.", "category": "Grounds maintenance",
    "cpv_code": "77310000-6", "value": 180000, "procurement_route": "open",
    "risk_tier": "medium", "closing_date": CLOSING.isoformat(), "lot": "",
}


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    limiter.reset()
    yield
    limiter.reset()


@pytest.fixture
def api_key(client, session) -> str:
    """A key made as an admin makes one, on the API keys page."""
    make_user(session, "admin", email="admin@example.org")
    session.commit()
    client.sign_in("admin@example.org", PASSWORD)
    response = client.submit("/admin/api-keys", {"name": "ProContract e-tendering"})
    assert response.status_code == 200
    return re.search(r'id="api-key">([^<]+)<', response.text).group(1)


def bearer(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


def test_an_admin_creates_a_key_shown_once_and_kept_only_as_a_hash(client, session, api_key):
    record = session.scalar(select(ApiKey))
    assert record.key_sha256 == key_sha256(api_key) and api_key not in record.key_sha256
    assert api_key.startswith(record.prefix)
    listing = client.get("/admin/api-keys").text
    assert "ProContract e-tendering" in listing and api_key not in listing
    assert session.scalar(select(AuditEntry.action).where(
        AuditEntry.object_type == "api_key")) == "api_key.created"


def test_create_then_the_same_again_then_update(client, session, api_key):
    response = client.post("/api/v1/tenders", json=TENDER, headers=bearer(api_key))
    assert response.status_code == 201, response.json
    body = response.json
    assert body["created"] is True
    assert body["tender"]["reference"] == "ET-2026-031"
    assert body["tender"]["value"] == "180000.00" and body["tender"]["status"] == "open"
    assert response.headers["Location"] == "/api/v1/tenders/ET-2026-031"
    tender = session.scalar(select(Tender))
    assert (tender.title, tender.risk_tier, tender.closing_date) == (
        "Grounds maintenance, south parks", "medium", CLOSING)
    # The officers see it as any other tender.
    assert "Grounds maintenance, south parks" in page_text(client.get("/officer/tenders"))
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "tender.created"))
    assert entry.actor_role == "api" and "ProContract e-tendering" in entry.actor_email

    # A retry (any case of the reference) makes no second tender and changes nothing.
    again = client.post("/api/v1/tenders", headers=bearer(api_key),
                        json={**TENDER, "reference": "et-2026-031", "title": "Changed"})
    assert again.status_code == 200 and again.json["created"] is False
    assert again.json["tender"]["id"] == body["tender"]["id"]
    assert again.json["tender"]["title"] == "Grounds maintenance, south parks"
    assert len(session.scalars(select(Tender)).all()) == 1

    updated = client.put("/api/v1/tenders/ET-2026-031", headers=bearer(api_key),
                         json={**TENDER, "title": "Grounds maintenance, all parks",
                               "value": "£210,000"})
    assert updated.status_code == 200, updated.json
    assert updated.json["tender"]["title"] == "Grounds maintenance, all parks"
    session.expire_all()
    assert session.scalar(select(Tender.value)) == 210000
    change = session.scalar(select(AuditEntry).where(AuditEntry.action == "tender.updated"))
    assert change.before["title"] == "Grounds maintenance, south parks"
    assert client.get("/api/v1/tenders/ET-2026-031", headers=bearer(api_key)).json[
        "tender"]["title"] == "Grounds maintenance, all parks"
    missing = client.put("/api/v1/tenders/NOPE-1", json=TENDER, headers=bearer(api_key))
    assert missing.status_code == 404 and "NOPE-1" in missing.json["errors"]["reference"]


@pytest.mark.parametrize("headers", [
    {}, {"Authorization": "Bearer sdd_not-a-real-key"}, {"Authorization": "Basic abc"}])
def test_without_a_valid_key_the_answer_is_401(client, session, api_key, headers):
    client.post("/sign-out", data={})  # a signed-in admin's browser session is not a key
    response = client.post("/api/v1/tenders", json=TENDER, headers=headers)
    assert response.status_code == 401
    assert "API key" in response.json["errors"]["api_key"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert session.scalar(select(Tender)) is None


def test_a_revoked_key_is_refused(client, session, api_key):
    key_id = session.scalar(select(ApiKey.id))
    assert client.submit(f"/admin/api-keys/{key_id}/revoke", {}).status_code == 302
    assert "Revoked" in client.get("/admin/api-keys").text
    assert client.post("/api/v1/tenders", json=TENDER,
                       headers=bearer(api_key)).status_code == 401
    assert session.scalar(select(AuditEntry.action).where(
        AuditEntry.action == "api_key.revoked")) == "api_key.revoked"


def test_a_bad_field_is_400_with_a_message_for_that_field(client, session, api_key):
    response = client.post("/api/v1/tenders", headers=bearer(api_key), json={
        **TENDER, "closing_date": "31/03/2026", "value": "lots", "risk_tier": "",
        "colour": "blue"})
    assert response.status_code == 400
    errors = response.json["errors"]
    assert errors["closing_date"].startswith("‘closing_date’ must be a real date as YYYY-MM-DD")
    assert errors["value"] == "Enter the value in pounds, like 250000 or £250,000"
    assert errors["risk_tier"] == "‘risk_tier’ is required"
    assert errors["colour"] == "‘colour’ is not a field of a tender"
    # What only the service knows: a route that is not one of the Act's, a date gone by.
    response = client.post("/api/v1/tenders", headers=bearer(api_key),
                           json={**TENDER, "procurement_route": "restricted"})
    assert response.status_code == 400
    assert response.json["errors"] == {"procurement_route": "Select the procurement route"}
    response = client.post("/api/v1/tenders", headers=bearer(api_key),
                           json={**TENDER, "closing_date": "2020-01-01"})
    assert response.json["errors"] == {
        "closing_date": "The closing date must be today or in the future"}
    not_json = client.post("/api/v1/tenders", headers=bearer(api_key), data="reference=x")
    assert not_json.status_code == 400 and "JSON object" in not_json.json["errors"]["body"]
    assert session.scalar(select(Tender)) is None


def test_requests_over_the_rate_limit_are_refused(client, session, api_key):
    responses = [client.get("/api/v1/tenders/ET-1", headers=bearer(api_key))
                 for _ in range(61)]
    assert [r.status_code for r in responses[:60]] == [404] * 60
    assert responses[60].status_code == 429
    assert "per 1 minute" in responses[60].json["errors"]["request"]
