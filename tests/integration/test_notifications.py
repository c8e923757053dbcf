"""Notifications end to end: what a person must know reaches them once, by email and on their pages.

Each test drives the real web form or job, delivers the outbox through the real SMTP test
server, and follows the link in the email as the person it was sent to.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from supplier_dd.jobs.notifications import run_deadlines, run_digests
from supplier_dd.jobs.reminders import run_send
from supplier_dd.models import Declaration
from supplier_dd.models.base import utcnow
from supplier_dd.models.risk import CorrectiveAction, ReviewQuery
from supplier_dd.services.declarations import submit
from tests.declaration_helpers import (
    all_form_values,
    fill_everything,
    fill_section,
    make_request,
    start_declaration,
)
from tests.factories import PASSWORD, make_supplier, make_user
from tests.helpers import any_csrf_token, text_of
from tests.unit.test_risk_scoring import BEST

REASON = "Your policy names no owner and the recruitment fees answer contradicts the evidence"


def deliver(app, session, when: datetime | None = None) -> None:
    """One send pass of the outbox, as the scheduler's send job runs it (at `when`, for
    messages a job queued on a day ahead of today)."""
    run_send(app, session, (lambda: when) if when else utcnow)


def arrived(smtp_server, kind: str, seen: int = 0) -> dict[str, list]:
    """Messages of one template received since `seen`, by recipient address."""
    by_recipient: dict[str, list] = {}
    for message in smtp_server.messages[seen:]:
        if message.key.startswith(kind):
            for recipient in message.recipients:
                by_recipient.setdefault(recipient, []).append(message)
    return by_recipient


def assert_once_each(smtp_server, kind: str, recipients: set[str], seen: int = 0):
    """Exactly one message of `kind` to each of `recipients`, none to anyone else, each with a
    plain-text and an HTML part carrying the same link; returns one of them."""
    got = arrived(smtp_server, kind, seen)
    assert set(got) == recipients, f"{kind} went to {sorted(got)}"
    assert all(len(messages) == 1 for messages in got.values()), kind
    assert len(smtp_server.messages[seen:]) == len(recipients), [
        m.key for m in smtp_server.messages[seen:]]
    message = next(iter(got.values()))[0]
    link = links_in(message.text())[0]
    assert link.startswith("http://127.0.0.1:5000/")
    assert f'href="{link}"' in message.html()
    return message


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
    asked_for, requests_part = text_of(page).split("Requests from councils", 1)
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


# --- Queries -------------------------------------------------------------------------------------

SUPPLIER_CONTACTS = {"amara@brightwater.example", "ben@brightwater.example"}


def test_a_query_goes_to_the_supplier_and_its_answer_to_the_officer_who_raised_it(
        app, session, client, smtp_server, rejected_world):
    w = rejected_world
    make_user(session, "officer", email="tom@council.example")
    session.commit()
    client.sign_in("priya@council.example", PASSWORD)
    client.submit(f"/officer/risk/suppliers/{w['supplier'].id}/review", {
        "decision": "query", "reason": "The fees answer needs checking",
        "questions": ["wf_recruitment_fees"], "comment": "Ask your agencies and tell us",
    })
    sign_out(client)
    deliver(app, session)
    deliver(app, session)
    raised = assert_once_each(smtp_server, "query_raised", SUPPLIER_CONTACTS)
    for part in (raised.text(), raised.html()):
        assert "paid a fee or cost to get a job" in part and "Ask your agencies and tell us" in part
        # The review form tells the officer that a query's reason stays with the council.
        assert "The fees answer needs checking" not in part

    client.sign_in("amara@brightwater.example", PASSWORD)
    assert client.get(path_of(links_in(raised.text())[0])).status_code == 200
    home = text_of(client.get("/supplier/"))
    assert "Changes requested" in home and "Answer the council’s questions" in home
    assert "Ask your agencies and tell us" in home
    assert "The fees answer needs checking" not in home
    query_id = session.scalar(select(ReviewQuery.id))
    client.submit(f"/supplier/queries/{query_id}", {"response": "Checked: no fees were paid"})
    sign_out(client)

    seen = len(smtp_server.messages)
    deliver(app, session)
    deliver(app, session)
    answered = assert_once_each(smtp_server, "query_answered", {"priya@council.example"}, seen)
    for part in (answered.text(), answered.html()):
        assert "Checked: no fees were paid" in part and "Brightwater Cleaning Ltd" in part
    client.sign_in("priya@council.example", PASSWORD)
    page = client.get(path_of(links_in(answered.text())[0]))
    assert page.status_code == 200 and "Checked: no fees were paid" in text_of(page)


def test_an_answer_goes_to_the_councils_officers_when_its_officer_has_left(
        app, session, client, smtp_server, rejected_world):
    w = rejected_world
    client.sign_in("priya@council.example", PASSWORD)
    client.submit(f"/officer/risk/suppliers/{w['supplier'].id}/review", {
        "decision": "query", "reason": "Check fees", "questions": ["wf_recruitment_fees"],
        "comment": "Ask your agencies"})
    sign_out(client)
    w["officer"].active = False
    make_user(session, "officer", email="tom@council.example")
    session.commit()
    deliver(app, session)
    seen = len(smtp_server.messages)
    client.sign_in("ben@brightwater.example", PASSWORD)
    client.submit(f"/supplier/queries/{session.scalar(select(ReviewQuery.id))}",
                  {"response": "No fees"})
    deliver(app, session)
    assert_once_each(smtp_server, "query_answered", {"tom@council.example"}, seen)


# --- Corrective actions --------------------------------------------------------------------------


def test_a_corrective_action_is_mailed_when_opened_due_soon_overdue_and_signed_off(
        app, session, client, smtp_server, rejected_world):
    w = rejected_world
    due = utcnow().date() + timedelta(days=10)
    client.sign_in("priya@council.example", PASSWORD)
    client.submit(f"/officer/risk/suppliers/{w['supplier'].id}/actions/new", {
        "title": "Publish a recruitment fees policy", "owner": "Amara Osei",
        "description": "Say who repays fees and how fast",
        "due_date": [str(due.day), str(due.month), str(due.year)]})
    sign_out(client)
    deliver(app, session)
    opened = assert_once_each(smtp_server, "corrective_action_opened", SUPPLIER_CONTACTS)
    assert f"{due.day} {due:%B %Y}" in opened.text()
    assert "Publish a recruitment fees policy" in opened.html()
    client.sign_in("amara@brightwater.example", PASSWORD)
    assert client.get(path_of(links_in(opened.text())[0])).status_code == 200
    sign_out(client)

    def job_day(day) -> list:
        """The scheduler's deadline job run twice on `day` at 07:00, then delivered."""
        when = datetime.combine(day, time(7, 0))
        before = len(smtp_server.messages)
        run_deadlines(app, session, when)
        run_deadlines(app, session, when)
        deliver(app, session, when)
        return [m.key.split(":")[0] for m in smtp_server.messages[before:]]

    assert job_day(due - timedelta(days=8)) == []  # not yet within a week
    seen = len(smtp_server.messages)
    assert job_day(due - timedelta(days=7)) == ["corrective_action_due_soon"] * 2
    assert_once_each(smtp_server, "corrective_action_due_soon", SUPPLIER_CONTACTS, seen)
    assert job_day(due - timedelta(days=3)) == []  # once per due date, not daily
    seen = len(smtp_server.messages)
    assert job_day(due + timedelta(days=1)) == ["corrective_action_overdue"] * 2
    overdue = assert_once_each(smtp_server, "corrective_action_overdue", SUPPLIER_CONTACTS, seen)
    assert overdue.subject.startswith("Overdue:")
    assert job_day(due + timedelta(days=2)) == []

    action = session.scalar(select(CorrectiveAction))
    client.sign_in("ben@brightwater.example", PASSWORD)
    client.submit(f"/supplier/actions/{action.id}", {"response": "Published on our site"})
    sign_out(client)
    client.sign_in("priya@council.example", PASSWORD)
    client.submit(f"/officer/risk/actions/{action.id}", {"outcome": "sign_off", "note": "Seen"})
    sign_out(client)
    seen = len(smtp_server.messages)
    deliver(app, session)
    signed = assert_once_each(smtp_server, "corrective_action_signed_off", SUPPLIER_CONTACTS,
                              seen)
    client.sign_in("ben@brightwater.example", PASSWORD)
    assert client.get(path_of(links_in(signed.text())[0])).status_code == 200
    # A signed-off action is not overdue, however late the job runs.
    assert job_day(due + timedelta(days=30)) == []


