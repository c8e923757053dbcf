"""In chromium: the supplier reads its feedback (axe-clean, no sideways scrolling at 320 px),
responds to a recommendation through the radios' revealed fields (a mistake keeps what it
typed), and the officer sees the response and makes it a corrective action."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.e2e.journey_steps import sign_in
from tests.feedback_helpers import accepted_supplier
from tests.plugins.browser import axe_violations, describe
from tests.plugins.layout_checks import layout_problems

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]

SHOTS = Path(os.environ.get("SUPPLIER_DD_SHOTS", "test-artifacts/shots"))
TITLE = "Review modern slavery risk at board level every year"


def _clean(page, name: str) -> None:
    assert axe_violations(page) == [], describe(axe_violations(page))
    assert layout_problems(page) == []
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    size = page.viewport_size
    page.set_viewport_size({"width": 320, "height": 800})
    page.screenshot(path=str(SHOTS / f"{name}-320.png"), full_page=True)
    page.set_viewport_size(size)


def test_the_supplier_reads_and_answers_its_feedback_and_the_officer_acts(live_server, browser,
                                                                         session):
    SHOTS.mkdir(parents=True, exist_ok=True)
    accepted = accepted_supplier(session)
    base = live_server.url
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, base, "jane@acme.example")
    page.get_by_role("link", name="Read your feedback and respond").click()
    page.get_by_role("heading", name="Feedback on your declaration").wait_for()
    assert "Developing" in page.inner_text("main")
    _clean(page, "supplier-feedback")

    page.get_by_role("link", name=f"Respond ({TITLE})").click()
    page.get_by_role("heading", name=TITLE).wait_for()
    _clean(page, "supplier-feedback-respond")
    page.get_by_label("We will do this").check()
    page.get_by_label("How you will do it (optional)").fill("Our MD adds it to the June agenda")
    page.get_by_role("button", name="Save your response").click()
    page.get_by_role("link", name="Enter the date you will do it by").wait_for()
    assert page.get_by_label("How you will do it (optional)").input_value() == (
        "Our MD adds it to the June agenda")
    _clean(page, "supplier-feedback-respond-error")
    page.get_by_label("Day").fill("30")
    page.get_by_label("Month").fill("6")
    page.get_by_label("Year").fill("2099")
    page.get_by_role("button", name="Save your response").click()
    page.get_by_text("Your response has been saved").wait_for()
    assert "by 30 June 2099" in page.inner_text("main")
    context.close()

    context = browser.new_context()
    page = context.new_page()
    sign_in(page, base, "officer@example.org")
    page.goto(f"{base}/officer/suppliers/{accepted.supplier.id}/feedback")
    assert "Our MD adds it to the June agenda" in page.inner_text("main")
    _clean(page, "officer-feedback-responses")
    page.get_by_role("link", name=f"Make a corrective action ({TITLE})").click()
    page.get_by_label("Owner at the supplier").fill("Jane Smith")
    _clean(page, "officer-feedback-make-action")
    page.get_by_role("button", name="Open corrective action").click()
    page.get_by_text("the supplier has been told").wait_for()
    context.close()
