"""Council staff sign in through their council's OpenID provider (issue 18), tested against a
real one: npm's `oidc-provider` run on 127.0.0.1 (tests/identity_provider).

Each test drives the flow as a browser would: the app's start page sends it to the provider,
the provider's own login form signs the person in, and the provider's redirect comes back to
the app's callback with a code. What the app does with that is what is checked."""

from __future__ import annotations

import logging
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from sqlalchemy import select

from supplier_dd.infrastructure.openid import (
    OpenIdClient,
    OpenIdError,
    ProviderSettings,
    forget_provider,
)
from supplier_dd.models import AuditEntry, User, UserSession
from supplier_dd.models.base import utcnow
from supplier_dd.models.tenancy import across_councils
from supplier_dd.services import audit
from supplier_dd.services.councils import create_council
from supplier_dd.services.single_sign_on import ProviderValues, map_group, save_provider
from supplier_dd.services.users import create_user
from tests.factories import PASSWORD
from tests.helpers import any_csrf_token
from tests.identity_provider import (
    CLIENT_SECRET,
    IdentityProvider,
    ProviderClient,
    sign_in_through,
)

NOW = datetime(2026, 12, 4, 9, 0)
SYSTEM = audit.Actor(None, None, None)
CLIENT_ID = "supplier-dd-westshire"
DASHBOARD = "/officer/risk/"
CALLBACK = "http://localhost/sign-in/council/westshire/callback"
PEOPLE = {
    "ann": {"email": "ann.officer@westshire.gov.uk", "name": "Ann Officer",
            "groups": ["sdd-officers"]},
    "lee": {"email": "lee.legal@westshire.gov.uk", "name": "Lee Legal",
            "groups": ["sdd-officers", "sdd-legal"]},
    "fin": {"email": "fin@westshire.gov.uk", "name": "Fin Ance", "groups": ["finance"]},
    "out": {"email": "someone@gmail.example", "name": "Out Sider", "groups": ["sdd-officers"]},
}


@pytest.fixture
def provider(tmp_path):
    idp = IdentityProvider(
        tmp_path, [ProviderClient(CLIENT_ID, [CALLBACK], ["http://localhost/sign-in"]),
                   ProviderClient("another-service", ["http://localhost/other/callback"])],
        PEOPLE).start()
    yield idp
    idp.stop()
    forget_provider(idp.issuer)


@pytest.fixture
def westshire(session, provider):
    council = create_council(session, "Westshire County Council", NOW, SYSTEM,
                             short_name="westshire")
    save_provider(session, council.id, ProviderValues(
        issuer=provider.issuer, client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
        allowed_domains="westshire.gov.uk", groups_claim="groups", enabled=True), SYSTEM, NOW)
    map_group(session, council.id, "sdd-officers", "officer", SYSTEM, NOW)
    map_group(session, council.id, "sdd-legal", "legal", SYSTEM, NOW)
    session.commit()
    return council.id


def start(client) -> str:
    response = client.get("/sign-in/council/westshire")
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def come_back(client, callback_url: str):
    parts = urlsplit(callback_url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == CALLBACK
    return client.get(f"{parts.path}?{parts.query}")


def sign_in(client, login: str):
    return come_back(client, sign_in_through(start(client), login))


def account(session, email: str) -> User | None:
    session.expire_all()
    return session.scalar(select(User).where(User.email == email))


def audited(session, action: str) -> list[AuditEntry]:
    session.expire_all()
    return list(session.scalars(across_councils(
        select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id))))


def sign_out(client):
    return client.post("/sign-out", data={"csrf_token": any_csrf_token(client)})


def signed_in_as(client) -> str | None:
    page = client.get("/account/sessions")
    return None if page.status_code != 200 else page.get_data(as_text=True)


def test_the_sign_in_request_uses_pkce_state_and_nonce(client, westshire, provider):
    query = parse_qs(urlsplit(start(client)).query)
    assert query["client_id"] == [CLIENT_ID]
    assert query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
    assert len(query["state"][0]) >= 32 and len(query["nonce"][0]) >= 32
    assert query["redirect_uri"] == [CALLBACK]