def test_the_scheduler_runs_the_deadline_and_digest_jobs_daily(app):
    from apscheduler.schedulers.background import BackgroundScheduler

    from supplier_dd.jobs.scheduler import ACTION_DEADLINES_JOB, DIGEST_JOB, build_scheduler

    jobs = {job.id: job for job in build_scheduler(app, BackgroundScheduler,
                                                   sweep_at_start=False).get_jobs()}
    for job_id in (ACTION_DEADLINES_JOB, DIGEST_JOB):
        assert "hour='6'" in str(jobs[job_id].trigger)
        assert jobs[job_id].max_instances == 1


# --- Staff-facing news ---------------------------------------------------------------------------


def _declare_through_the_portal(client, session, supplier, overrides: dict) -> None:
    """As the signed-in contact: start the request's declaration, answer it, sign and submit."""
    request = make_request(session, supplier, kind="annual")
    session.commit()
    declaration_id = start_declaration(client, request.id)
    values = all_form_values({"s54_is_rco": "no", "s54_has_statement": "no", **overrides})
    fill_section(client, declaration_id, "organisation", values)
    fill_everything(client, declaration_id, values)
    response = client.submit(f"/supplier/declarations/{declaration_id}/declare", {
        "signatory_name": "Amara Osei", "signatory_role": "Director",
        "confirm_true": "yes", "confirm_authority": "yes"})
    assert response.status_code == 302, text_of(response)


