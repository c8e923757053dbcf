"""Requests in bulk over the demo council, in a real browser (issue 15): an officer asks every
supplier with a live high-risk contract of at least £100,000, previews the list, confirms it
in two tabs and replays the form, and the scheduler's batches and the outbox send each contact
of each right supplier exactly one email over SMTP. axe-core runs on every page.

Set SUPPLIER_DD_SCREENSHOTS to a folder to keep a screenshot of each page on the way."""

from __future__ import annotations

import os
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from supplier_dd.demo import load_demo
from supplier_dd.demo.partnership import first_council
from supplier_dd.jobs.bulk_requests import run_batch
from supplier_dd.jobs.reminders import run_send
from supplier_dd.models import BulkCampaign, Contract, Declaration, DeclarationRequest, User
from supplier_dd.models.base import utcnow
from supplier_dd.models.tenancy import act_for
from tests.e2e.journey_steps import assert_accessible, banner, error_summary, go, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]

PASSWORD = "demo-password-for-tests"
OFFICER = "officer@council.example"
AMOUNT = Decimal("100000")
DUE = date.today() + timedelta(days=45)
SHOTS = os.environ.get("SUPPLIER_DD_SCREENSHOTS")


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)
        size = page.viewport_size
        page.set_viewport_size({"width": 320, "height": size["height"]})
        page.screenshot(path=str(Path(SHOTS) / f"{name}-320.png"), full_page=True)
        page.set_viewport_size(size)


def expected_suppliers(session, today: date) -> tuple[set[str], set[str]]:
    """Worked out in Python, not by the service's SQL: (to ask, to skip)."""
    matched = {c.supplier.name: c.supplier_id for c in session.scalars(select(Contract))
               if c.supplier_id and c.ppn_high_risk and c.value is not None
               and c.value >= AMOUNT and (c.start_date is None or c.start_date <= today)
               and (c.end_date is None or c.end_date >= today)}
    open_annual = set()
    for request in session.scalars(select(DeclarationRequest)
                                   .where(DeclarationRequest.kind == "annual")):
        statuses = {d.status for d in session.scalars(
            select(Declaration).where(Declaration.request_id == request.id))}
        if not statuses & {"submitted", "superseded"}:
            open_annual.add(request.supplier_id)
    skipped = {name for name, sid in matched.items() if sid in open_annual}
    return set(matched) - skipped, skipped


def test_bulk_rule_over_the_demo_council_asks_each_right_supplier_once(
        live_server, browser, session, smtp_server):
    load_demo(session, PASSWORD, utcnow())
    session.commit()
    # The officer's council, the first district: its partners' contracts and requests are theirs.
    act_for(session, first_council(session).id)
    to_ask, to_skip = expected_suppliers(session, date.today())
    assert len(to_ask) >= 2, "the demo council should give this rule suppliers to ask"
    base = live_server.url
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, base, OFFICER, PASSWORD)

    page.goto(f"{base}/officer/declarations")
    go(page.get_by_role("link", name="Request declarations in bulk"))
    assert_accessible(page)
    go(page.get_by_role("button", name="Request declarations in bulk"))
    assert_accessible(page)
    shot(page, "bulk-01-rule-form")
    go(page.get_by_role("button", name="Preview suppliers"))
    assert "Select which suppliers to ask" in error_summary(page)
    assert_accessible(page, "rule form with errors")
    page.get_by_label("Every supplier with a live contract").check()
    page.get_by_label("Smallest contract value").fill("£100,000")
    group = page.get_by_role("group", name="When is the declaration due?")
    group.get_by_label("Day").fill(str(DUE.day))
    group.get_by_label("Month").fill(str(DUE.month))
    group.get_by_label("Year").fill(str(DUE.year))
    go(page.get_by_role("button", name="Preview suppliers"))

    assert_accessible(page, "preview")
    shot(page, "bulk-02-preview")
    rows = page.locator("table tbody tr")
    shown = {rows.nth(i).locator("td").first.inner_text() for i in range(rows.count())}
    assert shown == to_ask | to_skip  # fewer than a page of them in the demo
    go(page.get_by_role("button", name="Continue"))
    assert_accessible(page, "confirmation")
    shot(page, "bulk-03-confirmation")
    send = page.get_by_role("button", name=f"Send {len(to_ask)} request")

    second_tab = context.new_page()
    second_tab.goto(page.url)
    form = {name: page.locator(f"main form[method=post] input[name='{name}']").input_value()
            for name in ("csrf_token", "rule", "min_value", "industry", "due_date",
                         "fingerprint")}
    go(send)
    assert "Requests queued" in banner(page)
    campaign_url = page.url
    go(second_tab.get_by_role("button", name=f"Send {len(to_ask)} request"))
    assert second_tab.url == campaign_url
    assert "already been sent" in banner(second_tab)
    replay = context.request.post(f"{base}/officer/declarations/bulk/confirm", form=form,
                                  max_redirects=0)
    assert replay.status == 302 and replay.headers["location"].endswith(
        campaign_url.removeprefix(base))
    assert session.scalar(select(func.count(BulkCampaign.id))) == 1

    page.reload()
    expect(page.locator("#progress")).to_have_text(f"Queued 0 of {len(to_ask)}")
    assert_accessible(page, "campaign")
    for name in to_skip:
        expect(page.get_by_role("link", name=name)).to_be_visible()
    while run_batch(live_server.app, session, utcnow()):
        pass
    run_send(live_server.app, session, utcnow)
    run_send(live_server.app, session, utcnow)  # a second pass sends nothing again
    page.reload()
    expect(page.locator("#progress")).to_have_text(f"Queued {len(to_ask)} of {len(to_ask)}")
    shot(page, "bulk-04-campaign")

    contacts = {u.email: u.supplier.name for u in session.scalars(
        select(User).where(User.supplier_id.is_not(None), User.active.is_(True)))}
    received = Counter(r for m in smtp_server.messages for r in m.recipients)
    assert set(received.values()) == {1}, received
    assert {contacts[address] for address in received} == to_ask

    go(page.get_by_role("link", name="See who has responded"))
    assert_accessible(page, "engagement")
    shot(page, "bulk-05-engagement")
    page.get_by_label("Show").select_option("invited")
    go(page.get_by_role("button", name="Apply"))
    expect(page.locator("table caption")).to_contain_text(f"{len(to_ask)} supplier")
    context.close()