def test_first_sign_in_makes_the_officer_in_the_council_and_lands_on_the_dashboard(
        client, session, westshire, provider):
    response = sign_in(client, "ann")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == DASHBOARD
    user = account(session, "ann.officer@westshire.gov.uk")
    assert (user.role, user.council_id, user.sso_issuer, user.sso_subject) == (
        "officer", westshire, provider.issuer, "ann")
    assert user.password_hash is None
    dashboard = client.get(DASHBOARD)
    assert dashboard.status_code == 200
    assert "Westshire County Council" in dashboard.get_data(as_text=True)
    assert [entry.object_id for entry in audited(session, "auth.sso_account_created")] == [
        str(user.id)]
    sign_ins = audited(session, "auth.sign_in")
    assert sign_ins[-1].details["method"] == "single sign-on"
    # The account signs in only through the provider: there is no password to guess.
    sign_out(client)
    assert "ann.officer" not in (signed_in_as(client) or "")


def test_the_most_trusted_role_of_several_groups_is_given(client, session, westshire, provider):
    sign_in(client, "lee")
    assert account(session, "lee.legal@westshire.gov.uk").role == "legal"


def test_a_change_of_groups_changes_the_role_at_the_next_sign_in(
        client, session, westshire, provider):
    sign_in(client, "ann")
    provider.set_user("ann", **{**PEOPLE["ann"], "groups": ["sdd-legal"]})
    sign_out(client)
    response = sign_in(client, "ann")
    assert response.status_code == 302
    user = account(session, "ann.officer@westshire.gov.uk")
    assert user.role == "legal"
    change = audited(session, "auth.sso_role_changed")[-1]
    assert (change.before, change.after) == ({"role": "officer"}, {"role": "legal"})
    assert "Your role is now Legal" in client.get(response.headers["Location"],
                                                  follow_redirects=True).get_data(as_text=True)


def test_someone_removed_from_the_groups_loses_access_and_their_sessions(
        app, client, session, westshire, provider):
    sign_in(client, "ann")
    other_browser = app.test_client()
    provider.set_user("ann", **{**PEOPLE["ann"], "groups": ["finance"]})
    response = come_back(other_browser, sign_in_through(start(other_browser), "ann"))
    assert response.status_code == 403
    assert "ask your supplier due diligence administrator" in response.get_data(
        as_text=True).lower()
    # The first browser's session, still open, ended with the access.
    assert client.get(DASHBOARD).status_code in (302, 401)
    session.expire_all()
    user = account(session, "ann.officer@westshire.gov.uk")
    assert session.scalar(select(UserSession).where(UserSession.user_id == user.id,
                                                    UserSession.ended_at.is_(None))) is None
    assert audited(session, "auth.sso_access_removed")


def test_a_person_in_no_mapped_group_gets_an_ask_your_administrator_page_not_an_account(
        client, session, westshire, provider, caplog):
    with caplog.at_level(logging.WARNING):
        response = sign_in(client, "fin")
    assert response.status_code == 403
    text = response.get_data(as_text=True)
    assert "You cannot use this service yet" in text
    assert "not in a group that has a role" in text
    assert account(session, "fin@westshire.gov.uk") is None
    assert signed_in_as(client) is None
    assert "refused fin@westshire.gov.uk" in caplog.text
    assert audited(session, "auth.sso_refused")[-1].details["email"] == "fin@westshire.gov.uk"


def test_an_email_outside_the_councils_domains_gets_no_account(
        client, session, westshire, provider):
    response = sign_in(client, "out")
    assert response.status_code == 403
    assert "not one of Westshire County Council" in response.get_data(as_text=True)
    assert account(session, "someone@gmail.example") is None


