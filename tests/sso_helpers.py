"""Accounts made by single sign-on (issue 18) for the route and isolation matrices: a council's
provider configured against the real test provider (tests/identity_provider), and people signed
in through it, so their accounts are made just in time as a council's staff would be."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from supplier_dd.models import Council
from supplier_dd.services import audit
from supplier_dd.services.single_sign_on import ProviderValues, map_group, save_provider
from tests.identity_provider import CLIENT_SECRET, IdentityProvider, ProviderClient, sign_in_through

SSO_DOMAIN = "sso.council.example"
GROUPS = {"sdd-officers": "officer", "sdd-legal": "legal", "sdd-safeguarding": "safeguarding",
          "sdd-admins": "admin"}
GROUP_OF = {role: group for group, role in GROUPS.items()}
SYSTEM = audit.Actor(None, None, None)
BASE = "http://localhost"


def sso_email(role: str, tag: str = "") -> str:
    return f"sso-{role}{tag.lower()}@{SSO_DOMAIN}"


def client_id(short_name: str) -> str:
    return f"supplier-dd-{short_name}"


def start_provider(workdir: Path, short_names: list[str], tags: list[str]) -> IdentityProvider:
    """A provider with a client per council and a person per staff role and tag."""
    clients = [ProviderClient(client_id(name), [f"{BASE}/sign-in/council/{name}/callback"],
                              [f"{BASE}/sign-in"]) for name in short_names]
    people = {f"{role}{tag.lower()}": {"email": sso_email(role, tag), "name": f"SSO {role}",
                                       "groups": [GROUP_OF[role]]}
              for role in GROUP_OF for tag in tags}
    return IdentityProvider(workdir, clients, people).start()


def configure(session, council: Council, provider: IdentityProvider, now: datetime) -> None:
    save_provider(session, council.id, ProviderValues(
        issuer=provider.issuer, client_id=client_id(council.short_name),
        client_secret=CLIENT_SECRET, allowed_domains=SSO_DOMAIN, groups_claim="groups",
        enabled=True), SYSTEM, now)
    for group, role in GROUPS.items():
        map_group(session, council.id, group, role, SYSTEM, now)


def sso_sign_in(client, short_name: str, role: str, tag: str = ""):
    """Sign the test client in through the provider as the person with the role."""
    started = client.get(f"/sign-in/council/{short_name}")
    assert started.status_code == 302, started.get_data(as_text=True)[:500]
    callback = urlsplit(sign_in_through(started.headers["Location"], f"{role}{tag.lower()}"))
    response = client.get(f"{callback.path}?{callback.query}")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response
