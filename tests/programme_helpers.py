"""Programme records for tests: the real seed action plans and a referral, made by the services."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from supplier_dd.services.action_plans import parse_file, store_action_plan
from supplier_dd.services.programme import ReferralDetails, add_referral

DATA = Path(__file__).parent / "data"
CITY_OF_LONDON_PLAN = DATA / "action_plan_city_of_london_2019.txt"
NHDC_PLAN = DATA / "action_plan_nhdc_2020.txt"
NOW = datetime(2026, 11, 20, 9, 0)


def import_seed(session, path: Path = NHDC_PLAN, now: datetime = NOW, title: str | None = None):
    parsed = parse_file(path.read_bytes(), path.name)
    return store_action_plan(session, parsed, source_filename=path.name, imported_by=None,
                             now=now, title=title)


def add_programme_records(session) -> dict:
    plan = import_seed(session)
    first_action = plan.priorities[0].actions[0]
    referral = add_referral(
        session,
        ReferralDetails(referred_on=date(2026, 3, 2), referral_type="nrm",
                        service_area="Housing Options", outcome="Referred",
                        notes="SECRET-REFERRAL-NOTE"),
        None, NOW,
    )
    return {"action_plan": plan.id, "plan_action": first_action.id, "referral": referral.id}
