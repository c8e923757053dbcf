"""Which answers evidence backs: standing verifications count, withdrawn and expired ones do
not (issue 16), on both databases."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from supplier_dd.models import AnswerVerification
from supplier_dd.models.base import utcnow
from supplier_dd.services.answer_verification import verified_question_ids
from tests.feedback_helpers import accepted_supplier

TODAY = date(2026, 12, 2)


def verification(declaration, question_id, kind="certification", **values):
    return AnswerVerification(declaration_id=declaration.id, question_id=question_id, kind=kind,
                              verified_at=utcnow(), **values)


def test_only_standing_unexpired_verifications_back_an_answer(session):
    declaration = accepted_supplier(session).declaration
    session.add_all([
        verification(declaration, "pol_has_policy", kind="document"),
        verification(declaration, "sc_audits", scheme="SMETA", certifying_body="Sedex",
                     certified_on=TODAY - timedelta(days=200), expires_on=TODAY),
        verification(declaration, "trn_provided", scheme="Stronger Together",
                     certified_on=TODAY - timedelta(days=800),
                     expires_on=TODAY - timedelta(days=1)),
        verification(declaration, "rem_grievance", kind="document", withdrawn_at=utcnow(),
                     withdrawal_reason="The file was last year's policy"),
    ])
    session.commit()
    assert verified_question_ids(session, declaration.id, TODAY) == {"pol_has_policy",
                                                                     "sc_audits"}
    assert verified_question_ids(session, declaration.id, TODAY + timedelta(days=1)) == {
        "pol_has_policy"}


def test_an_answer_has_one_standing_verification_of_each_kind(session):
    declaration = accepted_supplier(session).declaration
    session.add(verification(declaration, "pol_has_policy", kind="document",
                             withdrawn_at=utcnow()))
    session.add(verification(declaration, "pol_has_policy", kind="document"))
    session.commit()  # a withdrawn one may be replaced
    session.add(verification(declaration, "pol_has_policy", kind="document"))
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()
