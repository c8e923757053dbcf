"""axe-core on the error state of every staff form: each page from the route matrix that holds a
form is submitted empty (text boxes cleared, nothing chosen), and the page with the GOV.UK error
summary must have no serious or critical WCAG 2.2 A/AA problems.

The supplier's forms (declaration pages, sign and submit, replies to the council) and the
invitation form are checked in the journeys; sign-in in test_sign_in_browser.py.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.e2e.journey_steps import error_summary, go, sign_in, sign_out
from tests.web.test_route_matrix import MATRIX, world  # noqa: F401 - world is a fixture

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]

# An admin reaches every staff form (the matrix says so) and a consortium admin the
# partnership's (issue 17); these must show their errors.
MUST_SHOW_ERRORS = {
    "council_settings.edit", "consortium.new_council",
    "officer.new_supplier", "officer.edit_supplier", "officer.invite_contact",
    "officer_declarations.request_for_supplier", "officer_declarations.request_for_tender",
    "tenders.new", "tenders.edit", "tenders.bidders", "tenders.award",
    "risk.review", "risk.new_action", "risk.action", "reminders.contract_event",
    "reports.new_cabinet_pack",
    "programme.import_action_plan", "programme.edit_action", "programme.new_training",
    "programme.new_referral", "programme.new_evidence",
    "imports.upload_contracts", "imports.upload_registry", "imports.upload_tenders",
    "exclusions.decide", "exclusions.debarment_list",
    "verification.verify", "verification.withdraw",
    "pack_targets.edit",
    "two_factor.setup",  # the confirm-a-code form (issue 18)
}
# Confirmation pages whose optional fields make an empty submission the action itself: removing
# the bidder would leave the award form after it with nobody to award to.
CONFIRMED_WHEN_EMPTY = {"tenders.remove_bidder"}
FORM = "main form[method=post i]:has(input:not([type=hidden]):not([type=submit]), textarea, select)"


def _submit_empty(page) -> None:
    form = page.locator(FORM).first
    for field in form.locator("input[type=text], input[type=email], input:not([type]), "
                              "textarea").all():
        if field.is_visible() and field.is_editable():
            field.fill("")
    with page.expect_navigation():
        form.locator("button[type=submit], button:not([type]), input[type=submit]").filter(
            visible=True).first.click()


def _forms_to_check():
    """(endpoint, url, role): each GET page an admin opens, then those only a consortium admin
    opens."""
    for role in ("admin", "consortium_admin"):
        for endpoint, (method, url, expected) in MATRIX.items():
            if method != "GET" or expected.get(role) != 200 or endpoint in CONFIRMED_WHEN_EMPTY:
                continue
            if role != "admin" and expected.get("admin") == 200:
                continue
            yield endpoint, url, role


def test_every_staff_form_shows_an_accessible_error_summary(live_server, page, world):  # noqa: F811
    page_role = None
    with_errors, without_errors = set(), set()
    for endpoint, url, role in _forms_to_check():
        if role != page_role:
            if page_role:
                sign_out(page)
            sign_in(page, live_server.url, f"{role}@example.org")
            page_role = role
        try:
            response = page.goto(live_server.url + url.format(**world))
        except PlaywrightError as error:
            if "Download is starting" in str(error):
                continue  # a file (CSV, XLSX, PDF), not a page
            raise
        if not response.headers.get("content-type", "").startswith("text/html"):
            continue
        if page.locator(FORM).count() == 0:
            continue
        _submit_empty(page)
        if page.locator(".govuk-error-summary").count():
            error_summary(page)  # focus on the summary, 'Error:' title, axe-core
            links = page.locator(".govuk-error-summary a")
            assert links.count() >= 1, f"{endpoint}: errors without links to the fields"
            for link in links.all():
                target = link.get_attribute("href")
                assert target.startswith("#") and page.locator(target).count() == 1, (
                    f"{endpoint}: error link {target} points at nothing")
            with_errors.add(endpoint)
        else:
            without_errors.add(endpoint)
    missing = MUST_SHOW_ERRORS - with_errors
    assert not missing, f"no error summary when submitted empty: {sorted(missing)}"
    print(f"\nerror states checked with axe: {sorted(with_errors)}")
    print(f"forms that accept an empty submission: {sorted(without_errors)}")


def test_sign_in_submitted_empty_shows_an_accessible_error_summary(live_server, page):
    page.goto(f"{live_server.url}/sign-in")
    go(page.get_by_role("button", name="Sign in"))
    summary = error_summary(page)
    assert "Enter your email address" in summary
    assert "Enter your password" in summary
    page.locator(".govuk-error-summary a", has_text="Enter your email address").click()
    assert page.evaluate("document.activeElement.name") == "email"
