"""The supplier's whole declaration journey, on both databases, with CSRF on."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import lxml.html
import pytest
from flask import current_app

from supplier_dd.demo.declarations import demo_answers
from supplier_dd.domain.questionnaire import answers_sha256, current_version
from supplier_dd.jobs.reminders import run_send
from supplier_dd.models import Declaration, DeclarationRequest, EvidenceFile, Tender, User
from supplier_dd.models.base import utcnow
from supplier_dd.services import declarations as service
from supplier_dd.services.evidence import EvidenceStore
from tests.declaration_helpers import (
    PDF_BYTES,
    all_form_values,
    declaration_of,
    fill_everything,
    fill_section,
    first_page_url,
    supplier_with_contact,
)
from tests.factories import PASSWORD, make_user
from tests.helpers import csrf_token_in, text_of


@pytest.fixture
def journey(session):
    supplier = supplier_with_contact(session, "Acme Facilities Ltd", "contact@acme.example")
    make_user(session, "officer", email="officer@example.org")
    tender = Tender(reference="T-2026-001", title="Office cleaning", invited_suppliers=[supplier])
    session.add(tender)
    session.commit()
    return {"supplier": supplier, "tender": tender}


def _request_and_start(client, session, journey) -> int:
    client.sign_in("officer@example.org", PASSWORD)
    response = client.submit(
        f"/officer/tenders/{journey['tender'].id}/request-declarations",
        {"due_date-day": "31", "due_date-month": "12", "due_date-year": "2099",
         "note": "Please complete before the tender closes."},
    )
    assert response.status_code == 302
    client.post("/sign-out", data={"csrf_token": csrf_token_in(client.get("/accessibility").text)})

    client.sign_in("contact@acme.example", PASSWORD)
    home = client.get("/supplier/")
    assert "Tender T-2026-001: Office cleaning" in text_of(home)
    assert "31 December 2099" in text_of(home)
    assert "Not yet started" in text_of(home)
    request_id = session.query(DeclarationRequest).one().id
    response = client.post(f"/supplier/requests/{request_id}/start",
                           data={"csrf_token": csrf_token_in(home.text)})
    assert response.status_code == 302
    return int(re.search(r"/declarations/(\d+)$", response.headers["Location"]).group(1))


def test_whole_journey_request_fill_leave_resume_upload_check_sign_submit(client, session, journey):
    declaration_id = _request_and_start(client, session, journey)
    task_list = client.get(f"/supplier/declarations/{declaration_id}")
    assert "Cannot start yet" in text_of(task_list)
    values = all_form_values()

    # Fill two sections, then leave mid-way through the third with 'save and come back later'.
    fill_section(client, declaration_id, "organisation", values)
    fill_section(client, declaration_id, "s54", values)
    response = client.submit(
        first_page_url(declaration_id, "exclusion"),
        {"excl_s6_supplier": "no", "action": "save_and_exit"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/supplier/declarations/{declaration_id}")

    # A new session (as after a time-out): everything saved is still there.
    client.post("/sign-out", data={"csrf_token": csrf_token_in(client.get("/accessibility").text)})
    client.sign_in("contact@acme.example", PASSWORD)
    resumed = text_of(client.get(f"/supplier/declarations/{declaration_id}"))
    assert resumed.count("Completed") >= 2
    assert "In progress" in resumed
    page = client.get(first_page_url(declaration_id, "exclusion"))
    assert re.search(r'value="no"\s+checked', page.text) or 'value="no" checked' in page.text
    assert declaration_of(session, declaration_id).answers["excl_s6_supplier"] == "no"

    # Upload the statement on its page.
    statement_page = f"/supplier/declarations/{declaration_id}/sections/s54/statement"
    token = csrf_token_in(client.get(statement_page).text)
    response = client.post(statement_page, data={
        "csrf_token": token, "action": "upload",
        "s54_statement_file": (io.BytesIO(PDF_BYTES), "Modern slavery statement 2025.pdf"),
    }, content_type="multipart/form-data")
    assert response.status_code == 302
    evidence = session.query(EvidenceFile).one()
    assert evidence.content_type == "application/pdf"
    assert evidence.size_bytes == len(PDF_BYTES)
    assert len(evidence.sha256) == 64

    fill_everything(client, declaration_id, values)
    task_list = text_of(client.get(f"/supplier/declarations/{declaration_id}"))
    assert "Cannot start yet" not in task_list

    check = client.get(f"/supplier/declarations/{declaration_id}/check")
    assert check.status_code == 200
    check_text = text_of(check)
    assert "Check your answers" in check_text
    assert "Modern slavery statement 2025.pdf" in check_text
    assert "31 March 2025" in check_text
    change_links = re.findall(r'href="([^"]+\?return=check[^"]*)"', check.text)
    assert len(change_links) >= 40

    # Change one answer from 'check your answers': it comes straight back.
    response = client.submit(change_links[0].replace("&amp;", "&").split("#")[0],
                             {"org_legal_name": "Acme Facilities Limited"})
    assert response.headers["Location"].endswith(f"/supplier/declarations/{declaration_id}/check")

    # Sign with missing confirmations: errors per field; then sign properly.
    response = client.submit(f"/supplier/declarations/{declaration_id}/declare",
                             {"signatory_name": "", "signatory_role": ""})
    body = text_of(response)
    assert "There is a problem" in body
    for message in ("Enter your full name", "Enter your role in the organisation",
                    "Confirm that the answers are true and complete",
                    "Confirm that you have authority"):
        assert message in body
    # A control character pasted into the signatory is refused, not sealed.
    response = client.submit(f"/supplier/declarations/{declaration_id}/declare", {
        "signatory_name": "Jane\x07 Smith", "signatory_role": "Managing\x1b Director",
        "confirm_true": "yes", "confirm_authority": "yes",
    })
    body = text_of(response)
    assert "Your name must not contain control characters" in body
    assert "Your role must not contain control characters" in body
    assert declaration_of(session, declaration_id).status == "draft"
    response = client.submit(f"/supplier/declarations/{declaration_id}/declare", {
        "signatory_name": "Jane Smith", "signatory_role": "Managing Director",
        "confirm_true": "yes", "confirm_authority": "yes",
    })
    assert response.status_code == 302
    assert "Declaration submitted" in text_of(client.get(response.headers["Location"]))

    record = declaration_of(session, declaration_id)
    assert record.status == "submitted"
    assert record.signatory_name == "Jane Smith"
    assert record.signatory_role == "Managing Director"
    assert record.submitted_ip == "127.0.0.1"
    assert record.questionnaire_version == current_version("modern_slavery").version
    assert record.answers_sha256 == answers_sha256(record.canonical_answers)
    signed = json.loads(record.canonical_answers)
    assert signed["answers"]["org_legal_name"] == "Acme Facilities Limited"
    assert signed["answers"]["s54_statement_file"][0]["sha256"] == evidence.sha256
    assert "excl_details" not in signed["answers"]  # hidden: every exclusion answer was no

    home = text_of(client.get("/supplier/"))
    assert "Submitted" in home
    pdf = client.get(f"/supplier/declarations/{declaration_id}/pdf")
    assert pdf.status_code == 200
    assert pdf.data.startswith(b"%PDF")
    assert pdf.headers["Content-Disposition"].startswith("attachment")


def _follow_up_shown(html: str, name: str) -> bool:
    """Whether the question is shown without JavaScript: on the page and not in a hidden,
    disabled follow-up (which static/js/follow-ups.js reveals when JavaScript runs)."""
    [control] = lxml.html.fromstring(html).xpath(f'//*[@name="{name}"]') or [None]
    if control is None:
        return False
    return not control.xpath('ancestor::fieldset[@hidden and @disabled]')


def test_conditional_questions_appear_and_disappear_without_javascript(client, session, journey):
    declaration_id = _request_and_start(client, session, journey)
    url = first_page_url(declaration_id, "organisation")
    assert not _follow_up_shown(client.get(url).text, "org_parent_name")
    values = all_form_values({"org_in_group": "yes"})
    values.pop("org_parent_name")
    response = client.submit(url, values)
    assert response.headers["Location"].split("#")[0].endswith(url)  # stays: a new question
    page = client.get(url)
    assert _follow_up_shown(page.text, "org_parent_name")
    assert "Your answers mean we need to ask you more on this page" in text_of(page)
    response = client.submit(url, {"org_parent_name": ""})
    assert "Enter ultimate parent company" in text_of(response)

    response = client.submit(url, {"org_in_group": "no"})
    assert response.status_code == 302
    assert not _follow_up_shown(client.get(url).text, "org_parent_name")


def test_a_page_made_irrelevant_by_earlier_answers_is_skipped(client, session, journey):
    declaration_id = _request_and_start(client, session, journey)
    fill_section(client, declaration_id, "s54", all_form_values(
        {"s54_is_rco": "no", "s54_has_statement": "no"}))
    statement = f"/supplier/declarations/{declaration_id}/sections/s54/statement"
    response = client.get(statement)
    assert response.status_code == 302


def test_officer_sees_the_submitted_declaration_and_its_evidence(client, session, journey):
    declaration_id = _request_and_start(client, session, journey)
    statement_page = f"/supplier/declarations/{declaration_id}/sections/s54/statement"
    # The turnover first: the one copied from the supplier record (under £36 million) would
    # contradict "a relevant commercial organisation".
    fill_section(client, declaration_id, "organisation", all_form_values())
    fill_section(client, declaration_id, "s54", all_form_values())
    token = csrf_token_in(client.get(statement_page).text)
    client.post(statement_page, data={
        "csrf_token": token, "action": "upload",
        "s54_statement_file": (io.BytesIO(PDF_BYTES), "statement.pdf"),
    }, content_type="multipart/form-data")
    fill_everything(client, declaration_id, all_form_values(
        {"excl_s7_orders_supplier": "yes", "wf_recruitment_fees": "yes"}))
    client.submit(f"/supplier/declarations/{declaration_id}/declare", {
        "signatory_name": "Jane Smith", "signatory_role": "Director",
        "confirm_true": "yes", "confirm_authority": "yes",
    })
    evidence = session.query(EvidenceFile).one()
    client.post("/sign-out", data={"csrf_token": csrf_token_in(client.get("/accessibility").text)})
    client.sign_in("officer@example.org", PASSWORD)

    listing = text_of(client.get("/officer/declarations"))
    assert "Acme Facilities Ltd" in listing
    assert "Exclusion ground" in listing
    view = text_of(client.get(f"/officer/declarations/{declaration_id}"))
    assert view.index("Exclusion ground") < view.index("Workers have paid recruitment fees")
    assert "Jane Smith, Director" in view
    download = client.get(f"/officer/declarations/{declaration_id}/evidence/{evidence.id}")
    assert download.status_code == 200
    assert download.data == PDF_BYTES
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Type"] == "application/pdf"
    assert client.get(f"/officer/declarations/{declaration_id}/pdf").data.startswith(b"%PDF")


def test_submitted_declaration_lists_nothing_for_a_draft_to_officers(client, session, journey):
    declaration_id = _request_and_start(client, session, journey)
    fill_section(client, declaration_id, "organisation", all_form_values())
    client.post("/sign-out", data={"csrf_token": csrf_token_in(client.get("/accessibility").text)})
    client.sign_in("officer@example.org", PASSWORD)
    view = text_of(client.get(f"/officer/declarations/{declaration_id}"))
    assert "has not been submitted yet" in view
    assert "Acme Facilities Ltd" in view  # the supplier's name, not its draft answers
    assert "Countries of operation" not in view
    assert client.get(f"/officer/declarations/{declaration_id}/pdf").status_code == 404
    assert session.get(Declaration, declaration_id).status == "draft"


def test_officer_requests_an_annual_declaration_with_a_valid_due_date(client, session, journey):
    supplier = journey["supplier"]
    client.sign_in("officer@example.org", PASSWORD)
    url = f"/officer/suppliers/{supplier.id}/request-declaration"
    response = client.submit(url, {"due_date-day": "31", "due_date-month": "2",
                                   "due_date-year": "2099"})
    assert "The due date must be a real date" in text_of(response)
    response = client.submit(url, {"due_date-day": "1", "due_date-month": "1",
                                   "due_date-year": "2001"})
    assert "The due date must be today or in the future" in text_of(response)
    response = client.submit(url, {"due_date-day": "31", "due_date-month": "3",
                                   "due_date-year": "2099", "contract": ""})
    assert response.status_code == 302
    again = client.submit(url, {"due_date-day": "30", "due_date-month": "4",
                                "due_date-year": "2099", "contract": ""})
    assert again.status_code == 302
    requests = session.query(DeclarationRequest).all()
    assert [(r.kind, r.supplier_id) for r in requests] == [("annual", supplier.id)]


def _answer_as_the_supplier(session, request: DeclarationRequest) -> None:
    contact = session.query(User).filter_by(email="contact@acme.example").one()
    store = EvidenceStore(Path(current_app.config["SUPPLIER_DD_SETTINGS"].upload_dir))
    now = utcnow()
    draft = service.start_or_resume(session, store, request, contact, now)
    draft.answers = demo_answers(request.supplier, "acme", "good", now.date())
    session.flush()
    service.submit(session, draft, signatory_name="Jane Smith", signatory_role="Director",
                   confirms_true=True, confirms_authority=True, ip="198.51.100.7", user=contact,
                   now=now)
    session.commit()


def test_asking_again_after_the_answer_reaches_the_supplier_as_a_new_request(
        app, client, session, journey, smtp_server):
    """An annual declaration answered in March and asked for again in the same year (a red flag,
    a change of contract) is a new request the supplier sees and is emailed about, not 'already
    asked'; asking while it is still unanswered does not make a third."""
    supplier = journey["supplier"]
    client.sign_in("officer@example.org", PASSWORD)
    url = f"/officer/suppliers/{supplier.id}/request-declaration"
    march = {"due_date-day": "31", "due_date-month": "3", "due_date-year": "2099", "contract": ""}
    september = {**march, "due_date-day": "30", "due_date-month": "9"}
    assert client.submit(url, march).status_code == 302
    first = session.query(DeclarationRequest).one()
    _answer_as_the_supplier(session, first)

    asked_again = client.submit(url, september)
    assert "Declaration requested" in text_of(client.get(asked_again.headers["Location"]))
    requests = session.query(DeclarationRequest).order_by(DeclarationRequest.id).all()
    assert [r.due_date.isoformat() for r in requests] == ["2099-03-31", "2099-09-30"]
    assert first.declarations[0].status == "submitted"  # the March answer stands as it was

    officer_page = text_of(client.get(f"/officer/suppliers/{supplier.id}"))
    waiting = officer_page.split("Requests not yet answered")[1].split("Open queries")[0]
    assert "asked again on" in waiting and "due 30 September 2099" in waiting
    assert "31 March 2099" not in waiting  # the answered one is not waiting

    twice = client.submit(url, september)
    assert ("has already been asked for that declaration and has not answered it yet"
            in text_of(client.get(twice.headers["Location"])))
    assert session.query(DeclarationRequest).count() == 2

    run_send(app, session, utcnow)  # one pass of the outbox, as the scheduler's send job
    asked = [m for m in smtp_server.to("contact@acme.example")
             if m.key.startswith("declaration_request")]
    assert len(asked) == 2 and "30 September 2099" in asked[-1].text()
    client.post("/sign-out", data={"csrf_token": csrf_token_in(client.get("/accessibility").text)})
    client.sign_in("contact@acme.example", PASSWORD)
    home = text_of(client.get("/supplier/"))
    assert "30 September 2099" in home and "Not yet started" in home
    asked_on = requests[1].requested_at
    assert f"Annual declaration 2099, asked again on {asked_on.day} {asked_on:%B %Y}" in home
