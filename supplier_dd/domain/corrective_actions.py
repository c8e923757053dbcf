"""When a corrective action counts as overdue, and what its statuses are called on staff pages."""

from __future__ import annotations

from datetime import date

OPEN = "open"
RESPONDED = "responded"
SIGNED_OFF = "signed_off"
STATUS_LABELS = {OPEN: "Open", RESPONDED: "Marked done by the supplier",
                 SIGNED_OFF: "Signed off"}


def is_overdue(status: str, due_date: date, today: date) -> bool:
    """Overdue while the supplier still owes it after its due date. Once the supplier has
    marked it done the wait is the council's (sign-off), so it is no longer the supplier's
    overdue action; the deadline emails stop at the same point."""
    return status == OPEN and due_date < today
