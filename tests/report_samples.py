"""Hand-built ReportData for the renderer tests: a full year, and a year with nothing recorded."""

from __future__ import annotations

from datetime import date

from supplier_dd.domain.action_plans import Rag
from supplier_dd.reports.data import (
    ACTION_PLAN,
    CHARTER_COMMITMENTS,
    PERCENT,
    TRANSPARENCY,
    ActionPlanSection,
    CharterCommitment,
    Cover,
    EvidenceTable,
    Figure,
    FigureGroup,
    FinancialYear,
    PlannedAction,
    ReportData,
    SummaryKpi,
    charter_status,
    not_recorded,
    percent_figure,
)

YEAR = FinancialYear(2025)
PERIOD = YEAR.period


def _count(key: str, label: str, value: int, source: str) -> Figure:
    return Figure(key, label, value, source)


def full_report(cover_date: date = date(2026, 5, 14), actions: int = 30) -> ReportData:
    tenders = _count("tenders.in_year", "Tenders closing in the year", 40,
                     f"tenders where closing_date in {PERIOD}")
    tenders_declared = _count(
        "tenders.with_declaration", "Tenders with a submitted declaration from every bidder", 34,
        f"tenders where closing_date in {PERIOD} and every invited supplier has a "
        "declaration_requests(kind=tender) with a submitted declaration")
    tender_coverage = percent_figure("tenders.declaration_coverage",
                                     "Declaration coverage of tenders", tenders_declared,
                                     tenders, "No tenders closed in the year")
    contracts = _count("contracts.live", "Contracts live during the year", 212,
                       f"contracts where start_date <= {YEAR.last_day} and end_date >= "
                       f"{YEAR.first_day}")
    contracts_declared = _count("contracts.with_declaration",
                                "Live contracts whose supplier has a current declaration", 180,
                                "contracts live in the year whose supplier has a submitted "
                                "declaration")
    contract_coverage = percent_figure("contracts.declaration_coverage",
                                       "Declaration coverage of contracts", contracts_declared,
                                       contracts, "No contracts were live in the year")
    in_scope = _count("s54.in_scope", "Suppliers that are relevant commercial organisations "
                      "(turnover of £36 million or more)", 25,
                      "suppliers where turnover_band in (36m-60m, 60m-100m, 100m-500m, 500m+)")
    compliant = _count("s54.compliant_six_areas",
                       "of which publish a compliant s.54 statement covering all six areas", 21,
                       "assessments where kpi s54_statement_compliant = met and "
                       "s54_areas_covered = met")
    s54_share = percent_figure("s54.compliant_share",
                               "Relevant commercial organisations with a compliant statement",
                               compliant, in_scope, "No relevant commercial organisations")
    reattest_due = _count("reattestation.due", "Annual re-attestations due in the year", 120,
                          f"declaration_requests where kind=annual and due_date in {PERIOD}")
    reattest_on_time = _count("reattestation.on_time", "Re-attestations submitted on time", 111,
                              "those requests with a declaration submitted on or before the "
                              "due date")
    reattest_share = percent_figure("reattestation.on_time_share", "Re-attestations on time",
                                    reattest_on_time, reattest_due, "No re-attestations due")
    corrective_opened = _count("corrective.opened", "Corrective actions opened", 17,
                               f"corrective_actions where opened_at in {PERIOD}")
    corrective_closed = _count("corrective.closed", "Corrective actions closed", 12,
                               f"corrective_actions where closed_at in {PERIOD}")
    high = _count("risk.high_critical", "Suppliers rated High or Critical", 18,
                  "latest assessment per supplier where band in (High, Critical)")
    knockouts = _count("risk.knockouts", "Knock-outs: suppliers excluded pending review", 2,
                       "latest assessment per supplier where excluded_pending_review")
    bands = FigureGroup("Risk band distribution", tuple(
        _count(f"risk.band.{name.lower()}", f"Suppliers rated {name}", value,
               f"latest assessment per supplier where band = {name}")
        for name, value in (("Low", 140), ("Medium", 52), ("High", 15), ("Critical", 3))
    ))
    trained = _count("training.procurement.completed", "Procurement team: completed CIPS "
                     "Ethical Procurement and Supply", 9, f"training_records in {PERIOD}")
    team = _count("training.procurement.required", "Procurement team: staff required", 11,
                  "training_groups where name = procurement")
    trained_share = percent_figure("training.procurement.share",
                                   "Procurement team trained", trained, team, "No staff")
    all_staff_done = _count("training.all_staff.completed", "All staff: e-learning completed",
                            1630, f"training_records in {PERIOD}")
    all_staff = _count("training.all_staff.required", "All staff: required", 1954,
                       "training_groups where name = all staff")
    all_share = percent_figure("training.all_staff.share", "All staff e-learning completion",
                               all_staff_done, all_staff, "No staff")
    nrm = _count("referrals.nrm", "National Referral Mechanism referrals made by the council",
                 4, f"referrals where kind=nrm and referred_on in {PERIOD}")
    dtn = _count("referrals.duty_to_notify", "Duty to Notify reports made by the council", 7,
                 f"referrals where kind=duty_to_notify and referred_on in {PERIOD}")
    whistle = _count("suppliers.whistleblowing", "Suppliers declaring a whistle-blowing policy",
                     160, "current declarations where charter_whistleblowing = met")
    declared = _count("suppliers.declared", "Suppliers with a current declaration", 190,
                      "declarations where status=submitted, latest per supplier")
    whistle_share = percent_figure("suppliers.whistleblowing_share",
                                   "Suppliers with a whistle-blowing policy", whistle, declared,
                                   "No declarations")

    charter = []
    for number, text in CHARTER_COMMITMENTS:
        evidence: tuple[Figure, ...] = ()
        measure = None
        if number == 1:
            evidence, measure = (trained, team, trained_share), trained_share
        elif number == 2:
            evidence, measure = (contract_coverage, s54_share), contract_coverage
        elif number == 6:
            evidence, measure = (whistle, declared, whistle_share), whistle_share
        elif number == 9:
            evidence = (nrm,)
        status, rag = charter_status(measure, 90.0)
        note = "" if evidence else "No record of this commitment is held in the service."
        charter.append(CharterCommitment(number, text, status, rag, evidence, note))

    plan_actions = tuple(
        PlannedAction(
            f"{1 + i // 5}.{1 + i % 5}",
            "Review the supplier code of conduct and contract clauses so that every new "
            "contract over £25,000 carries the model modern-slavery clause, including "
            "termination rights and flow-down to subcontractors " * (1 + i % 2),
            "Head of Procurement" if i % 3 else "Corporate Governance Manager (Legal)",
            date(2025, 4, 1), date(2026, 3, 31),
            (Rag.GREEN, Rag.AMBER, Rag.RED)[i % 3],
            ("Completed", "In progress", "Not started")[i % 3],
        )
        for i in range(actions)
    )
    plan_figures = tuple(
        _count(f"action_plan.{rag.value}", f"Actions rated {rag.label}",
               sum(1 for a in plan_actions if a.rag == rag),
               f"action_plan_actions where rag = {rag.value}")
        for rag in (Rag.GREEN, Rag.AMBER, Rag.RED)
    )
    return ReportData(
        cover=Cover("North Hertfordshire District Council", YEAR, cover_date,
                    "A. Lawyer, Legal Services", "1.0"),
        summary=(
            SummaryKpi(tender_coverage, 95.0, 78.0),
            SummaryKpi(contract_coverage, 90.0, 80.2),
            SummaryKpi(s54_share, 100.0, 76.0),
            SummaryKpi(reattest_share, 90.0, None),
            SummaryKpi(high, 0, 21, higher_is_better=False, amber_within=20),
            SummaryKpi(trained_share, 100.0, 60.0),
        ),
        charter=tuple(charter),
        transparency=(
            FigureGroup("Declarations", (tenders, tenders_declared, tender_coverage, contracts,
                                         contracts_declared, contract_coverage)),
            FigureGroup("s.54 statements", (in_scope, compliant, s54_share)),
            FigureGroup("Re-attestation", (reattest_due, reattest_on_time, reattest_share)),
            FigureGroup("High and critical risk and the action taken",
                        (high, corrective_opened, corrective_closed, knockouts)),
        ),
        risk_bands=bands,
        action_plan=ActionPlanSection("Modern slavery action plan 2025/26", plan_actions,
                                      FigureGroup("Action plan RAG", plan_figures)),
        training=(
            FigureGroup("Training", (trained, team, trained_share, all_staff_done, all_staff,
                                     all_share)),
            FigureGroup("Referrals", (nrm, dtn)),
        ),
        evidence_tables=(
            EvidenceTable(TRANSPARENCY, "Tenders closing in the year",
                          ("tenders.in_year", "tenders.with_declaration"),
                          ("Reference", "Title", "Closing date", "Bidders", "Declared"),
                          tuple((f"T-{n:03d}", f"Tender {n}", f"2025-{4 + n % 9:02d}-15", 3,
                                 3 if n < 34 else 2) for n in range(40)), 40),
            EvidenceTable(ACTION_PLAN, "Action plan actions", ("action_plan.green",),
                          ("Ref", "Action", "RAG"),
                          tuple((a.ref, a.description, a.rag.value if a.rag else None)
                                for a in plan_actions), len(plan_actions)),
        ),
    )


