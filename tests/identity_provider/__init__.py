"""A real OpenID provider for the single sign-on tests (issue 18): npm's `oidc-provider`, run
with the machine's Node.js on 127.0.0.1 (provider.mjs), never a hand-written stand-in.

`IdentityProvider` writes the provider's configuration (signing keys, clients, users), starts
it, and can change a user's groups, restart it with a rotated signing key, or stop it (a
provider that is down). `sign_in_through` walks the provider's own login form with `requests`,
as a browser would, and hands back the redirect to the app's callback.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import requests
from joserfc.jwk import RSAKey

from tests.ports import free_port

PROVIDER_SCRIPT = Path(__file__).with_name("provider.mjs")
CLIENT_SECRET = "a-client-secret-for-the-test-provider-0123456789"


def signing_key() -> dict:
    kid = uuid.uuid4().hex[:12]
    key = RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"},
                              private=True)
    return key.as_dict(private=True)



@dataclass
class ProviderClient:
    client_id: str
    redirect_uris: list[str]
    post_logout_redirect_uris: list[str] = field(default_factory=list)
    client_secret: str = CLIENT_SECRET

    def registration(self) -> dict:
        return {"client_id": self.client_id, "client_secret": self.client_secret,
                "redirect_uris": self.redirect_uris,
                "post_logout_redirect_uris": self.post_logout_redirect_uris,
                "grant_types": ["authorization_code"], "response_types": ["code"],
                "token_endpoint_auth_method": "client_secret_basic"}


class IdentityProvider:
    def __init__(self, workdir: Path, clients: list[ProviderClient], users: dict[str, dict]):
        node = shutil.which("node")
        if node is None:
            raise RuntimeError("Node.js is needed for the OpenID provider tests (make system-deps)")
        self.node = node
        self.workdir = workdir
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.clients = clients
        self.keys = [signing_key()]
        self.users_file = workdir / "users.json"
        self.users_file.write_text(json.dumps(users))
        self.log = workdir / "provider.log"
        self.process: subprocess.Popen | None = None

    # --- running it ---------------------------------------------------------------------

    def start(self) -> IdentityProvider:
        config = self.workdir / "provider.json"
        config.write_text(json.dumps({
            "port": self.port, "keys": self.keys, "users_file": str(self.users_file),
            "clients": [client.registration() for client in self.clients]}))
        log = self.log.open("a")
        self.process = subprocess.Popen(
            [self.node, str(PROVIDER_SCRIPT), str(config)], stdout=log, stderr=subprocess.STDOUT,
            cwd=PROVIDER_SCRIPT.parent, env={**os.environ, "NODE_ENV": "test"})
        self._wait_until_it_answers()
        return self

    def _wait_until_it_answers(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"oidc-provider stopped: {self.log.read_text()[-2000:]}")
            try:
                requests.get(f"{self.issuer}/.well-known/openid-configuration", timeout=1)
                return
            except requests.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError(f"oidc-provider did not answer in 30 s: {self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def rotate_signing_key(self) -> None:
        """Sign with a new key from now on, the old one retired, as providers roll keys."""
        self.stop()
        self.keys = [signing_key()]
        self.start()

    def set_user(self, login: str, **claims) -> None:
        users = json.loads(self.users_file.read_text())
        users[login] = claims
        self.users_file.write_text(json.dumps(users))


class _Forms(HTMLParser):
    """The forms of the provider's login page: action and fields."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attributes.get("action", ""), "fields": {}})
        elif tag == "input" and self.forms and attributes.get("name"):
            self.forms[-1]["fields"][attributes["name"]] = attributes.get("value") or ""


def sign_in_through(authorization_url: str, login: str,
                    browser: requests.Session | None = None) -> str:
    """Sign in at the provider as `login` (its own login form), and return the URL it sends the
    browser back to (the app's callback, with code and state, or with an error)."""
    browser = browser or requests.Session()
    url = authorization_url
    for _ in range(10):
        response = browser.get(url, allow_redirects=False, timeout=10)
        if response.is_redirect:
            url = urljoin(url, response.headers["Location"])
            if not url.startswith(authorization_url.split("/auth")[0]):
                return url  # leaving the provider: the app's callback
            continue
        forms = _Forms()
        forms.feed(response.text)
        login_form = next((form for form in forms.forms if "login" in form["fields"]), None)
        if login_form is None:
            raise AssertionError(f"the provider showed no login form: "
                                 f"{re.sub(r'<[^>]+>', ' ', response.text)[:500]}")
        fields = {**login_form["fields"], "login": login, "password": "any"}
        response = browser.post(urljoin(url, login_form["action"]), data=fields,
                                allow_redirects=False, timeout=10)
        url = urljoin(url, response.headers["Location"])
    raise AssertionError("the provider kept redirecting")
