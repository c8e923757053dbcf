"""The tender journey in a real browser: an officer creates a tender, adds two bidders (one on
record, one new who is invited), asks both for declarations; the new bidder gets the invitation
and the request over SMTP, sets a password, declares and submits; the officer sees who declared
before the closing date, awards the tender and sees the contract and the re-attestation cycle.
A second tender is closed. axe-core runs on every page, error states included.

Set SUPPLIER_DD_SCREENSHOTS to a folder to keep a screenshot of each page on the way."""

from __future__ import annotations

import os
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from supplier_dd.jobs.reminders import run_send
from supplier_dd.models import AttestationSchedule, Contract, Declaration, Tender
from supplier_dd.models.base import utcnow
from supplier_dd.services import audit
from supplier_dd.services import tenders as tender_service
from tests.e2e.journey_steps import (
    QUESTIONNAIRE,
    assert_accessible,
    banner,
    complete_section_with_mouse,
    error_summary,
    go,
    sign_in,
    sign_out,
)
from tests.factories import make_supplier, make_user

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]

OFFICER = "officer@example.org"
EXISTING_CONTACT = "jane@acme-facilities.example"
NEW_CONTACT = "ola.bright@freshstart.example"
NEW_PASSWORD = "tall ladders paint quietly"
CLOSING = date.today() + timedelta(days=40)
DUE = date.today() + timedelta(days=30)
SHOTS = os.environ.get("SUPPLIER_DD_SCREENSHOTS")


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def fill_date(page, day: date, group: str | None = None) -> None:
    scope = page.get_by_role("group", name=group) if group else page
    scope.get_by_label("Day").fill(str(day.day))
    scope.get_by_label("Month").fill(str(day.month))
    scope.get_by_label("Year").fill(str(day.year))


def officer_creates_the_tender(page, base: str) -> None:
    go(page.get_by_role("link", name="Tenders", exact=True))
    shot(page, "01-tenders-list")
    assert_accessible(page)
    go(page.get_by_role("button", name="Create a tender"))
    assert_accessible(page)
    go(page.get_by_role("button", name="Save tender"))
    summary = error_summary(page)
    for message in ("Enter the tender's reference", "Enter the tender's title",
                    "Enter a category or a CPV code", "Enter the estimated value in pounds",
                    "Select the procurement route", "Select the modern slavery risk tier",
                    "Enter the closing date"):
        assert message in summary
    page.get_by_label("Reference").fill("T-2026-014")
    page.get_by_label("Title").fill("Office cleaning, north area")
    page.get_by_label("Description (optional)").fill("Daily cleaning of four council buildings.")
    page.get_by_label("Category").fill("Cleaning services")
    page.get_by_label("CPV code").fill("90910000-9")
    page.get_by_label("Estimated value").fill("nothing yet")
    page.get_by_label("Competitive flexible procedure").check()
    page.get_by_label("High", exact=True).check()
    fill_date(page, date(2020, 1, 31))
    page.get_by_label("Lot (optional)").fill("Lot 2: north area")
    go(page.get_by_role("button", name="Save tender"))
    summary = error_summary(page)
    assert "Enter the value in pounds, like 250000 or £250,000" in summary
    assert "The closing date must be today or in the future" in summary
    shot(page, "02-create-tender-errors")
    assert page.get_by_label("Title").input_value() == "Office cleaning, north area"
    page.get_by_label("Estimated value").fill("£250,000")
    fill_date(page, CLOSING)
    go(page.get_by_role("button", name="Save tender"))
    assert "Tender T-2026-014 created" in banner(page)
    shot(page, "03-tender-created")
    assert_accessible(page)


def officer_adds_bidders(page) -> None:
    go(page.get_by_role("button", name="Add bidders"))
    assert_accessible(page)
    page.get_by_label("Search by name or Companies House number").fill("Acme")
    go(page.get_by_role("button", name="Search"))
    shot(page, "04-add-bidders-search")
    assert_accessible(page)
    go(page.get_by_role("button", name="Add Acme Facilities Ltd as a bidder"))
    assert "Acme Facilities Ltd added as a bidder" in banner(page)

    go(page.get_by_role("button", name="Add bidders"))
    go(page.get_by_role("button", name="Add bidder and send invitation"))
    summary = error_summary(page)
    for message in ("Enter the bidder's legal name", "Enter the Companies House number",
                    "Enter the contact's full name", "Enter the contact's email address"):
        assert message in summary
    page.get_by_label("Legal name", exact=True).fill("Fresh Start Cleaning Ltd")
    page.get_by_label("Companies House number", exact=True).fill("SC12345")
    page.get_by_label("Contact's full name").fill("Ola Bright")
    page.get_by_label("Contact's email address").fill("ola.bright at freshstart")
    go(page.get_by_role("button", name="Add bidder and send invitation"))
    summary = error_summary(page)
    assert "Enter a Companies House number in the correct format" in summary
    assert "Enter an email address in the correct format" in summary
    shot(page, "05-new-bidder-errors")
    page.get_by_label("Companies House number", exact=True).fill("SC123456")
    page.get_by_label("Contact's email address").fill(NEW_CONTACT)
    go(page.get_by_role("button", name="Add bidder and send invitation"))
    text = banner(page)
    assert "Fresh Start Cleaning Ltd added as a bidder" in text
    assert f"Invitation sent to {NEW_CONTACT}" in text
    assert page.locator("main").inner_text().count("Not asked yet") == 2


