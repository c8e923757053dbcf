"""Demo data for the council's programme records: the NHDC action plan, training, referrals and
Charter evidence. Dates are fixed so running the step again, on any day, changes nothing."""

from __future__ import annotations

from datetime import date
from importlib import resources

from sqlalchemy import select

from supplier_dd.models import (
    ActionPlan,
    ActionRagChange,
    CharterEvidence,
    Contract,
    PlanAction,
    Referral,
    Tender,
    TrainingRecord,
    User,
)
from supplier_dd.services.action_plans import parse_file, store_action_plan

DEMO_PLAN_FILE = "demo_action_plan_nhdc_2020.txt"
DEMO_PLAN_TITLE = "Modern slavery action plan 2020 (North Hertfordshire District Council)"

# ref: (rag, reason) set by the demo officer, so the RAG history has something to show.
RAG_UPDATES = {
    "1.3": ("green", "Annual Safeguarding report went to Overview & Scrutiny in December."),
    "1.4": ("amber", "KPIs drafted; Cabinet report moved to the next committee cycle."),
    "2.3": ("green", "Referrals log now kept in this service by the safeguarding lead."),
    "2.4": ("amber", "Contract procedure rules update waiting for the constitution review."),
    "3.6": ("green", "Procurement Officer passed the CIPS ethical test."),
    "5.1": ("red", "No annual Charter report to Cabinet yet: evidence still being gathered."),
}

# group, course, completed, total, date, notes
TRAINING = [
    ("members", "Safeguarding e-learning (includes modern slavery)", 20, 49, "2020-06-08",
     "From the 2020 action plan, item 3.5: reminder sent in the Members' Information Service."),
    ("members", "Safeguarding e-learning (includes modern slavery)", 34, 49, "2026-05-20",
     "After the face-to-face session for new Members."),
    ("procurement_team", "CIPS Ethical Procurement and Supply", 4, 5, "2026-03-31", ""),
    ("all_staff", "Safeguarding e-learning (includes modern slavery)", 331, 418, "2026-09-30",
     "Growzone completion report."),
    ("safeguarding_champions", "Modern slavery awareness", 12, 12, "2026-02-12", ""),
    ("new_starters", "Safeguarding e-learning (includes modern slavery)", 27, 31, "2026-09-30",
     "Part of corporate induction."),
]

# date, type, service area, outcome, notes (never a name: the form forbids them)
REFERRALS = [
    ("2025-07-14", "advice_sought", "Environmental Health",
     "Modern Slavery Helpline advised that the concern did not warrant a referral.",
     "Concern about workers sleeping at a hand car wash premises during an inspection."),
    ("2025-11-03", "nrm", "Housing Options",
     "NRM referral made; positive reasonable grounds decision received.",
     "Adult presenting as homeless described debt bondage by a former employer."),
    ("2026-02-19", "duty_to_notify", "Housing Options",
     "Duty to Notify form submitted to the Home Office.",
     "Adult did not consent to an NRM referral; signposted to specialist support."),
    ("2026-06-02", "not_referred", "Waste and Recycling",
     "Recorded; contractor's agency-labour checks reviewed with the contract manager.",
     "Crew member's comments about withheld wages passed on by a supervisor."),
    ("2026-09-22", "nrm", "Community Safety",
     "Referred with Hertfordshire Constabulary after a joint visit.",
     "Possible criminal exploitation of a young person identified during a partnership visit."),
]

# commitment, date, description, tender reference, contract reference
EVIDENCE = [
    (1, "2026-03-31", "Four of five procurement team members completed the CIPS Ethical "
                      "Procurement and Supply course.", None, None),
    (3, "2026-10-08", "Car-wash bid at less than half the market rate challenged; bidder asked "
                      "to explain its labour costs against the National Living Wage.",
     "NHDC-T-2026-03", None),
    (4, "2025-03-10", "Trade union membership statement added to the standard tender pack.",
     None, None),
    (5, "2026-04-15", "Whistle-blowing route for reporting suspected modern slavery publicised "
                      "on the intranet and in the staff newsletter.", None, None),
    (7, "2026-07-09", "Annual contract spend review held; cleaning, catering and PPE categories "
                      "flagged as high risk.", None, None),
    (8, "2026-08-27", "Supplier alerted to forced-labour risk in glove manufacture and referred "
                      "to the Ethical Trading Initiative's guidance.", None, "NHDC-2025-011"),
]


