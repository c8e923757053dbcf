"""Which risk model scores new assessments: the active model, stored in the database.

With nothing stored the active model is v1, so existing behaviour is unchanged until a council
switches, which `supplier-dd scores recompute --model v2` does after re-scoring every supplier.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from supplier_dd.domain.risk.model import CURRENT_MODEL_VERSION, RiskModel, load_model
from supplier_dd.models.risk_model_activation import RiskModelActivation
from supplier_dd.services import audit


def active_version(session: Session) -> str:
    latest = session.scalar(select(RiskModelActivation.version)
                            .order_by(RiskModelActivation.id.desc()).limit(1))
    return latest or CURRENT_MODEL_VERSION


def active_model(session: Session) -> RiskModel:
    return load_model(active_version(session))


def activate(session: Session, model: RiskModel, now: datetime, actor: audit.Actor) -> bool:
    """Make `model` the one new assessments use; False (and nothing written) if it already is."""
    before = active_version(session)
    if before == model.version:
        return False
    session.add(RiskModelActivation(version=model.version, fingerprint=model.fingerprint,
                                    activated_at=now, activated_by=actor.email or "unknown"))
    audit.record(session, "risk_model.activated", actor, now, object_type="risk_model",
                 object_id=model.version, before={"version": before},
                 after={"version": model.version, "fingerprint": model.fingerprint})
    session.flush()
    return True
