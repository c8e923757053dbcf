"""Journey 1 in a real browser: an officer adds a supplier and invites a contact by email; the
contact accepts, answers every section (a conditional question, an upload), leaves, comes back,
checks, signs and submits. axe-core runs on every page on the way, error states included."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from supplier_dd.models import Declaration, EvidenceFile, Supplier
from tests.e2e.journey_steps import (
    QUESTIONNAIRE,
    answer_with_mouse,
    assert_accessible,
    banner,
    complete_section_with_mouse,
    current_page,
    error_summary,
    go,
    real_pdf,
    save_and_continue,
    sign_in,
    sign_out,
    task_status,
)
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]

CONTACT = "jane.smith@acme-facilities.example"
NEW_PASSWORD = "tall ladders paint quietly"


def officer_adds_and_invites(page, base: str, smtp_server) -> tuple[int, str]:
    """The officer's part: add the supplier, invite a contact, ask for a declaration.
    Returns the supplier id and the invitation link's path."""
    sign_in(page, base, "officer@example.org")
    # Officers land on the risk dashboard; suppliers are added from the supplier list.
    go(page.get_by_role("link", name="Suppliers", exact=True))
    go(page.get_by_role("button", name="Add a supplier"))
    assert_accessible(page)
    go(page.get_by_role("button", name="Save supplier"))
    assert "Enter the supplier's legal name" in error_summary(page)
    page.get_by_label("Legal name").fill("Acme Facilities Ltd")
    page.get_by_label("Companies House number (optional)").fill("01234567")
    go(page.get_by_role("button", name="Save supplier"))
    assert "Acme Facilities Ltd added" in banner(page)
    supplier_id = int(re.search(r"/officer/suppliers/(\d+)$", page.url).group(1))
    assert_accessible(page)

    go(page.get_by_role("button", name="Invite a contact"))
    assert_accessible(page)
    go(page.get_by_role("button", name="Send invitation"))
    summary = error_summary(page)
    assert "Enter the contact's full name" in summary
    assert "Enter the contact's email address" in summary
    page.get_by_label("Full name").fill("Jane Smith")
    page.get_by_label("Email address").fill(CONTACT)
    go(page.get_by_role("button", name="Send invitation"))
    assert f"Invitation sent to {CONTACT}" in banner(page)

    go(page.get_by_role("button", name="Request a modern slavery declaration"))
    assert_accessible(page)
    go(page.get_by_role("button", name="Send request"))
    assert "Enter the date the declaration is due" in error_summary(page)
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("12")
    page.get_by_label("Year").fill("2099")
    go(page.get_by_role("button", name="Send request"))
    assert "Declaration requested" in banner(page)
    sign_out(page)

    (message,) = smtp_server.to(CONTACT)
    link = re.search(r"https?://\S+(/invitation/[\w.-]+)", message.text())
    assert link, message.text()
    return supplier_id, link.group(1)


def contact_accepts(page, base: str, invitation_path: str) -> None:
    page.goto(base + invitation_path)
    assert "Acme Facilities Ltd" in page.inner_text("main")
    assert_accessible(page)
    go(page.get_by_role("button", name="Set password and sign in"))
    assert "Enter a password" in error_summary(page)
    page.get_by_label("Create a password").fill(NEW_PASSWORD)
    page.get_by_label("Confirm your password").fill(NEW_PASSWORD)
    go(page.get_by_role("button", name="Set password and sign in"))
    assert "Your password is set and you are signed in" in banner(page)


