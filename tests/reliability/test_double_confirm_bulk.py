"""Six confirmations of one bulk request campaign at once (issue 15), against a real server
(gunicorn, 2 workers x 4 threads) on SQLite and PostgreSQL: one campaign, every answer sends
the officer to it, and its batch asks each supplier once with one email per contact."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from supplier_dd.models import BulkCampaign, BulkCampaignSupplier, OutboxMessage
from tests.declaration_helpers import supplier_with_contact
from tests.factories import make_user
from tests.helpers import forms_in
from tests.reliability.harness import PASSWORD, Browser, at_once

pytestmark = pytest.mark.reliability

REPEATS = 6
OFFICER = "double.confirm@example.org"


def test_six_confirmations_at_once_make_one_campaign(session, server_factory, app):
    make_user(session, "officer", email=OFFICER, password=PASSWORD)
    for n in range(3):  # never declared: the 'overdue or missing' rule matches them
        supplier_with_contact(session, f"Burst Supplier {n} Ltd", f"burst{n}@supplier.example")
    session.commit()
    browser = Browser(server_factory(2).url)
    browser.sign_in(OFFICER)
    due = date.today() + timedelta(days=30)
    page = browser.get(f"/officer/declarations/bulk/confirm?rule=overdue_or_missing"
                       f"&due_date-day={due.day}&due_date-month={due.month}"
                       f"&due_date-year={due.year}")
    form = [f for f in forms_in(page.body) if f["method"] == "post"][-1]["fields"]

    replies = at_once(REPEATS, lambda: browser.post("/officer/declarations/bulk/confirm", form))

    assert [reply.status for reply in replies] == [302] * REPEATS
    assert len({reply.location for reply in replies}) == 1
    session.expire_all()
    assert session.scalar(select(func.count(BulkCampaign.id))) == 1
    assert session.scalar(select(func.count(BulkCampaignSupplier.id))) == 3

    from supplier_dd.jobs.bulk_requests import run_batch
    from supplier_dd.models.base import utcnow

    run_batch(app, session, utcnow())
    run_batch(app, session, utcnow())
    recipients = Counter(session.scalars(select(OutboxMessage.recipient)))
    assert recipients == {f"burst{n}@supplier.example": 1 for n in range(3)}
