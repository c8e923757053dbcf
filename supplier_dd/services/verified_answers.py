"""Which answers of a declaration evidence backs (issue 16): the queries scoring and pages read.

Scoring reads `verified_question_ids` to tell verified maturity from self-attested maturity.
A certification counts while it has not expired on the day scored; a withdrawn verification
never counts. The mutations (verify, withdraw) are in services.answer_verification, which
re-scores through services.risk; this module imports neither, so risk can read it.
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


def standing_verifications(session: Session, declaration_id: int
                           ) -> dict[str, list[AnswerVerification]]:
    """Question id -> the verifications not withdrawn (expired ones too: the page says so)."""
    rows = session.scalars(
        select(AnswerVerification)
        .where(AnswerVerification.declaration_id == declaration_id,
               AnswerVerification.withdrawn_at.is_(None))
        .order_by(AnswerVerification.verified_at, AnswerVerification.id))
    by_question: dict[str, list[AnswerVerification]] = {}
    for row in rows:
        by_question.setdefault(row.question_id, []).append(row)
    return by_question
