"""The demo council's tenders make sense whenever the demo is loaded (issue 21): each is still
open, and closes after the declarations its bidders were asked for are due, so an officer has
the declarations in hand before choosing a winner. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from supplier_dd.demo import load_demo
from supplier_dd.models import DeclarationRequest, Tender


@pytest.mark.parametrize("now", [datetime(2026, 12, 2, 9, 0), datetime(2027, 6, 1, 9, 0)])
def test_demo_tenders_close_after_their_declarations_are_due(session, now):
    load_demo(session, "demo-password-for-tests", now)
    session.commit()
    tenders = session.scalars(select(Tender)).all()
    assert tenders
    for tender in tenders:
        requests = session.scalars(
            select(DeclarationRequest).where(DeclarationRequest.tender_id == tender.id)).all()
        assert requests, f"{tender.reference} asks its bidders for nothing"
        assert tender.closing_date > now.date(), f"{tender.reference} has already closed"
        late = [(r.due_date.isoformat(), tender.closing_date.isoformat())
                for r in requests if r.due_date >= tender.closing_date]
        assert late == [], f"{tender.reference} closes before its declarations are due"
