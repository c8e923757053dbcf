"""A declaration request answered by a declaration made for another request of the same supplier.

A supplier asked by the council for an annual declaration and, at the same time, for one for a
tender answers once: when it submits, each other open request that the declaration can satisfy
gets a row here. The declaration keeps its own request (`declarations.request_id`, which its
seal holds); these rows are the further requests it answers, so sealed declarations never change.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from supplier_dd.extensions import db
from supplier_dd.models.council import CouncilOwned


class SharedAnswer(CouncilOwned, db.Model):
    __tablename__ = "shared_answers"

    # One answer per request: a request answered this way is no longer open, so no later
    # declaration claims it (and two submitting at once cannot both).
    request_id: Mapped[int] = mapped_column(
        ForeignKey("declaration_requests.id", ondelete="CASCADE"), primary_key=True
    )
    declaration_id: Mapped[int] = mapped_column(
        ForeignKey("declarations.id", ondelete="RESTRICT"), index=True
    )
    answered_at: Mapped[datetime]
    # Set when the request is another council's, answered under the supplier's consent to share
    # with it (issue 17); None for the same council's requests, answered as they always were.
    consent_id: Mapped[int | None] = mapped_column(
        ForeignKey("sharing_consents.id", ondelete="RESTRICT"), index=True)

    request = relationship("DeclarationRequest", back_populates="shared_answer")
    declaration = relationship("Declaration")
