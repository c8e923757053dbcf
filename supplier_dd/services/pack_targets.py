"""The council's own targets for the Cabinet pack's headline measures (edition 2).

Each change is a new row (never an update), so a pack built for an earlier as-of date reads the
target as it stood then. A measure the council never set keeps the default written in
reports/queries.py, and the pack says which it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from supplier_dd.models import PackTarget, User
from supplier_dd.services import audit


@dataclass(frozen=True)
class TargetMeasure:
    key: str
    label: str


# The measures a council sets targets for, in the order the admin page lists them.
MEASURES = (
    TargetMeasure("tenders.declaration_coverage", "Declaration coverage of tenders"),
    TargetMeasure("contracts.declaration_coverage", "Declaration coverage of contracts"),
    TargetMeasure("s54.compliant_share", "Registered statement covering all six areas"),
    TargetMeasure("s54.rco_current_statement_share",
                  "Relevant commercial organisations with a current s.54 statement"),
    TargetMeasure("reattestation.on_time_share", "Re-attestations on time"),
    TargetMeasure("risk.high_critical_with_action_share",
                  "High and critical risk suppliers with a corrective action"),
    TargetMeasure("training.procurement_team.share", "Procurement team trained"),
    TargetMeasure("charter.measure", "Charter commitments measured by a share: met at"),
)
MEASURE_KEYS = tuple(m.key for m in MEASURES)


def targets_at(session: Session, before: datetime | None = None) -> dict[str, PackTarget]:
    """The latest target row for each measure set before `before` (None: the latest of all)."""
    latest = select(PackTarget.measure, func.max(PackTarget.id).label("id"))
    if before is not None:
        latest = latest.where(PackTarget.set_at < before)
    latest = latest.group_by(PackTarget.measure).subquery()
    rows = session.scalars(select(PackTarget).join(latest, latest.c.id == PackTarget.id))
    return {row.measure: row for row in rows}


def set_targets(session: Session, targets: Mapping[str, float], user: User | None,
                actor: audit.Actor, now: datetime,
                defaults: Mapping[str, float] | None = None) -> list[PackTarget]:
    """Add a row for each measure whose target changed; audited. Flushes; the caller commits.
    A value equal to the default of a measure never set is no change: saving the page as shown
    does not claim the council set the defaults."""
    current = targets_at(session)
    added = []
    for key, value in targets.items():
        if key not in MEASURE_KEYS:
            raise ValueError(f"No pack measure {key!r}")
        before = current.get(key)
        standing = before.target if before is not None else (defaults or {}).get(key)
        if standing == value:
            continue
        row = PackTarget(measure=key, target=float(value), set_at=now, set_by=user,
                         set_by_name=(user.email if user else "cli"))
        session.add(row)
        session.flush()
        audit.record(session, "pack_target.set", actor, now, object_type="pack_target",
                     object_id=row.id,
                     before={"target": before.target} if before else None,
                     after={"target": row.target}, details={"measure": key})
        added.append(row)
    return added
