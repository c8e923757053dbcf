"""In chromium (issue 16): legal records an exclusion decision for a supplier whose declaration
reports a mandatory ground, and the dashboard follows it: "Excluded pending review" with
"Decision needed" before, "Excluded" with the decision after (its own count and filter), and
the Cabinet pack legal then builds for the year counts the decision; the form and the pages are
axe-clean at desktop width and at 320 px."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from supplier_dd.models.base import utcnow
from supplier_dd.reports.data import financial_year_of
from tests.e2e.journey_steps import assert_accessible, banner, go, sign_in
from tests.report_checks import xlsx_evidence_index
from tests.web.test_exclusion_decisions_web import _convicted_supplier

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]

SHOTS = Path(os.environ.get("SUPPLIER_DD_SHOTS", "test-artifacts/shots"))
REASONS = "A director was convicted of a modern slavery offence in 2024 and is still in post."


def _row(page, name: str) -> str:
    row = page.locator("tbody tr", has=page.get_by_role("link", name=name))
    return re.sub(r"\s+", " ", row.inner_text())


def test_legal_records_an_exclusion_decision_and_the_dashboard_follows(live_server, page,
                                                                        session):
    SHOTS.mkdir(parents=True, exist_ok=True)
    supplier = _convicted_supplier(session)
    base = live_server.url
    sign_in(page, base, "legal@example.org")
    page.goto(f"{base}/officer/risk/")
    before = _row(page, supplier.name)
    assert "Excluded pending review" in before and "Decision needed" in before

    go(page.get_by_role("link", name=supplier.name))
    go(page.get_by_role("button", name="Record an exclusion decision"))
    assert_accessible(page, "exclusion decision form")
    page.get_by_label("Excluded", exact=True).check()
    page.locator("fieldset", has_text="likely to occur again").get_by_label("Yes").check()
    page.get_by_label("Reasons for the decision").fill(REASONS)
    today = utcnow().date()
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    go(page.get_by_role("button", name=re.compile("Record", re.I)))
    assert "Exclusion decision recorded: Excluded" in banner(page)
    section = page.locator(
        "xpath=//h3[normalize-space()='Decision']/following-sibling::dl[1]").inner_text()
    assert "Excluded" in section and REASONS in section

    page.goto(f"{base}/officer/risk/")
    after = _row(page, supplier.name)
    assert after.count("Excluded") == 1 and "pending review" not in after
    assert "Decision needed" not in after
    counts = page.get_by_role("list", name=re.compile("Assessed suppliers")).inner_text()
    assert re.search(r"^Excluded\s+1", counts, re.M), counts
    assert_accessible(page, "dashboard after the decision")
    page.screenshot(path=str(SHOTS / "dashboard-excluded-decided.png"), full_page=True)

    page.goto(f"{base}/officer/risk/?band=Excluded")
    assert supplier.name in page.locator("tbody").inner_text()
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"{base}/officer/suppliers/{supplier.id}/exclusion-decision")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(page, "decision form at 320 px")
    page.screenshot(path=str(SHOTS / "exclusion-decision-320.png"), full_page=True)

    page.set_viewport_size({"width": 1280, "height": 900})
    year = financial_year_of(today).label
    go(page.get_by_role("link", name="Cabinet packs"))
    go(page.get_by_role("button", name="Generate a pack"))
    page.get_by_label("Financial year").fill(year)
    page.get_by_label("Date on the cover").fill(f"{today:%d/%m/%Y}")
    page.get_by_label("Author").fill("Helen Marsh")
    page.get_by_label("Version").fill("1.0")
    go(page.get_by_role("button", name="Generate the pack"))
    page.get_by_role("status").filter(has_text="The pack is ready.").wait_for(timeout=120_000)
    go(page.get_by_role("link", name="Show the pack and its files"))
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the XLSX").click()
    index = xlsx_evidence_index(open(download.value.path(), "rb").read())  # noqa: SIM115
    assert index["exclusions.excluded"]["Value"] == 1
    assert index["exclusions.awaiting_decision"]["Value"] == 0
