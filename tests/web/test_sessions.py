"""A session ends on the server: a copied cookie is worth nothing after sign-out or idleness.

The attacker here has a copy of someone's session cookie (from a shared computer, a proxy log,
malware): they replay it exactly as the browser sent it.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from supplier_dd.models.base import utcnow
from tests.factories import PASSWORD, make_user
from tests.helpers import FormClient, any_csrf_token, text_of

IDLE_MINUTES = 5


@pytest.fixture
def app_env():
    return {"SUPPLIER_DD_SESSION_MINUTES": str(IDLE_MINUTES)}


@pytest.fixture
def officer(session):
    user = make_user(session, "officer", email="officer@example.org")
    session.commit()
    return user


def _replaying(app, cookie: str, **environ) -> FormClient:
    """Another browser holding a copy of the cookie, optionally elsewhere (address, browser)."""
    attacker = FormClient(app, app.response_class, use_cookies=True)
    attacker.environ_base.update(environ)
    attacker.set_cookie("session", cookie)
    return attacker


def _signed_out(response) -> bool:
    return response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


def _backdate_last_activity(session, user, minutes: float) -> None:
    """As if the last request of the session had come `minutes` ago (no waiting in tests)."""
    from supplier_dd.models import UserSession

    record = session.query(UserSession).filter_by(user_id=user.id).one()
    record.last_seen_at = utcnow() - timedelta(minutes=minutes)
    session.commit()


def test_a_copied_cookie_stops_working_when_its_owner_signs_out(app, client, session, officer):
    client.sign_in("officer@example.org", PASSWORD)
    copied = client.get_cookie("session").value
    assert _replaying(app, copied).get("/officer/suppliers").status_code == 200

    signed_out = client.post("/sign-out", data={"csrf_token": any_csrf_token(client)})
    assert signed_out.headers["Location"] == "/sign-in"

    replayed = _replaying(app, copied).get("/officer/suppliers")
    assert _signed_out(replayed), "the copied cookie still works after sign-out"
    assert _signed_out(client.get("/officer/suppliers"))


def test_a_cookie_replayed_after_the_idle_timeout_is_signed_out(app, client, session, officer):
    client.sign_in("officer@example.org", PASSWORD)
    copied = client.get_cookie("session").value
    # The cookie itself is fresh and correctly signed; only the server knows the session has
    # been idle for longer than the timeout (the last activity is recorded at most once a
    # minute, so the timeout allows that minute).
    _backdate_last_activity(session, officer, IDLE_MINUTES + 1.5)

    replayed = _replaying(app, copied).get("/officer/suppliers")
    assert _signed_out(replayed), "an idle session came back with a still-valid cookie"
    assert _signed_out(client.get("/officer/suppliers"))
    page = client.get("/sign-in")
    assert f"signed out because you had not used the service for {IDLE_MINUTES} minutes" in (
        text_of(page))


def test_a_session_used_within_the_timeout_stays_signed_in_and_counts_as_used(
    app, client, session, officer
):
    client.sign_in("officer@example.org", PASSWORD)
    _backdate_last_activity(session, officer, IDLE_MINUTES - 1)

    assert client.get("/officer/suppliers").status_code == 200
    session.expire_all()
    from supplier_dd.models import UserSession

    record = session.query(UserSession).filter_by(user_id=officer.id).one()
    assert utcnow() - record.last_seen_at < timedelta(minutes=1)
    assert record.ended_at is None


@pytest.mark.parametrize("elsewhere", [
    {"HTTP_USER_AGENT": "Mozilla/5.0 (attacker's browser)"},
    {"REMOTE_ADDR": "192.0.2.66"},
], ids=["another-browser", "another-address"])
def test_strong_protection_refuses_a_cookie_from_another_browser_or_address(
    app, client, session, officer, elsewhere
):
    client.sign_in("officer@example.org", PASSWORD)
    copied = client.get_cookie("session").value

    replayed = _replaying(app, copied, **elsewhere).get("/officer/suppliers")
    assert _signed_out(replayed), "a copied cookie worked from another browser or address"
    # The person the cookie belongs to is not signed out by someone else's replay.
    assert client.get("/officer/suppliers").status_code == 200


def test_a_session_open_when_its_account_was_deactivated_does_not_return_on_reactivation(
    app, client, session, officer
):
    client.sign_in("officer@example.org", PASSWORD)
    copied = client.get_cookie("session").value
    admin = FormClient(app, app.response_class, use_cookies=True)
    make_user(session, "admin", email="admin@example.org")
    session.commit()
    admin.sign_in("admin@example.org", PASSWORD)
    for active in ("no", "yes"):  # no request from the officer's browser in between
        response = admin.post(f"/admin/users/{officer.id}/active",
                              data={"active": active, "csrf_token": any_csrf_token(admin)})
        assert response.status_code == 302

    assert _signed_out(_replaying(app, copied).get("/officer/suppliers"))
