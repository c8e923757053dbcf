"""Tenders through the officer's pages, on both databases, with CSRF on: creating and changing
one, its bidders (existing and new, who are invited), declaration requests to every bidder at
once, awarding (the contract, the re-attestation cycle, a new score) and closing."""

from __future__ import annotations

import html
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from supplier_dd.infrastructure import tabular
from supplier_dd.models import (
    AttestationSchedule,
    AuditEntry,
    Contract,
    DeclarationRequest,
    Invitation,
    OutboxMessage,
    Supplier,
    Tender,
)
from supplier_dd.models.base import utcnow
from supplier_dd.services.contract_import import import_contracts
from supplier_dd.services.risk import current_assessment
from tests.factories import PASSWORD, make_supplier, make_user
from tests.helpers import csrf_token_in, forms_in, text_of
from tests.import_files import write_register

CLOSING = date.today() + timedelta(days=40)


def tender_form(**overrides) -> dict:
    values = {
        "reference": "T-2026-014", "title": "Office cleaning, north area",
        "description": "Daily cleaning of four council buildings.",
        "category": "Cleaning services", "cpv_code": "90910000-9", "value": "£250,000",
        "procurement_route": "competitive_flexible", "risk_tier": "high",
        "closing_date": [str(CLOSING.day), str(CLOSING.month), str(CLOSING.year)],
        "lot": "Lot 2: north area",
    }
    values.update(overrides)
    return values


def page_text(response) -> str:
    """The page's HTML with entities read, as a person sees the words."""
    return html.unescape(text_of(response))


def count(session, model, *where) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where))


def audited(session, action: str) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


@pytest.fixture
def officer(session, client):
    make_user(session, "officer", email="officer@example.org")
    session.commit()
    client.sign_in("officer@example.org", PASSWORD)


def create(client, **overrides) -> int:
    response = client.submit("/officer/tenders/new", tender_form(**overrides))
    assert response.status_code == 302, page_text(response)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_officer_creates_a_tender_and_sees_it(client, session, officer):
    tender_id = create(client)
    tender = session.get(Tender, tender_id)
    assert (tender.reference, tender.value, tender.procurement_route, tender.risk_tier,
            tender.closing_date, tender.lot, tender.cpv_code, tender.status) == (
        "T-2026-014", Decimal("250000.00"), "competitive_flexible", "high", CLOSING,
        "Lot 2: north area", "90910000-9", "open")
    page = page_text(client.get(f"/officer/tenders/{tender_id}"))
    for text in ("Tender T-2026-014 created", "Office cleaning, north area",
                 "Competitive flexible procedure", "£250,000", "Lot 2: north area",
                 "No bidders yet"):
        assert text in page
    assert "T-2026-014" in page_text(client.get("/officer/tenders"))
    (entry,) = audited(session, "tender.created")
    assert entry.object_id == str(tender_id) and entry.after["reference"] == "T-2026-014"


@pytest.mark.parametrize(("overrides", "message"), [
    ({"reference": "", "title": ""}, "Enter the tender's reference"),
    ({"title": ""}, "Enter the tender's title"),
    ({"value": ""}, "Enter the estimated value in pounds"),
    ({"value": "lots"}, "Enter the value in pounds, like 250000 or £250,000"),
    ({"value": "0"}, "The value must be more than £0"),
    ({"value": "-5000"}, "Enter the value in pounds, like 250000 or £250,000"),
    ({"category": "", "cpv_code": ""}, "Enter a category or a CPV code"),
    ({"cpv_code": "9091"}, "Enter a CPV code of 8 digits"),
    ({"procurement_route": ""}, "Select the procurement route"),
    ({"risk_tier": ""}, "Select the modern slavery risk tier"),
    ({"closing_date": ["", "", ""]}, "Enter the closing date"),
    ({"closing_date": ["31", "2", "2030"]}, "Date must be a real date"),
    ({"closing_date": ["1", "1", "2020"]}, "The closing date must be today or in the future"),
])
def test_a_tender_with_bad_details_is_refused_with_a_clear_message(client, session, officer,
                                                                   overrides, message):
    response = client.submit("/officer/tenders/new", tender_form(**overrides))
    assert response.status_code == 200
    page = page_text(response)
    assert "There is a problem" in page and message in page
    assert count(session, Tender) == 0
    # What was typed is kept, so nothing is lost.
    if overrides.get("title", "x"):
        assert "Office cleaning, north area" in response.text


