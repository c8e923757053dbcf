"""Cabinet pack edition 2 (issue 16): each figure says exactly what it counts, and a closed
year's pack stays edition 1, byte for byte.

One world built for the purpose, in the 2025/26 financial year: a supplier awaiting a
declaration whose inherent risk is High beside one assessed High on its declaration, a linked
and an unlinked referral, training for a course that is not CIPS, contracts in and out of the
PPN 02/23 high-risk categories, an exclusion decision and debarment checks, and an action plan
named after its file whose overdue actions were rated Green on import.
"""

from __future__ import annotations

import io
import json
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from supplier_dd.models import (
    ActionPlan,
    ActionPlanPriority,
    ActionRagChange,
    CabinetPackRun,
    Contract,
    DebarmentCheck,
    Declaration,
    ExclusionDecision,
    PlanAction,
    Referral,
    RiskAssessment,
    TrainingRecord,
)
from supplier_dd.models.declaration import STATUS_SUBMITTED
from supplier_dd.reports.data import FinancialYear
from supplier_dd.reports.editions import EDITION_1, EDITION_2, default_edition
from supplier_dd.reports.pdf import render_pdf
from supplier_dd.reports.queries import build_report_data
from supplier_dd.reports.xlsx import render_xlsx
from supplier_dd.services import audit, pack_targets
from supplier_dd.services.cabinet_packs import check_request, start_run
from tests.factories import make_supplier
from tests.report_checks import assert_pack_reports, pdf_text

YEAR = FinancialYear(2025)
COVER = date(2026, 5, 1)
IN_YEAR = datetime(2025, 9, 1, 10, 0)


def _assessment(session, supplier, band: str, declaration: Declaration | None):
    rank = {"Low": 1, "Medium": 2, "High": 3, "Critical": 4}[band]
    session.add(RiskAssessment(
        supplier_id=supplier.id, declaration_id=declaration.id if declaration else None,
        model_version="v1", model_fingerprint="0" * 16, inherent_score=70,
        inherent_band=band, residual_score=70, residual_band=band, residual_rank=rank,
        reason="declaration_submitted" if declaration else "profile_changed",
        created_at=IN_YEAR))


def _declaration(session, supplier, answers: dict | None = None) -> Declaration:
    answers = answers or {}
    declaration = Declaration(supplier_id=supplier.id, questionnaire_id="modern_slavery",
                              questionnaire_version=1, answers=answers, status=STATUS_SUBMITTED,
                              submitted_at=IN_YEAR,
                              canonical_answers=json.dumps({"answers": answers}),
                              answers_sha256="0" * 64, signatory_name="Amara Osei")
    session.add(declaration)
    session.flush()
    return declaration


@pytest.fixture
def world(session):
    awaiting = make_supplier(session, name="Awaiting Haulage Ltd")
    _assessment(session, awaiting, "High", None)
    assessed = make_supplier(session, name="Declared Cleaning Ltd")
    _assessment(session, assessed, "High", _declaration(session, assessed))

    session.add_all([
        Referral(referred_on=date(2025, 10, 1), referral_type="nrm", service_area="Housing",
                 supplier_id=assessed.id),
        Referral(referred_on=date(2025, 11, 1), referral_type="nrm", service_area="Housing"),
        TrainingRecord(staff_group="procurement_team", course="Ethical procurement",
                       completed=8, total=10, recorded_on=date(2025, 6, 1)),
        Contract(reference="C-PPN", title="Hand car wash", value=Decimal("120000.40"),
                 start_date=date(2025, 4, 1), ppn_high_risk=True, supplier_id=assessed.id),
        Contract(reference="C-OTHER", title="Legal advice", value=Decimal("5000"),
                 start_date=date(2025, 4, 1), ppn_high_risk=False, supplier_id=assessed.id),
    ])
    plan = ActionPlan(title="Action plan imported from msap-2025.docx",
                      source_filename="msap-2025.docx", created_at=datetime(2025, 5, 1))
    priority = ActionPlanPriority(plan=plan, position=1, number=1, title="Procurement")
    overdue = PlanAction(priority=priority, position=1, ref="1.1",
                         description="Train buyers", end_date=date(2025, 12, 31), rag="green",
                         progress="in_progress")
    rated = PlanAction(priority=priority, position=2, ref="1.2",
                       description="Audit suppliers", end_date=date(2025, 12, 31),
                       rag="green", progress="in_progress")
    session.add_all([plan, priority, overdue, rated])
    session.flush()
    session.add(ActionRagChange(action_id=rated.id, from_rag="red", to_rag="green",
                                reason="On track after the audit", changed_by_name="officer",
                                changed_at=datetime(2026, 1, 5)))
    session.flush()
    return {"awaiting": awaiting, "assessed": assessed, "plan": plan}