def test_invited_contact_completes_leaves_resumes_signs_and_submits(
    live_server, page, session, smtp_server, tmp_path
):
    make_user(session, "officer", email="officer@example.org")
    session.commit()
    base = live_server.url
    supplier_id, invitation_path = officer_adds_and_invites(page, base, smtp_server)

    contact_accepts(page, base, invitation_path)
    assert page.get_by_role("heading", name="Acme Facilities Ltd").is_visible()
    assert_accessible(page)
    go(page.get_by_role("button", name=re.compile("^Start")))
    declaration_id = int(re.search(r"/supplier/declarations/(\d+)$", page.url).group(1))
    overview = f"{base}/supplier/declarations/{declaration_id}"
    assert task_status(page, "Check your answers and submit") == "Cannot start yet"
    assert_accessible(page)

    # Section 1 by hand: the empty form's errors, then the conditional question.
    go(page.get_by_role("link", name="About your organisation"))
    assert current_page(page) == ("organisation", "identity")
    # With JavaScript the follow-up is on the page, hidden until the answer that asks for it.
    assert not page.locator("[name=org_parent_name]").is_visible()
    legal_name = page.get_by_label("What is your organisation's legal name?")
    assert legal_name.input_value() == "Acme Facilities Ltd"  # filled in from the council's record
    assert_accessible(page)
    legal_name.fill("")
    save_and_continue(page)
    summary = error_summary(page)
    assert "Enter legal name" in summary
    assert "Select yes or no: part of a group" in summary
    legal_name.fill("Acme Facilities Limited")
    page.locator("[name=org_in_group][value=yes]").check()
    # It appears as soon as "yes" is chosen, before the page is saved.
    parent = page.get_by_label("What is the name of your ultimate parent company?")
    assert parent.is_visible() and parent.input_value() == ""
    assert_accessible(page)
    save_and_continue(page)
    assert "Enter ultimate parent company" in error_summary(page)
    parent.fill("Acme Group plc")
    save_and_continue(page)
    assert current_page(page) == ("organisation", "operations")
    page.get_by_label("Country 1").select_option("GB")
    go(page.get_by_role("button", name="Add another country"))
    page.get_by_label("Country 2").select_option("IE")
    go(page.get_by_role("button", name="Add another country"))
    assert page.get_by_label("Country 2").input_value() == "IE"
    assert page.get_by_label("Country 3").input_value() == ""
    save_and_continue(page)
    summary = error_summary(page)  # sectors, workers and turnover are still unanswered
    assert "Select at least one: sectors" in summary
    assert "Enter number of workers" in summary
    page.locator("[name=org_sectors]").first.check()
    page.get_by_label("How many people work for your organisation?").fill("140")
    page.get_by_label("£36 million to £60 million").check()  # a relevant organisation
    # Questionnaire v2 asks these here: not a VCSE, so a tender without a tier gets the
    # longer form.
    page.locator("[name=org_uk_business][value=yes]").check()
    page.locator("[name=org_vcse][value=no]").check()
    save_and_continue(page)
    assert page.url == overview
    assert task_status(page, "About your organisation") == "Completed"

    # Section 2, with the statement uploaded as evidence on its page.
    go(page.get_by_role("link", name="Modern Slavery Act statement"))
    page.locator("[name=s54_is_rco][value=yes]").check()
    page.locator("[name=s54_has_statement][value=yes]").check()
    # "Compliant with s.54?" appears on the page as soon as "relevant organisation" is chosen.
    page.locator("[name=s54_compliant][value=yes]").check()
    save_and_continue(page)
    assert current_page(page) == ("s54", "statement")
    upload = page.locator("input[type=file][name=s54_statement_file]")
    upload.set_input_files(real_pdf(tmp_path / "acme-statement-2025.pdf"))
    go(page.get_by_role("button", name="Upload file"))
    assert "File uploaded" in banner(page)
    assert page.get_by_role("link", name="acme-statement-2025.pdf").is_visible()
    assert_accessible(page)
    answer_with_mouse(page)
    save_and_continue(page)
    assert page.url == overview

    # Start the exclusion grounds, save part of it and sign out: a break, or a time-out.
    go(page.get_by_role("link", name="Exclusion grounds"))
    page.locator("[name=excl_s6_supplier][value=no]").check()
    go(page.get_by_role("button", name="Save and come back later"))
    assert "Your answers have been saved" in banner(page)
    assert task_status(page, "Exclusion grounds") == "In progress"
    sign_out(page)

    sign_in(page, base, CONTACT, NEW_PASSWORD)
    go(page.get_by_role("link", name=re.compile("^Continue")))
    assert page.url == overview
    assert task_status(page, "About your organisation") == "Completed"
    assert task_status(page, "Modern Slavery Act statement") == "Completed"
    assert task_status(page, "Exclusion grounds") == "In progress"
    go(page.get_by_role("link", name="Exclusion grounds"))
    assert page.locator("[name=excl_s6_supplier][value=no]").is_checked()
    go(page.get_by_role("link", name="Back to your declaration"))

    for section in QUESTIONNAIRE.sections[2:]:
        complete_section_with_mouse(page, base, declaration_id, section.title)
        assert task_status(page, section.title) == "Completed", section.title

    go(page.get_by_role("link", name="Check your answers and submit"))
    main = page.inner_text("main")
    for text in ("Acme Facilities Limited", "Acme Group plc", "Ireland",
                 "acme-statement-2025.pdf", "140"):
        assert text in main
    assert_accessible(page)
    go(page.get_by_role("button", name="Continue to sign"))
    page.get_by_label("Your full name").fill("")
    go(page.get_by_role("button", name="Sign and submit"))
    summary = error_summary(page)
    assert "Enter your full name" in summary
    assert "Confirm that the answers are true and complete" in summary
    page.get_by_label("Your full name").fill("Jane Smith")
    page.get_by_label("Your role in the organisation").fill("Managing Director")
    page.get_by_label(re.compile("answers in this declaration are true")).check()
    page.get_by_label(re.compile("I confirm that I have authority")).check()
    go(page.get_by_role("button", name="Sign and submit"))

    panel = page.locator(".govuk-panel")
    assert "Declaration submitted" in panel.inner_text()
    assert f"DEC-{declaration_id:06d}" in panel.inner_text()
    assert_accessible(page)
    session.expire_all()
    declaration = session.get(Declaration, declaration_id)
    assert declaration.status == "submitted"
    assert declaration.supplier_id == supplier_id
    assert (declaration.signatory_name, declaration.signatory_role) == (
        "Jane Smith", "Managing Director")
    assert declaration.answers["org_countries"] == ["GB", "IE"]
    evidence = session.scalars(select(EvidenceFile)).one()
    assert evidence.original_filename == "acme-statement-2025.pdf"
    assert session.get(Supplier, supplier_id).name == "Acme Facilities Ltd"

    go(page.get_by_role("link", name="Back to your organisation"))
    assert "Submitted" in page.inner_text("main")
