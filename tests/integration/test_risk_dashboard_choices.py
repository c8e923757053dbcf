"""The dashboard's tender drop-down lists the latest tenders, not every tender ever run."""

from __future__ import annotations

from datetime import date, timedelta

from supplier_dd.models import Tender
from supplier_dd.services.risk_dashboard import TENDER_CHOICES, filter_choices


def _tenders(session, count: int) -> list[Tender]:
    tenders = [Tender(reference=f"T-{n:04d}", title=f"Tender {n}",
                      closing_date=date(2024, 1, 1) + timedelta(days=n)) for n in range(count)]
    session.add_all(tenders)
    session.flush()
    return tenders


def test_only_the_latest_tenders_are_offered_in_reference_order(session):
    tenders = _tenders(session, TENDER_CHOICES + 5)

    offered = filter_choices(session)["tenders"]

    # The five that closed first are left out; the rest read in reference order.
    assert [row[1] for row in offered] == [t.reference for t in tenders[5:]]


def test_a_chosen_older_tender_is_still_offered(session):
    tenders = _tenders(session, TENDER_CHOICES + 5)

    offered = filter_choices(session, selected_tender=tenders[0].id)["tenders"]

    assert offered[0][0] == tenders[0].id
    assert len(offered) == TENDER_CHOICES + 1