def _build(session, edition: int, **extra):
    return build_report_data(session, YEAR, COVER, "Helen Marsh", council="Test council",
                             edition=edition, **extra)


def _add_what_only_edition_2_reads(session, world):
    """Exclusion decisions, debarment checks, the council's targets and officers' RAG
    ratings: edition 1 reads none of them."""
    session.add_all([
        ExclusionDecision(supplier_id=world["assessed"].id, outcome="not_excluded",
                          grounds=[], likely_to_recur=False, reasons="Self-cleaned",
                          decided_on=date(2025, 12, 1), created_at=datetime(2025, 12, 1)),
        DebarmentCheck(supplier_id=world["assessed"].id, checked_at=IN_YEAR, matched=True,
                       context="import"),
        DebarmentCheck(supplier_id=world["awaiting"].id, checked_at=IN_YEAR, matched=False,
                       context="import"),
    ])
    pack_targets.set_targets(session, {"reattestation.on_time_share": 75.0}, None,
                             audit.SYSTEM, datetime(2026, 2, 1))
    session.flush()


def test_a_closed_year_is_edition_1_and_rebuilds_to_the_same_bytes(session, world):
    before = _build(session, EDITION_1)
    pdf, xlsx = render_pdf(before), render_xlsx(before)
    _add_what_only_edition_2_reads(session, world)
    after = _build(session, EDITION_1)
    assert after.checksum() == before.checksum()
    assert render_pdf(after) == pdf and render_xlsx(after) == xlsx
    assert "Edition" not in pdf_text(pdf).split("Data checksum")[0]

    # A run for the closed year is recorded as edition 1, the current year as edition 2.
    assert default_edition(YEAR) == EDITION_1
    assert default_edition(FinancialYear(2026)) == EDITION_2
    request = check_request("2025/26", COVER, "Helen Marsh", "1.0", date(2026, 12, 2),
                            session=session)
    run = start_run(session, request, None, "test", datetime(2026, 12, 2))
    assert session.get(CabinetPackRun, run.id).edition == EDITION_1

    # Edition 2 does read them.
    edition_2 = _build(session, EDITION_2)
    assert edition_2.figure("debarment.checks").value == 2
    assert edition_2.checksum() != before.checksum()


def test_an_awaiting_supplier_inherently_high_is_not_rated_high_in_edition_2(session, world):
    one, two = _build(session, EDITION_1), _build(session, EDITION_2)
    assert one.figure("risk.high_critical").value == 2
    assert one.figure("risk.band.high").value == 2
    assert two.figure("risk.high_critical").value == 1
    assert two.figure("risk.band.high").value == 1
    awaiting = two.figure("risk.awaiting_declaration")
    assert (awaiting.label, awaiting.value) == (
        "Suppliers awaiting a declaration (inherent risk only)", 1)
    assert awaiting in two.risk_bands.figures
    serious = next(t for t in two.evidence_tables if t.title.startswith("Suppliers rated High"))
    assert [row[0] for row in serious.rows] == ["Declared Cleaning Ltd"]
    text = pdf_text(render_pdf(two))
    assert "Suppliers awaiting a declaration (inherent risk only)" in text


def test_the_registry_measure_is_named_for_what_it_checks(session, world):
    one, two = _build(session, EDITION_1), _build(session, EDITION_2)
    assert "compliant" in one.figure("s54.compliant_share").label
    label = two.figure("s54.compliant_share").label
    assert label.startswith("Registered statement covering all six areas")
    assert "compliant" not in label.lower()


def test_commitment_9_counts_only_referrals_linked_to_a_supplier_or_contract(session, world):
    two = _build(session, EDITION_2)
    linked = two.figure("referrals.linked_to_supplier")
    assert linked.value == 1
    commitment = next(c for c in two.charter if c.number == 9)
    assert commitment.evidence[1:] == (linked,)
    assert "linked to a supplier or contract" in commitment.note
    one = _build(session, EDITION_1)
    assert next(c for c in one.charter if c.number == 9).evidence[1].value == 2