def officer_requests_declarations(page) -> None:
    go(page.get_by_role("button", name="Request declarations from every bidder"))
    assert_accessible(page)
    main = page.locator("main").inner_text()
    assert "Acme Facilities Ltd" in main and "Fresh Start Cleaning Ltd" in main
    fill_date(page, DUE)
    go(page.get_by_role("button", name="Send request"))
    assert "Declarations requested from 2 bidders; 2 emails queued" in banner(page)
    assert page.locator("main").inner_text().count("Not started") == 2
    shot(page, "06-tender-requested")


def new_bidder_declares(page, base: str, smtp_server) -> None:
    invitation, request = sorted(smtp_server.to(NEW_CONTACT), key=lambda m: m.key)[::-1]
    assert invitation.key.startswith("invitation:") and request.key.startswith(
        "declaration-request:")
    assert "Fresh Start Cleaning Ltd" in invitation.subject
    assert "T-2026-014" in request.subject
    assert "Office cleaning, north area" in request.text()
    # A working link to the portal (the service's configured address) in both parts.
    assert re.search(r"https?://\S+/supplier/\s", request.text())
    assert re.search(r'href="https?://[^"]+/supplier/"', request.html())
    link = re.search(r"https?://\S+(/invitation/[\w.-]+)", invitation.text()).group(1)

    page.goto(base + link)
    assert "Fresh Start Cleaning Ltd" in page.inner_text("main")
    page.get_by_label("Create a password").fill(NEW_PASSWORD)
    page.get_by_label("Confirm your password").fill(NEW_PASSWORD)
    go(page.get_by_role("button", name="Set password and sign in"))
    assert "Your password is set and you are signed in" in banner(page)
    main = page.inner_text("main")
    assert "Tender T-2026-014: Office cleaning, north area" in main
    assert f"closes {CLOSING.day} {CLOSING:%B %Y}" in main
    shot(page, "07-supplier-home-requested")
    assert_accessible(page)

    go(page.get_by_role("button", name=re.compile("^Start")))
    declaration_id = int(re.search(r"/supplier/declarations/(\d+)$", page.url).group(1))
    no_statement = {"s54_is_rco": "no", "s54_has_statement": "no"}
    for section in QUESTIONNAIRE.sections:
        complete_section_with_mouse(page, base, declaration_id, section.title, no_statement)
    go(page.get_by_role("link", name="Check your answers and submit"))
    go(page.get_by_role("button", name="Continue to sign"))
    page.get_by_label("Your full name").fill("Ola Bright")
    page.get_by_label("Your role in the organisation").fill("Director")
    page.get_by_label(re.compile("answers in this declaration are true")).check()
    page.get_by_label(re.compile("I confirm that I have authority")).check()
    go(page.get_by_role("button", name="Sign and submit"))
    assert "Declaration submitted" in page.locator(".govuk-panel").inner_text()
    go(page.get_by_role("link", name="Back to your organisation"))
    shot(page, "08-supplier-home-declared")
    sign_out(page)


