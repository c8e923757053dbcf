"""Notifications end to end: what a person must know reaches them once, by email and on their pages.

Each test drives the real web form or job, delivers the outbox through the real SMTP test
server, and follows the link in the email as the person it was sent to.
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlsplit

import pytest

from supplier_dd.models import Declaration
from supplier_dd.models.base import utcnow
from supplier_dd.reminder_jobs import run_send
from supplier_dd.services.declarations import submit
from tests.declaration_helpers import make_request
from tests.factories import PASSWORD, make_supplier, make_user
from tests.helpers import any_csrf_token, text_of
from tests.unit.test_risk_scoring import BEST

REASON = "Your policy names no owner and the recruitment fees answer contradicts the evidence"


def deliver(app, session) -> None:
    """One send pass of the outbox, as the scheduler's send job runs it."""
    run_send(app, session, utcnow)


def links_in(text: str) -> list[str]:
    return re.findall(r"https?://[^\s<>\"]+", text)


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def sign_out(client) -> None:
    client.post("/sign-out", data={"csrf_token": any_csrf_token(client)})


def submitted_for_request(session, supplier, answers=BEST) -> Declaration:
    request = make_request(session, supplier, kind="annual")
    declaration = Declaration(supplier_id=supplier.id, request=request,
                              questionnaire_id="modern_slavery", questionnaire_version=1,
                              answers=dict(answers))
    session.add(declaration)
    session.flush()
    return submit(session, declaration, signatory_name="Amara Osei", signatory_role="Director",
                  confirms_true=True, confirms_authority=True, ip="127.0.0.1", user=None,
                  now=utcnow())


@pytest.fixture
def rejected_world(session):
    supplier = make_supplier(session, name="Brightwater Cleaning Ltd")
    declaration = submitted_for_request(session, supplier)
    other = make_supplier(session, name="Someone Else Ltd")
    submitted_for_request(session, other)
    world = dict(
        supplier=supplier, declaration=declaration,
        amara=make_user(session, "supplier", email="amara@brightwater.example",
                        supplier=supplier),
        ben=make_user(session, "supplier", email="ben@brightwater.example", supplier=supplier),
        outsider=make_user(session, "supplier", email="contact@else.example", supplier=other),
        officer=make_user(session, "officer", email="priya@council.example"),
        legal=make_user(session, "legal", email="lee@council.example"),
    )
    session.commit()
    return world


def test_a_rejection_reaches_the_supplier_on_its_home_page_and_by_one_email(
        app, session, client, smtp_server, rejected_world):
    w = rejected_world
    client.sign_in("priya@council.example", PASSWORD)
    decided = client.submit(f"/officer/risk/suppliers/{w['supplier'].id}/review",
                            {"decision": "reject", "reason": REASON})
    assert decided.status_code == 302
    sign_out(client)

    deliver(app, session)
    deliver(app, session)  # a second pass sends nothing again

    recipients = sorted(r for m in smtp_server.messages for r in m.recipients)
    assert recipients == ["amara@brightwater.example", "ben@brightwater.example"]
    message = smtp_server.to("amara@brightwater.example")[0]
    assert "Brightwater Cleaning Ltd" in message.subject and "rejected" in message.subject
    for part in (message.text(), message.html()):
        assert REASON in part
        assert "new version" in part
    assert "<a href=" in message.html()
    links = links_in(message.text())
    assert links and all(link.startswith("http://127.0.0.1:5000/") for link in links)

    client.sign_in("amara@brightwater.example", PASSWORD)
    followed = client.get(path_of(links[0]))
    assert followed.status_code == 200
    page = client.get("/supplier/")
    asked_for, requests_part = text_of(page).split("Requests from the council", 1)
    # The request's own card no longer says "Submitted" for a rejected declaration.
    assert "Rejected" in asked_for and "Submitted" not in asked_for
    assert "Rejected" in requests_part
    assert REASON in requests_part
    assert "Make a new version" in requests_part
    # The next step works: the page's own form opens a new draft copied from the rejected one.
    action = re.search(r'action="([^"]+/revise)"', page.get_data(as_text=True)).group(1)
    assert action == f"/supplier/declarations/{w['declaration'].id}/revise"
    revised = client.post(action, data={"csrf_token": any_csrf_token(client)})
    assert revised.status_code == 302
    assert "Continue your new version" in text_of(client.get("/supplier/"))
    sign_out(client)

    client.sign_in("contact@else.example", PASSWORD)
    assert REASON not in text_of(client.get("/supplier/"))
