"""Asking many suppliers for a declaration at once, by rule (issue 15): the rules, what an
officer enters for them, and what a campaign's suppliers have done since.

Plain rules, no database: services.bulk_requests turns a `Rule` into SQL.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

RULE_HIGH_RISK_CONTRACTS = "high_risk_contracts"
RULE_HIGH_RATING = "high_rating"
RULE_OVERDUE_OR_MISSING = "overdue_or_missing"

RULE_LABELS = {
    RULE_HIGH_RISK_CONTRACTS: "Every supplier with a live contract of at least an amount in a "
                              "PPN 02/23 high-risk category",
    RULE_HIGH_RATING: "Every supplier rated High or Critical",
    RULE_OVERDUE_OR_MISSING: "Every supplier whose declaration is overdue or missing",
}
RULE_HINTS = {
    RULE_HIGH_RISK_CONTRACTS: "A contract is live from its start date to its end date. The "
                              "category comes from the contract's category and CPV code.",
    RULE_HIGH_RATING: "The current residual rating, including suppliers with an exclusion "
                      "ground waiting for review.",
    RULE_OVERDUE_OR_MISSING: "No declaration ever submitted, a re-attestation past its due "
                             "date, or a request past its due date and not answered.",
}
# The largest contract value the register can hold (Numeric(14, 2)).
MAX_CONTRACT_VALUE = Decimal("999999999999.99")
ANY_HIGH_RISK_INDUSTRY = ""

# Where each of a campaign's suppliers stands, in the order a request moves through.
NOT_INVITED = "not_invited"
INVITED = "invited"
STARTED = "started"
SUBMITTED = "submitted"
REVIEWED = "reviewed"
ENGAGEMENT_LABELS = {
    NOT_INVITED: "Not invited",
    INVITED: "Invited",
    STARTED: "Started",
    SUBMITTED: "Submitted",
    REVIEWED: "Reviewed",
}

# What the campaign did with each supplier on its frozen list.
WAITING = "waiting"  # in the queue: the scheduler asks it in a later batch
QUEUED = "queued"  # asked: the request made and its emails in the outbox
SKIPPED = "skipped"  # it already had an open request for a declaration
NO_CONTACT = "no_contact"  # asked, but nobody to email: no account and no invitation on record
OUTCOMES = (WAITING, QUEUED, SKIPPED, NO_CONTACT)


class RuleError(ValueError):
    """What the officer entered for a rule cannot be used; `field` names the input."""

    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field = field_name


@dataclass(frozen=True)
class Rule:
    key: str
    min_value: Decimal | None = None  # RULE_HIGH_RISK_CONTRACTS only
    industry: str = ANY_HIGH_RISK_INDUSTRY  # RULE_HIGH_RISK_CONTRACTS only: one industry or any

    def parameters(self) -> dict:
        """What is stored with the campaign and carried in links (strings, stable order)."""
        if self.key != RULE_HIGH_RISK_CONTRACTS:
            return {}
        return {"min_value": f"{self.min_value:.2f}", "industry": self.industry}


def parse_amount(raw: str) -> Decimal:
    """'£50,000', '50000' or '50k'? Pounds and pence only: '50k' is refused rather than
    guessed."""
    text = (raw or "").strip().replace(",", "").replace(" ", "")
    if text.startswith("£"):
        text = text[1:]
    if not text:
        raise RuleError("min_value", "Enter the smallest contract value in pounds")
    if not re.fullmatch(r"\d+(\.\d{1,2})?", text):
        raise RuleError("min_value", "The contract value must be an amount in pounds, "
                                     "like 50000 or 12500.50")
    try:
        value = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        raise RuleError("min_value", "The contract value must be an amount in pounds") from None
    if value > MAX_CONTRACT_VALUE:
        raise RuleError("min_value", "The contract value must be less than £1 trillion")
    return value


def parse_rule(key: str, min_value: str, industry: str,
               high_risk_industries: dict[str, str]) -> Rule:
    """The rule an officer chose, checked. `high_risk_industries` is key -> label."""
    if key not in RULE_LABELS:
        raise RuleError("rule", "Select which suppliers to ask")
    if key != RULE_HIGH_RISK_CONTRACTS:
        return Rule(key)
    amount = parse_amount(min_value)
    industry = (industry or "").strip()
    if industry != ANY_HIGH_RISK_INDUSTRY and industry not in high_risk_industries:
        raise RuleError("industry", "Select a PPN 02/23 high-risk category, or any of them")
    return Rule(key, amount, industry)


def pounds(value: Decimal) -> str:
    text = f"£{value:,.2f}"
    return text[:-3] if text.endswith(".00") else text


def describe(rule: Rule, high_risk_industries: dict[str, str]) -> str:
    """The rule in words, as the campaign page and the audit log say it."""
    if rule.key == RULE_HIGH_RISK_CONTRACTS:
        where = (high_risk_industries.get(rule.industry, rule.industry) if rule.industry
                 else "any PPN 02/23 high-risk category")
        return (f"Every supplier with a live contract of at least {pounds(rule.min_value)} in "
                f"{where}")
    return RULE_LABELS[rule.key]


@dataclass(frozen=True)
class Confirmation:
    """Everything an officer confirms: the same confirmation sent again (a double click, a
    second tab, a replayed form) has the same key, so it finds the campaign the first made."""

    officer_id: int
    rule: Rule
    due_date: date
    supplier_ids: tuple[int, ...] = field(default=())

    def key(self) -> str:
        payload = json.dumps(
            {"officer": self.officer_id, "rule": self.rule.key,
             "parameters": self.rule.parameters(), "due": self.due_date.isoformat(),
             "suppliers": list_fingerprint(self.supplier_ids)},
            sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def list_fingerprint(supplier_ids) -> str:
    """Names the exact list an officer looked at, so confirming a list that has changed since
    is noticed rather than sent."""
    joined = ",".join(str(i) for i in sorted(set(supplier_ids)))
    return hashlib.sha256(joined.encode("ascii")).hexdigest()[:32]


def check_due_date(due_date: date, today: date) -> None:
    if due_date < today:
        raise RuleError("due_date", "The due date must be today or in the future")


def progress_text(asked: int, to_ask: int) -> str:
    """'Queued 12 of 40': asked counts suppliers whose turn in the queue has come."""
    return f"Queued {asked} of {to_ask}"