def officer_awards(page, base: str) -> None:
    sign_in(page, base, OFFICER)
    go(page.get_by_role("link", name="Tenders", exact=True))
    go(page.get_by_role("link", name="T-2026-014"))
    bidders = page.get_by_role(
        "table", name="Bidders and their modern slavery declarations").locator("tbody tr")
    declared = bidders.filter(has_text="Fresh Start Cleaning Ltd")
    for text in ("Declared", f"{date.today().day} {date.today():%B %Y}", "Yes"):
        expect(declared).to_contain_text(text)
    waiting = bidders.filter(has_text="Acme Facilities Ltd")
    expect(waiting).to_contain_text("Not started")
    expect(waiting).to_contain_text("Not declared yet")
    shot(page, "09-tender-declared")
    assert_accessible(page)

    go(page.get_by_role("button", name="Award the tender"))
    assert page.get_by_label("Contract reference").input_value() == "T-2026-014"
    assert_accessible(page)
    go(page.get_by_role("button", name="Award the tender"))
    summary = error_summary(page)
    assert "Select the bidder the tender is awarded to" in summary
    assert "Enter the contract's start date" in summary
    page.get_by_label("Fresh Start Cleaning Ltd").check()
    page.get_by_label("Contract reference").fill("C-2026-014")
    page.get_by_label("Contract value").fill("240,000")
    fill_date(page, date(CLOSING.year + 1, 4, 1), "Start date")
    fill_date(page, date(CLOSING.year + 1, 3, 31), "End date")
    go(page.get_by_role("button", name="Award the tender"))
    assert "The end date must be the same as or after the start date" in error_summary(page)
    shot(page, "10-award-errors")
    fill_date(page, date(CLOSING.year + 4, 3, 31), "End date")
    go(page.get_by_role("button", name="Award the tender"))
    assert "Tender awarded to Fresh Start Cleaning Ltd: contract C-2026-014 created" in banner(
        page)
    contract = page.locator("#contract + .govuk-summary-list").inner_text()
    assert "C-2026-014" in contract and "£240,000" in contract
    assert "Fresh Start Cleaning Ltd" in contract
    cycle = page.locator("#re-attestation + .govuk-summary-list").inner_text()
    assert "New contract awarded" in cycle
    assert "Award the tender" not in page.locator("main").inner_text()
    shot(page, "11-tender-awarded")
    assert_accessible(page)
    go(page.get_by_role("link", name="Contracts", exact=True))
    assert "C-2026-014" in page.locator("main").inner_text()
    sign_out(page)

    # The winner sees it on its home page.
    sign_in(page, base, NEW_CONTACT, NEW_PASSWORD)
    main = page.inner_text("main")
    assert "T-2026-014: Office cleaning, north area (awarded to you)" in main
    assert "C-2026-014: Office cleaning, north area" in main
    shot(page, "11b-supplier-home-awarded")
    sign_out(page)
    sign_in(page, base, OFFICER)


def officer_closes_another(page, base: str, session) -> None:
    other = tender_service.create_tender(session, tender_service.TenderDetails(
        reference="T-2026-015", title="Grounds maintenance", description="", category="Grounds",
        cpv_code="", value=None, procurement_route="open", risk_tier="low",
        closing_date=CLOSING, lot=""), utcnow(), audit.SYSTEM)
    session.commit()
    page.goto(f"{base}/officer/tenders/{other.id}")
    go(page.get_by_role("button", name="Close the tender"))
    shot(page, "12-close-confirm")
    assert_accessible(page)
    go(page.get_by_role("button", name="Close the tender"))
    assert "Tender T-2026-015 closed: no more bidders or requests" in banner(page)
    main = page.locator("main").inner_text()
    assert "No more bidders can be added or asked for declarations" in main
    assert "Add bidders" not in main
    shot(page, "13-tender-closed")
    assert_accessible(page)
    go(page.get_by_role("link", name="All tenders"))
    shot(page, "14-tenders-list-after")


def test_officer_runs_a_tender_from_creation_to_award(live_server, page, session,
                                                      smtp_server):
    make_user(session, "officer", email=OFFICER)
    acme = make_supplier(session, name="Acme Facilities Ltd")
    make_user(session, "supplier", email=EXISTING_CONTACT, supplier=acme)
    session.commit()
    base = live_server.url

    sign_in(page, base, OFFICER)
    officer_creates_the_tender(page, base)
    officer_adds_bidders(page)
    officer_requests_declarations(page)
    sign_out(page)
    # The outbox's send pass (the scheduler's job) delivers the requests.
    assert run_send(live_server.app, session, utcnow).sent == 2
    assert [m.key.split(":")[0] for m in smtp_server.to(EXISTING_CONTACT)] == [
        "declaration-request"]

    new_bidder_declares(page, base, smtp_server)
    officer_awards(page, base)
    officer_closes_another(page, base, session)

    session.expire_all()
    tender = session.scalar(select(Tender).where(Tender.reference == "T-2026-014"))
    contract = session.scalar(select(Contract).where(Contract.reference == "C-2026-014"))
    assert tender.status == "awarded" and tender.contract_id == contract.id
    declaration = session.scalars(select(Declaration).where(
        Declaration.supplier_id == contract.supplier_id)).one()
    assert declaration.status == "submitted" and declaration.request.tender_id == tender.id
    schedule = session.scalar(select(AttestationSchedule).where(
        AttestationSchedule.supplier_id == contract.supplier_id,
        AttestationSchedule.status == "active"))
    assert schedule.event_kind == "contract_award"
    # Each email once: the invitation, and one request to each bidder's contact.
    assert len(smtp_server.keys()) == len(set(smtp_server.keys())) == 3