def load_programme(ctx) -> None:
    officer = ctx.session.scalar(select(User).where(User.email == "officer@council.example"))
    safeguarding = ctx.session.scalar(
        select(User).where(User.email == "safeguarding@council.example")
    )
    _load_action_plan(ctx, officer)
    _load_training(ctx, officer)
    _load_referrals(ctx, safeguarding)
    _load_evidence(ctx, officer)
    ctx.session.flush()


def _load_action_plan(ctx, officer: User | None) -> None:
    plan = ctx.session.scalar(select(ActionPlan).where(ActionPlan.title == DEMO_PLAN_TITLE))
    if plan is None:
        data = resources.files("supplier_dd.data").joinpath(DEMO_PLAN_FILE).read_bytes()
        parsed = parse_file(data, DEMO_PLAN_FILE)
        plan = store_action_plan(ctx.session, parsed, source_filename=DEMO_PLAN_FILE,
                                 imported_by=officer, now=ctx.now, title=DEMO_PLAN_TITLE)
        ctx.result.count("action plans")
    actions = {
        action.ref: action
        for priority in plan.priorities for action in priority.actions if action.ref
    }
    for ref, (rag, reason) in RAG_UPDATES.items():
        action: PlanAction | None = actions.get(ref)
        if action is None or action.rag_changes:
            continue
        ctx.session.add(ActionRagChange(
            action=action, from_rag=action.rag, to_rag=rag, reason=reason,
            changed_by_id=officer.id if officer else None,
            changed_by_name=(officer.name if officer else "Demo officer"), changed_at=ctx.now,
        ))
        action.rag = rag


def _load_training(ctx, officer: User | None) -> None:
    for group, course, completed, total, day, notes in TRAINING:
        recorded_on = date.fromisoformat(day)
        exists = ctx.session.scalar(select(TrainingRecord.id).where(
            TrainingRecord.staff_group == group, TrainingRecord.course == course,
            TrainingRecord.recorded_on == recorded_on,
        ))
        if exists is None:
            ctx.session.add(TrainingRecord(
                staff_group=group, course=course, completed=completed, total=total,
                recorded_on=recorded_on, notes=notes, recorded_by=officer, created_at=ctx.now,
            ))
            ctx.result.count("training records")


def _load_referrals(ctx, safeguarding: User | None) -> None:
    for day, kind, area, outcome, notes in REFERRALS:
        referred_on = date.fromisoformat(day)
        exists = ctx.session.scalar(select(Referral.id).where(
            Referral.referred_on == referred_on, Referral.referral_type == kind,
            Referral.service_area == area,
        ))
        if exists is None:
            ctx.session.add(Referral(
                referred_on=referred_on, referral_type=kind, service_area=area, outcome=outcome,
                notes=notes, recorded_by=safeguarding, created_at=ctx.now,
            ))
            ctx.result.count("referrals")


def _load_evidence(ctx, officer: User | None) -> None:
    for number, day, description, tender_ref, contract_ref in EVIDENCE:
        evidenced_on = date.fromisoformat(day)
        exists = ctx.session.scalar(select(CharterEvidence.id).where(
            CharterEvidence.commitment == number, CharterEvidence.evidenced_on == evidenced_on,
        ))
        if exists is not None:
            continue
        tender_id = ctx.session.scalar(select(Tender.id).where(Tender.reference == tender_ref)) \
            if tender_ref else None
        contract_id = ctx.session.scalar(
            select(Contract.id).where(Contract.reference == contract_ref)
        ) if contract_ref else None
        ctx.session.add(CharterEvidence(
            commitment=number, evidenced_on=evidenced_on, description=description,
            tender_id=tender_id, contract_id=contract_id, recorded_by=officer,
            created_at=ctx.now,
        ))
        ctx.result.count("charter evidence")
