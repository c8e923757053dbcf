"""Switching a council to risk model v2, on SQLite and PostgreSQL: `scores recompute --model v2`
appends v2 assessments beside the v1 ones (kept unchanged as history), passes each declaration's
verified answers, moves the suppliers the v2 rules move, and makes v2 the model new declarations
are scored with. Re-scoring one supplier when evidence changes (services.risk.rescore_supplier).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import select

from supplier_dd.domain.questionnaire import load_questionnaire
from supplier_dd.models import Contract
from supplier_dd.models.answer_verification import AnswerVerification
from supplier_dd.models.risk import RiskAssessment
from supplier_dd.services import audit
from supplier_dd.services.risk import current_assessment, rescore_supplier
from supplier_dd.services.risk_models import active_version
from tests.factories import make_supplier
from tests.integration.test_risk_workflow import BEST, submitted_declaration

LATER = datetime(2026, 11, 25, 9, 0)
STATEMENT = ("s54_statement_url", "s54_period_start", "s54_period_end", "s54_approval_date",
             "s54_signatory", "s54_director_signed", "s54_areas", "s54_on_registry")
# Over £500m, says it is not a relevant commercial organisation, and has no statement.
BIG_CLAIMS = {k: v for k, v in BEST.items() if k not in STATEMENT} | {
    "org_turnover_band": "over-500m", "s54_is_rco": "no", "s54_has_statement": "no"}
# The best answers everywhere, with PPN 02/23 high-risk goods: High inherent under v2.
UNIFORMS = BEST | {"sc_high_risk_goods": ["garments_textiles", "ppe"]}


def _history(session, supplier):
    return session.scalars(select(RiskAssessment).where(RiskAssessment.supplier_id == supplier.id)
                           .order_by(RiskAssessment.id)).all()


def _supplier(session, name, answers, value=None):
    supplier = make_supplier(session, name=name)
    if value is not None:
        session.add(Contract(reference=f"C-{supplier.id}", title="Uniforms and cleaning",
                             category="Cleaning", value=Decimal(value), supplier=supplier))
        session.flush()
    declaration = submitted_declaration(session, supplier, answers)
    return supplier, declaration


def _verify_every_answer(session, declaration):
    for question in load_questionnaire("modern_slavery", 1).questions:
        session.add(AnswerVerification(declaration_id=declaration.id, question_id=question.id,
                                       kind="document", note="Checked", verified_at=LATER))
    session.flush()


def test_recompute_with_v2_appends_history_moves_suppliers_and_switches_the_model(
        session, runner):
    gamer, _ = _supplier(session, "Big Claims Ltd", BIG_CLAIMS)
    unverified, _ = _supplier(session, "Uniform Claims Ltd", UNIFORMS, value="1450000")
    evidenced, evidenced_declaration = _supplier(session, "Uniform Evidence Ltd", UNIFORMS,
                                                 value="1450000")
    _verify_every_answer(session, evidenced_declaration)
    session.commit()
    assert active_version(session) == "v1"
    v1_rows = {s.id: current_assessment(session, s.id) for s in (gamer, unverified, evidenced)}
    v1_breakdowns = {k: dict(r.breakdown) for k, r in v1_rows.items()}
    assert {r.model_version for r in v1_rows.values()} == {"v1"}
    # v1 took the suppliers' word: the best answers are Low, evidence or not.
    assert [v1_rows[s.id].residual_band for s in (gamer, unverified, evidenced)] == [
        "Low", "Low", "Low"]

    result = runner.invoke(args=["scores", "recompute", "--model", "v2"])
    assert result.exit_code == 0, result.output
    assert "Risk model v2 is now the active model" in result.output
    assert active_version(session) == "v2"
    session.expire_all()

    for supplier in (gamer, unverified, evidenced):
        rows = _history(session, supplier)
        assert [(r.model_version, r.is_current) for r in rows] == [("v1", False), ("v2", True)]
        assert rows[0].breakdown == v1_breakdowns[supplier.id]  # v1 kept as scored
        assert rows[0].superseded_at is not None
    gamer_now = current_assessment(session, gamer.id)
    assert (gamer_now.residual_band, gamer_now.red_flags) == (
        "High", ["rco_without_current_statement"])
    assert gamer_now.breakdown["checks"]["relevant_commercial_organisation"] is True
    unverified_now = current_assessment(session, unverified.id)
    assert (unverified_now.inherent_band, unverified_now.residual_band) == ("High", "Medium")
    assert unverified_now.breakdown["verified_maturity"]["percent"] == 0.0
    evidenced_now = current_assessment(session, evidenced.id)
    assert evidenced_now.residual_band == "Low"
    assert evidenced_now.breakdown["verified_maturity"]["percent"] == 100.0

    # The next run uses the active model and finds nothing to change.
    again = runner.invoke(args=["scores", "recompute"])
    assert "with risk model v2: 0 changed, 3 unchanged" in again.output, again.output
    assert "now the active model" not in again.output

    # A new declaration is scored with the active model.
    newcomer, _ = _supplier(session, "New Big Claims Ltd", BIG_CLAIMS)
    assert current_assessment(session, newcomer.id).model_version == "v2"
    assert current_assessment(session, newcomer.id).residual_band == "High"


def test_withdrawn_evidence_rescores_the_supplier_and_keeps_history(session, runner):
    supplier, declaration = _supplier(session, "Uniform Evidence Ltd", UNIFORMS,
                                      value="1450000")
    _verify_every_answer(session, declaration)
    session.commit()
    # Under v1 evidence changes nothing: no new assessment.
    assert rescore_supplier(session, supplier.id, LATER, audit.SYSTEM).model_version == "v1"
    assert len(_history(session, supplier)) == 1
    runner.invoke(args=["scores", "recompute", "--model", "v2"])
    session.expire_all()
    assert current_assessment(session, supplier.id).residual_band == "Low"
    for verification in session.scalars(select(AnswerVerification).where(
            AnswerVerification.declaration_id == declaration.id)):
        verification.withdrawn_at = LATER
        verification.withdrawal_reason = "Certificate was for another company"
    session.flush()
    row = rescore_supplier(session, supplier.id, LATER, audit.SYSTEM)
    assert (row.model_version, row.residual_band, row.reason) == ("v2", "Medium",
                                                                  "evidence_changed")
    assert [(r.model_version, r.residual_band) for r in _history(session, supplier)] == [
        ("v1", "Low"), ("v2", "Low"), ("v2", "Medium")]
