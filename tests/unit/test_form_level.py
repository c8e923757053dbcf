"""Which form a supplier gets (PPN 02/23 proportionate questions, issue 16)."""

from __future__ import annotations

import pytest

from supplier_dd.domain.form_level import asks_enough, form_level, form_level_reason, is_sme

LARGE = {"org_headcount": 1200, "org_turnover_band": "60m-100m", "org_vcse": "no"}
SME = {"org_headcount": 40, "org_turnover_band": "under-36m", "org_vcse": "no"}
VCSE = {"org_headcount": 900, "org_turnover_band": "36m-60m", "org_vcse": "yes"}


@pytest.mark.parametrize(("tier", "answers", "level"), [
    ("high", SME, "high"),  # a high-risk tender asks everyone everything
    ("high", VCSE, "high"),
    ("high", LARGE, "high"),
    ("medium", LARGE, "medium"),
    ("medium", VCSE, "core"),
    ("medium", SME, "core"),
    ("low", LARGE, "core"),
    (None, LARGE, "medium"),  # no tier: not rated low, so treated as medium
    (None, SME, "core"),
    (None, {}, "medium"),  # nothing answered yet: the longer form until we know
])
def test_form_level(tier, answers, level):
    assert form_level(tier, answers) == level


@pytest.mark.parametrize(("answers", "small"), [
    ({"org_headcount": 249, "org_turnover_band": "under-36m"}, True),
    ({"org_headcount": 250, "org_turnover_band": "under-36m"}, False),
    ({"org_headcount": 10, "org_turnover_band": "36m-60m"}, False),
    ({"org_headcount": "10", "org_turnover_band": "under-36m"}, False),
    ({"org_turnover_band": "under-36m"}, False),
])
def test_an_sme_has_fewer_than_250_workers_and_turnover_under_36m(answers, small):
    assert is_sme(answers) is small


def test_the_supplier_is_told_why_the_form_is_short_or_long():
    assert form_level_reason("medium", VCSE).startswith(
        "This is the short form because you told us you are a voluntary, community or social "
        "enterprise")
    assert "fewer than 250 workers" in form_level_reason("medium", SME)
    assert form_level_reason("high", SME).startswith("This is the full form because the "
                                                     "council rates this work as high risk")
    assert form_level_reason("low", LARGE).startswith("This is the short form because the "
                                                      "council rates this work as low risk")
    assert form_level_reason("medium", LARGE).startswith("This is the longer form")


@pytest.mark.parametrize(("asked", "needed", "enough"), [
    ("high", "core", True), ("medium", "medium", True), ("core", "medium", False),
    ("medium", "high", False), (None, "high", True), ("core", None, True),
])
def test_a_declaration_answers_another_request_only_if_it_asked_as_much(asked, needed, enough):
    assert asks_enough(asked, needed) is enough
