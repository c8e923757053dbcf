"""A council admin sets up single sign-on (issue 18): the provider, checked before staff are
sent to it; the groups and the roles they give; every change audited, the secret never shown."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from supplier_dd.infrastructure.openid import forget_provider
from supplier_dd.models import AuditEntry, IdentityProvider, IdentityProviderGroup
from tests.factories import PASSWORD, make_user
from tests.helpers import any_csrf_token, text_of
from tests.identity_provider import IdentityProvider as LocalOpenIdProvider
from tests.identity_provider import ProviderClient

SETTINGS = "/admin/council/single-sign-on"


@pytest.fixture
def provider(tmp_path):
    idp = LocalOpenIdProvider(tmp_path, [ProviderClient("supplier-dd-council", [
        "http://localhost/sign-in/council/council/callback"])], {}).start()
    yield idp
    idp.stop()
    forget_provider(idp.issuer)


@pytest.fixture
def admin_client(client, session):
    make_user(session, "admin", email="admin@example.org")
    session.commit()
    client.sign_in("admin@example.org", PASSWORD)
    return client


def provider_form(provider_issuer: str, **changes) -> dict:
    return {"issuer": provider_issuer, "client_id": "supplier-dd-council",
            "client_secret": "the-secret-value-0123456789", "allowed_domains": "example.org",
            "groups_claim": "groups", "enabled": "yes", **changes}


def save(client, data: dict):
    # The provider's form: after the header's sign-out form, before the groups' forms.
    return client.submit(SETTINGS, data, form_index=1)


def test_the_admin_turns_single_sign_on_on_and_the_sign_in_page_offers_it(
        admin_client, session, provider):
    response = save(admin_client, provider_form(provider.issuer))
    assert response.status_code == 302
    page = text_of(admin_client.get(SETTINGS))
    assert "Single sign-on is saved: staff can sign in with it" in page
    assert "http://localhost/sign-in/council/" in page  # the redirect URI to register
    assert "the-secret-value" not in page  # never shown again
    stored = session.scalar(select(IdentityProvider))
    assert (stored.issuer, stored.enabled, stored.allowed_domains) == (
        provider.issuer, True, "example.org")
    entry = session.scalar(select(AuditEntry).where(
        AuditEntry.action == "single_sign_on.configured"))
    assert entry.after["client_secret_changed"] is True
    assert "the-secret-value" not in str(entry.after) + str(entry.before)
    admin_client.post("/sign-out", data={"csrf_token": any_csrf_token(admin_client)})
    sign_in_page = text_of(admin_client.get("/sign-in"))
    assert "Sign in with your" in sign_in_page and "account" in sign_in_page


def test_a_blank_secret_keeps_the_saved_one(admin_client, session, provider):
    save(admin_client, provider_form(provider.issuer))
    save(admin_client, provider_form(provider.issuer, client_secret="", groups_claim="roles"))
    session.expire_all()
    stored = session.scalar(select(IdentityProvider))
    assert (stored.client_secret, stored.groups_claim) == ("the-secret-value-0123456789",
                                                           "roles")


@pytest.mark.parametrize(("changes", "message"), [
    ({"issuer": "http://login.example.com/tenant"}, "The issuer must be an https address"),
    ({"issuer": "not a url"}, "Enter the issuer as a web address"),
    ({"allowed_domains": "example.org\nnot a domain!"}, "These are not email domains"),
    ({"allowed_domains": ""}, "Enter at least one email domain"),
    ({"client_secret": ""}, "Enter the client secret"),
    ({"client_id": ""}, "Enter the client ID"),
])
def test_bad_settings_are_explained_and_nothing_is_saved(admin_client, session, provider,
                                                        changes, message):
    response = save(admin_client, provider_form(provider.issuer, **changes))
    assert response.status_code == 400
    assert message in text_of(response)
    assert "Error:" in text_of(response)
    assert session.scalar(select(IdentityProvider)) is None


def test_a_provider_that_does_not_answer_is_not_turned_on(admin_client, session, provider):
    provider.stop()
    response = save(admin_client, provider_form(provider.issuer))
    assert response.status_code == 400
    assert "could not be checked" in text_of(response)
    assert session.scalar(select(IdentityProvider)) is None
    # Saved turned off, it is kept for later without being checked.
    assert save(admin_client, provider_form(provider.issuer, enabled="no")).status_code == 302


def test_groups_are_added_and_removed_and_each_change_is_audited(admin_client, session,
                                                                provider):
    save(admin_client, provider_form(provider.issuer))
    token = any_csrf_token(admin_client)
    added = admin_client.post(f"{SETTINGS}/groups", data={
        "csrf_token": token, "group_name": " 3f2a-officers ", "role": "officer"})
    assert added.status_code == 302
    again = admin_client.post(f"{SETTINGS}/groups", data={
        "csrf_token": token, "group_name": "3f2a-officers", "role": "admin"})
    assert again.status_code == 400
    assert "already gives a role" in text_of(again)
    bad_role = admin_client.post(f"{SETTINGS}/groups", data={
        "csrf_token": token, "group_name": "x", "role": "consortium_admin"})
    assert bad_role.status_code == 400
    page = text_of(admin_client.get(SETTINGS))
    assert "3f2a-officers" in page and "Officer" in page
    mapping = session.scalar(select(IdentityProviderGroup))
    assert (mapping.group_name, mapping.role) == ("3f2a-officers", "officer")
    removed = admin_client.post(f"{SETTINGS}/groups/{mapping.id}/remove",
                                data={"csrf_token": token})
    assert removed.status_code == 302
    assert "lose access at their next sign-in" in text_of(admin_client.get(SETTINGS))
    session.expire_all()
    assert session.scalar(select(IdentityProviderGroup)) is None
    actions = list(session.scalars(select(AuditEntry.action).where(
        AuditEntry.action.like("single_sign_on.group%"))))
    assert actions == ["single_sign_on.group_mapped", "single_sign_on.group_unmapped"]
    gone = admin_client.post(f"{SETTINGS}/groups/{mapping.id}/remove",
                             data={"csrf_token": token})
    assert "That group no longer gives a role" in text_of(admin_client.get(gone.headers[
        "Location"]))
