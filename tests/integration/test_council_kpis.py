"""The council KPI page (issue 16): per Charter commitment and Transparency Statement KPI, how
many assessed suppliers meet it, with suppliers awaiting a declaration counted apart."""

from __future__ import annotations

import re

import pytest

from supplier_dd.services.council_kpis import council_kpis
from supplier_dd.services.risk import rescore_suppliers
from supplier_dd.services.risk_dashboard import forget_headline
from tests.factories import make_supplier
from tests.integration.test_risk_workflow import NOW, submitted_declaration
from tests.unit.test_risk_scoring import BEST


@pytest.fixture(autouse=True)
def fresh_headline_counts():
    forget_headline()


@pytest.fixture
def three_suppliers(session):
    submitted_declaration(session, make_supplier(session, name="Open Door Ltd"), BEST)
    submitted_declaration(session, make_supplier(session, name="Closed Door Ltd"),
                          BEST | {"pol_whistleblowing": "no"})
    waiting = make_supplier(session, name="Not Yet Ltd")
    rescore_suppliers(session, [waiting.id], NOW)
    session.commit()


def _row(page: str, description_start: str) -> list[str]:
    row = re.search(rf'<th scope="row"[^>]*>{re.escape(description_start)}.*?</tr>', page,
                    re.S).group(0)
    return [re.sub(r"\s+", " ", cell).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def test_council_kpis_count_assessed_suppliers_and_awaiting_ones_apart(session,
                                                                       three_suppliers):
    report = council_kpis(session)
    assert (report.assessed, report.awaiting) == (2, 1)
    whistleblowing = {kpi.key: kpi for kpi in report.charter}["charter_whistleblowing"]
    assert whistleblowing.counts["met"] == 1 and whistleblowing.counts["not_met"] == 1
    assert whistleblowing.percent_met == 50.0
    assert all(kpi.key.startswith("charter_") for kpi in report.charter)
    assert not any(kpi.key.startswith("charter_") for kpi in report.transparency)


@pytest.mark.parametrize("role", ["officer", "legal"])
def test_officers_and_legal_read_the_council_kpis_from_the_dashboard(session, client, role,
                                                                     three_suppliers):
    from tests.factories import PASSWORD, make_user
    make_user(session, role, email=f"{role}@example.org")
    session.commit()
    client.sign_in(f"{role}@example.org", PASSWORD)
    dashboard = client.get("/officer/risk/").data.decode()
    assert 'href="/officer/risk/kpis"' in dashboard

    page = client.get("/officer/risk/kpis").data.decode()
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "Counted over 2 assessed suppliers" in words
    assert "Not counted: 1 awaiting a declaration" in words
    # Met, partly met, not met, not answered, not applicable, share met.
    assert _row(page, "Charter commitment 6") == ["1", "0", "1", "0", "0", "50%"]
    assert "Transparency Statement KPIs" in words