@pytest.fixture
def staff_world(session):
    supplier = make_supplier(session, name="Flagged Cleaning Ltd")
    world = dict(
        supplier=supplier,
        contact=make_user(session, "supplier", email="amara@flagged.example", supplier=supplier),
        officer=make_user(session, "officer", email="priya@council.example"),
        legal=make_user(session, "legal", email="lee@council.example"),
        admin=make_user(session, "admin", email="ada@council.example"),
        safeguarding=make_user(session, "safeguarding", email="sam@council.example"),
    )
    make_user(session, "officer", email="gone@council.example").active = False
    session.commit()
    return world


def test_a_knock_out_submission_goes_to_officers_and_legal_only(
        app, session, client, smtp_server, staff_world):
    client.sign_in("amara@flagged.example", PASSWORD)
    _declare_through_the_portal(client, session, staff_world["supplier"],
                                {"excl_s7_orders_supplier": "yes",
                                 "wf_recruitment_fees": "yes"})
    sign_out(client)
    deliver(app, session)
    deliver(app, session)
    message = assert_once_each(smtp_server, "declaration_flagged",
                               {"priya@council.example", "lee@council.example"})
    assert message.subject.startswith("Knock-out: Flagged Cleaning Ltd")
    for part in (message.text(), message.html()):
        assert "excluded pending review" in part
    for email in ("priya@council.example", "lee@council.example"):
        client.sign_in(email, PASSWORD)
        page = client.get(path_of(links_in(message.text())[0]))
        assert page.status_code == 200 and "Flagged Cleaning Ltd" in text_of(page)
        sign_out(client)


def test_a_clean_submission_tells_no_one(app, session, client, smtp_server, staff_world):
    client.sign_in("amara@flagged.example", PASSWORD)
    _declare_through_the_portal(client, session, staff_world["supplier"], {})
    deliver(app, session)
    assert smtp_server.messages == []


def test_a_built_cabinet_pack_goes_to_legal(app, session, client, smtp_server, staff_world):
    from supplier_dd.web import reports as report_pages

    client.sign_in("lee@council.example", PASSWORD)
    response = client.submit("/reports/cabinet/new", {"year": "2024/25",
                                                      "cover_date": "20/05/2025",
                                                      "author": "Helen Marsh", "version": "2.1"})
    run_id = int(re.search(r"/runs/(\d+)", response.headers["Location"]).group(1))
    report_pages.BACKGROUND_BUILDS[run_id].join(timeout=120)
    deliver(app, session)
    deliver(app, session)
    message = assert_once_each(smtp_server, "cabinet_pack_built", {"lee@council.example"})
    assert "2024/25" in message.subject and "version 2.1" in message.subject
    page = client.get(path_of(links_in(message.text())[0]))
    assert page.status_code == 200 and "The pack is ready" in text_of(page)