def test_a_replayed_callback_is_refused_and_signs_nobody_in(
        app, client, session, westshire, provider, caplog):
    callback = sign_in_through(start(client), "ann")
    assert come_back(client, callback).status_code == 302
    sign_out(client)
    with caplog.at_level(logging.WARNING):
        replay = come_back(client, callback)
    assert replay.status_code == 400
    assert "You have not been signed in" in replay.get_data(as_text=True)
    assert signed_in_as(client) is None
    assert "state is unknown, already used or expired" in caplog.text
    # Nor does the same code work in another browser that never started a sign-in.
    assert come_back(app.test_client(), callback).status_code == 400
    assert audited(session, "auth.sso_failed")


def test_a_provider_that_is_down_gives_a_clear_page(client, session, westshire, provider,
                                                    caplog):
    provider.stop()
    forget_provider(provider.issuer)
    with caplog.at_level(logging.WARNING):
        response = client.get("/sign-in/council/westshire")
    assert response.status_code == 502
    text = response.get_data(as_text=True)
    assert "could not reach Westshire County Council’s sign-in service" in text
    assert "could not reach the provider" in caplog.text
    assert signed_in_as(client) is None


def test_a_rotated_signing_key_is_fetched_and_sign_in_still_works(
        client, session, westshire, provider):
    assert sign_in(client, "ann").status_code == 302
    sign_out(client)
    old_kid = provider.keys[0]["kid"]
    provider.rotate_signing_key()
    assert provider.keys[0]["kid"] != old_kid
    # The app still holds the old keys (and the discovery document): the token names a key it
    # has not seen, so it reads the provider's keys again.
    response = sign_in(client, "ann")
    assert urlsplit(response.headers["Location"]).path == DASHBOARD
    assert client.get(DASHBOARD).status_code == 200


def test_signing_out_offers_the_providers_sign_out_too(client, westshire, provider):
    sign_in(client, "ann")
    response = sign_out(client)
    assert urlsplit(response.headers["Location"]).path == "/signed-out"
    page = client.get("/signed-out").get_data(as_text=True)
    assert "You have signed out" in page
    link = next(part for part in page.split('"') if part.startswith(provider.issuer))
    query = parse_qs(urlsplit(link.replace("&amp;", "&")).query)
    assert query["client_id"] == [CLIENT_ID]
    assert query["post_logout_redirect_uri"] == ["http://localhost/sign-in"]
    assert query["id_token_hint"]
    # The provider accepts it: its own sign-out confirmation, not an error.
    answer = requests.get(link.replace("&amp;", "&"), timeout=10)
    assert answer.status_code == 200 and "/session/end/confirm" in answer.text, answer.text
    assert client.get(DASHBOARD).status_code in (302, 401)


# --- The ID token checks, on tokens the real provider issued --------------------------------


@pytest.fixture
def issued(provider, tmp_path):
    """A real token response for a client: (settings, token, nonce)."""
    def issue(client_id: str = CLIENT_ID, redirect_uri: str = CALLBACK):
        client = OpenIdClient(ProviderSettings(provider.issuer, client_id,
                                               provider.clients[0].client_secret))
        nonce, verifier = "n" * 43, "v" * 43
        url = client.authorization_url(redirect_uri, "s" * 43, nonce, verifier)
        callback = parse_qs(urlsplit(sign_in_through(url, "ann")).query)
        return client.exchange_code(redirect_uri, callback["code"][0], verifier), nonce
    return issue


def test_a_valid_token_gives_its_claims(provider, issued):
    token, nonce = issued()
    client = OpenIdClient(ProviderSettings(provider.issuer, CLIENT_ID, "unused"))
    claims = client.verified_claims(token, nonce, utcnow())
    assert (claims["sub"], claims["email"], claims["groups"]) == (
        "ann", PEOPLE["ann"]["email"], ["sdd-officers"])


def test_an_id_token_for_another_client_is_refused(provider, issued):
    token, nonce = issued("another-service", "http://localhost/other/callback")
    ours = OpenIdClient(ProviderSettings(provider.issuer, CLIENT_ID, "unused"))
    with pytest.raises(OpenIdError, match="aud"):
        ours.verified_claims(token, nonce, utcnow())


