"""In chromium (issue 16), with risk model v2 active: an officer opens the review page of a
submitted declaration, verifies the policy file uploaded with an answer and sees the verified
maturity rise on the page; then withdraws it (a reason is required) and sees it fall back. The
form, its error state and the review page are axe-clean."""

from __future__ import annotations

import re

import pytest

from supplier_dd.models.base import utcnow
from tests.e2e.journey_steps import assert_accessible, banner, error_summary, go, sign_in
from tests.factories import make_user
from tests.integration.test_verifying_evidence import uniform_supplier

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]


def _verified(page) -> str:
    return page.locator("#verified-maturity").inner_text()


def test_an_officer_verifies_a_file_and_withdraws_it(live_server, page, session):
    supplier, _declaration, _policy = uniform_supplier(session, utcnow())
    make_user(session, "officer", email="officer@example.org")
    session.commit()
    base = live_server.url
    sign_in(page, base, "officer@example.org")
    page.goto(f"{base}/officer/risk/suppliers/{supplier.id}/review")
    assert _verified(page).startswith("0% (Red)")
    assert_accessible(page, "review page before verifying")

    go(page.get_by_role("link", name="Verify evidence for Written policy"))
    assert_accessible(page, "verify evidence form")
    go(page.get_by_role("button", name="Verify evidence"))
    assert "Select how you checked the evidence" in error_summary(page)
    page.get_by_label("A file the supplier uploaded with this answer").check()
    page.get_by_label("policy.pdf").check()
    page.get_by_label("Note (optional)").fill("Signed by the board, March 2026")
    go(page.get_by_role("button", name="Verify evidence"))
    assert "Evidence verified for ‘Written policy’" in banner(page)
    after = _verified(page)
    assert not after.startswith("0%"), after
    assert float(after.split("%")[0]) > 0
    answer = page.locator(".app-answer-evidence[data-question=pol_has_policy]").inner_text()
    assert "Verified" in answer and "Document policy.pdf checked by" in answer
    assert_accessible(page, "review page after verifying")

    go(page.get_by_role("link", name=re.compile("^Withdraw the verification of Written policy")))
    go(page.get_by_role("button", name="Withdraw verification"))
    assert "Enter why you are withdrawing the verification" in error_summary(page)
    page.get_by_label("Why are you withdrawing it?").fill("It was the 2019 policy")
    go(page.get_by_role("button", name="Withdraw verification"))
    assert "Verification withdrawn" in banner(page)
    assert _verified(page).startswith("0% (Red)")
    answer = page.locator(".app-answer-evidence[data-question=pol_has_policy]").inner_text()
    assert "Self-attested" in answer
