"""A bulk request campaign for the route matrix and the every-page crawl (issue 15)."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from supplier_dd.domain import bulk_requests as rules
from supplier_dd.models import BulkCampaign, BulkCampaignSupplier
from supplier_dd.models.base import utcnow


def add_bulk_records(session, *suppliers, confirm_key: str = "0" * 64,
                     created_by_name: str = "Priya Shah") -> dict:
    """A campaign with one supplier waiting and one already asked, and the address arguments of
    a rule that matches suppliers (the preview and confirmation pages)."""
    now = utcnow()
    due = now.date() + timedelta(days=30)
    campaign = BulkCampaign(
        confirm_key=confirm_key, rule=rules.RULE_OVERDUE_OR_MISSING, parameters={},
        description=rules.RULE_LABELS[rules.RULE_OVERDUE_OR_MISSING], due_date=due,
        created_by_name=created_by_name, created_at=now)
    session.add(campaign)
    session.flush()
    for supplier, outcome in zip(suppliers, (rules.WAITING, rules.NO_CONTACT), strict=False):
        session.add(BulkCampaignSupplier(campaign_id=campaign.id, supplier_id=supplier.id,
                                         supplier_name=supplier.name, outcome=outcome,
                                         emails_queued=0))
    session.flush()
    rule = urlencode({"rule": rules.RULE_OVERDUE_OR_MISSING, "due_date-day": due.day,
                      "due_date-month": due.month, "due_date-year": due.year})
    return {"bulk_campaign": campaign.id, "bulk_rule": rule}
