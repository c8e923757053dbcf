"""Requests in bulk by rule (issue 15), on SQLite and PostgreSQL: each rule asks the suppliers it
should, the officer previews and confirms, a campaign freezes the list and the scheduler asks
a batch a minute; confirming twice, or the batch running twice, asks each supplier once and
sends each contact one email; the campaign page shows progress, the skipped and who responded.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from supplier_dd.config import ConfigError, load_settings
from supplier_dd.domain import bulk_requests as rules
from supplier_dd.jobs.bulk_requests import run_batch
from supplier_dd.jobs.reminders import run_send
from supplier_dd.models import (
    BulkCampaign,
    Contract,
    DeclarationRequest,
    Invitation,
    OutboxMessage,
    SupplierRiskSummary,
)
from supplier_dd.models.base import utcnow
from supplier_dd.services import bulk_requests as service
from tests.declaration_helpers import make_request, start_declaration, supplier_with_contact
from tests.factories import PASSWORD, make_supplier, make_user
from tests.helpers import forms_in, text_of

OFFICER = "bulk.officer@example.org"
DUE = date.today() + timedelta(days=30)
DUE_ARGS = {"due_date-day": str(DUE.day), "due_date-month": str(DUE.month),
            "due_date-year": str(DUE.year)}


def _contract(session, supplier, value, *, high_risk=True, ended=False, reference=None):
    today = date.today()
    session.add(Contract(
        reference=reference or f"C-{supplier.id}-{value}", title="Cleaning", supplier=supplier,
        value=Decimal(value), start_date=today - timedelta(days=100),
        end_date=today - timedelta(days=1) if ended else today + timedelta(days=100),
        ppn_industry="cleaning_security" if high_risk else "other", ppn_high_risk=high_risk))


@pytest.fixture
def council(session):
    """Five suppliers with contacts: two with big live high-risk contracts (one already asked),
    one whose only big high-risk contract has ended, one below the amount, one not high-risk."""
    make_user(session, "officer", email=OFFICER)
    named = {}
    for slug in ("alpha", "bravo", "charlie", "delta", "echo"):
        named[slug] = supplier_with_contact(session, f"{slug.title()} Services Ltd",
                                            f"{slug}@supplier.example")
    _contract(session, named["alpha"], "80000")
    _contract(session, named["bravo"], "120000")
    _contract(session, named["charlie"], "90000", ended=True)
    _contract(session, named["delta"], "10000")
    _contract(session, named["echo"], "500000", high_risk=False)
    make_request(session, named["bravo"], kind="annual")  # open: bravo is skipped
    session.commit()
    return named


def _signed_in(client):
    client.sign_in(OFFICER, PASSWORD)
    return client


CONTRACT_RULE = {"rule": rules.RULE_HIGH_RISK_CONTRACTS, "min_value": "£50,000",
                 "industry": "", **DUE_ARGS}


def test_the_contracts_rule_previews_live_high_risk_contracts_over_the_amount(client, council):
    _signed_in(client)
    form = client.get("/officer/declarations/bulk/new", query_string={"check": "1",
                                                                       **CONTRACT_RULE})
    assert form.status_code == 302 and "/preview?" in form.location
    preview = text_of(client.get(form.location))
    assert "Alpha Services Ltd" in preview and "Bravo Services Ltd" in preview
    for absent in ("Charlie", "Delta", "Echo"):
        assert absent not in preview
    assert "Skipped: already asked" in preview  # bravo has an open annual request
    assert "Every supplier with a live contract of at least £50,000" in preview


def test_the_rule_form_says_what_is_wrong(client, council):
    _signed_in(client)
    page = text_of(client.get("/officer/declarations/bulk/new", query_string={
        "check": "1", "rule": rules.RULE_HIGH_RISK_CONTRACTS, "min_value": "lots",
        "due_date-day": "31", "due_date-month": "2", "due_date-year": str(DUE.year)}))
    assert "There is a problem" in page
    assert "The contract value must be an amount in pounds" in page
    assert "The due date must be a real date" in page
    nothing = text_of(client.get("/officer/declarations/bulk/new", query_string={"check": "1"}))
    assert "Select which suppliers to ask" in nothing


def _confirm_form(client, args):
    page = client.get("/officer/declarations/bulk/confirm", query_string=args)
    assert page.status_code == 200, page.status_code
    return [f for f in forms_in(page.get_data(as_text=True)) if f["method"] == "post"][-1]


def test_confirming_twice_makes_one_campaign_one_request_and_one_email_each(
        client, council, session, smtp_server, app):
    _signed_in(client)
    first = _confirm_form(client, CONTRACT_RULE)
    second_tab = _confirm_form(client, CONTRACT_RULE)
    answers = [client.post("/officer/declarations/bulk/confirm", data=form["fields"])
               for form in (first, first, second_tab)]  # a double click, then another tab
    assert {answer.status_code for answer in answers} == {302}
    assert len({answer.location for answer in answers}) == 1
    assert session.scalar(select(func.count(BulkCampaign.id))) == 1

    assert run_batch(app, session, utcnow()) == 1  # alpha; bravo was skipped when frozen
    assert run_batch(app, session, utcnow()) == 0
    made = session.scalars(select(DeclarationRequest).where(
        DeclarationRequest.natural_key.like("campaign:%"))).all()
    assert [r.supplier.name for r in made] == ["Alpha Services Ltd"]
    run_send(app, session, utcnow)
    assert Counter(r for m in smtp_server.messages for r in m.recipients) == {
        "alpha@supplier.example": 1}

    campaign = text_of(client.get(answers[0].location))
    assert "Queued 1 of 1" in campaign
    assert "Bravo Services Ltd" in campaign.split("Skipped (1)")[1]
    engagement = text_of(client.get(f"{answers[0].location}/engagement?state=invited"))
    assert "Alpha Services Ltd" in engagement and "1 email queued" in engagement


def test_a_confirmation_for_a_list_that_changed_is_shown_again(client, council, session):
    _signed_in(client)
    form = _confirm_form(client, CONTRACT_RULE)
    _contract(session, make_supplier(session, name="Foxtrot Late Ltd"), "70000")
    session.commit()
    answer = client.post("/officer/declarations/bulk/confirm", data=form["fields"])
    assert answer.status_code == 200
    page = text_of(answer)
    assert "have changed since you looked" in page
    assert "Send 2 requests" in page  # alpha and the newcomer; bravo is still skipped
    assert session.scalar(select(func.count(BulkCampaign.id))) == 0


@pytest.fixture
def app_env():
    return {"SUPPLIER_DD_BULK_BATCH_SIZE": "2"}


def test_batches_follow_the_setting_and_progress_is_shown(client, council, session, app):
    session.execute(update(SupplierRiskSummary).values(residual_rank=3))  # all Critical
    session.commit()
    _signed_in(client)
    form = _confirm_form(client, {"rule": rules.RULE_HIGH_RATING, **DUE_ARGS})
    location = client.post("/officer/declarations/bulk/confirm", data=form["fields"]).location
    assert "Queued 0 of 4" in text_of(client.get(location))
    assert run_batch(app, session, utcnow()) == 2
    assert "Queued 2 of 4" in text_of(client.get(location))
    assert run_batch(app, session, utcnow()) == 2
    page = text_of(client.get(location))
    assert "Queued 4 of 4" in page and "Every request was queued" in page
    assert session.scalar(select(func.count(OutboxMessage.id))) == 4


def test_a_supplier_without_an_account_gets_a_fresh_invitation_and_the_request(
        client, session, app):
    make_user(session, "officer", email=OFFICER)
    newcomer = make_supplier(session, name="Newcomer Ltd")
    session.add(Invitation(email="new@newcomer.example", name="Nia", supplier=newcomer,
                           token_hash="x" * 64, created_at=utcnow() - timedelta(days=9),
                           expires_at=utcnow() - timedelta(days=6)))
    lonely = make_supplier(session, name="Nobody Home Ltd")
    session.commit()
    _signed_in(client)
    form = _confirm_form(client, {"rule": rules.RULE_OVERDUE_OR_MISSING, **DUE_ARGS})
    location = client.post("/officer/declarations/bulk/confirm", data=form["fields"]).location
    run_batch(app, session, utcnow())
    kinds = Counter((m.recipient, m.kind) for m in session.scalars(select(OutboxMessage)))
    assert kinds == {("new@newcomer.example", "invitation"): 1,
                     ("new@newcomer.example", "declaration_request"): 1}
    assert session.scalar(select(func.count(Invitation.id)).where(
        Invitation.expires_at > utcnow())) == 1
    engagement = text_of(client.get(f"{location}/engagement?state=not_invited"))
    assert lonely.name in engagement and "Nobody to email" in engagement
    assert newcomer.name not in engagement


def test_engagement_follows_each_request(client, council, session, app):
    session.execute(update(SupplierRiskSummary).values(residual_rank=3))
    session.commit()
    _signed_in(client)
    form = _confirm_form(client, {"rule": rules.RULE_HIGH_RATING, **DUE_ARGS})
    location = client.post("/officer/declarations/bulk/confirm", data=form["fields"]).location
    run_batch(app, session, utcnow())
    run_batch(app, session, utcnow())
    campaign = session.scalar(select(BulkCampaign))
    found = service.engagement(session, campaign.id, "", 1, 25)
    assert found.counts[rules.INVITED] == 4 and found.total == 4
    request = next(row.request_id for row in found.rows if row.supplier_name.startswith("Alpha"))
    supplier_client = client.application.test_client()
    supplier_client.sign_in("alpha@supplier.example", PASSWORD)
    start_declaration(supplier_client, request)
    started = text_of(client.get(f"{location}/engagement?state=started"))
    assert "Alpha Services Ltd" in started and "Charlie" not in started
    counts = service.engagement(session, campaign.id, "", 1, 25).counts
    assert counts[rules.STARTED] == 1 and counts[rules.INVITED] == 3


@pytest.mark.parametrize("raw, message", [("0", "at least 1"), ("501", "at most 500"),
                                          ("many", "whole number")])
def test_the_batch_size_setting_is_checked(raw, message):
    with pytest.raises(ConfigError, match=message):
        load_settings({"SUPPLIER_DD_BULK_BATCH_SIZE": raw, "DATABASE_URL": "sqlite:///data.sqlite3"})
