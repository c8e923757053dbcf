"""Each council's dashboard counts its own suppliers (issue 17), also the figures kept per
process: the headline counts and the country list cached for one council are not shown to
another council's officers."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from supplier_dd.models import Council, Supplier
from supplier_dd.models.tenancy import act_for, link_suppliers
from supplier_dd.services import risk_dashboard
from supplier_dd.services.risk_dashboard import DashboardFilters, dashboard_page, headline

TODAY = date(2026, 12, 3)


def _two_councils_and_their_suppliers(session) -> tuple[int, int]:
    existing = session.scalars(select(Council.id).order_by(Council.id)).all()
    for number in range(len(existing) + 1, 3):
        session.add(Council(name=f"Council {number}", short_name=f"council-{number}",
                            header_text=f"Council {number}"))
    session.flush()
    first, second = session.scalars(select(Council.id).order_by(Council.id).limit(2)).all()
    suppliers = [Supplier(name=name, normalised_name=name.lower(), country=country)
                 for name, country in (("Alder Ltd", "GB"), ("Birch SA", "FR"),
                                       ("Cedar GmbH", "DE"))]
    session.add_all(suppliers)
    session.flush()
    link_suppliers(session, [(first, suppliers[0].id), (second, suppliers[1].id),
                             (second, suppliers[2].id)])
    return first, second


def test_each_council_sees_its_own_headline_and_countries(session, monkeypatch):
    monkeypatch.setattr(risk_dashboard, "_choices_cache", {})
    first, second = _two_councils_and_their_suppliers(session)

    act_for(session, first)
    first_counts = headline(session, TODAY)
    first_countries = risk_dashboard.filter_choices(session)["countries"]
    act_for(session, second)
    second_counts = headline(session, TODAY)
    second_countries = risk_dashboard.filter_choices(session)["countries"]
    rows, total = dashboard_page(session, DashboardFilters(), 1, 50, TODAY, second_counts)

    assert sum(first_counts.by_band.values()) == 1
    assert first_countries == ["GB"]
    assert sum(second_counts.by_band.values()) == 2
    assert second_countries == ["DE", "FR"]
    assert total == 2 and sorted(row.name for row in rows) == ["Birch SA", "Cedar GmbH"]
