"""The Cabinet pack progress page never reloads itself (WCAG 2.2.1: a reload every 2 seconds
sent a screen reader back to the top). With JavaScript a live region follows the build; without
it, a Refresh link shows the latest step when the reader asks."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from supplier_dd.models import CabinetPackRun
from supplier_dd.models.base import utcnow
from tests.e2e.journey_steps import assert_accessible, go, sign_in
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]


def _running_pack(session) -> CabinetPackRun:
    make_user(session, "legal", email="legal@example.org")
    now = utcnow()
    run = CabinetPackRun(financial_year="2025/26", cover_date=date(2026, 5, 14), version="1.0",
                         author="Helen Marsh", status="running", step="Counting risk",
                         requested_by_name="Helen Marsh", requested_at=now, heartbeat_at=now)
    session.add(run)
    session.commit()
    return run


def _report_step(session, run, step=None, status=None):
    if step:
        run.step = step
    if status:
        run.status = status
        run.finished_at = utcnow()
    run.heartbeat_at = utcnow()
    session.commit()


def test_the_progress_page_follows_the_build_in_a_live_region_without_reloading(
        live_server, page, session):
    run = _running_pack(session)
    sign_in(page, live_server.url, "legal@example.org")
    page.goto(f"{live_server.url}/reports/cabinet/runs/{run.id}")
    assert page.locator('meta[http-equiv="refresh"]').count() == 0
    progress = page.get_by_role("status")
    expect(progress).to_contain_text("Building the pack: Counting risk")
    assert progress.get_attribute("aria-live") == "polite"
    assert_accessible(page)
    page.evaluate("window.stillTheSamePage = true")

    _report_step(session, run, step="Drawing the charts")
    expect(progress).to_contain_text("Building the pack: Drawing the charts")
    _report_step(session, run, status="done")
    expect(progress).to_contain_text("The pack is ready.")
    assert page.evaluate("window.stillTheSamePage") is True  # updated in place, never reloaded

    go(page.get_by_role("link", name="Show the pack and its files"))
    assert page.get_by_text("The pack is ready.").first.is_visible()
    assert page.evaluate("window.stillTheSamePage === undefined")


@pytest.mark.parametrize("page", [False], ids=["no-javascript"], indirect=True)
def test_without_javascript_a_refresh_link_shows_the_latest_step(live_server, page, session):
    run = _running_pack(session)
    sign_in(page, live_server.url, "legal@example.org")
    page.goto(f"{live_server.url}/reports/cabinet/runs/{run.id}")
    assert page.locator('meta[http-equiv="refresh"]').count() == 0
    assert "Building the pack: Counting risk" in page.get_by_role("status").inner_text()
    assert_accessible(page)

    _report_step(session, run, step="Drawing the charts")
    go(page.get_by_role("link", name="Refresh"))
    assert "Building the pack: Drawing the charts" in page.get_by_role("status").inner_text()
