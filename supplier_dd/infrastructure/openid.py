"""Talking to a council's OpenID provider (issue 18): discovery, the authorisation request with
PKCE, state and nonce, the code exchange, ID token validation and RP-initiated logout.

Authlib does the protocol: the requests-based `OAuth2Session` builds the authorisation URL (the
S256 code challenge) and exchanges the code with the client's secret; its `CodeIDToken` checks
the claims (issuer, audience, expiry, nonce, azp, at_hash); joserfc (Authlib's JOSE library)
checks the signature with the issuer's published keys. What is written here is the glue Authlib's
Flask client would do, because that client is registered once per app from static settings and
validates against the system clock, and here each council has its own provider (settings read
from the database per request) and the time is passed in. Keys are fetched again once when a
token names a key not yet seen: that is how a provider's key rotation arrives.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.requests_client import OAuth2Session
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

log = logging.getLogger(__name__)

SCOPE = "openid email profile"
# How long a provider's discovery document and keys are kept before being read again.
METADATA_SECONDS = 3600
# Clock difference allowed between the provider and this service.
LEEWAY_SECONDS = 60
HTTP_TIMEOUT_SECONDS = 10


class OpenIdError(Exception):
    """Signing in through the provider failed. `reason` goes to the log and the audit entry;
    the person sees a plain page that says what to do."""

    def __init__(self, reason: str, *, provider_down: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.provider_down = provider_down


@dataclass(frozen=True)
class ProviderSettings:
    issuer: str
    client_id: str
    client_secret: str


_cache_lock = threading.Lock()
_metadata: dict[str, tuple[float, dict]] = {}
_key_sets: dict[str, dict] = {}


def forget_provider(issuer: str) -> None:
    """Drop what is cached about the issuer (its settings changed)."""
    with _cache_lock:
        _metadata.pop(issuer, None)
        _key_sets.pop(issuer, None)


def _get_json(url: str, what: str) -> dict:
    try:
        response = requests.get(url, timeout=HTTP_TIMEOUT_SECONDS)
    except requests.RequestException as error:
        raise OpenIdError(f"could not reach the provider for its {what} at {url}: {error}",
                          provider_down=True) from error
    if response.status_code != 200:
        raise OpenIdError(f"the provider answered {response.status_code} for its {what} at {url}",
                          provider_down=response.status_code >= 500)
    try:
        document = response.json()
    except ValueError as error:
        raise OpenIdError(f"the provider's {what} at {url} is not JSON") from error
    if not isinstance(document, dict):
        raise OpenIdError(f"the provider's {what} at {url} is not a JSON object")
    return document


def _epoch(now: datetime) -> int:
    # The app's times are naive UTC (models.base.utcnow).
    return int((now if now.tzinfo else now.replace(tzinfo=UTC)).timestamp())


class OpenIdClient:
    def __init__(self, settings: ProviderSettings):
        self.settings = settings

    # --- discovery and keys ---------------------------------------------------------------

    def metadata(self) -> dict:
        issuer = self.settings.issuer
        with _cache_lock:
            cached = _metadata.get(issuer)
        if cached is not None and time.monotonic() - cached[0] < METADATA_SECONDS:
            return cached[1]
        document = _get_json(f"{issuer.rstrip('/')}/.well-known/openid-configuration",
                             "discovery document")
        # OpenID Connect Discovery 1.0 section 4.3: the document must name exactly the issuer
        # it was fetched for, or tokens could be accepted from another issuer.
        if document.get("issuer") != issuer:
            raise OpenIdError(f"the discovery document names issuer {document.get('issuer')!r}, "
                              f"not the configured {issuer!r}")
        for required in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            if not isinstance(document.get(required), str):
                raise OpenIdError(f"the discovery document has no {required}")
        with _cache_lock:
            _metadata[issuer] = (time.monotonic(), document)
        return document

    def _key_set(self, refresh: bool = False) -> KeySet:
        issuer = self.settings.issuer
        with _cache_lock:
            keys = None if refresh else _key_sets.get(issuer)
        if keys is None:
            keys = _get_json(self.metadata()["jwks_uri"], "signing keys")
            with _cache_lock:
                _key_sets[issuer] = keys
        try:
            return KeySet.import_key_set(keys)
        except (JoseError, ValueError, TypeError, KeyError) as error:
            raise OpenIdError(f"the provider's signing keys cannot be read: {error}") from error

    # --- the flow -------------------------------------------------------------------------

    def _oauth(self, redirect_uri: str) -> OAuth2Session:
        return OAuth2Session(self.settings.client_id, self.settings.client_secret, scope=SCOPE,
                             redirect_uri=redirect_uri, code_challenge_method="S256",
                             default_timeout=HTTP_TIMEOUT_SECONDS)

    def authorization_url(self, redirect_uri: str, state: str, nonce: str,
                          code_verifier: str) -> str:
        url, _ = self._oauth(redirect_uri).create_authorization_url(
            self.metadata()["authorization_endpoint"], state=state, nonce=nonce,
            code_verifier=code_verifier)
        return url

    def exchange_code(self, redirect_uri: str, code: str, code_verifier: str) -> dict:
        try:
            token = self._oauth(redirect_uri).fetch_token(
                self.metadata()["token_endpoint"], grant_type="authorization_code", code=code,
                code_verifier=code_verifier)
        except AuthlibBaseError as error:
            raise OpenIdError(f"the provider refused the code: {error}") from error
        except requests.RequestException as error:
            raise OpenIdError(f"could not reach the provider's token endpoint: {error}",
                              provider_down=True) from error
        except ValueError as error:  # a token response that is not JSON
            raise OpenIdError(f"the provider's token response cannot be read: {error}") from error
        if not token.get("id_token"):
            raise OpenIdError("the provider's token response has no ID token")
        return dict(token)

    def verified_claims(self, token: dict, nonce: str, now: datetime) -> dict:
        """The ID token's claims once its signature (by the issuer's keys), issuer, audience
        (this client), expiry and nonce are checked; OpenIdError otherwise."""
        registry = JWSRegistry(
            algorithms=self.metadata().get("id_token_signing_alg_values_supported") or ["RS256"])
        try:
            try:
                decoded = jwt.decode(token["id_token"], self._key_set(), registry=registry)
            except InvalidKeyIdError:
                decoded = jwt.decode(token["id_token"], self._key_set(refresh=True),
                                     registry=registry)
            claims = CodeIDToken(
                decoded.claims, decoded.header,
                {"iss": {"essential": True, "values": [self.settings.issuer]},
                 "aud": {"essential": True, "values": [self.settings.client_id]}},
                {"nonce": nonce, "client_id": self.settings.client_id,
                 "access_token": token.get("access_token")})
            claims.validate(now=_epoch(now), leeway=LEEWAY_SECONDS)
        except (JoseError, AuthlibBaseError, ValueError) as error:
            raise OpenIdError(
                f"the ID token was refused: {type(error).__name__}: {error}") from error
        return dict(claims)

    def logout_url(self, id_token_hint: str | None, post_logout_redirect_uri: str) -> str | None:
        """Where to send the browser to end the provider's session too (RP-initiated logout),
        or None when the provider offers no end_session_endpoint (or cannot be reached)."""
        try:
            endpoint = self.metadata().get("end_session_endpoint")
        except OpenIdError as error:
            log.warning("single sign-on: no provider sign-out for %s: %s",
                        self.settings.issuer, error.reason)
            return None
        if not isinstance(endpoint, str):
            return None
        params = {"client_id": self.settings.client_id,
                  "post_logout_redirect_uri": post_logout_redirect_uri}
        if id_token_hint:
            params["id_token_hint"] = id_token_hint
        separator = "&" if "?" in endpoint else "?"
        return f"{endpoint}{separator}{urlencode(params)}"