def test_an_expired_token_is_refused(provider, issued):
    token, nonce = issued()
    client = OpenIdClient(ProviderSettings(provider.issuer, CLIENT_ID, "unused"))
    an_hour_and_two_minutes_on = datetime.fromtimestamp(utcnow().timestamp() + 3720)
    with pytest.raises(OpenIdError, match="expired"):
        client.verified_claims(token, nonce, an_hour_and_two_minutes_on)


def test_a_tampered_token_is_refused(provider, issued):
    import base64
    import json

    token, nonce = issued()
    header, payload, signature = token["id_token"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["groups"] = ["sdd-admins"]
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    client = OpenIdClient(ProviderSettings(provider.issuer, CLIENT_ID, "unused"))
    with pytest.raises(OpenIdError, match="BadSignature"):
        client.verified_claims({**token, "id_token": f"{header}.{forged}.{signature}"}, nonce,
                               utcnow())


def test_a_token_with_another_sign_ins_nonce_is_refused(provider, issued):
    token, _nonce = issued()
    client = OpenIdClient(ProviderSettings(provider.issuer, CLIENT_ID, "unused"))
    with pytest.raises(OpenIdError, match="nonce"):
        client.verified_claims(token, "m" * 43, utcnow())


def test_a_misconfigured_issuer_is_found_when_the_admin_turns_sign_on_on(
        client, session, westshire, provider):
    create_user(session, "admin@westshire.gov.uk", "admin", PASSWORD, council_id=westshire)
    session.commit()
    client.sign_in("admin@westshire.gov.uk", PASSWORD)
    response = client.submit("/admin/council/single-sign-on", {
        "issuer": provider.issuer + "/wrong", "client_id": CLIENT_ID, "client_secret": "",
        "allowed_domains": "westshire.gov.uk", "groups_claim": "groups", "enabled": "yes"},
        form_index=1)  # the provider's form: after the header's sign-out, before the groups
    assert response.status_code == 400
    assert "could not be checked" in response.get_data(as_text=True)
    forget_provider(provider.issuer)
    assert client.get("/sign-in/council/westshire").status_code == 302  # the old one stands


def test_a_code_issued_to_another_client_signs_nobody_in(client, session, westshire, provider,
                                                         caplog):
    """Someone hands the callback a code the provider issued to another service: the provider
    will not exchange it for this client, and the person sees a page, not a 500."""
    state = parse_qs(urlsplit(start(client)).query)["state"][0]
    other = OpenIdClient(ProviderSettings(provider.issuer, "another-service", CLIENT_SECRET))
    url = other.authorization_url("http://localhost/other/callback", "s" * 43, "n" * 43,
                                  "v" * 43)
    code = parse_qs(urlsplit(sign_in_through(url, "ann")).query)["code"][0]
    with caplog.at_level(logging.WARNING):
        response = client.get(f"/sign-in/council/westshire/callback?state={state}&code={code}")
    assert response.status_code == 400
    assert "You have not been signed in" in response.get_data(as_text=True)
    assert "the provider refused the code" in caplog.text
    assert account(session, PEOPLE["ann"]["email"]) is None
    assert signed_in_as(client) is None


def test_a_provider_whose_discovery_names_another_issuer_is_refused_at_sign_in(
        client, session, westshire, provider, caplog):
    from supplier_dd.models import IdentityProvider as StoredProvider

    stored = session.scalar(select(StoredProvider))
    stored.issuer = provider.issuer + "/"  # the provider says it is the issuer without the /
    session.commit()
    with caplog.at_level(logging.WARNING):
        response = client.get("/sign-in/council/westshire")
    assert response.status_code == 400
    assert "You have not been signed in" in response.get_data(as_text=True)
    assert "names issuer" in caplog.text
    assert audited(session, "auth.sso_failed")[-1].details["council"] == "westshire"
