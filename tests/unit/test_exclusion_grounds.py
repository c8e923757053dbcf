"""Procurement Act 2023 exclusion grounds read from a declaration, and the rules a decision
must meet (issue 16), on hand-worked answer sets."""

from __future__ import annotations

from datetime import date

from supplier_dd.domain import exclusions as ex

TODAY = date(2026, 12, 2)
CLEAN_V1 = {"excl_conviction": "no", "excl_prevention_order": "no", "excl_lme_order": "no",
            "excl_connected_conviction": "no", "excl_connected_order": "no"}
CLEAN_V2 = {"excl_s6_supplier": "no", "excl_s6_connected": "no", "excl_s6_associated": "no",
            "excl_s7_orders_supplier": "no", "excl_s7_orders_connected": "no",
            "excl_s7_orders_associated": "no", "excl_s7_under_investigation": "no"}


def decide(screening, outcome, likely_to_recur, reasons="Considered the court record",
           decided_on=TODAY):
    return {(e.field, e.message) for e in ex.check_decision(
        screening, outcome=outcome, likely_to_recur=likely_to_recur, reasons=reasons,
        decided_on=decided_on, today=TODAY)}


def test_a_declaration_reporting_nothing_has_no_ground_in_either_version():
    for answers in (CLEAN_V1, CLEAN_V2, {}):
        screening = ex.screen(answers)
        assert not screening.any_ground
        assert not screening.mandatory and not screening.discretionary


def test_a_v1_connected_conviction_is_a_mandatory_ground_of_a_connected_person():
    screening = ex.screen({**CLEAN_V1, "excl_connected_conviction": "yes",
                           "excl_details": "Former director convicted in 2023"})
    assert screening.mandatory and not screening.discretionary
    (reported,) = screening.by_schedule(ex.MANDATORY)
    assert reported.person == ex.CONNECTED and reported.ground.schedule == 6
    assert "Schedule 6" in reported.ground.source
    assert screening.details == "Former director convicted in 2023"


def test_v1_orders_are_discretionary_schedule_7_grounds():
    screening = ex.screen({**CLEAN_V1, "excl_lme_order": "yes", "excl_prevention_order": "yes"})
    assert screening.discretionary and not screening.mandatory
    assert screening.ground_keys == ("s7_labour_market_order",)
    assert {r.question_id for r in screening.by_schedule(ex.DISCRETIONARY)} == {
        "excl_lme_order", "excl_prevention_order"}


def test_v2_separates_associated_persons_investigations_and_self_cleaning():
    screening = ex.screen({**CLEAN_V2, "excl_s6_associated": "yes",
                           "excl_s7_under_investigation": "yes",
                           "excl_self_cleaning_steps": ["changed_systems", "paid_compensation"]})
    assert screening.mandatory and screening.discretionary and screening.under_investigation
    assert [(r.ground.key, r.person) for r in screening.reported] == [
        ("s6_slavery_offence", ex.ASSOCIATED), ("s7_slavery_conduct", ex.ANY_PERSON)]
    assert screening.ground_keys == ("s6_slavery_offence", "s7_slavery_conduct")
    # in the order the Act's guidance lists them, whatever order they were ticked
    assert screening.self_cleaning_steps == ("paid_compensation", "changed_systems")


def test_a_mandatory_ground_likely_to_recur_must_be_excluded():
    screening = ex.screen({**CLEAN_V2, "excl_s6_supplier": "yes"})
    assert decide(screening, ex.EXCLUDED, True) == set()
    (error,) = decide(screening, ex.EXCLUDABLE_NOT_EXCLUDED, True)
    assert error[0] == "outcome" and "must be excluded" in error[1]


def test_a_mandatory_ground_not_likely_to_recur_cannot_be_excluded():
    screening = ex.screen({**CLEAN_V2, "excl_s6_supplier": "yes"})
    (error,) = decide(screening, ex.EXCLUDED, False)
    assert error[0] == "outcome" and "s.57" in error[1]
    assert decide(screening, ex.NOT_EXCLUDED, False) == set()


def test_a_discretionary_ground_likely_to_recur_may_be_excluded_or_not():
    screening = ex.screen({**CLEAN_V1, "excl_lme_order": "yes"})
    assert decide(screening, ex.EXCLUDED, True) == set()
    assert decide(screening, ex.EXCLUDABLE_NOT_EXCLUDED, True) == set()
    assert {f for f, _ in decide(screening, ex.EXCLUDABLE_NOT_EXCLUDED, False)} == {"outcome"}


def test_no_ground_means_only_not_excluded():
    screening = ex.screen(CLEAN_V2)
    (error,) = decide(screening, ex.EXCLUDED, True)
    assert "reports none" in error[1]
    assert decide(screening, ex.NOT_EXCLUDED, False) == set()


def test_a_decision_needs_reasons_a_past_date_and_answers():
    screening = ex.screen(CLEAN_V2)
    assert {f for f, _ in decide(screening, None, None, reasons="  ", decided_on=None)} == {
        "outcome", "likely_to_recur", "reasons", "decided_on"}
    (error,) = decide(screening, ex.NOT_EXCLUDED, False, decided_on=date(2026, 12, 3))
    assert error == ("decided_on", "The date of the decision must be today or in the past")

# --- Where a decided supplier ranks ------------------------------------------------------------

def test_a_decision_settles_where_a_knock_out_ranks():
    from supplier_dd.domain.exclusions import (
        EXCLUDABLE_NOT_EXCLUDED,
        EXCLUDED,
        NOT_EXCLUDED,
        rating_after_decision,
    )
    from supplier_dd.domain.risk.residual import DECIDED_EXCLUDED_RANK, EXCLUDED_RANK

    waiting = rating_after_decision(None, pending_review=True, band="Critical", rank=EXCLUDED_RANK)
    assert (waiting.rank, waiting.pending_review) == (EXCLUDED_RANK, True)
    excluded = rating_after_decision(EXCLUDED, pending_review=True, band="Critical",
                                     rank=EXCLUDED_RANK)
    assert excluded.rank == DECIDED_EXCLUDED_RANK > EXCLUDED_RANK
    assert not excluded.pending_review
    for outcome in (NOT_EXCLUDED, EXCLUDABLE_NOT_EXCLUDED):
        kept = rating_after_decision(outcome, pending_review=True, band="High",
                                     rank=EXCLUDED_RANK)
        assert (kept.rank, kept.pending_review) == (2, False)  # High, as scored
    # A decision about a supplier that is not a knock-out leaves its band where it was.
    plain = rating_after_decision(NOT_EXCLUDED, pending_review=False, band="Low", rank=0)
    assert (plain.rank, plain.pending_review) == (0, False)


def test_a_decision_covers_the_declaration_it_was_made_about_or_one_before_it():
    from datetime import datetime

    from supplier_dd.domain.exclusions import decision_covers

    decided = datetime(2026, 6, 1, 12)
    assert decision_covers(7, decided, 7, datetime(2026, 7, 1))
    assert decision_covers(None, decided, 8, datetime(2026, 5, 1))
    assert not decision_covers(7, decided, 8, datetime(2026, 7, 1))  # a newer declaration
    assert decision_covers(7, decided, None, None)
