"""What a page tells a person after an action (issue 21): a refusal is not dressed as success,
and the navigation marks one item, the right one, as where they are."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from supplier_dd.domain.questionnaire import current_version
from supplier_dd.models import Declaration
from supplier_dd.services.declarations import submit
from tests.declaration_helpers import supplier_with_contact
from tests.factories import PASSWORD
from tests.helpers import csrf_token_in
from tests.unit.test_risk_scoring import BEST

CONTACT = "amara.osei@brightwater.example"


@pytest.fixture
def supplier_contact(session, client):
    supplier = supplier_with_contact(session, "Brightwater Cleaning Ltd", CONTACT)
    session.commit()
    client.sign_in(CONTACT, PASSWORD)
    return supplier


def _banners(html: str) -> list[tuple[str, str]]:
    """(kind, text) for each notification banner: 'success' or 'important'."""
    found = []
    for classes, body in re.findall(
            r'<div class="govuk-notification-banner([^"]*)"[^>]*>(.*?)</div>\s*</div>', html, re.S):
        kind = "success" if "govuk-notification-banner--success" in classes else "important"
        found.append((kind, " ".join(re.sub(r"<[^>]+>", " ", body).split())))
    return found


def _current_items(html: str) -> list[tuple[str, str]]:
    """(aria-current value, link text) for each navigation item marked as where you are."""
    return [(current, text.strip()) for current, text in re.findall(
        r'class="govuk-service-navigation__link"[^>]*aria-current="(\w+)"[^>]*>\s*'
        r'(?:<strong[^>]*>)?([^<]+)', html)]


def test_a_refusal_is_shown_as_important_not_as_success(session, client, supplier_contact):
    declaration = Declaration(
        supplier_id=supplier_contact.id, questionnaire_id="modern_slavery",
        questionnaire_version=1, answers=BEST)
    session.add(declaration)
    session.flush()
    submit(session, declaration, signatory_name="Amara Osei", signatory_role="Director",
           confirms_true=True, confirms_authority=True, ip="127.0.0.1", user=None,
           now=datetime(2026, 11, 20, 9, 0))
    session.commit()
    page = current_version("modern_slavery").all_pages()[0]
    token = csrf_token_in(client.get("/supplier/").get_data(as_text=True))
    response = client.post(
        f"/supplier/declarations/{declaration.id}/sections/{page.section}/{page.id}",
        data={"csrf_token": token})
    assert response.status_code == 302

    banners = _banners(client.get(response.headers["Location"]).get_data(as_text=True))
    assert len(banners) == 1
    kind, text = banners[0]
    assert kind == "important"
    assert text.startswith("Important ") and "was submitted and cannot be changed" in text


def test_good_news_is_still_a_success_banner(client, supplier_contact):
    token = csrf_token_in(client.get("/supplier/").get_data(as_text=True))
    client.post("/sign-out", data={"csrf_token": token})
    banners = _banners(client.get("/sign-in").get_data(as_text=True))
    assert banners == [("success", "Success You have signed out")]


@pytest.mark.parametrize("path, expected", [
    ("/supplier/", [("page", "Your organisation")]),
    ("/supplier/council-requests", [("page", "Council requests")]),
])
def test_only_the_section_you_are_in_is_marked_current(client, supplier_contact, path,
                                                        expected):
    assert _current_items(client.get(path).get_data(as_text=True)) == expected