def test_a_reference_is_used_once_whatever_its_case(client, session, officer):
    create(client)
    response = client.submit("/officer/tenders/new", tender_form(reference="t-2026-014 "))
    assert response.status_code == 200
    assert "Reference T-2026-014 is already used by the tender" in page_text(response)
    assert count(session, Tender) == 0 + 1


def test_editing_keeps_a_past_closing_date_and_is_audited(client, session, officer):
    tender_id = create(client)
    tender = session.get(Tender, tender_id)
    tender.closing_date = date(2020, 1, 1)  # it closed to bids long ago
    session.commit()
    response = client.submit(f"/officer/tenders/{tender_id}/edit",
                             {"title": "Office cleaning, all areas", "value": "300000",
                              "closing_date": ["1", "1", "2020"]})
    assert response.status_code == 302, page_text(response)
    session.expire_all()
    tender = session.get(Tender, tender_id)
    assert (tender.title, tender.value, tender.closing_date) == (
        "Office cleaning, all areas", Decimal("300000.00"), date(2020, 1, 1))
    (entry,) = audited(session, "tender.updated")
    assert entry.before["title"] == "Office cleaning, north area"
    assert entry.after["title"] == "Office cleaning, all areas"


def add_new_bidder(client, tender_id: int, **overrides):
    values = {"name": "Fresh Start Cleaning Ltd", "companies_house_number": "SC123456",
              "contact_name": "Ola Bright", "contact_email": "ola@freshstart.example"}
    values.update(overrides)
    return client.submit(f"/officer/tenders/{tender_id}/bidders", values)


def add_existing_bidder(client, tender_id: int, supplier_id: int, query: str):
    """Search as the officer does and press that supplier's Add button."""
    page = client.get(f"/officer/tenders/{tender_id}/bidders?q={query}")
    (form,) = [f for f in forms_in(page.get_data(as_text=True))
               if f["fields"].get("supplier_id") == str(supplier_id)]
    return client.post(form["action"], data=form["fields"])


@pytest.fixture
def tender_with_bidders(client, session, officer, smtp_server):
    """A tender with an existing supplier (a contact with an account) and a new one (invited
    over the test's SMTP server)."""
    acme = make_supplier(session, name="Acme Facilities Ltd")
    make_user(session, "supplier", email="jane@acme.example", supplier=acme)
    session.commit()
    tender_id = create(client)
    assert add_existing_bidder(client, tender_id, acme.id, "Acme").status_code == 302
    assert add_new_bidder(client, tender_id).status_code == 302
    fresh = session.scalar(select(Supplier).where(Supplier.name == "Fresh Start Cleaning Ltd"))
    return {"tender": tender_id, "acme": acme.id, "fresh": fresh.id}


