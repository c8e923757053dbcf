"""Page titles say which page, which record and whether something went wrong: the title is the
first thing a screen reader reads and what a browser tab shows ("Page – Section – Record –
Service", GOV.UK style; "Error: " first when the page shows errors)."""

from __future__ import annotations

import re

import pytest

from supplier_dd.domain.questionnaire import current_version
from supplier_dd.models import Declaration
from supplier_dd.models.base import utcnow
from tests.declaration_helpers import make_request
from tests.factories import PASSWORD, make_supplier, make_user
from tests.helpers import csrf_token_in

SERVICE = "Supplier due diligence"


def title_of(response) -> str:
    return re.search(r"<title[^>]*>(.*?)</title>", response.get_data(as_text=True), re.S
                     ).group(1).strip().replace("&amp;", "&")


@pytest.fixture
def people(session):
    acme = make_supplier(session, name="Acme Cleaning Ltd")
    make_user(session, "admin", email="admin@example.org")
    officer = make_user(session, "officer", email="officer@example.org")
    make_user(session, "supplier", email="contact@acme.example", supplier=acme)
    session.commit()
    return {"acme": acme, "officer": officer.id}


def test_the_change_role_error_page_is_titled_as_an_error(client, people):
    client.sign_in("admin@example.org", PASSWORD)
    page = f"/admin/users/{people['officer']}"
    assert title_of(client.get(page)) == f"Account officer@example.org – {SERVICE}"
    refused = client.post(page, data={"csrf_token": csrf_token_in(client.get(page).text),
                                      "role": "root"})
    assert refused.status_code == 400
    assert title_of(refused) == f"Error: Account officer@example.org – {SERVICE}"


def test_supplier_pages_for_staff_name_the_supplier(client, people):
    client.sign_in("admin@example.org", PASSWORD)
    acme = people["acme"].id
    assert title_of(client.get(f"/officer/suppliers/{acme}/edit")) == (
        f"Change supplier details – Acme Cleaning Ltd – {SERVICE}")
    assert title_of(client.get(f"/officer/suppliers/{acme}/request-declaration")) == (
        f"Request a declaration – Acme Cleaning Ltd – {SERVICE}")
    assert title_of(client.get(f"/officer/suppliers/{acme}/reminders")) == (
        f"Reminders – Acme Cleaning Ltd – {SERVICE}")


def test_declaration_pages_name_their_section_and_declaration(client, session, people):
    questionnaire = current_version("modern_slavery")
    now = utcnow()
    draft = Declaration(
        supplier_id=people["acme"].id, request=make_request(session, people["acme"]),
        questionnaire_id=questionnaire.id, questionnaire_version=questionnaire.version,
        status="draft", answers={}, review_question_ids=[], created_at=now, updated_at=now)
    session.add(draft)
    session.commit()
    reference = f"DEC-{draft.id:06d}"
    client.sign_in("contact@acme.example", PASSWORD)
    base = f"/supplier/declarations/{draft.id}"
    assert title_of(client.get(f"{base}/sections/organisation/identity")) == (
        f"Your organisation – About your organisation – {reference} – {SERVICE}")
    assert title_of(client.get(f"{base}/sections/exclusion/schedule6")) == (
        f"Convictions (mandatory exclusion grounds) – Exclusion grounds – {reference} – "
        f"{SERVICE}")
    assert title_of(client.get(f"{base}/check")) == f"Check your answers – {reference} – {SERVICE}"
    assert title_of(client.get(base)) == f"{questionnaire.title} – {reference} – {SERVICE}"
