"""Removing a bidder from a tender before award (issue 15), on both databases, with CSRF on:
the officer confirms, the bidder leaves the tender and is listed as removed with the reason, its
open request is withdrawn (the supplier no longer sees it and cannot start or submit it) and its
contacts get one email through the outbox; audited; refused once the tender is awarded."""

from __future__ import annotations

from sqlalchemy import select

from supplier_dd.models import DeclarationRequest, OutboxMessage, Tender
from tests.factories import PASSWORD
from tests.helpers import any_csrf_token

# The tender fixtures of test_tenders, shared (hence the F811 marks where tests take them).
from tests.integration.test_tenders import (  # noqa: F401
    audited,
    count,
    officer,
    page_text,
    request_all,
    tender_with_bidders,
)

REASON = "Withdrew from the consortium bidding for lot 2."


def remove_url(ids, supplier: str) -> str:
    return f"/officer/tenders/{ids['tender']}/bidders/{ids[supplier]}/remove"


def test_removing_a_bidder_withdraws_its_request_and_tells_it(client, session,
                                                              tender_with_bidders):  # noqa: F811
    ids = tender_with_bidders
    request_all(client, ids["tender"])
    tender_html = client.get(f"/officer/tenders/{ids['tender']}").text
    assert f'href="{remove_url(ids, "acme")}"' in tender_html

    confirm = page_text(client.get(remove_url(ids, "acme")))
    assert "Remove Acme Facilities Ltd from the bidders" in confirm
    assert "The request will be withdrawn" in confirm
    response = client.submit(remove_url(ids, "acme"), {"reason": REASON})
    assert response.status_code == 302
    page = page_text(client.get(response.headers["Location"]))
    assert ("Acme Facilities Ltd removed from the bidders: its declaration request was "
            "withdrawn and its contacts told by email") in page
    assert "Removed bidders" in page and REASON in page
    assert "Withdrawn; the supplier was told by email" in page

    session.expire_all()
    tender = session.get(Tender, ids["tender"])
    assert [s.name for s in tender.invited_suppliers] == ["Fresh Start Cleaning Ltd"]
    request = session.scalar(select(DeclarationRequest).where(
        DeclarationRequest.supplier_id == ids["acme"]))
    assert request.withdrawn_at is not None
    emails = session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == "tender_request_withdrawn")).all()
    assert [m.recipient for m in emails] == ["jane@acme.example"]
    assert "no longer needs your declaration for tender T-2026-014" in emails[0].subject
    assert REASON in emails[0].body_text and REASON in emails[0].body_html
    [removed] = audited(session, "tender.bidder_removed")
    assert removed.details["reason"] == REASON
    assert removed.details["withdrawn_request_id"] == request.id
    assert len(audited(session, "declaration_request.withdrawn")) == 1

    # The supplier no longer sees the request and cannot start it.
    client.post("/sign-out", data={"csrf_token": any_csrf_token(client)})
    client.sign_in("jane@acme.example", PASSWORD)
    home = page_text(client.get("/supplier/"))
    assert "T-2026-014" not in home
    response = client.post(f"/supplier/requests/{request.id}/start",
                           data={"csrf_token": any_csrf_token(client)})
    assert "The council has withdrawn this request" in page_text(
        client.get(response.headers["Location"]))


def test_a_bidder_never_asked_is_removed_without_an_email_and_can_come_back(
        client, session, tender_with_bidders):  # noqa: F811
    ids = tender_with_bidders
    client.submit(remove_url(ids, "acme"), {"reason": ""})
    page = page_text(client.get(f"/officer/tenders/{ids['tender']}"))
    assert "None open: nothing was withdrawn" in page
    assert count(session, OutboxMessage, OutboxMessage.kind == "tender_request_withdrawn") == 0
    # Added again and asked: it gets a request like any bidder.
    client.post(f"/officer/tenders/{ids['tender']}/bidders/existing",
                data={"csrf_token": any_csrf_token(client), "supplier_id": str(ids["acme"])})
    request_all(client, ids["tender"])
    assert count(session, DeclarationRequest, DeclarationRequest.supplier_id == ids["acme"],
                 DeclarationRequest.withdrawn_at.is_(None)) == 1


def test_a_removed_bidder_asked_again_gets_its_request_back(client, session,
                                                            tender_with_bidders):  # noqa: F811
    ids = tender_with_bidders
    request_all(client, ids["tender"])
    client.submit(remove_url(ids, "acme"), {"reason": ""})
    client.post(f"/officer/tenders/{ids['tender']}/bidders/existing",
                data={"csrf_token": any_csrf_token(client), "supplier_id": str(ids["acme"])})
    response = request_all(client, ids["tender"])
    assert "Declarations requested from 1 bidder" in page_text(
        client.get(response.headers["Location"]))
    session.expire_all()
    request = session.scalar(select(DeclarationRequest).where(
        DeclarationRequest.supplier_id == ids["acme"]))
    assert request.withdrawn_at is None


def test_no_bidder_is_removed_after_award(client, session, tender_with_bidders):  # noqa: F811
    ids = tender_with_bidders
    session.get(Tender, ids["tender"]).status = "awarded"
    session.commit()
    response = client.get(remove_url(ids, "acme"))
    assert response.status_code == 302
    assert "its bidders can no longer change" in page_text(
        client.get(response.headers["Location"]))
    assert "Remove<" not in client.get(f"/officer/tenders/{ids['tender']}").text
    assert len(session.get(Tender, ids["tender"]).invited_suppliers) == 2