def test_bidders_existing_and_new_the_new_one_created_and_invited(client, session, smtp_server,
                                                                  tender_with_bidders):
    ids = tender_with_bidders
    tender = session.get(Tender, ids["tender"])
    assert sorted(s.name for s in tender.invited_suppliers) == [
        "Acme Facilities Ltd", "Fresh Start Cleaning Ltd"]
    fresh = session.get(Supplier, ids["fresh"])
    assert fresh.companies_house_number == "SC123456"
    invitation = session.scalar(select(Invitation).where(Invitation.supplier_id == fresh.id))
    assert invitation.email == "ola@freshstart.example" and invitation.accepted_at is None
    # The same invitation email as from the supplier's page, in the outbox.
    message = session.scalar(select(OutboxMessage).where(
        OutboxMessage.dedupe_key == f"invitation:{invitation.id}"))
    assert message.recipient == "ola@freshstart.example" and message.status == "sent"
    (received,) = smtp_server.to("ola@freshstart.example")
    assert "set up your supplier account for Fresh Start Cleaning Ltd" in received.subject
    assert "/invitation/" in received.text()
    page = page_text(client.get(f"/officer/tenders/{ids['tender']}"))
    assert page.count("Not asked yet") == 2
    assert [e.after["supplier_name"] for e in audited(session, "tender.bidder_added")] == [
        "Acme Facilities Ltd", "Fresh Start Cleaning Ltd"]
    # A bidder already on the tender shows as one in the search; adding it again (a second
    # tab, a double click) is harmless, and said.
    search = client.get(f"/officer/tenders/{ids['tender']}/bidders?q=Acme")
    assert not [f for f in forms_in(search.get_data(as_text=True))
                if f["fields"].get("supplier_id") == str(ids["acme"])]
    response = client.post(f"/officer/tenders/{ids['tender']}/bidders/existing",
                           data={"csrf_token": csrf_token_in(search.text),
                                 "supplier_id": str(ids["acme"])})
    assert "Acme Facilities Ltd is already a bidder" in page_text(client.get(
        response.headers["Location"]))
    assert len(session.get(Tender, ids["tender"]).invited_suppliers) == 2


@pytest.mark.parametrize(("overrides", "field_message"), [
    ({"name": ""}, "Enter the bidder's legal name"),
    ({"companies_house_number": ""}, "Enter the Companies House number"),
    ({"companies_house_number": "1234567X"}, "Enter a Companies House number in the correct "
                                              "format, like 01234567 or SC123456"),
    ({"companies_house_number": "SC12345"}, "Enter a Companies House number in the correct"),
    ({"contact_email": "ola.freshstart.example"}, "Enter an email address in the correct "
                                                  "format"),
    ({"contact_email": ""}, "Enter the contact's email address"),
])
def test_a_new_bidder_with_bad_details_is_refused_and_nothing_is_created(
        client, session, officer, smtp_server, overrides, field_message):
    tender_id = create(client)
    response = add_new_bidder(client, tender_id, **overrides)
    assert response.status_code == 200
    assert field_message in page_text(response)
    assert count(session, Supplier) == 0 and count(session, Invitation) == 0


def test_a_new_bidder_clashing_with_a_record_is_refused_and_rolled_back(client, session,
                                                                         officer, smtp_server):
    make_supplier(session, name="Already Here Ltd", companies_house_number="SC123456")
    make_user(session, "supplier", email="taken@example.org")
    session.commit()
    tender_id = create(client)
    suppliers = count(session, Supplier)
    response = add_new_bidder(client, tender_id)
    assert "Companies House number SC123456 is already used by Already Here Ltd" in page_text(
        response)
    response = add_new_bidder(client, tender_id, companies_house_number="SC654321",
                              contact_email="taken@example.org")
    assert "taken@example.org already has an account" in page_text(response)
    # Nothing half-made: neither the supplier nor the invitation of the refused attempt.
    assert count(session, Supplier) == suppliers and count(session, Invitation) == 0
    assert session.get(Tender, tender_id).invited_suppliers == []


def request_all(client, tender_id: int, due: date = CLOSING):
    return client.submit(
        f"/officer/tenders/{tender_id}/request-declarations",
        {"due_date-day": str(due.day), "due_date-month": str(due.month),
         "due_date-year": str(due.year), "note": "Please answer before the tender closes."})


