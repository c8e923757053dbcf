"""A council's own settings, as its admin changes them (issue 17): audited with what changed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from supplier_dd.models import Council
from supplier_dd.services import audit

# What the settings page changes; everything else about a council (its name, short name) is
# the partnership's to set.
SETTINGS = ("header_text", "statement_url", "time_zone", "reattestation_months",
            "reminder_days", "pack_author", "pack_approvers")


def update_settings(session: Session, council: Council, values: dict, *, actor,
                    now: datetime) -> list[str]:
    """Store the (already checked) values; returns the names of the settings that changed.
    Nothing changed, nothing audited."""
    before, after = {}, {}
    for name in SETTINGS:
        new = values.get(name)
        if getattr(council, name) != new:
            before[name], after[name] = getattr(council, name), new
            setattr(council, name, new)
    if not after:
        return []
    session.flush()
    audit.record(session, "council.settings_changed", actor, now, object_type="council",
                 object_id=council.id, before=before, after=after, council_id=council.id)
    return list(after)
