from __future__ import annotations

from datetime import timedelta

import pytest

from supplier_dd.models import Invitation, User
from supplier_dd.models.base import utcnow
from tests.factories import PASSWORD, make_supplier, make_user
from tests.helpers import csrf_token_in, text_of


@pytest.mark.parametrize("role", ["officer", "legal"])
def test_officers_and_legal_sign_in_to_the_risk_dashboard(client, session, role):
    make_user(session, role, email="staff@example.org")
    session.commit()
    response = client.sign_in("staff@example.org", PASSWORD)
    assert response.headers["Location"] == "/officer/risk/"
    assert "Supplier risk" in text_of(client.get(response.headers["Location"]))
    # Already signed in, the sign-in page sends them to the same place.
    assert client.get("/sign-in").headers["Location"] == "/officer/risk/"


def test_wrong_password_shows_an_error_and_is_rate_limited(client, session):
    make_user(session, "officer", email="officer@example.org")
    session.commit()
    for _ in range(5):
        response = client.submit("/sign-in", {"email": "officer@example.org", "password": "nope"})
        assert response.status_code == 200
        assert "Enter a correct email address and password" in text_of(response)
    blocked = client.submit("/sign-in", {"email": "officer@example.org", "password": "nope"})
    assert blocked.status_code == 429
    assert "Too many attempts" in text_of(blocked)
    assert "Traceback" not in text_of(blocked)


def test_passwords_are_stored_hashed_with_scrypt(session):
    user = make_user(session, "legal")
    assert user.password_hash.startswith("scrypt:")
    assert PASSWORD not in user.password_hash


def test_sign_in_rejects_a_post_without_csrf_token(client, session):
    make_user(session, "officer", email="officer@example.org")
    session.commit()
    response = client.post("/sign-in", data={"email": "officer@example.org", "password": PASSWORD})
    assert response.status_code == 400
    assert "expired or was not sent from this service" in text_of(response)


def test_next_parameter_never_redirects_off_site(client, session):
    make_user(session, "officer", email="officer@example.org")
    session.commit()
    for target in ["https://evil.example/", "//evil.example/x", "/\\evil.example"]:
        with client.session_transaction() as flask_session:
            flask_session.clear()
        page = client.get(f"/sign-in?next={target}")
        response = client.post(
            f"/sign-in?next={target}",
            data={
                "csrf_token": csrf_token_in(page.get_data(as_text=True)),
                "email": "officer@example.org",
                "password": PASSWORD,
            },
        )
        assert response.status_code == 302
        assert response.headers["Location"] == "/officer/risk/"


def test_next_parameter_returns_to_the_page_asked_for(client, session):
    make_user(session, "officer", email="officer@example.org")
    session.commit()
    first = client.get("/officer/tenders")
    assert first.status_code == 302 and "next=/officer/tenders" in first.headers["Location"]
    response = client.submit(
        first.headers["Location"], {"email": "officer@example.org", "password": PASSWORD}
    )
    assert response.headers["Location"] == "/officer/tenders"


def _invite(client, session, smtp_server, email="new.contact@supplier.example"):
    supplier = make_supplier(session, name="Acme Cleaning Ltd")
    make_user(session, "officer", email="officer@example.org")
    session.commit()
    client.sign_in("officer@example.org", PASSWORD)
    response = client.submit(
        f"/officer/suppliers/{supplier.id}/invite", {"name": "Jo Bloggs", "email": email}
    )
    assert response.status_code == 302
    [message] = smtp_server.to(email)
    link = next(word for word in message.text().split() if "/invitation/" in word)
    path = link.split("127.0.0.1:5000", 1)[1]
    with client.session_transaction() as flask_session:
        flask_session.clear()
    return supplier, path


def test_invited_contact_sets_a_password_once(client, session, smtp_server):
    supplier, path = _invite(client, session, smtp_server)
    stored = session.query(Invitation).one()
    assert path.rsplit("/", 1)[1] not in stored.token_hash  # only the hash is kept

    response = client.submit(
        path, {"password": "a-long-enough-pass", "confirm": "a-long-enough-pass"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/supplier/"
    user = session.query(User).filter_by(email="new.contact@supplier.example").one()
    assert user.role == "supplier" and user.supplier_id == supplier.id
    assert "Acme Cleaning Ltd" in text_of(client.get("/supplier/"))

    with client.session_transaction() as flask_session:
        flask_session.clear()
    reused = client.get(path)
    assert reused.status_code == 410
    assert "already been used" in text_of(reused)


def test_altered_and_expired_invitation_links_are_explained(client, session, smtp_server):
    _supplier, path = _invite(client, session, smtp_server)
    altered = client.get(path[:-3] + "xyz")
    assert altered.status_code == 404
    assert "not valid" in text_of(altered)

    invitation = session.query(Invitation).one()
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    session.commit()
    expired = client.get(path)
    assert expired.status_code == 410
    assert "expired" in text_of(expired)


def test_malformed_companies_house_number_is_explained(client, session):
    make_user(session, "officer", email="officer@example.org")
    session.commit()
    client.sign_in("officer@example.org", PASSWORD)
    response = client.submit(
        "/officer/suppliers/new",
        {"name": "Bad Number Ltd", "companies_house_number": "12-AB", "country": "GB"},
    )
    assert response.status_code == 200
    page = text_of(response)
    assert "There is a problem" in page
    assert "Enter a Companies House number in the correct format" in page


def test_new_supplier_number_is_normalised(client, session):
    make_user(session, "officer", email="officer@example.org")
    session.commit()
    client.sign_in("officer@example.org", PASSWORD)
    response = client.submit(
        "/officer/suppliers/new",
        {"name": "Short Number Ltd", "companies_house_number": "sc 123456", "country": "GB"},
    )
    assert response.status_code == 302
    assert "SC123456" in text_of(client.get(response.headers["Location"]))


def test_account_locks_after_ten_failures_and_an_admin_unlocks_it(app, client, session, runner):
    app.config["RATELIMIT_ENABLED"] = False
    from supplier_dd.extensions import limiter

    limiter.enabled = False
    try:
        officer = make_user(session, "officer", email="officer@example.org")
        make_user(session, "admin", email="admin@example.org")
        session.commit()
        for _ in range(10):
            client.submit("/sign-in", {"email": "officer@example.org", "password": "wrong"})
        session.refresh(officer)
        assert officer.locked_until is not None
        # Even the right password is refused while locked, with the same neutral message.
        refused = client.submit("/sign-in", {"email": "officer@example.org", "password": PASSWORD})
        assert refused.status_code == 200
        assert "Enter a correct email address and password" in text_of(refused)

        client.sign_in("admin@example.org", PASSWORD)
        users_page = text_of(client.get("/admin/users"))
        assert "Locked" in users_page
        response = client.submit("/admin/users", {}, form_index=-1)
        assert response.status_code == 302
        session.refresh(officer)
        assert officer.locked_until is None and officer.failed_sign_ins == 0
        with client.session_transaction() as flask_session:
            flask_session.clear()
        client.sign_in("officer@example.org", PASSWORD)
    finally:
        limiter.enabled = True


def test_cli_unlocks_an_account(runner, session):
    officer = make_user(session, "officer", email="officer@example.org")
    officer.locked_until = utcnow() + timedelta(minutes=30)
    session.commit()
    result = runner.invoke(args=["users", "unlock", "officer@example.org"])
    assert result.exit_code == 0, result.output
    session.refresh(officer)
    assert officer.locked_until is None