def test_training_reads_one_figure_named_for_its_course_everywhere(session, world):
    two = _build(session, EDITION_2)
    headline = next(k.figure for k in two.summary
                    if k.figure.key == "training.procurement_team.share")
    assert headline.label == "Procurement team trained (Ethical procurement)"
    assert headline.value == 80.0
    commitment_1 = next(c for c in two.charter if c.number == 1)
    assert headline in commitment_1.evidence
    # Edition 1 calls any procurement course CIPS: the contradiction edition 2 removes.
    one = _build(session, EDITION_1)
    assert next(k.figure.label for k in one.summary
                if k.figure.key == "training.procurement_team.share") \
        == "Procurement team trained (CIPS)"


def test_with_no_procurement_training_every_place_says_so(session):
    two = _build(session, EDITION_2)
    headline = next(k.figure for k in two.summary
                    if k.figure.key == "training.procurement_team.share")
    assert headline.display() == "None recorded"
    commitment_1 = next(c for c in two.charter if c.number == 1)
    assert [f.display() for f in commitment_1.evidence[1:]] == [headline.display()]


def test_targets_are_the_councils_as_they_stood_on_the_as_of_date(session, world):
    def on_time(data):
        return next(k for k in data.summary if k.figure.key == "reattestation.on_time_share")

    assert on_time(_build(session, EDITION_2)).target_note == \
        "Default target (not set by the council)"
    pack_targets.set_targets(session, {"reattestation.on_time_share": 75.0}, None,
                             audit.SYSTEM, datetime(2026, 2, 1, 9))
    pack_targets.set_targets(session, {"reattestation.on_time_share": 80.0}, None,
                             audit.SYSTEM, datetime(2026, 6, 1, 9))  # after the year's end
    kpi = on_time(_build(session, EDITION_2))
    assert (kpi.target, kpi.target_note) == (75.0, "Target set by the council on 01/02/2026")
    assert on_time(_build(session, EDITION_1)).target == 90.0
    text = pdf_text(render_pdf(_build(session, EDITION_2)))
    assert "Target set by the council on 01/02/2026" in text


def test_contracts_and_spend_in_ppn_high_risk_categories(session, world):
    two = _build(session, EDITION_2)
    assert two.figure("ppn.high_risk_contracts").value == 1
    assert two.figure("ppn.high_risk_value").value == 120000
    assert "Contracts in PPN 02/23 high-risk categories" in pdf_text(render_pdf(two))


def test_exclusion_decisions_and_debarment_checks_in_the_year(session, world):
    _add_what_only_edition_2_reads(session, world)
    two = _build(session, EDITION_2)
    assert two.figure("exclusions.not_excluded").value == 1
    assert two.figure("exclusions.excluded").value == 0
    assert (two.figure("debarment.checks").value, two.figure("debarment.matches").value) \
        == (2, 1)
    with pytest.raises(KeyError):
        two.figure("exclusions.decided")


def test_overdue_unfinished_actions_are_red_unless_an_officer_rated_them(session, world):
    two = _build(session, EDITION_2)
    rags = {a.ref: a.rag.value for a in two.action_plan.actions}
    assert rags == {"1.1": "red", "1.2": "green"}
    assert (two.figure("action_plan.rag.red").value,
            two.figure("action_plan.rag.green").value) == (1, 1)
    one = _build(session, EDITION_1)
    assert {a.rag.value for a in one.action_plan.actions} == {"green"}


def test_the_action_plan_is_named_not_called_by_its_file(session, world):
    two = _build(session, EDITION_2)
    assert two.action_plan.title == "The council's modern slavery action plan"
    assert "msap-2025.docx" not in pdf_text(render_pdf(two)).split("Appendix")[0]
    assert "msap-2025.docx" in _build(session, EDITION_1).action_plan.title


def test_edition_2_pack_reports_every_figure_in_pdf_and_xlsx(session, world):
    _add_what_only_edition_2_reads(session, world)
    data = _build(session, EDITION_2)
    pdf, xlsx = render_pdf(data), render_xlsx(data)
    assert_pack_reports(data, pdf, xlsx)
    assert "Edition 2" in pdf_text(pdf)


