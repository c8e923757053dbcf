"""Journey 2 in a real browser: the officer reads the score and why, queries an answer; the
supplier answers; the officer accepts, opens a corrective action; the supplier responds; the
officer signs it off. axe-core runs on every page, error states included."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from supplier_dd.models import Declaration
from supplier_dd.models.risk import CorrectiveAction, ReviewQuery
from supplier_dd.services.declarations import submit
from supplier_dd.services.risk import current_assessment
from tests.e2e.journey_steps import (
    assert_accessible,
    banner,
    error_summary,
    go,
    sign_in,
    sign_out,
)
from tests.factories import make_supplier, make_user
from tests.unit.test_risk_scoring import BEST

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]

OFFICER = "officer@example.org"
CONTACT = "amara.osei@brightwater.example"
FEES_QUESTION = "paid a fee or cost to get a job"


@pytest.fixture
def scored_supplier(session):
    """A supplier that declared its workers paid recruitment fees (a red flag), scored on submit."""
    supplier = make_supplier(session, name="Brightwater Cleaning Ltd")
    make_user(session, "officer", email=OFFICER)
    make_user(session, "supplier", email=CONTACT, supplier=supplier)
    declaration = Declaration(
        supplier_id=supplier.id, questionnaire_id="modern_slavery", questionnaire_version=1,
        answers=BEST | {"wf_recruitment_fees": "yes", "wf_fees_action": "We repaid them"})
    session.add(declaration)
    session.flush()
    submit(session, declaration, signatory_name="Amara Osei", signatory_role="Director",
           confirms_true=True, confirms_authority=True, ip="127.0.0.1", user=None,
           now=datetime(2026, 11, 20, 9, 0))
    session.commit()
    return supplier


def _open_supplier(page, name: str) -> None:
    go(page.get_by_role("link", name="Suppliers", exact=True))
    go(page.get_by_role("link", name=name))


def test_officer_queries_accepts_and_signs_off_a_corrective_action(
    live_server, page, session, scored_supplier
):
    base = live_server.url
    supplier = scored_supplier
    assessment = current_assessment(session, supplier.id)

    # The officer sees the rating, the score and the explanation.
    sign_in(page, base, OFFICER)
    _open_supplier(page, supplier.name)
    risk = page.locator("main").inner_text()
    assert f"Residual score {assessment.residual_score} of 100" in risk
    assert "Review: to review" in risk
    for line in assessment.breakdown["explanation"]:
        assert line in risk
    assert "recruitment fees" in risk.lower()
    assert_accessible(page)

    go(page.get_by_role("button", name="Review this assessment"))
    assert_accessible(page)
    go(page.get_by_role("button", name="Record decision"))
    summary = error_summary(page)
    assert "Select accept, query or reject" in summary
    assert "Enter the reason for your decision" in summary
    page.get_by_label("Query answers with the supplier").check()
    page.get_by_label("Reason", exact=True).fill("Fees were paid: we need to know who repaid them")
    page.get_by_label(re.compile(FEES_QUESTION)).check()
    page.get_by_label("What the supplier should change: Workers paid recruitment fees").fill(
        "Tell us which agencies charged fees and how much you repaid")
    go(page.get_by_role("button", name="Record decision"))
    assert "Decision recorded" in banner(page)
    assert "Review: queried" in page.locator("main").inner_text()
    sign_out(page)

    # The supplier answers the query.
    sign_in(page, base, CONTACT)
    go(page.get_by_role("link", name="Council requests"))
    assert "Needs your answer" in page.locator("main").inner_text()
    assert_accessible(page)
    go(page.get_by_role("link", name=re.compile(FEES_QUESTION)))
    assert "Tell us which agencies charged fees" in page.locator("main").inner_text()
    assert_accessible(page)
    go(page.get_by_role("button", name="Send to the council"))
    assert "Enter your answer" in error_summary(page)
    page.get_by_label("Your reply to the council").fill(
        "Two agencies charged £250 each; we repaid all 14 workers in March and changed agency.")
    go(page.get_by_role("button", name="Send to the council"))
    assert "Your answer has been sent to the council" in banner(page)
    assert "Answered" in page.locator("main").inner_text()
    sign_out(page)

    # The officer reads the answer, accepts, and opens a corrective action.
    sign_in(page, base, OFFICER)
    _open_supplier(page, supplier.name)
    assert "we repaid all 14 workers" in page.locator("main").inner_text()
    go(page.get_by_role("button", name="Review this assessment"))
    page.get_by_label("Accept the assessment").check()
    page.get_by_label("Reason", exact=True).fill("Fees repaid and the agency replaced")
    go(page.get_by_role("button", name="Record decision"))
    assert "Decision recorded" in banner(page)
    assert "Review: accepted" in page.locator("main").inner_text()

    go(page.get_by_role("button", name="Open a corrective action"))
    assert_accessible(page)
    go(page.get_by_role("button", name="Open corrective action"))
    summary = error_summary(page)
    assert "Enter what the supplier must do" in summary
    assert "Enter the date the action is due" in summary
    page.get_by_label("What the supplier must do").fill("Audit every labour agency for fees")
    page.get_by_label("Owner at the supplier").fill("Amara Osei")
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("2099")
    go(page.get_by_role("button", name="Open corrective action"))
    assert "Corrective action opened" in banner(page)
    sign_out(page)

    # The supplier responds.
    sign_in(page, base, CONTACT)
    go(page.get_by_role("link", name="Council requests"))
    assert "To do" in page.locator("main").inner_text()
    go(page.get_by_role("link", name="Audit every labour agency for fees"))
    assert_accessible(page)
    go(page.get_by_role("button", name="Mark as done and send to the council"))
    assert "Enter your answer" in error_summary(page)
    page.get_by_label("What you have done", exact=True).fill(
        "All six agencies audited; report attached to our statement")
    go(page.get_by_role("button", name="Mark as done and send to the council"))
    assert "Marked as done" in banner(page)
    assert "Waiting for the council" in page.locator("main").inner_text()
    sign_out(page)

    # The officer signs it off.
    sign_in(page, base, OFFICER)
    _open_supplier(page, supplier.name)
    go(page.get_by_role("link", name="Audit every labour agency for fees"))
    assert "All six agencies audited" in page.locator("main").inner_text()
    assert_accessible(page)
    go(page.get_by_role("button", name="Save"))
    assert "Select whether to sign off or send back" in error_summary(page)
    page.get_by_label("Yes, sign it off").check()
    page.get_by_label("Note").fill("Audit reports seen")
    go(page.get_by_role("button", name="Save"))
    assert "Action signed off" in banner(page)
    assert "Signed off" in page.locator("main").inner_text()
    assert_accessible(page)

    session.expire_all()
    action = session.query(CorrectiveAction).one()
    assert action.status == "signed_off"
    assert [(e.from_status, e.to_status) for e in action.events] == [
        (None, "open"), ("open", "responded"), ("responded", "signed_off")]
    query = session.query(ReviewQuery).one()
    assert query.status == "answered" and "repaid all 14" in query.response
    assert current_assessment(session, supplier.id).review_status == "accepted"
