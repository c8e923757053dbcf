"""Demo step for the first district's earlier years (issue 19): the two financial years before
the current one, so the Transparency Statement's trend charts and its "progress since last
year" have a history to show.

Two years ago about half the suppliers with a contract declared, and more of them answered
poorly; last year three in four declared, one in five of them after their re-attestation was
due;
this year's round is demo/declarations.py. Each submission goes through the real service on
its own date, so its risk assessment, its re-attestation cycle and its audit entries are dated
then. Training was recorded in each year too.

Runs before this year's declarations and any scoring: assessments and cycles then follow each
other in time. Idempotent: a year's request that already has a declaration is left alone, and
training records are upserted by group, course and date.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from supplier_dd.demo.data import SUPPLIERS
from supplier_dd.demo.declarations import (
    PROFILES,
    demo_annual_request,
    demo_answers,
    submit_demo_declaration,
)
from supplier_dd.domain.schedule import add_months
from supplier_dd.models import Contract, Supplier, TrainingRecord, User
from supplier_dd.reports.data import FinancialYear, financial_year_of

OFFICER = "officer@council.example"
CIPS = "CIPS Ethical Procurement and Supply"
E_LEARNING = "Safeguarding e-learning (includes modern slavery)"
# years before this one -> (procurement team completed of 5, all staff completed, all staff);
# this year's all-staff figure is demo/programme.py's.
TRAINING_BY_YEAR = {2: (2, 118, 402), 1: (3, 246, 410), 0: (5, None, None)}


def _declares(position: int, years_ago: int) -> bool:
    """Two years ago every other supplier declared; last year three in four."""
    return position % 2 == 0 if years_ago == 2 else position % 4 != 3


def _profile(slug: str, position: int, years_ago: int) -> str:
    """Earlier answers were weaker: the suppliers that answer poorly now did then, and fewer
    of the rest had good practice in place."""
    if slug in PROFILES:
        return "poor" if PROFILES[slug] != "fair" else "fair"
    if years_ago == 2:
        return "fair" if position % 3 else "poor"
    return "good" if position % 3 == 1 else "fair"


def load_history(ctx) -> None:
    session = ctx.session
    this_year = financial_year_of(ctx.now.date())
    officer = session.scalar(select(User).where(User.email == OFFICER))
    holders = set(session.scalars(select(Contract.supplier_id).where(
        Contract.supplier_id.isnot(None))))
    numbers = {item.company_number: item.slug for item in SUPPLIERS}
    suppliers = {numbers[row.companies_house_number]: row for row in session.scalars(
        select(Supplier).where(Supplier.companies_house_number.in_(list(numbers))))}
    for years_ago in (2, 1):
        year = FinancialYear(this_year.start_year - years_ago)
        # The same order as this year's round (demo/declarations.py), so that each supplier's
        # declarations are about a year apart.
        for position, (slug, supplier) in enumerate(sorted(suppliers.items())):
            if supplier.id not in holders or not _declares(position, years_ago):
                continue
            when = _submitted_at(ctx.now, year, position, years_ago)
            # An annual request is one per supplier and due year: due dates more than a year
            # apart keep the two rounds (and this year's, due in 60 days) apart.
            due = when.date() + timedelta(days=7 if years_ago == 2 else 30)
            request = demo_annual_request(ctx, supplier, due, officer, when - timedelta(days=14))
            if request.declarations:
                continue
            contact = session.scalar(select(User).where(User.supplier_id == supplier.id))
            if contact is None:
                continue
            submit_demo_declaration(
                ctx, request, contact,
                demo_answers(supplier, slug, _profile(slug, position, years_ago), when.date()),
                when)
            ctx.result.count("earlier years' declarations")
        _load_training(ctx, years_ago, year.first_day, officer)
    _load_training(ctx, 0, this_year.first_day, officer)
    session.flush()


def _submitted_at(now: datetime, year: FinancialYear, position: int, years_ago: int
                  ) -> datetime:
    """This year's round submits `10 + position` days ago. A year before that, two weeks
    early (the re-attestation then due a fortnight after this year's submission: on time),
    and two years before, three weeks less than a year before that (so last year's was on
    time), except every fifth supplier, whose last year's came 40 days late. Kept inside the
    year it stands for."""
    this_year = now - timedelta(days=10 + position)
    last_year = datetime.combine(add_months(this_year.date(), -12) + timedelta(days=14),
                                 time(10, 30))
    if years_ago == 1:
        return _within(last_year, year)
    shift = timedelta(days=-40) if position % 5 == 0 else timedelta(days=21)
    return _within(datetime.combine(add_months(last_year.date(), -12), time(10, 30)) + shift,
                   year)


def _within(moment: datetime, year: FinancialYear) -> datetime:
    first = datetime.combine(year.first_day, time(10, 30))
    last = datetime.combine(year.last_day, time(10, 30))
    return min(max(moment, first), last)


def _load_training(ctx, years_ago: int, first_day: date, officer: User | None) -> None:
    procurement, staff_completed, staff_total = TRAINING_BY_YEAR[years_ago]
    # Recorded in the autumn, or today if this year's autumn has not come yet.
    recorded_on = min(first_day + timedelta(days=182), ctx.now.date())
    counts = [("procurement_team", CIPS, procurement, 5)]
    if staff_total is not None:
        counts.append(("all_staff", E_LEARNING, staff_completed, staff_total))
    for group, course, completed, total in counts:
        exists = ctx.session.scalar(select(TrainingRecord.id).where(
            TrainingRecord.staff_group == group, TrainingRecord.course == course,
            TrainingRecord.recorded_on == recorded_on))
        if exists is None:
            ctx.session.add(TrainingRecord(
                staff_group=group, course=course, completed=completed, total=total,
                recorded_on=recorded_on, notes="From the year's training report.",
                recorded_by=officer, created_at=ctx.now))
            ctx.result.count("training records")