LONG_LEAD = ("Corporate Safeguarding Group/Community Protection Manager/Community Health and "
             "Wellbeing Team Leader/Service Director: Legal & Community")


def test_long_text_wraps_at_word_boundaries_in_edition_2(session, world):
    action = session.query(PlanAction).filter_by(ref="1.1").one()
    action.lead_officer = LONG_LEAD
    action.description = " ".join(["Safeguarding-partnership/commissioning"] * 12)
    session.flush()
    words = LONG_LEAD.split() + ["Safeguarding-partnership/commissioning"]

    def split_words(data) -> list[str]:
        text = pdf_text(render_pdf(data))
        return [word for word in words if word not in text]

    assert split_words(_build(session, EDITION_2)) == []
    # Edition 1 broke the long words at the column's edge ('Gr' 'oup/Community'), and keeps
    # doing so: its bytes never change.
    assert split_words(_build(session, EDITION_1)) != []


RCO = {"org_turnover_band": "60m-100m", "org_uk_business": "yes", "s54_has_statement": "yes",
       "s54_approval_date": "2025-06-01", "s54_signatory": "Chief Executive"}


def test_relevant_commercial_organisations_with_a_current_statement(session, world):
    """Derived from turnover and UK business, current on the as-of date (31/03/2026): a period
    that ended 31/03/2025 is current, one that ended 30/06/2024 is not (18 months)."""
    for name, answers in (
            ("Current Statement plc", RCO | {"s54_period_end": "2025-03-31"}),
            ("Stale Statement plc", RCO | {"s54_period_end": "2024-06-30"}),
            ("Small Firm Ltd", RCO | {"org_turnover_band": "under-36m",
                                      "s54_period_end": "2025-03-31"})):
        supplier = make_supplier(session, name=name)
        session.add(Contract(reference=f"C-{supplier.id}", title="Works",
                             start_date=date(2025, 4, 1), supplier_id=supplier.id))
        _declaration(session, supplier, answers)
    session.flush()
    two = _build(session, EDITION_2)
    assert two.figure("s54.rco_declared").value == 2
    assert two.figure("s54.rco_current_statement").value == 1
    share = next(k for k in two.summary if k.figure.key == "s54.rco_current_statement_share")
    assert (share.figure.value, share.target) == (50.0, 100.0)
    assert "Relevant commercial organisations with a current s.54 statement" in \
        pdf_text(render_pdf(two))
    with pytest.raises(KeyError):
        _build(session, EDITION_1).figure("s54.rco_declared")


def test_the_spreadsheet_follows_the_edition(session, world):
    def sheet_text(data, sheet: str) -> str:
        workbook = load_workbook(io.BytesIO(render_xlsx(data)), read_only=True)
        return " ".join(str(cell) for row in workbook[sheet].iter_rows(values_only=True)
                        for cell in row if cell is not None)

    two, one = _build(session, EDITION_2), _build(session, EDITION_1)
    assert "Edition 2" in sheet_text(two, "Cover")
    assert "Edition" not in sheet_text(one, "Cover")
    summary = sheet_text(two, "Summary")
    assert "Default target (not set by the council)" in summary
    assert "Registered statement covering all six areas" in summary
    assert "Default target" not in sheet_text(one, "Summary")


def test_the_command_line_builds_a_closed_year_as_edition_2_when_asked(runner, session, world,
                                                                       tmp_path):
    out = tmp_path / "pack.pdf"
    base = ["report", "cabinet", "--year", "2025/26", "--out", str(out), "--date", "2026-05-01"]
    result = runner.invoke(args=base)
    assert result.exit_code == 0, result.output
    assert "Edition 1" in result.output
    assert "Edition 2" not in pdf_text(out.read_bytes())

    result = runner.invoke(args=[*base, "--edition", "2"])
    assert result.exit_code == 0, result.output
    assert "Edition 2" in result.output and "Edition 2" in pdf_text(out.read_bytes())
    editions = session.scalars(select(CabinetPackRun.edition).order_by(CabinetPackRun.id)).all()
    assert editions == [EDITION_1, EDITION_2]

    result = runner.invoke(args=[*base, "--edition", "3"])
    assert result.exit_code == 2
