"""One open draft per declaration request, held by the database itself (a partial unique index),
so no code path, concurrent or not, can leave a supplier two drafts to answer for one request.
Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from supplier_dd.domain.questionnaire import current_version
from supplier_dd.models import Declaration
from supplier_dd.models.base import utcnow
from tests.declaration_helpers import make_request
from tests.factories import make_supplier


def _declaration(request, status: str = "draft") -> Declaration:
    questionnaire, now = current_version("modern_slavery"), utcnow()
    declaration = Declaration(
        supplier_id=request.supplier_id, request=request, questionnaire_id=questionnaire.id,
        questionnaire_version=questionnaire.version, status=status, answers={},
        review_question_ids=[], created_at=now, updated_at=now,
    )
    if status != "draft":
        declaration.canonical_answers, declaration.answers_sha256 = "{}", "0" * 64
        declaration.signatory_name, declaration.submitted_at = "Jane Smith", now
    return declaration


def test_the_database_refuses_a_second_draft_for_the_same_request(session):
    request = make_request(session, make_supplier(session))
    session.add(_declaration(request))
    session.commit()

    session.add(_declaration(request))
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()
    assert len(request.declarations) == 1


def test_a_request_may_hold_earlier_versions_beside_its_one_draft(session):
    supplier = make_supplier(session)
    request, other_request = make_request(session, supplier), make_request(session, supplier)
    session.add_all([_declaration(request, "superseded"), _declaration(request, "submitted"),
                     _declaration(request), _declaration(other_request)])
    session.commit()
    assert sorted(d.status for d in request.declarations) == ["draft", "submitted", "superseded"]
