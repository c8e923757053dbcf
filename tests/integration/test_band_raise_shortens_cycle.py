"""A re-score that raises the residual band shortens the open re-attestation cycle to the new
band's period, never lengthens it, and is audited (issue 16)."""

from __future__ import annotations

from sqlalchemy import select

from supplier_dd.domain.schedule import add_months
from supplier_dd.models.audit import AuditEntry
from supplier_dd.services.reminders import active_schedule, shorten_for_band
from tests.factories import make_supplier
from tests.integration.test_risk_workflow import NOW, submitted_declaration
from tests.unit.test_risk_scoring import BEST


def test_a_raised_band_brings_the_due_date_forward_and_a_lower_one_never_moves_it(session):
    supplier = make_supplier(session, name="Brightwater Cleaning Ltd")
    declaration = submitted_declaration(session, supplier, BEST)
    cycle = active_schedule(session, supplier.id)
    assert cycle.residual_band in ("Low", "Medium")
    twelve_months = cycle.due_on
    assert twelve_months > add_months(NOW.date(), 11)

    shortened = shorten_for_band(session, supplier_id=supplier.id,
                                 declaration_id=declaration.id, residual_band="High", now=NOW)
    assert shortened is not None and shortened.residual_band == "High"
    assert shortened.due_on <= add_months(NOW.date(), 6) < twelve_months
    assert shortened.reason == "risk_band"
    entry = session.scalars(select(AuditEntry).where(
        AuditEntry.action == "reattestation.shortened")).one()
    assert entry.before["due_on"] == twelve_months.isoformat()
    assert entry.after["due_on"] == shortened.due_on.isoformat()

    six_months = shortened.due_on
    assert shorten_for_band(session, supplier_id=supplier.id, declaration_id=declaration.id,
                            residual_band="Low", now=NOW) is None
    assert active_schedule(session, supplier.id).due_on == six_months
    # Another declaration's re-score leaves this cycle alone.
    assert shorten_for_band(session, supplier_id=supplier.id, declaration_id=declaration.id + 1,
                            residual_band="Critical", now=NOW) is None
