"""Transparency statements (issue 19) in each state, for tests that visit every page."""

from __future__ import annotations

from datetime import date, datetime

from supplier_dd.models.tenancy import acting_for
from supplier_dd.services import audit
from supplier_dd.services import statements as service

NOW = datetime(2026, 12, 4, 9, 0)


def add_statement_records(session, user, council_id: int = 1) -> dict[str, int]:
    """A draft (2025/26, its last paragraph still to write), a submitted (2024/25) and an
    approved (2023/24) statement."""
    actor = audit.actor_or(None, user)
    with acting_for(session, council_id):
        draft = service.start_draft(session, "2025/26", user, NOW, actor)
        # Still being written: one area's paragraph to come, so it cannot be submitted yet.
        draft.narratives = {**draft.narratives, "kpis": ""}
        submitted = service.start_draft(session, "2024/25", user, NOW, actor)
        service.submit(session, submitted, user, NOW, actor)
        approved = service.start_draft(session, "2023/24", user, NOW, actor)
        service.submit(session, approved, user, NOW, actor)
        service.approve(session, approved, service.Approval(
            date(2024, 7, 1), "Cllr Jane Smith", "Leader of the Council", "CAB/2024/7"),
            user, NOW, actor)
        session.flush()
        return {"draft_statement": draft.id, "submitted_statement": submitted.id,
                "approved_statement": approved.id}