def test_requests_go_to_every_bidder_once_with_an_email_each(client, session,
                                                              tender_with_bidders):
    ids = tender_with_bidders
    response = request_all(client, ids["tender"])
    assert response.status_code == 302
    assert "Declarations requested from 2 bidders; 2 emails queued" in page_text(
        client.get(response.headers["Location"]))
    requests = session.scalars(select(DeclarationRequest).order_by(
        DeclarationRequest.supplier_id)).all()
    assert [(r.supplier_id, r.kind, r.tender_id, r.natural_key) for r in requests] == [
        (ids["acme"], "tender", ids["tender"], f"tender:{ids['tender']}:supplier:{ids['acme']}"),
        (ids["fresh"], "tender", ids["tender"],
         f"tender:{ids['tender']}:supplier:{ids['fresh']}")]
    emails = session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == "declaration_request").order_by(OutboxMessage.recipient)).all()
    # The contact with an account, and the invited contact who has none yet.
    assert [m.recipient for m in emails] == ["jane@acme.example", "ola@freshstart.example"]
    assert all("tender T-2026-014" in m.subject for m in emails)
    assert "Please answer before the tender closes." in emails[0].body_text
    assert "/supplier/" in emails[0].body_text and "/supplier/" in emails[0].body_html

    # Asking again (a double click, a second officer) duplicates nothing.
    response = request_all(client, ids["tender"])
    assert "Every bidder had already been asked for a declaration" in page_text(
        client.get(response.headers["Location"]))
    assert count(session, DeclarationRequest) == 2
    assert count(session, OutboxMessage, OutboxMessage.kind == "declaration_request") == 2
    assert len(audited(session, "declaration_request.created")) == 2
    page = page_text(client.get(f"/officer/tenders/{ids['tender']}"))
    assert page.count("Not started") == 2

    # A bidder added later is asked alone.
    late = make_supplier(session, name="Late Comer Ltd")
    make_user(session, "supplier", email="lee@latecomer.example", supplier=late)
    session.commit()
    add_existing_bidder(client, ids["tender"], late.id, "Late")
    request_all(client, ids["tender"])
    assert count(session, DeclarationRequest) == 3
    assert sorted(m.recipient for m in session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == "declaration_request"))) == [
        "jane@acme.example", "lee@latecomer.example", "ola@freshstart.example"]


def award_form(supplier_id: int, **overrides) -> dict:
    values = {"supplier": str(supplier_id), "contract_reference": "C-2026-014",
              "value": "240,000", "start_date": ["1", "4", str(CLOSING.year + 1)],
              "end_date": ["31", "3", str(CLOSING.year + 4)]}
    values.update(overrides)
    return values


def test_award_creates_the_contract_starts_the_cycle_and_rescores(client, session,
                                                                    tender_with_bidders):
    ids = tender_with_bidders
    request_all(client, ids["tender"])
    before = current_assessment(session, ids["acme"])
    response = client.submit(f"/officer/tenders/{ids['tender']}/award", award_form(ids["acme"]))
    assert response.status_code == 302, page_text(response)
    session.expire_all()
    tender = session.get(Tender, ids["tender"])
    contract = session.scalar(select(Contract).where(Contract.reference == "C-2026-014"))
    assert tender.status == "awarded" and tender.contract_id == contract.id
    assert (contract.supplier_id, contract.value, contract.start_date, contract.end_date,
            contract.title, contract.cpv_code, contract.ppn_industry) == (
        ids["acme"], Decimal("240000.00"), date(CLOSING.year + 1, 4, 1),
        date(CLOSING.year + 4, 3, 31), "Office cleaning, north area", "90910000-9",
        "hospitality_cleaning_security_catering")
    schedule = session.scalar(select(AttestationSchedule).where(
        AttestationSchedule.supplier_id == ids["acme"], AttestationSchedule.status == "active"))
    assert schedule.event_kind == "contract_award"
    assert schedule.reason_note == "Tender T-2026-014 awarded"
    after = current_assessment(session, ids["acme"])
    assert after is not None and after.reason == "contracts_changed"
    assert before is None or after.id != before.id
    factors = {f["factor"]: f for f in after.breakdown["inherent"]["factors"]}
    assert factors["contract_value"]["detail"] == "£240,000"
    (entry,) = audited(session, "tender.awarded")
    assert entry.details["contract_reference"] == "C-2026-014"
    assert entry.details["supplier_id"] == ids["acme"]

    page = page_text(client.get(f"/officer/tenders/{ids['tender']}"))
    for text in ("Tender awarded to Acme Facilities Ltd: contract C-2026-014 created",
                 "Awarded", "C-2026-014", "£240,000", "New contract awarded",
                 "It is closed: no more bidders or requests"):
        assert text in page
    for button in ("Add bidders", "Request declarations from every bidder", "Award the tender",
                   "Close the tender"):
        assert button not in page
    assert "C-2026-014" in page_text(client.get("/officer/contracts"))

    # Awarded once: a second award, new bidders and requests are all refused.
    again = client.get(f"/officer/tenders/{ids['tender']}/award")
    assert again.status_code == 302
    assert "This tender has already been awarded" in page_text(
        client.get(again.headers["Location"]))
    assert client.get(f"/officer/tenders/{ids['tender']}/bidders").status_code == 302
    assert client.get(
        f"/officer/tenders/{ids['tender']}/request-declarations").status_code == 302
    assert count(session, Contract) == 1


