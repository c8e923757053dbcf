"""Demo step for supplier declarations (issue 3): requests for every tender and an annual round,
with a realistic spread of answers: most suppliers submitted, some twice (the first version
superseded), some drafts, a few not started, and a handful of worrying answers for officers.

Idempotent: requests are upserted by natural key, and a request that already has a declaration
is left alone.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from supplier_dd.demo.data import SUPPLIERS, TENDERS
from supplier_dd.domain.organisations import RELEVANT_TURNOVER_BANDS
from supplier_dd.domain.questionnaire import Question, current_version
from supplier_dd.models import Contract, DeclarationRequest, Supplier, Tender, User
from supplier_dd.services import declarations as service

# Slug -> how its answers look. Everyone else with a contract is "good" or "fair" by turn.
PROFILES = {
    "car-wash": "knockout", "dhaka-garments": "poor", "agency": "poor",
    "malaysia-gloves": "poor", "paving": "fair", "fresh-fields": "fair",
}
REVISED = {"brightwater", "byteworks", "recycle"}  # submitted twice: first version superseded
DRAFTS = {"kindred", "laundry", "print"}  # started, not submitted
NOT_STARTED = {"pest", "legal-eagle"}


def _choice(question: Question, profile: str) -> Any:
    options = list(question.options)
    if question.type == "yes_no":
        good = "no" if question.id.startswith("excl_") else "yes"
        if question.weight == 0 and not question.id.startswith(("excl_", "s54_", "org_")):
            good = "no" if any(o.exposure for o in options) else good
        elif question.weight > 0:
            # The better practice is the option with more points ("no" to owing a debt).
            good = max(options, key=lambda o: o.points).value
        bad = "yes" if good == "no" else "no"
        if question.id.startswith("excl_"):
            # v1 asked about a labour market enforcement order alone; v2 asks about orders.
            knockout_question = question.id in ("excl_lme_order", "excl_s7_orders_supplier")
            return "yes" if profile == "knockout" and knockout_question else "no"
        return bad if profile in ("poor", "knockout") and question.weight > 0 else good
    ranked = sorted(options, key=lambda o: -o.points)
    if question.type == "single_choice":
        if profile == "good":
            return ranked[0].value
        if profile == "fair":
            return ranked[min(1, len(ranked) - 1)].value
        return ranked[-1].value
    scoring = [o.value for o in options if o.points > 0 and not o.exclusive]
    exclusive = next((o.value for o in options if o.exclusive), None)
    if profile == "good":
        return scoring or [options[0].value]
    if profile == "fair":
        return scoring[: max(1, len(scoring) // 2)] or [options[0].value]
    return [exclusive] if exclusive else [options[-1].value]


def demo_answers(supplier: Supplier, slug: str, profile: str, today: date) -> dict[str, Any]:
    questionnaire = current_version("modern_slavery")
    relevant = supplier.turnover_band in RELEVANT_TURNOVER_BANDS
    fixed: dict[str, Any] = {
        "org_legal_name": supplier.name,
        "org_company_number": supplier.companies_house_number,
        "org_in_group": "no",
        "org_countries": sorted({supplier.country, "GB"}),
        "org_sectors": [supplier.sector if supplier.sector in
                        [o.value for o in questionnaire.question("org_sectors").options]
                        else "Other"],
        "org_headcount": 1200 if relevant else 85,
        "org_turnover_band": supplier.turnover_band,
        # v2's questions; ignored by v1.
        "org_uk_business": "yes",
        "org_vcse": "no",
        "sc_key_subcontractors": "Northgate Staffing Ltd, 04567812, United Kingdom, agency "
                                 "cleaning staff",
        "s54_is_rco": "yes" if relevant else "no",
        "s54_has_statement": "yes" if relevant or profile == "good" else "no",
        "s54_non_compliance_reason": "Our first statement is being drafted and will be "
                                     "approved by the board next quarter.",
        "s54_statement_url": f"https://www.{slug}.example/modern-slavery-statement",
        "s54_period_start": date(today.year - 1, 4, 1).isoformat(),
        "s54_period_end": date(today.year, 3, 31).isoformat(),
        "s54_approval_date": min(date(today.year, 9, 15), today).isoformat(),
        "s54_signatory": f"{supplier.name.split()[0]} Director, Chief Executive",
        "sc_source_countries": sorted({supplier.country, "GB"}),
        "wf_max_weekly_hours": 60 if profile in ("poor", "knockout") else 45,
        "sc_audit_count": 12,
        "trn_percent_trained": {"good": 92, "fair": 60}.get(profile, 15),
        "rem_incident_count": 2,
        "rem_incident_action": "We removed the workers from the agency, repaid fees, referred "
                               "them to the Modern Slavery Helpline and changed agency.",
        "wf_fees_action": "We are repaying the fees and have ended the contract with the agency.",
        "excl_self_cleaning_details": "We replaced the subsidiary's management, repaid the "
                                      "workers and accepted independent monthly audits.",
        "excl_details": "A labour market enforcement order was made in 2024 against our former "
                        "subsidiary. We changed management and audit every site monthly.",
    }
    answers: dict[str, Any] = {}
    for question in questionnaire.questions:
        if question.id in fixed:
            answers[question.id] = fixed[question.id]
        elif question.type in ("yes_no", "single_choice", "multiple_choice"):
            answers[question.id] = _choice(question, profile)
        elif question.type == "long_text":
            answers[question.id] = "We assess risk by sector and country every year and act on it."
    return answers


def demo_annual_request(ctx, supplier: Supplier, due: date, officer: User,
                        asked: datetime) -> DeclarationRequest:
    """The demo's annual request due that year. Loading the demo again finds the one it made:
    asking through the service would start a new round once the first was answered."""
    request = service.first_annual_request(ctx.session, supplier, due)
    if request is None:
        request, _created = service.request_for_supplier(
            ctx.session, supplier, due, officer, asked,
            note="Our annual modern slavery declaration round.")
        ctx.result.count("declaration requests")
    return request


def submit_demo_declaration(ctx, request, user: User, answers: dict, when: datetime,
                            revise_from=None):
    if revise_from is not None:
        draft = service.revise(ctx.session, None, revise_from, user, when)
    else:
        draft = service.start_or_resume(ctx.session, None, request, user, when)
    draft.answers = answers
    return service.submit(
        ctx.session, draft, signatory_name=user.name or "Demo Signatory",
        signatory_role="Managing Director", confirms_true=True, confirms_authority=True,
        ip="192.0.2.10", user=user, now=when,
    )


def start_draft(ctx, request, contact: User, answers: dict) -> None:
    """A declaration started, with its first two sections answered, and not submitted."""
    draft = service.start_or_resume(ctx.session, None, request, contact, ctx.now)
    questionnaire = current_version("modern_slavery")
    draft.answers = {q.id: answers[q.id] for q in questionnaire.questions
                     if q.section in ("organisation", "s54") and q.id in answers}
    draft.review_question_ids = []
    ctx.result.count("draft declarations")


def load_declarations(ctx) -> None:
    session, now = ctx.session, ctx.now
    today = now.date()
    by_number = {s.company_number: s.slug for s in SUPPLIERS}
    suppliers = {
        by_number[row.companies_house_number]: row
        for row in session.scalars(select(Supplier).where(
            Supplier.companies_house_number.in_(list(by_number))))
    }
    officer = session.scalar(select(User).where(User.email == "officer@council.example"))
    for reference, *_rest in TENDERS:
        tender = session.scalar(select(Tender).where(Tender.reference == reference))
        if tender is not None and tender.invited_suppliers:
            closing = tender.closing_date or today
            due = max(closing - timedelta(days=14), today + timedelta(days=7))
            _made, created = service.request_for_tender(session, tender, due, officer, now)
            for _ in range(created):
                ctx.result.count("declaration requests")
    holders = set(session.scalars(
        select(Contract.supplier_id).where(Contract.supplier_id.isnot(None))
    ))
    for position, (slug, supplier) in enumerate(sorted(suppliers.items())):
        if supplier.id not in holders:
            continue
        request = demo_annual_request(ctx, supplier, today + timedelta(days=60), officer, now)
        if request.declarations or slug in NOT_STARTED:
            continue
        contact = session.scalar(select(User).where(User.supplier_id == supplier.id))
        profile = PROFILES.get(slug, "good" if position % 3 else "fair")
        answers = demo_answers(supplier, slug, profile, today)
        if slug in DRAFTS:
            start_draft(ctx, request, contact, answers)
            continue
        if slug in REVISED:
            earlier = now - timedelta(days=200)
            first = submit_demo_declaration(ctx, request, contact,
                            demo_answers(supplier, slug, "fair", earlier.date()), earlier)
            later = now - timedelta(days=20)
            submit_demo_declaration(
                ctx, request, contact, demo_answers(supplier, slug, profile, later.date()),
                later, revise_from=first)
            ctx.result.count("submitted declarations")
        else:
            when = now - timedelta(days=10 + position)
            submit_demo_declaration(
                ctx, request, contact, demo_answers(supplier, slug, profile, when.date()), when)
        ctx.result.count("submitted declarations")
    session.flush()
