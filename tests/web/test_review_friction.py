"""Issue 21, friction to remove: the officer reviews a declaration question by question, with
the supplier's answers beside the boxes; a comment on a question reaches the supplier beside
that question and its original answer; check-your-answers says once per section what was
copied; a follow-up question the browser showed is saved with the answer that asked for it."""

from __future__ import annotations

import lxml.html
import pytest
from sqlalchemy import select

from supplier_dd.models import Declaration
from supplier_dd.models.audit import AuditEntry
from supplier_dd.models.risk import ReviewQuery
from tests.declaration_helpers import (
    all_form_values,
    first_page_url,
    make_request,
    start_declaration,
    supplier_with_contact,
)
from tests.factories import PASSWORD
from tests.helpers import any_csrf_token, text_of
from tests.markup_pages import EVIDENCE_FILENAME, SUPPLIER_EMAIL, add_markup_pages

OFFICER = "officer@example.org"


@pytest.fixture
def world(session):
    ids = add_markup_pages(session)
    ids["supplier"] = session.get(Declaration, ids["second"]).supplier_id
    return ids


def _tree(response):
    assert response.status_code == 200
    return lxml.html.fromstring(response.get_data(as_text=True))


def _sign_out(client):
    client.post("/sign-out", data={"csrf_token": any_csrf_token(client)})


def _box(tree, question_id):
    """The checkbox item for one question: its input, label and hint."""
    [item] = tree.xpath(f'//input[@name="questions"][@value="{question_id}"]'
                        '/ancestor::div[contains(@class, "govuk-checkboxes__item")]')
    return item


def test_the_review_form_is_grouped_by_section_with_the_suppliers_answers(
        session, client, world):
    client.sign_in(OFFICER, PASSWORD)
    tree = _tree(client.get(f"/officer/risk/suppliers/{world['supplier']}/review"))
    legends = [" ".join(h.text_content().split()) for h in tree.xpath("//legend//h3")]
    assert legends[:3] == ["About your organisation", "Modern Slavery Act statement",
                           "Exclusion grounds"]
    # Each box sits in its section's group, with the supplier's answer under it.
    name = _box(tree, "org_legal_name")
    assert name.xpath('ancestor::fieldset//legend//h3')[0].text_content().strip() == (
        "About your organisation")
    assert "Acme Facilities Ltd" in name.text_content()
    assert "Answer:" in name.text_content()
    statement = _box(tree, "s54_statement_file")
    [link] = statement.xpath(".//a")
    assert link.text_content() == EVIDENCE_FILENAME
    assert link.get("href") == (f"/officer/declarations/{world['second']}/evidence/"
                                f"{world['evidence'][0]}")
    assert client.get(link.get("href")).status_code == 200
    # A comment box for the question, labelled with it for a screen reader.
    box_id = statement.xpath(".//input")[0].get("id")
    [comment] = tree.xpath(f'//div[@id="conditional-{box_id}"]'
                           '//textarea[@name="comment_s54_statement_file"]')
    label = tree.xpath(f'//label[@for="{comment.get("id")}"]')[0].text_content()
    assert "What the supplier should change" in label and "statement" in label.lower()


def test_a_comment_per_question_is_stored_audited_and_shown_to_the_supplier(
        session, client, world):
    client.sign_in(OFFICER, PASSWORD)
    url = f"/officer/risk/suppliers/{world['supplier']}/review"
    response = client.submit(url, {
        "decision": "query", "reason": "Two answers need checking",
        "questions": ["org_headcount", "s54_statement_file"],
        "comment_org_headcount": "Your headcount differs from Companies House",
        "comment_s54_statement_file": "Upload the signed statement, not a draft",
        "comment_org_legal_name": "Not ticked, so not sent",
    })
    assert response.status_code == 302
    queries = {q.question_id: q for q in session.scalars(select(ReviewQuery))}
    assert set(queries) == {"org_headcount", "s54_statement_file"}
    assert queries["org_headcount"].comment == "Your headcount differs from Companies House"
    assert queries["s54_statement_file"].comment == "Upload the signed statement, not a draft"
    event = session.scalar(select(AuditEntry).where(AuditEntry.action == "assessment.queried"))
    assert event.details["query_comments"] == {
        "org_headcount": "Your headcount differs from Companies House",
        "s54_statement_file": "Upload the signed statement, not a draft",
    }
    _sign_out(client)

    client.sign_in(SUPPLIER_EMAIL, PASSWORD)
    page = client.get(f"/supplier/queries/{queries['s54_statement_file'].id}")
    tree = _tree(page)
    rows = {" ".join(row.xpath('.//dt')[0].text_content().split()):
            row.xpath('.//dd')[0] for row in tree.xpath('//div[@class="govuk-summary-list__row"]')}
    asks = rows["What the council asks"].text_content()
    assert "Upload the signed statement, not a draft" in asks
    [link] = rows["What you answered"].xpath(".//a")
    assert link.text_content() == EVIDENCE_FILENAME
    assert client.get(link.get("href")).status_code == 200
    headcount = text_of(client.get(f"/supplier/queries/{queries['org_headcount'].id}"))
    assert "Your headcount differs from Companies House" in headcount
    assert "Not ticked, so not sent" not in headcount


