"""The benchmark tools stay runnable: the generator at a tiny scale, and the results table.

No timings are checked here (performance targets live in bench/); these tests only make sure
`make bench` cannot rot between runs.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select

from bench.__main__ import table_lines
from bench.generate import Scale, generate
from supplier_dd.domain.risk.model import load_model
from supplier_dd.models import CouncilSupplier, Declaration, Supplier, User
from supplier_dd.models.risk import RiskAssessment, SupplierRiskSummary
from supplier_dd.models.tenancy import act_for
from supplier_dd.services.risk import recompute_assessments
from supplier_dd.services.risk_dashboard import DashboardFilters, dashboard_page


def test_generated_council_is_what_the_app_would_have_stored(app, session, database_url):
    session.remove()  # the generator writes through its own connection
    counts = generate(database_url, Scale(suppliers=12, declarations=20), pool=4)

    assert counts["suppliers"] == 12 and counts["declarations"] == 20
    assert session.scalar(select(func.count()).select_from(Declaration)
                          .where(Declaration.status == "superseded")) == 8
    assert session.scalar(select(func.count()).select_from(RiskAssessment)) == 12
    # Scoring again with the same model changes nothing: the generator's pooled scores are
    # the ones the real scoring gives these suppliers' declarations and contracts.
    progress = list(recompute_assessments(session, load_model(), datetime(2026, 11, 21)))[-1]
    assert (progress.unchanged, progress.changed) == (12, 0)
    session.rollback()
    rows, total = dashboard_page(session, DashboardFilters(), 1, 50, date(2026, 11, 21))
    assert total == 12 and {row.supplier_id for row in rows} == set(
        session.scalars(select(Supplier.id)))
    assert session.scalar(select(func.count()).select_from(SupplierRiskSummary)) == 12


def test_generated_partnership_gives_each_council_its_own_suppliers(app, session, database_url):
    session.remove()
    generate(database_url, Scale(suppliers=60, declarations=60, councils=3), pool=4)

    links = session.execute(select(CouncilSupplier.council_id, CouncilSupplier.supplier_id)).all()
    assert {supplier_id for _c, supplier_id in links} == set(session.scalars(select(Supplier.id)))
    assert len(links) > 60, "councils share suppliers"
    for council_id in (1, 2, 3):
        known = {supplier_id for c, supplier_id in links if c == council_id}
        # Each council draws 10-27 % of the suppliers, and some of those no council drew.
        assert 6 <= len(known) < 60
        act_for(session, council_id)
        rows, total = dashboard_page(session, DashboardFilters(), 1, 100, date(2026, 11, 21))
        assert total == len(known) and {row.supplier_id for row in rows} == known
        assert set(session.scalars(select(Supplier.id))) == known
        staff = session.scalars(select(User).where(User.role == "officer")).all()
        assert staff and {user.council_id for user in staff} == {council_id}
    act_for(session, None)


def test_results_table_lines_up_and_says_what_was_met():
    rows = [
        {"workload": "risk dashboard, first page", "database": "sqlite",
         "scale": "100,000 suppliers", "median_s": 0.0123, "p95_s": 0.0456, "peak_mb": 210.4,
         "floor_s": 0.002, "ratio": 6.15, "target": "p95 < 50 ms", "met": True,
         "load": "1.50 2.00 2.50"},
        {"workload": "import contracts register", "database": "sqlite", "scale": "100,000 rows",
         "median_s": 31.5, "p95_s": 31.5, "peak_mb": 180, "target": "< 30 s", "met": False,
         "notes": "re-import 20 s"},
        {"workload": "bench_broken", "database": "-", "scale": "-", "median_s": None,
         "p95_s": None, "peak_mb": None, "met": None, "notes": "failed after 3s: boom"},
    ]

    lines = table_lines(rows)

    header, rule, first, second, third = lines[:5]
    assert set(rule) <= {"-", " "}
    # Columns line up: each row's database starts under the header's "database".
    assert header.index("database") == first.index("sqlite") == second.index("sqlite")
    assert "12.3 ms" in first and "45.6 ms" in first and "yes" in first and "1.50" in first
    assert "31.50 s" in second and " NO " in second
    assert " - " in third
    assert lines[5:] == ["note: import contracts register (sqlite): re-import 20 s",
                         "note: bench_broken (-): failed after 3s: boom"]
