"""Questionnaire v2 end to end (issue 16): a v1 declaration is kept as it was, the next one is a
v2 draft prefilled where the questions are the same, and v2 is asked and scored at the
supplier's proportionate form level."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from supplier_dd.demo.declarations import demo_answers
from supplier_dd.domain.questionnaire import load_questionnaire
from supplier_dd.domain.risk.model import load_model
from supplier_dd.models import Contract, Declaration, SharedAnswer, Tender
from supplier_dd.models.base import utcnow
from supplier_dd.services import audit, risk_models
from supplier_dd.services import declarations as service
from supplier_dd.services.declaration_integrity import declaration_checks
from supplier_dd.services.declaration_pdf import declaration_pdf
from supplier_dd.services.risk import current_assessment, score_supplier
from tests.declaration_helpers import make_request
from tests.factories import make_supplier, make_user
from tests.unit.test_risk_scoring import BEST

NOW = utcnow()
V2 = load_questionnaire("modern_slavery", 2)


def _submit(session, draft, answers, when=NOW):
    draft.answers = dict(answers)
    session.flush()
    return service.submit(session, draft, signatory_name="Amara Osei", signatory_role="Director",
                          confirms_true=True, confirms_authority=True, ip="198.51.100.7",
                          user=None, now=when)


def _v1_declaration(session, supplier, request):
    """A v1 declaration as made before v2 was published."""
    draft = Declaration(supplier_id=supplier.id, request=request,
                        questionnaire_id="modern_slavery", questionnaire_version=1,
                        status="draft", answers={}, review_question_ids=[],
                        created_at=NOW - timedelta(days=40), updated_at=NOW - timedelta(days=40))
    session.add(draft)
    session.flush()
    return _submit(session, draft, BEST | {"excl_conviction": "no"}, NOW - timedelta(days=30))


def _answers_match_what_was_signed(declaration) -> bool:
    checks = declaration_checks(declaration, None, [], None)
    return next(c for c in checks if c.name == "Answers as kept match the signed answers").passed


def _tender_request(session, supplier, tier):
    request = make_request(session, supplier)
    request.tender.risk_tier = tier
    session.flush()
    return request


def test_a_v1_declaration_is_kept_and_the_next_is_v2_prefilled_where_the_ids_match(session):
    supplier = make_supplier(session, name="Brightwater Cleaning Services Ltd")
    v1 = _v1_declaration(session, supplier, make_request(session, supplier, kind="annual"))
    stored = current_assessment(session, supplier.id)
    session.commit()
    assert (v1.questionnaire_version, v1.form_level) == (1, None)

    draft = service.start_or_resume(session, None, _tender_request(session, supplier, "high"),
                                    None, NOW)
    assert (draft.questionnaire_version, draft.prefilled_from_id) == (2, v1.id)
    answers = draft.answers
    for question_id in ("org_legal_name", "s54_has_statement", "wf_pay", "sc_high_risk_goods",
                        "trn_audiences", "rem_grievance"):
        assert answers[question_id] == BEST[question_id], question_id
    # v2's new questions start empty, and v1's replaced exclusion questions are not carried.
    for question_id in ("org_vcse", "org_uk_business", "excl_s6_supplier", "wf_share_agency",
                        "ilo_free_to_leave", "sc_certifications", "excl_conviction"):
        assert question_id not in answers, question_id
    assert set(draft.review_question_ids) == set(answers)

    # The v1 declaration, its score and its PDF are as they were.
    session.expire_all()
    kept = session.get(Declaration, v1.id)
    assert (kept.status, kept.questionnaire_version) == ("submitted", 1)
    assert _answers_match_what_was_signed(kept)
    rescored = score_supplier(session, kept.supplier, load_model(stored.model_version), kept, NOW)
    assert rescored.as_dict() == stored.breakdown
    pdf = declaration_pdf(kept, service.questionnaire_of(kept), service.submitted_answers(kept),
                          "Test Council", "D-1")
    assert pdf.startswith(b"%PDF")


def test_a_high_risk_tender_asks_an_sme_everything_and_scores_it_with_model_v2(session):
    supplier = make_supplier(session, name="Acme Facilities Ltd", turnover_band="under-36m")
    admin = make_user(session, "admin", email="admin@example.org")
    risk_models.activate(session, load_model("v2"), NOW,
                         audit.Actor(admin.id, admin.email, "admin"))
    request = _tender_request(session, supplier, "high")
    draft = service.start_or_resume(session, None, request, None, NOW)
    answers = demo_answers(supplier, "acme", "good", NOW.date()) | {
        "org_headcount": 40, "org_turnover_band": "under-36m",  # an SME
        "ilo_free_to_leave": "no",
    }
    assert service.form_level_of(replace_answers(draft, answers)) == "high"
    declaration = _submit(session, draft, answers)
    session.commit()

    assert (declaration.questionnaire_version, declaration.form_level) == (2, "high")
    assessment = current_assessment(session, supplier.id)
    assert assessment.model_version == "v2"
    assert "not_free_to_leave" in assessment.red_flags
    assert assessment.residual_band in ("High", "Critical")
    scored = {q["question_id"] for q in assessment.breakdown["maturity"]["questions"]}
    assert {"sc_audits", "sc_certifications", "ilo_wages_on_time"} <= scored


def replace_answers(draft, answers):
    draft.answers = dict(answers)
    return draft


def test_a_medium_risk_vcse_gets_the_short_form_and_is_scored_on_it_alone(session):
    supplier = make_supplier(session, name="Kindred Care CIC", turnover_band="36m-60m")
    tender = Tender(reference="T-VCSE", title="Home care", risk_tier="medium",
                    invited_suppliers=[supplier])
    session.add(tender)
    session.flush()
    requests, _ = service.request_for_tender(session, tender, NOW.date() + timedelta(days=30),
                                             None, NOW)
    draft = service.start_or_resume(session, None, requests[0], None, NOW)
    answers = demo_answers(supplier, "kindred", "good", NOW.date()) | {
        "org_vcse": "yes", "org_headcount": 900,
        # Answered on a longer form earlier, say, but not asked now: neither kept nor scored.
        "ilo_free_to_leave": "no", "sc_certifications": ["none"],
    }
    draft.answers = answers
    assert service.form_level_of(draft) == "core"
    assert service.form_level_explanation(draft).startswith(
        "This is the short form because you told us you are a voluntary, community")
    asked = service.questionnaire_of(draft)
    assert "ilo_free_to_leave" not in {q.id for q in asked.questions}
    assert "excl_s6_supplier" in {q.id for q in asked.questions}

    declaration = _submit(session, draft, answers)
    session.commit()
    assert declaration.form_level == "core"
    assert "ilo_free_to_leave" not in declaration.canonical_answers
    assessment = current_assessment(session, supplier.id)
    scored = {q["question_id"] for q in assessment.breakdown["maturity"]["questions"]}
    core_ids = {q.id for q in V2.at_level("core").questions}
    assert scored and scored <= core_ids
    assert "not_free_to_leave" not in assessment.red_flags
    # What was signed is what the declaration keeps, checked at the level it was asked.
    assert _answers_match_what_was_signed(declaration)

    # The council raising the tender's tier later does not change what the declaration was
    # asked, or its score.
    tender.risk_tier = "high"
    session.flush()
    session.expire_all()
    kept = session.get(Declaration, declaration.id)
    assert service.form_level_of(kept) == "core"
    again = score_supplier(session, kept.supplier, load_model(assessment.model_version), kept,
                           NOW)
    assert again.as_dict() == assessment.breakdown


def test_a_contract_without_a_tender_tier_is_high_risk_when_its_industry_is(session):
    supplier = make_supplier(session, name="Fieldfare Farms Ltd")
    request = make_request(session, supplier, kind="contract")
    contract = Contract(reference="C-FARM", title="Produce", value=Decimal("90000"),
                        supplier=supplier, ppn_high_risk=True)
    session.add(contract)
    request.contract = contract
    session.flush()
    assert service.request_tier(request) == "high"
    contract.ppn_high_risk = False
    assert service.request_tier(request) is None
    awarding = Tender(reference="T-FARM", title="Produce", risk_tier="low", contract=contract)
    session.add(awarding)
    session.flush()
    assert service.request_tier(request) == "low"


def test_a_short_form_declaration_does_not_answer_a_high_risk_tenders_request(session):
    supplier = make_supplier(session, name="Kindred Care CIC", turnover_band="36m-60m")
    medium = _tender_request(session, supplier, "medium")
    high = _tender_request(session, supplier, "high")
    annual = make_request(session, supplier, kind="annual")
    draft = service.start_or_resume(session, None, medium, None, NOW)
    _submit(session, draft, demo_answers(supplier, "kindred", "good", NOW.date())
            | {"org_vcse": "yes"})
    session.commit()
    assert draft.form_level == "core"
    answered = {row.request_id for row in session.scalars(select(SharedAnswer))}
    # The annual request asks a VCSE the short form too; the high-risk tender asks everything.
    assert answered == {annual.id}
    assert high.id not in answered