@pytest.mark.parametrize(("form", "message"), [
    ({"supplier": ""}, "Select the bidder the tender is awarded to"),
    ({"contract_reference": ""}, "Enter the contract's reference"),
    ({"value": "0"}, "The value must be more than £0"),
    ({"start_date": ["", "", ""]}, "Enter the contract's start date"),
    ({"end_date": ["1", "1", "2000"]}, "The end date must be the same as or after the start"),
])
def test_an_award_with_bad_details_is_refused(client, session, tender_with_bidders, form,
                                              message):
    ids = tender_with_bidders
    response = client.submit(f"/officer/tenders/{ids['tender']}/award",
                             award_form(ids["acme"], **form))
    assert response.status_code == 200
    assert message in page_text(response)
    assert count(session, Contract) == 0
    assert session.get(Tender, ids["tender"]).status == "open"


def test_an_award_to_a_supplier_that_did_not_bid_or_to_a_taken_reference_is_refused(
        client, session, tender_with_bidders):
    ids = tender_with_bidders
    outsider = make_supplier(session, name="Not A Bidder Ltd")
    session.add(Contract(reference="C-TAKEN", title="Another", supplier=outsider))
    session.commit()
    response = client.submit(f"/officer/tenders/{ids['tender']}/award",
                             award_form(outsider.id))
    assert "Select one of this tender's bidders" in page_text(response)
    response = client.submit(f"/officer/tenders/{ids['tender']}/award",
                             award_form(ids["fresh"], contract_reference="C-TAKEN"))
    assert "A contract with the reference C-TAKEN already exists" in page_text(response)
    assert count(session, Contract) == 1
    assert session.get(Tender, ids["tender"]).status == "open"


def test_a_closed_tender_takes_no_bidders_or_requests_but_can_be_awarded(
        client, session, tender_with_bidders):
    ids = tender_with_bidders
    response = client.submit(f"/officer/tenders/{ids['tender']}/close", {})
    assert response.status_code == 302
    session.expire_all()
    tender = session.get(Tender, ids["tender"])
    assert tender.status == "closed" and tender.closed_at is not None
    assert len(audited(session, "tender.closed")) == 1
    page = page_text(client.get(f"/officer/tenders/{ids['tender']}"))
    assert "Tender T-2026-014 closed: no more bidders or requests" in page
    assert "No more bidders can be added or asked for declarations" in page
    assert "Add bidders" not in page and "Request declarations" not in page

    # The forms are not offered, and a hand-made request is refused.
    bidders = client.get(f"/officer/tenders/{ids['tender']}/bidders")
    assert bidders.status_code == 302
    refused = client.get(bidders.headers["Location"])
    assert "This tender is closed: no more bidders or requests" in page_text(refused)
    # A refusal, so never in the green success banner.
    assert "govuk-notification-banner--success" not in refused.text
    late = make_supplier(session, name="Late Comer Ltd")
    session.commit()
    token = client.get(f"/officer/tenders/{ids['tender']}").text
    response = client.post(f"/officer/tenders/{ids['tender']}/bidders/existing",
                           data={"csrf_token": csrf_token_in(token),
                                 "supplier_id": str(late.id)})
    assert "This tender is closed: no more bidders or requests" in page_text(
        client.get(response.headers["Location"]))
    assert len(session.get(Tender, ids["tender"]).invited_suppliers) == 2
    assert client.get(
        f"/officer/tenders/{ids['tender']}/request-declarations").status_code == 302
    assert count(session, DeclarationRequest) == 0
    assert client.get(f"/officer/tenders/{ids['tender']}/close").status_code == 302
    assert len(audited(session, "tender.closed")) == 1

    response = client.submit(f"/officer/tenders/{ids['tender']}/award", award_form(ids["fresh"]))
    assert response.status_code == 302, page_text(response)
    session.expire_all()
    assert session.get(Tender, ids["tender"]).status == "awarded"


