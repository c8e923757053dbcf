"""A tender's rules: its procurement routes and risk tiers, what may happen to it in each state,
and how a bidder's declaration stands against the closing date.

Pure rules over plain values; the caller passes dates in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from supplier_dd.domain.cells import CellError, parse_money

# The procedures of the Procurement Act 2023 (ss. 20, 41, 46 and 85) a council runs, and the
# lighter process below the thresholds.
PROCUREMENT_ROUTES = (
    ("open", "Open procedure"),
    ("competitive_flexible", "Competitive flexible procedure"),
    ("direct_award", "Direct award"),
    ("framework_call_off", "Call-off from a framework"),
    ("below_threshold", "Below threshold"),
)
# PPN 02/23's modern slavery risk of the procurement itself, before any bidder is known.
RISK_TIERS = (
    ("high", "High"),
    ("medium", "Medium"),
    ("low", "Low"),
)


class TenderStatus(StrEnum):
    OPEN = "open"  # bidders may be added and asked for declarations
    CLOSED = "closed"  # no more bidders or requests; it may still be awarded
    AWARDED = "awarded"  # a contract exists; nothing more changes

    @property
    def label(self) -> str:
        return {"open": "Open", "closed": "Closed", "awarded": "Awarded"}[self.value]


class TenderRuleError(ValueError):
    """What the person asked for cannot be done to the tender in its state; says why."""


def route_label(code: str | None) -> str:
    return dict(PROCUREMENT_ROUTES).get(code or "", "Not given")


def risk_tier_label(code: str | None) -> str:
    return dict(RISK_TIERS).get(code or "", "Not given")


def parse_estimated_value(raw: str) -> Decimal:
    """A positive amount in pounds: '250000', '£250,000', '£1.2m'. Raises ValueError with a
    message the officer can act on."""
    try:
        amount = parse_money(raw)
    except CellError:
        raise ValueError("Enter the value in pounds, like 250000 or £250,000") from None
    if amount is None:
        raise ValueError("Enter the value in pounds")
    if amount <= 0:
        raise ValueError("The value must be more than £0")
    return amount


_CPV_CODE = re.compile(r"^\d{8}(?:-\d)?$")


def check_cpv_code(code: str) -> None:
    """A CPV code as the EU's Common Procurement Vocabulary writes it: 8 digits and an optional
    check digit."""
    if not _CPV_CODE.match(code):
        raise ValueError("Enter a CPV code of 8 digits, like 90910000 or 90910000-9")


def check_closing_date(closing_date: date, today: date) -> None:
    if closing_date < today:
        raise ValueError("The closing date must be today or in the future")


def check_can_invite(status: str) -> None:
    """Adding bidders and asking them for declarations happen only while the tender is open."""
    if status == TenderStatus.AWARDED:
        raise TenderRuleError("This tender has been awarded: no more bidders or requests")
    if status == TenderStatus.CLOSED:
        raise TenderRuleError("This tender is closed: no more bidders or requests")


def check_can_change(status: str) -> None:
    if status == TenderStatus.AWARDED:
        raise TenderRuleError("This tender has been awarded, so its details can no longer change")


def check_can_close(status: str) -> None:
    if status == TenderStatus.AWARDED:
        raise TenderRuleError("This tender has already been awarded")
    if status == TenderStatus.CLOSED:
        raise TenderRuleError("This tender is already closed")


def check_can_remove_bidder(status: str) -> None:
    """A bidder may be taken off until the tender is awarded (closed tenders included: it has
    not been decided yet)."""
    if status == TenderStatus.AWARDED:
        raise TenderRuleError("This tender has been awarded, so its bidders can no longer change")


def check_can_award(status: str, bidder_ids: set[int], supplier_id: int | None) -> None:
    if status == TenderStatus.AWARDED:
        raise TenderRuleError("This tender has already been awarded")
    if supplier_id is None:
        raise TenderRuleError("Select the bidder the tender is awarded to")
    if supplier_id not in bidder_ids:
        raise TenderRuleError("Select one of this tender's bidders")


def check_contract_dates(start: date, end: date) -> None:
    if end < start:
        raise ValueError("The end date must be the same as or after the start date")


class DeclarationState(StrEnum):
    NOT_REQUESTED = "not_requested"
    NOT_STARTED = "not_started"
    STARTED = "started"
    DECLARED = "declared"

    @property
    def label(self) -> str:
        return {
            "not_requested": "Not asked yet", "not_started": "Not started",
            "started": "Started", "declared": "Declared",
        }[self.value]


@dataclass(frozen=True)
class BidderDeclaration:
    state: DeclarationState
    declared_on: date | None  # the council's calendar date it was submitted
    before_closing: bool | None  # None while not declared, or when the tender has no date


def bidder_declaration(requested: bool, draft_started: bool, declared_on: date | None,
                       closing_date: date | None) -> BidderDeclaration:
    """How a bidder stands: declared (and whether on or before the closing date), started,
    not started, or not asked yet."""
    if declared_on is not None:
        on_time = None if closing_date is None else declared_on <= closing_date
        return BidderDeclaration(DeclarationState.DECLARED, declared_on, on_time)
    if draft_started:
        return BidderDeclaration(DeclarationState.STARTED, None, None)
    if requested:
        return BidderDeclaration(DeclarationState.NOT_STARTED, None, None)
    return BidderDeclaration(DeclarationState.NOT_REQUESTED, None, None)
