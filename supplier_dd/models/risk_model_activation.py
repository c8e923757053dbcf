"""Which risk model scores new assessments (issue 16). The latest row is the active model; with no
row the active model is v1 (`domain.risk.model.CURRENT_MODEL_VERSION`). Rows are only added
(`supplier-dd scores recompute --model vN`), so the history of switches stays readable."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from supplier_dd.extensions import db
from supplier_dd.models.base import utcnow
from supplier_dd.models.council import CouncilOwned


class RiskModelActivation(CouncilOwned, db.Model):
    __tablename__ = "risk_model_activations"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(20))
    # The risk model file's fingerprint when it was activated.
    fingerprint: Mapped[str] = mapped_column(String(16))
    activated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Who switched: a user's email, or "cli" for the command line.
    activated_by: Mapped[str] = mapped_column(String(320))