def test_legal_reads_tenders_but_cannot_change_them(client, session, tender_with_bidders):
    ids = tender_with_bidders
    token_page = client.get(f"/officer/tenders/{ids['tender']}").text
    token = csrf_token_in(token_page)
    client.post("/sign-out", data={"csrf_token": token})
    make_user(session, "legal", email="legal@example.org")
    session.commit()
    client.sign_in("legal@example.org", PASSWORD)
    page = client.get(f"/officer/tenders/{ids['tender']}")
    assert page.status_code == 200
    assert "Award the tender" not in page_text(page) and "Change" not in page_text(page)
    token = csrf_token_in(client.get("/accessibility").text)
    for path, data in [
        ("/officer/tenders/new", tender_form(reference="T-LEGAL")),
        (f"/officer/tenders/{ids['tender']}/award", award_form(ids["acme"])),
        (f"/officer/tenders/{ids['tender']}/close", {}),
        (f"/officer/tenders/{ids['tender']}/bidders/existing", {"supplier_id": ids["acme"]}),
    ]:
        assert client.post(path, data={**data, "csrf_token": token}).status_code == 403, path
    assert session.get(Tender, ids["tender"]).status == "open"
    assert count(session, Tender) == 1


def test_the_register_import_updates_the_awarded_contract_it_shares(client, session,
                                                                      tender_with_bidders,
                                                                      tmp_path):
    """The award's contract is the record the contracts register import knows by its
    reference: importing the register later updates it, and the tender still points at it."""
    ids = tender_with_bidders
    client.submit(f"/officer/tenders/{ids['tender']}/award", award_form(ids["acme"]))
    acme = session.get(Supplier, ids["acme"])
    path = write_register(tmp_path / "register.csv", [{
        "ref": "C-2026-014", "title": "Office cleaning, north area", "supplier": acme.name,
        "number": acme.companies_house_number, "value": "£260,000",
        "start": f"01/04/{CLOSING.year + 1}", "end": f"31/03/{CLOSING.year + 4}",
        "category": "Cleaning", "cpv": "90910000-9"}])
    summary = import_contracts(session, tabular.iter_rows(path), now=utcnow())
    session.commit()
    assert (summary.to_create, summary.to_update) == (0, 1)
    session.expire_all()
    tender = session.get(Tender, ids["tender"])
    assert tender.contract.value == Decimal("260000.00")
    assert count(session, Contract) == 1


def test_a_tender_made_before_these_fields_still_shows(client, session, officer):
    """Tenders loaded without a route, tier or status (the demo's, older rows) read as open."""
    session.add(Tender(reference="T-OLD", title="Grounds maintenance", value=Decimal("90000")))
    session.commit()
    tender = session.scalar(select(Tender).where(Tender.reference == "T-OLD"))
    assert tender.status == "open"
    page = page_text(client.get(f"/officer/tenders/{tender.id}"))
    assert "Grounds maintenance" in page and "Not given" in page
