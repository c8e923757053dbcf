"""Which answers of a declaration evidence backs (issue 16): the officer's verifications.

Scoring reads `verified_question_ids` to tell verified maturity from self-attested maturity.
A certification counts while it has not expired on the day scored; a withdrawn verification
never counts.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from supplier_dd.models.answer_verification import AnswerVerification


def verified_question_ids(session: Session, declaration_id: int, today: date) -> frozenset[str]:
    return frozenset(session.scalars(
        select(AnswerVerification.question_id).distinct()
        .where(AnswerVerification.declaration_id == declaration_id,
               AnswerVerification.withdrawn_at.is_(None),
               or_(AnswerVerification.expires_on.is_(None),
                   AnswerVerification.expires_on >= today))
    ))
