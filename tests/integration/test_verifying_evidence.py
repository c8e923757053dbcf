"""Officers verifying the evidence behind answers (issue 16), on SQLite and PostgreSQL: each
mutation checks the declaration, question, file or registry statement, is audited with before
and after, and scores the supplier again, so a High inherent supplier whose answers are the best
(Medium on its word alone under model v2) becomes Low once the answers are verified, and goes
back when the verifications are withdrawn."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from supplier_dd.domain.risk.model import load_model
from supplier_dd.models import AuditEntry, Contract, EvidenceFile
from supplier_dd.models.answer_verification import AnswerVerification
from supplier_dd.models.declaration import Declaration
from supplier_dd.models.imports import RegistryStatement
from supplier_dd.services import ServiceError, audit
from supplier_dd.services import answer_verification as verifying
from supplier_dd.services.declarations import submit
from supplier_dd.services.risk import current_assessment, rescore_supplier, scoring_plan_for
from supplier_dd.services.risk_models import activate
from tests.factories import make_supplier, make_user
from tests.integration.test_risk_workflow import BEST

LATER = datetime(2026, 11, 25, 9, 0)
# The best answers everywhere, with PPN 02/23 high-risk goods: High inherent under v2.
UNIFORMS = BEST | {"sc_high_risk_goods": ["garments_textiles", "ppe"]}


def _file(declaration, question_id="pol_policy_file", name="policy.pdf"):
    item = EvidenceFile(declaration_id=declaration.id, question_id=question_id,
                        original_filename=name, stored_name=f"stored-{name}-{declaration.id}",
                        content_type="application/pdf", size_bytes=10, sha256="0" * 64)
    declaration.evidence.append(item)
    return item


def _declaration(session, supplier, *, submitted=True):
    declaration = Declaration(supplier_id=supplier.id, questionnaire_id="modern_slavery",
                              questionnaire_version=1, answers=dict(UNIFORMS))
    session.add(declaration)
    session.flush()
    policy = _file(declaration)
    _file(declaration, "s54_statement_file", "statement.pdf")
    session.flush()
    if submitted:
        submit(session, declaration, signatory_name="Amara Osei", signatory_role="Director",
               confirms_true=True, confirms_authority=True, ip="127.0.0.1", user=None,
               now=datetime(2026, 11, 20, 9, 0))
    return declaration, policy


def uniform_supplier(session, now=LATER):
    """High inherent risk under v2 (a £1.45m uniforms contract, PPN 02/23 goods), the best
    answers, a policy file and a statement file, scored with model v2 active."""
    supplier = make_supplier(session, name="Uniform Evidence Ltd")
    session.add(Contract(reference="C-1", title="Uniforms and cleaning", category="Cleaning",
                         value=Decimal("1450000"), supplier=supplier))
    session.flush()
    declaration, policy = _declaration(session, supplier)
    activate(session, load_model("v2"), now, audit.SYSTEM)
    rescore_supplier(session, supplier.id, now, audit.SYSTEM)
    return supplier, declaration, policy


@pytest.fixture
def world(session):
    supplier, declaration, policy = uniform_supplier(session)
    officer = make_user(session, "officer", email="officer@council.example")
    session.commit()
    return supplier, declaration, policy, officer


def _certify(session, declaration, question_id, officer, **overrides):
    values = dict(scheme="SMETA", certifying_body="Sedex", certified_on=date(2026, 6, 1),
                  expires_on=date(2027, 6, 1))
    values.update(overrides)
    return verifying.verify_certification(session, declaration, question_id, officer, LATER,
                                          note="Audit report read", **values)


def _audits(session, action):
    return session.scalars(select(AuditEntry).where(AuditEntry.action == action)
                           .order_by(AuditEntry.id)).all()


def test_verifying_every_answer_takes_high_inherent_from_medium_to_low_and_back(session, world):
    supplier, declaration, _, officer = world
    before = current_assessment(session, supplier.id)
    assert (before.model_version, before.inherent_band, before.residual_band) == (
        "v2", "High", "Medium")
    assert before.breakdown["verified_maturity"]["percent"] == 0.0
    scored = [q.id for q in scoring_plan_for("modern_slavery", 1).questions if q.scored]
    added = [_certify(session, declaration, qid, officer) for qid in scored]
    session.commit()
    after = current_assessment(session, supplier.id)
    assert after.residual_band == "Low"
    assert after.breakdown["verified_maturity"]["percent"] == 100.0
    assert after.reason == "evidence_changed"
    assert len(_audits(session, "answer.verified")) == len(scored)

    for verification in added:
        verifying.withdraw(session, verification, officer, LATER, "The audit covered another site")
    session.commit()
    withdrawn = current_assessment(session, supplier.id)
    assert withdrawn.residual_band == "Medium"
    assert withdrawn.breakdown["verified_maturity"]["percent"] == 0.0
    entry = _audits(session, "answer.verification_withdrawn")[0]
    assert entry.before["withdrawn"] is False and entry.after["withdrawn"] is True
    assert entry.after["withdrawal_reason"] == "The audit covered another site"
    assert entry.details["supplier_id"] == supplier.id


def test_a_document_must_be_a_file_uploaded_with_that_answer(session, world):
    supplier, declaration, policy, officer = world
    other_declaration, other_file = _declaration(session, make_supplier(session, name="Other"))
    statement_file = next(f for f in declaration.evidence if f.question_id == "s54_statement_file")
    with pytest.raises(ServiceError, match="uploaded with this answer"):
        verifying.verify_document(session, declaration, "pol_has_policy", other_file, officer,
                                  LATER)
    with pytest.raises(ServiceError, match="uploaded with this answer"):
        verifying.verify_document(session, declaration, "pol_has_policy", statement_file,
                                  officer, LATER)
    with pytest.raises(ServiceError, match="scored question"):
        verifying.verify_document(session, declaration, "pol_policy_file", policy, officer,
                                  LATER)
    with pytest.raises(ServiceError, match="Select the file"):
        verifying.verify_document(session, declaration, "pol_has_policy", None, officer, LATER)
    assert verifying.files_for_answer(declaration, "pol_has_policy") == [policy]

    verification = verifying.verify_document(session, declaration, "pol_has_policy", policy,
                                             officer, LATER, "Signed by the board in 2026")
    session.commit()
    assert verifying.verified_question_ids(session, declaration.id, LATER.date()) == {
        "pol_has_policy"}
    entry = _audits(session, "answer.verified")[-1]
    assert entry.before is None
    assert (entry.after["kind"], entry.after["evidence_file_id"]) == ("document", policy.id)
    assert entry.actor_email == "officer@council.example"
    assert verifying.describe(verification) == "document policy.pdf checked"
    # A double click finds the first one standing.
    with pytest.raises(ServiceError, match="already verified"):
        verifying.verify_document(session, declaration, "pol_has_policy", policy, officer, LATER)


def test_the_unique_index_turns_a_race_into_already_verified(session, world, monkeypatch):
    _, declaration, policy, officer = world
    verifying.verify_document(session, declaration, "pol_has_policy", policy, officer, LATER)
    session.commit()
    # Two requests both passed the check before either wrote: the index refuses the second.
    monkeypatch.setattr(verifying, "_standing", lambda *args: False)
    with pytest.raises(ServiceError, match="already verified"):
        verifying.verify_document(session, declaration, "pol_has_policy", policy, officer, LATER)
    session.commit()  # the session is still usable
    assert len(session.scalars(select(AnswerVerification)).all()) == 1


def test_refusals_draft_supplier_dates_and_reason(session, world):
    supplier, declaration, _, officer = world
    draft, draft_file = _declaration(session, supplier, submitted=False)
    with pytest.raises(ServiceError, match="submitted declaration"):
        verifying.verify_document(session, draft, "pol_has_policy", draft_file, officer, LATER)
    contact = make_user(session, "supplier", email="jane@uniform.example", supplier=supplier)
    with pytest.raises(ServiceError, match="officers"):
        _certify(session, declaration, "pol_has_policy", contact)
    with pytest.raises(ServiceError, match="today or in the past"):
        _certify(session, declaration, "pol_has_policy", officer, certified_on=date(2026, 12, 1))
    with pytest.raises(ServiceError, match="after the date"):
        _certify(session, declaration, "pol_has_policy", officer, expires_on=date(2026, 6, 1))
    with pytest.raises(ServiceError, match="scheme"):
        _certify(session, declaration, "pol_has_policy", officer, scheme="  ")
    verification = _certify(session, declaration, "pol_has_policy", officer)
    with pytest.raises(ServiceError, match="Enter why"):
        verifying.withdraw(session, verification, officer, LATER, " ")
    verifying.withdraw(session, verification, officer, LATER, "Wrong company")
    with pytest.raises(ServiceError, match="already been withdrawn"):
        verifying.withdraw(session, verification, officer, LATER, "Again")
    # Withdrawn, it may be replaced.
    _certify(session, declaration, "pol_has_policy", officer)
    session.commit()
    assert session.scalar(select(AnswerVerification).where(
        AnswerVerification.withdrawn_at.is_(None))).scheme == "SMETA"


def test_a_registry_statement_backs_only_s54_answers_of_the_matched_supplier(session, world):
    supplier, declaration, _, officer = world
    supplier.companies_house_number = "01234567"
    mine = RegistryStatement(statement_year=2025, organisation_key="01234567",
                             organisation_name="Uniform Evidence Ltd",
                             normalised_name="uniform evidence", company_number="01234567",
                             end_date=date(2026, 3, 31))
    theirs = RegistryStatement(statement_year=2025, organisation_key="07654321",
                               organisation_name="Someone Else Ltd",
                               normalised_name="someone else", company_number="07654321",
                               end_date=date(2026, 3, 31))
    session.add_all([mine, theirs])
    session.flush()
    assert verifying.matched_registry_statements(session, declaration, LATER.date()) == [mine]
    with pytest.raises(ServiceError, match="matched to this supplier"):
        verifying.verify_registry(session, declaration, "s54_on_registry", theirs, officer, LATER)
    with pytest.raises(ServiceError, match="s.54"):
        verifying.verify_registry(session, declaration, "pol_has_policy", mine, officer, LATER)
    verification = verifying.verify_registry(session, declaration, "s54_on_registry", mine,
                                             officer, LATER)
    session.commit()
    assert verification.registry_statement_id == mine.id
    assert "s54_on_registry" in verifying.verified_question_ids(session, declaration.id,
                                                                LATER.date())


def test_v2_flags_areas_declared_that_differ_from_the_registry_statement(session, world):
    supplier, declaration, _, officer = world
    supplier.companies_house_number = "01234567"
    # The registered statement covers three of the six areas; the supplier declared all six.
    session.add(RegistryStatement(
        statement_year=2025, organisation_key="01234567", company_number="01234567",
        organisation_name="Uniform Evidence Ltd", normalised_name="uniform evidence",
        end_date=date(2026, 3, 31), includes_policies=True, includes_training=True,
        includes_due_diligence=True))
    session.flush()
    flagged = rescore_supplier(session, supplier.id, LATER, audit.SYSTEM)
    assert flagged.model_version == "v2"
    assert flagged.breakdown["checks"]["registry_areas_differ"] is True
    line = next(line for line in flagged.breakdown["explanation"]
                if line.startswith("Areas declared differ from the registry statement"))
    assert "declared but not in the registered statement: Organisational structure" in line
    assert "Monitoring and evaluation" in line and "Policies" not in line
    # A flag for the officer, not a floor: the rating is what the answers and evidence give.
    assert flagged.residual_band == "Medium" and flagged.red_flags == []
    # The officer's supplier page shows the same difference beside the registry facts.
    from supplier_dd.domain.statement_registry import registry_mismatches
    from supplier_dd.services.statement_registry import registry_facts_for
    mismatches = registry_mismatches(registry_facts_for(session, supplier, LATER.date()),
                                     declaration.answers)
    assert "declared_areas_differ" in {m.code for m in mismatches}


def test_v1_assessments_ignore_the_registry_areas(session):
    supplier = make_supplier(session, name="Uniform Evidence Ltd",
                             companies_house_number="01234567")
    session.add(RegistryStatement(
        statement_year=2025, organisation_key="01234567", company_number="01234567",
        organisation_name="Uniform Evidence Ltd", normalised_name="uniform evidence",
        end_date=date(2026, 3, 31), includes_policies=True))
    session.flush()
    _declaration(session, supplier)
    row = current_assessment(session, supplier.id)
    assert row.model_version == "v1" and "checks" not in row.breakdown
    assert not any("registry statement" in line for line in row.breakdown["explanation"])