def test_a_comment_too_long_is_refused_beside_its_question_and_nothing_is_lost(
        session, client, world):
    client.sign_in(OFFICER, PASSWORD)
    url = f"/officer/risk/suppliers/{world['supplier']}/review"
    response = client.submit(url, {
        "decision": "query", "reason": "Check it", "questions": ["org_headcount"],
        "comment_org_headcount": "x" * 5001,
    })
    tree = _tree(response)
    summary = tree.xpath('//div[contains(@class, "govuk-error-summary")]')[0].text_content()
    assert "Your comment on headcount" in summary or "comment on" in summary
    assert tree.xpath('//textarea[@name="comment_org_headcount"]')[0].text_content() == "x" * 5001
    assert tree.xpath('//input[@value="org_headcount"]')[0].get("checked") is not None
    assert session.scalar(select(ReviewQuery)) is None


def _copied_by_section(tree) -> dict[str, tuple[str, int]]:
    """Each section of check-your-answers: (its copied note, how many answers say 'copied')."""
    found = {}
    for heading in tree.xpath('//main//h2[@class="govuk-heading-m"]'):
        note = heading.xpath('following-sibling::*[1][contains(@class, "govuk-inset-text")]')
        summary = heading.xpath('following-sibling::*[self::dl or self::h2][1][self::dl]')
        if not summary:
            continue  # "Now sign and submit"
        summary = summary[0]
        marked = summary.xpath('.//dt//span[@class="govuk-visually-hidden"]'
                               '[contains(., "copied from your last declaration")]')
        found[heading.text_content().strip()] = (
            " ".join(note[0].text_content().split()) if note else "", len(marked))
    return found


def test_check_answers_says_once_per_section_what_was_copied(session, client, world):
    client.sign_in(SUPPLIER_EMAIL, PASSWORD)
    url = f"/supplier/declarations/{world['draft']}/check"
    tree = _tree(client.get(url))
    assert not tree.xpath('//strong[contains(@class, "govuk-tag")][.="Copied"]')
    sections = _copied_by_section(tree)
    assert "About your organisation" in sections, sections
    note, marked = sections["About your organisation"]
    assert marked > 1
    assert note == (f"We copied {marked} answers in this section from your last declaration: "
                    "check they are still right.")
    assert all(note.startswith(f"We copied {n} answer") for note, n in sections.values() if n)

    # Once the supplier has saved the section's pages, the section no longer says so.
    draft = session.get(Declaration, world["draft"])
    overview = _tree(client.get(f"/supplier/declarations/{draft.id}"))
    first = overview.xpath('//a[contains(., "About your organisation")]')[0].get("href")
    while "/sections/organisation/" in first:
        response = client.submit(first, {"action": "continue"})
        assert response.status_code == 302, text_of(response)
        first = response.headers["Location"]
    note, marked = _copied_by_section(_tree(client.get(url)))["About your organisation"]
    assert (note, marked) == ("", 0)


# --- Follow-up questions answered as soon as they appear (JavaScript on) ------------------------


@pytest.fixture
def draft(session, client):
    supplier = supplier_with_contact(session, "Acme Facilities Ltd", "contact@acme.example")
    request = make_request(session, supplier)
    session.commit()
    client.sign_in("contact@acme.example", PASSWORD)
    return start_declaration(client, request.id)


def test_a_follow_up_shown_in_the_browser_is_saved_with_the_answer_that_asked_for_it(
        session, client, draft):
    url = first_page_url(draft, "organisation")
    response = client.submit(url, all_form_values({
        "org_in_group": "yes", "org_parent_name": "Acme Holdings plc",
        "follow_up_shown": "org_parent_name"}))
    assert response.status_code == 302
    assert "/sections/organisation/operations" in response.headers["Location"]  # moves on
    assert session.get(Declaration, draft).answers["org_parent_name"] == "Acme Holdings plc"


def test_a_follow_up_shown_in_the_browser_and_left_empty_is_asked_for(session, client, draft):
    url = first_page_url(draft, "organisation")
    values = all_form_values({"org_in_group": "yes", "follow_up_shown": "org_parent_name"})
    values.pop("org_parent_name")
    response = client.submit(url, values)
    assert response.status_code == 200
    assert "Enter ultimate parent company" in text_of(response)
    assert session.get(Declaration, draft).answers["org_in_group"] == "yes"
