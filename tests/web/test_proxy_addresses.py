"""Behind the TLS proxy: whose address is whose, for the sign-in rate limit and the audit log.

Every request reaches the app from the proxy's address. Only as many proxies as the operator
configures may say who the client was (X-Forwarded-For); anyone else saying it is ignored.
"""

from __future__ import annotations

import pytest

from supplier_dd.models import AuditEntry
from tests.helpers import FormClient, text_of

PROXY = "10.0.0.2"
LIMIT = 5  # failed sign-ins a minute from one address (the default setting)


def _browser(app, forwarded_for: str) -> FormClient:
    """A person's browser behind the proxy; the proxy appends the address it saw."""
    browser = FormClient(app, app.response_class, use_cookies=True)
    browser.environ_base.update({"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": forwarded_for})
    return browser


def _fail_sign_in(browser):
    return browser.submit("/sign-in", {"email": "nobody@example.org", "password": "wrong"})


def _exhaust_the_limit(browser) -> None:
    for _ in range(LIMIT):
        assert _fail_sign_in(browser).status_code == 200
    blocked = _fail_sign_in(browser)
    assert blocked.status_code == 429 and "Too many attempts" in text_of(blocked)


class TestOneTrustedProxy:
    @pytest.fixture
    def app_env(self):
        return {"SUPPLIER_DD_TRUSTED_PROXIES": "1"}

    def test_people_behind_the_proxy_are_limited_each_on_their_own_address(self, app, session):
        _exhaust_the_limit(_browser(app, "203.0.113.10"))

        someone_else = _fail_sign_in(_browser(app, "203.0.113.20"))
        assert someone_else.status_code == 200, "one person's failures locked out another"
        assert "Enter a correct email address and password" in text_of(someone_else)

    def test_the_audit_log_names_the_clients_address_not_the_proxys(self, app, session):
        _fail_sign_in(_browser(app, "203.0.113.10"))
        entry = session.query(AuditEntry).filter_by(action="auth.sign_in_failed").one()
        assert entry.ip_address == "203.0.113.10"

    def test_only_the_address_the_trusted_proxy_saw_counts(self, app, session):
        # The client wrote its own X-Forwarded-For; the proxy appended the real address.
        _exhaust_the_limit(_browser(app, "198.51.100.1, 203.0.113.10"))
        forged = _fail_sign_in(_browser(app, "198.51.100.2, 203.0.113.10"))
        assert forged.status_code == 429


def test_with_no_trusted_proxy_a_forged_forwarded_address_does_not_escape_the_limit(
    app, session
):
    _exhaust_the_limit(_browser(app, "203.0.113.10"))
    forged = _fail_sign_in(_browser(app, "203.0.113.99"))
    assert forged.status_code == 429
    entry = session.query(AuditEntry).filter_by(action="auth.sign_in_failed").first()
    assert entry.ip_address == PROXY