def empty_report(cover_date: date = date(2026, 5, 14)) -> ReportData:
    """What a council with no records sees: every section present, each saying so."""
    reason = "Not recorded in the service"
    charter = tuple(
        CharterCommitment(number, text, *charter_status(None, 90.0), (),
                          "No record of this commitment is held in the service.")
        for number, text in CHARTER_COMMITMENTS
    )
    tenders = Figure("tenders.in_year", "Tenders closing in the year", 0,
                     f"tenders where closing_date in {PERIOD}")
    declared = Figure("tenders.with_declaration", "Tenders with declarations", 0,
                      "tenders with declarations")
    coverage = percent_figure("tenders.declaration_coverage", "Declaration coverage of tenders",
                              declared, tenders, "No tenders closed in the year")
    return ReportData(
        cover=Cover("Empty Borough Council", YEAR, cover_date, "A. Lawyer"),
        summary=(SummaryKpi(coverage, 95.0, None),),
        charter=charter,
        transparency=(FigureGroup("Declarations", (tenders, declared, coverage)),),
        risk_bands=FigureGroup("Risk band distribution", (), "No risk assessments are recorded "
                               "in the service, so no risk bands can be reported."),
        action_plan=ActionPlanSection("", (), FigureGroup("Action plan", ()),
                                      f"No action plan is recorded for {YEAR.label}."),
        training=(FigureGroup("Referrals", (
            not_recorded("referrals.nrm", "NRM referrals", "referrals (not recorded)", reason),
        ), "Referrals are not recorded in the service yet."),),
    )


__all__ = ["full_report", "empty_report", "PERCENT"]
