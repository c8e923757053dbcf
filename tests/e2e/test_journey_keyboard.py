"""Journey 4: the supplier's whole declaration with the keyboard only (Tab, Shift+Tab, Enter,
Space, arrow keys and typing; never the mouse), with JavaScript on and with it off. Every element
that takes focus on the way must show the GOV.UK focus style."""

from __future__ import annotations

import re

import pytest

from supplier_dd.models import Declaration
from supplier_dd.models.base import utcnow
from supplier_dd.services.invitations import create_invitation
from tests.declaration_helpers import make_request
from tests.e2e.journey_steps import (
    QUESTIONNAIRE,
    assert_accessible,
    banner,
    complete_section_with_keyboard,
    error_summary,
    focused,
    press_and_wait,
    real_pdf,
    sign_in_with_keyboard,
    sign_out_with_keyboard,
    tab,
    tab_to,
    task_status,
    type_into,
)
from tests.factories import make_supplier

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]

CONTACT = "sam.okafor@brightwater.example"
NEW_PASSWORD = "purple kettles sing at dawn"


@pytest.mark.parametrize("page", [True, False], ids=["javascript", "no-javascript"],
                         indirect=True)
def test_supplier_declares_with_the_keyboard_only(live_server, page, session, tmp_path,
                                                  request):
    javascript = request.node.callspec.params["page"]
    supplier = make_supplier(session, name="Brightwater Cleaning Ltd")
    make_request(session, supplier, kind="annual")
    _invitation, token = create_invitation(session, supplier, CONTACT, "Sam Okafor", None,
                                           utcnow(), 72)
    session.commit()
    base = live_server.url
    statement = real_pdf(tmp_path / "brightwater-statement.pdf")

    page.goto(f"{base}/invitation/{token}")
    type_into(page, "password", NEW_PASSWORD)
    type_into(page, "confirm", NEW_PASSWORD)
    press_and_wait(page)
    assert "Your password is set and you are signed in" in banner(page)
    scripts_ran = page.evaluate("document.body.classList.contains('govuk-frontend-supported')")
    assert scripts_ran is javascript

    tab_to(page, lambda info: info["text"].startswith("Start"))
    press_and_wait(page)
    declaration_id = int(re.search(r"/supplier/declarations/(\d+)$", page.url).group(1))
    overview = f"{base}/supplier/declarations/{declaration_id}"
    if not javascript:  # journey 1 checks these pages with JavaScript on
        assert_accessible(page, "task list without JavaScript")

    first, second, third, *rest = QUESTIONNAIRE.sections
    pages = complete_section_with_keyboard(page, base, declaration_id, first.title)
    # Without JavaScript the page is asked again for the parent company; with it the question
    # appears on the page as soon as "part of a group" is answered.
    assert pages.count("organisation/identity") == (1 if javascript else 2)
    assert task_status(page, first.title) == "Completed"
    complete_section_with_keyboard(page, base, declaration_id, second.title,
                                   uploads={"s54_statement_file": statement})
    assert task_status(page, second.title) == "Completed"

    # Answer one question of the third section, save, and sign out.
    tab_to(page, lambda info: info["tag"] == "a" and info["text"] == third.title)
    press_and_wait(page)
    if not javascript:
        assert_accessible(page, "question page without JavaScript")
    tab_to(page, lambda info: info["name"] == "excl_s6_supplier")
    page.keyboard.press("ArrowDown")  # from Yes to No: arrow keys move and select
    assert focused(page)["value"] == "no" and focused(page)["checked"]
    tab_to(page, "Save and come back later")
    press_and_wait(page, "Space")
    assert "Your answers have been saved" in banner(page)
    sign_out_with_keyboard(page)

    sign_in_with_keyboard(page, base, CONTACT, NEW_PASSWORD)
    tab_to(page, lambda info: info["tag"] == "a" and info["text"].startswith("Continue"))
    press_and_wait(page)
    assert page.url == overview
    assert task_status(page, third.title) == "In progress"
    complete_section_with_keyboard(page, base, declaration_id, third.title)
    for section in rest:
        complete_section_with_keyboard(page, base, declaration_id, section.title)
        assert task_status(page, section.title) == "Completed"

    tab_to(page, "Check your answers and submit")
    press_and_wait(page)
    assert "brightwater-statement.pdf" in page.inner_text("main")
    if not javascript:
        assert_accessible(page, "check answers without JavaScript")
    tab_to(page, "Continue to sign")
    press_and_wait(page)

    # Submitting too early shows the errors; the summary's links take focus to the fields.
    tab_to(page, "Sign and submit")
    press_and_wait(page)
    summary = error_summary(page)
    assert "Enter your role in the organisation" in summary
    if javascript:
        tab(page)  # from the summary (which has focus) to its first link
        page.keyboard.press("Enter")
        assert focused(page)["name"] == "signatory_role"
        page.keyboard.type("Operations Director")
    else:
        type_into(page, "signatory_role", "Operations Director")
    # Back up to the name field to correct it.
    tab_to(page, lambda info: info["name"] == "signatory_name", backwards=True)
    page.keyboard.press("Control+A")
    page.keyboard.type("Samuel Okafor")
    for name in ("confirm_true", "confirm_authority"):
        tab_to(page, lambda info, name=name: info["name"] == name)
        page.keyboard.press("Space")
        assert focused(page)["checked"]
    tab_to(page, "Sign and submit")
    press_and_wait(page)

    assert "Declaration submitted" in page.locator(".govuk-panel").inner_text()
    if not javascript:
        assert_accessible(page, "confirmation without JavaScript")
    session.expire_all()
    declaration = session.get(Declaration, declaration_id)
    assert declaration.status == "submitted"
    assert (declaration.signatory_name, declaration.signatory_role) == (
        "Samuel Okafor", "Operations Director")
    assert declaration.answers["org_parent_name"]
    assert declaration.answers["s54_statement_file"][0]["filename"] == "brightwater-statement.pdf"