def test_an_annual_request_is_mailed_to_the_suppliers_contacts_once(
        app, session, client, smtp_server, rejected_world):
    w = rejected_world
    url = f"/officer/suppliers/{w['supplier'].id}/request-declaration"
    form = {"due_date-day": "31", "due_date-month": "12", "due_date-year": "2099",
            "note": "Please include your new agency checks"}
    client.sign_in("priya@council.example", PASSWORD)
    assert client.submit(url, form).status_code == 302
    assert client.submit(url, form).status_code == 302  # asked again: the same request
    sign_out(client)
    deliver(app, session)
    message = assert_once_each(smtp_server, "declaration_request", SUPPLIER_CONTACTS)
    for part in (message.text(), message.html()):
        assert "31 December 2099" in part and "Please include your new agency checks" in part
    client.sign_in("ben@brightwater.example", PASSWORD)
    page = client.get(path_of(links_in(message.text())[0]))
    assert page.status_code == 200 and "Annual declaration 2099" in text_of(page)


# --- Immediate or a daily digest -----------------------------------------------------------------


def _choose(client, email: str, choice: str):
    client.sign_in(email, PASSWORD)
    response = client.submit("/account/notifications", {"delivery": choice})
    sign_out(client)
    return response


def test_news_that_can_wait_comes_in_one_daily_digest_for_those_who_chose_it(
        app, session, client, smtp_server, rejected_world):
    w = rejected_world
    client.sign_in("priya@council.example", PASSWORD)
    refused = client.submit("/account/notifications", {"delivery": "weekly"})
    assert refused.status_code == 200 and "Not a valid choice" in text_of(refused)
    sign_out(client)
    assert _choose(client, "priya@council.example", "daily_digest").status_code == 302
    assert _choose(client, "ben@brightwater.example", "daily_digest").status_code == 302
    client.sign_in("ben@brightwater.example", PASSWORD)
    settings = client.get("/account/notifications").get_data(as_text=True)
    assert re.search(r'value="daily_digest"[^>]*checked', settings)
    sign_out(client)

    # Urgent news is still sent at once: the query to both contacts, the action to both.
    due = utcnow().date() + timedelta(days=20)
    client.sign_in("priya@council.example", PASSWORD)
    client.submit(f"/officer/risk/suppliers/{w['supplier'].id}/review", {
        "decision": "query", "reason": "Check fees", "questions": ["wf_recruitment_fees"],
        "comment": "Ask your agencies"})
    client.submit(f"/officer/risk/suppliers/{w['supplier'].id}/actions/new", {
        "title": "Publish a fees policy", "owner": "Amara Osei",
        "due_date": [str(due.day), str(due.month), str(due.year)]})
    sign_out(client)
    deliver(app, session)
    assert set(arrived(smtp_server, "query_raised")) == SUPPLIER_CONTACTS
    assert set(arrived(smtp_server, "corrective_action_opened")) == SUPPLIER_CONTACTS

    # News that can wait is held for those who chose a digest.
    seen = len(smtp_server.messages)
    action = session.scalar(select(CorrectiveAction))
    client.sign_in("amara@brightwater.example", PASSWORD)
    client.submit(f"/supplier/queries/{session.scalar(select(ReviewQuery.id))}",
                  {"response": "No fees were paid"})
    client.submit(f"/supplier/actions/{action.id}", {"response": "Published"})
    sign_out(client)
    client.sign_in("priya@council.example", PASSWORD)
    client.submit(f"/officer/risk/actions/{action.id}", {"outcome": "sign_off", "note": "Seen"})
    sign_out(client)
    deliver(app, session)
    assert [m.recipients for m in smtp_server.messages[seen:]] == [
        ["amara@brightwater.example"]]  # her signed-off email; Ben's and Priya's are held

    seen = len(smtp_server.messages)
    tomorrow = datetime.combine(utcnow().date() + timedelta(days=1), time(7, 0))
    run_digests(app, session, tomorrow)
    run_digests(app, session, tomorrow)
    deliver(app, session, tomorrow)
    assert_once_each(smtp_server, "notification_digest",
                     {"priya@council.example", "ben@brightwater.example"}, seen)
    ben_digest = smtp_server.to("ben@brightwater.example")[-1]
    assert "1 update" in ben_digest.subject
    for part in (ben_digest.text(), ben_digest.html()):
        assert "signed off your corrective action" in part
    client.sign_in("ben@brightwater.example", PASSWORD)
    assert client.get(path_of(links_in(ben_digest.text())[0])).status_code == 200
    sign_out(client)
    priya_digest = smtp_server.to("priya@council.example")[-1]
    assert "has answered your query" in priya_digest.text()

    seen = len(smtp_server.messages)
    run_digests(app, session, tomorrow + timedelta(days=1))
    deliver(app, session, tomorrow + timedelta(days=1))
    assert smtp_server.messages[seen:] == []  # nothing new, no empty digest
