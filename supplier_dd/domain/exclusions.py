"""Exclusion grounds under the Procurement Act 2023 and the decision a council records (issue 16).

Schedule 6 lists MANDATORY exclusion grounds (a conviction for a labour market, slavery or
human trafficking offence, or the equivalent conduct overseas); Schedule 7 lists DISCRETIONARY
ones (labour market misconduct: prevention, risk and enforcement orders, overseas equivalents,
and conduct the decision-maker has sufficient evidence of, which is why the declaration asks
whether anyone is under investigation). The declaration reports grounds for the supplier,
its connected persons (directors, persons with significant control, parent) and its
associated persons (consortium members, subcontractors relied on).

A ground alone does not exclude. Under s.57 of the Act a supplier is an "excluded supplier"
(mandatory ground) or an "excludable supplier" (discretionary ground) only if the
circumstances giving rise to the ground are continuing or likely to occur again; self-cleaning
evidence (s.58) bears on that. The decision-maker records the outcome, whether the
circumstances are likely to recur, reasons, date and who decided.

Plain Python: no Flask, no SQLAlchemy; the caller passes today's date.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from supplier_dd.domain.risk.model import RESIDUAL_BANDS
from supplier_dd.domain.risk.residual import DECIDED_EXCLUDED_RANK

MANDATORY = 6
DISCRETIONARY = 7

SUPPLIER = "supplier"
CONNECTED = "connected"
ASSOCIATED = "associated"
ANY_PERSON = "any"

PERSON_LABELS = {
    SUPPLIER: "The supplier",
    CONNECTED: "A connected person (director, person with significant control or parent)",
    ASSOCIATED: "An associated person (consortium member or subcontractor relied on)",
    ANY_PERSON: "The supplier, a connected or an associated person",
}


@dataclass(frozen=True)
class Ground:
    key: str
    schedule: int  # MANDATORY (Schedule 6) or DISCRETIONARY (Schedule 7)
    paragraph: str  # the heading of the Schedule the ground sits under
    label: str  # plain English
    source: str  # where it is in law

    @property
    def is_mandatory(self) -> bool:
        return self.schedule == MANDATORY


GROUNDS: dict[str, Ground] = {g.key: g for g in (
    Ground(
        "s6_slavery_offence", MANDATORY,
        "Labour market, slavery and human trafficking offences",
        "Convicted in the last 5 years of a modern slavery or human trafficking offence, "
        "in the UK or the equivalent overseas",
        "Procurement Act 2023, Schedule 6; Modern Slavery Act 2015 ss.1, 2 and 4; Human "
        "Trafficking and Exploitation (Scotland) Act 2015; Human Trafficking and Exploitation "
        "(Criminal Justice and Support for Victims) Act (Northern Ireland) 2015",
    ),
    Ground(
        "s7_labour_market_order", DISCRETIONARY,
        "Labour market misconduct",
        "Subject to a slavery and trafficking prevention or risk order (or an interim one), "
        "a labour market enforcement order, or the equivalent overseas",
        "Procurement Act 2023, Schedule 7; Modern Slavery Act 2015 Part 2; Immigration "
        "Act 2016 s.18",
    ),
    Ground(
        "s7_slavery_conduct", DISCRETIONARY,
        "Labour market misconduct",
        "Under investigation for conduct amounting to a modern slavery offence: the ground "
        "applies if the decision-maker finds sufficient evidence of the conduct",
        "Procurement Act 2023, Schedule 7; Modern Slavery Act 2015 ss.1, 2, 4 and 30",
    ),
)}

# Which answer "yes" reports which ground, for whom. v1 asked about the supplier and
# "connected persons" (its help text counted organisations relied on as connected); v2 asks
# about connected and associated persons apart.
QUESTION_GROUNDS: dict[str, tuple[str, str]] = {
    # v1
    "excl_conviction": ("s6_slavery_offence", SUPPLIER),
    "excl_connected_conviction": ("s6_slavery_offence", CONNECTED),
    "excl_prevention_order": ("s7_labour_market_order", SUPPLIER),
    "excl_lme_order": ("s7_labour_market_order", SUPPLIER),
    "excl_connected_order": ("s7_labour_market_order", CONNECTED),
    # v2
    "excl_s6_supplier": ("s6_slavery_offence", SUPPLIER),
    "excl_s6_connected": ("s6_slavery_offence", CONNECTED),
    "excl_s6_associated": ("s6_slavery_offence", ASSOCIATED),
    "excl_s7_orders_supplier": ("s7_labour_market_order", SUPPLIER),
    "excl_s7_orders_connected": ("s7_labour_market_order", CONNECTED),
    "excl_s7_orders_associated": ("s7_labour_market_order", ASSOCIATED),
    "excl_s7_under_investigation": ("s7_slavery_conduct", ANY_PERSON),
}

SELF_CLEANING_STEPS = {
    "took_responsibility": "Took responsibility for the misconduct",
    "paid_compensation": "Paid or committed to pay compensation",
    "cooperated_with_investigators": "Cooperated with the investigating authorities",
    "changed_staff_or_management": "Changed staff or management",
    "changed_systems": "Changed systems, policies or processes",
    "independent_monitoring": "Accepted independent monitoring",
}


@dataclass(frozen=True)
class ReportedGround:
    ground: Ground
    person: str  # SUPPLIER, CONNECTED, ASSOCIATED or ANY_PERSON
    question_id: str

    @property
    def person_label(self) -> str:
        return PERSON_LABELS[self.person]


@dataclass(frozen=True)
class ExclusionScreening:
    reported: tuple[ReportedGround, ...]
    self_cleaning_steps: tuple[str, ...]  # keys of SELF_CLEANING_STEPS
    details: str
    self_cleaning_details: str

    @property
    def mandatory(self) -> bool:
        return any(r.ground.is_mandatory for r in self.reported)

    @property
    def discretionary(self) -> bool:
        return any(not r.ground.is_mandatory for r in self.reported)

    @property
    def under_investigation(self) -> bool:
        return any(r.ground.key == "s7_slavery_conduct" for r in self.reported)

    @property
    def any_ground(self) -> bool:
        return bool(self.reported)

    @property
    def ground_keys(self) -> tuple[str, ...]:
        """The distinct grounds reported, Schedule 6 first, in a stable order."""
        return tuple(k for k in GROUNDS if any(r.ground.key == k for r in self.reported))

    def by_schedule(self, schedule: int) -> tuple[ReportedGround, ...]:
        return tuple(r for r in self.reported if r.ground.schedule == schedule)

    @property
    def self_cleaning_labels(self) -> tuple[str, ...]:
        return tuple(SELF_CLEANING_STEPS[s] for s in self.self_cleaning_steps)


def screen(answers: Mapping[str, object]) -> ExclusionScreening:
    """The grounds a declaration's answers report (v1 or v2 ids), and its self-cleaning."""
    reported = tuple(
        ReportedGround(GROUNDS[ground], person, qid)
        for qid, (ground, person) in QUESTION_GROUNDS.items()
        if answers.get(qid) == "yes"
    )
    steps = answers.get("excl_self_cleaning_steps") or ()
    if isinstance(steps, str):
        steps = (steps,)
    return ExclusionScreening(
        reported=reported,
        self_cleaning_steps=tuple(s for s in SELF_CLEANING_STEPS if s in steps),
        details=str(answers.get("excl_details") or ""),
        self_cleaning_details=str(answers.get("excl_self_cleaning_details") or ""),
    )


# Decision outcomes.
EXCLUDED = "excluded"
EXCLUDABLE_NOT_EXCLUDED = "excludable_not_excluded"
NOT_EXCLUDED = "not_excluded"
OUTCOMES = {
    EXCLUDED: "Excluded",
    EXCLUDABLE_NOT_EXCLUDED: "Excludable but not excluded",
    NOT_EXCLUDED: "Not excluded",
}
# What the status column reads once a decision stands.
STATUS_LABELS = {
    EXCLUDED: "Excluded (decided)",
    EXCLUDABLE_NOT_EXCLUDED: "Excludable, not excluded (decided)",
    NOT_EXCLUDED: "Not excluded (decided)",
}
AWAITING_DECISION = "awaiting_decision"


def decision_covers(decision_declaration_id: int | None, decision_recorded_at: datetime,
                    declaration_id: int | None, declaration_submitted_at: datetime | None
                    ) -> bool:
    """Whether a standing decision covers the supplier's latest submitted declaration: it was
    made about it, or after it came in (or there is no declaration). A newer declaration that
    reports a ground waits for a decision again."""
    if declaration_id is None or decision_declaration_id == declaration_id:
        return True
    return declaration_submitted_at is not None and decision_recorded_at >= declaration_submitted_at


@dataclass(frozen=True)
class DecidedRating:
    rank: int
    pending_review: bool


def rating_after_decision(outcome: str | None, *, pending_review: bool, band: str | None,
                          rank: int) -> DecidedRating:
    """Where a supplier ranks once a decision covers its latest declaration (scores stay as
    scored): excluded ranks above every knock-out still waiting; excludable-but-not-excluded
    and not-excluded take the residual band the model gave; no decision changes nothing."""
    if outcome == EXCLUDED:
        return DecidedRating(DECIDED_EXCLUDED_RANK, pending_review=False)
    if outcome is not None and pending_review and band in RESIDUAL_BANDS:
        return DecidedRating(RESIDUAL_BANDS.index(band), pending_review=False)
    return DecidedRating(rank, pending_review)


@dataclass(frozen=True)
class DecisionError:
    field: str  # outcome, likely_to_recur, reasons or decided_on
    message: str


def check_decision(
    screening: ExclusionScreening,
    *,
    outcome: str | None,
    likely_to_recur: bool | None,
    reasons: str | None,
    decided_on: date | None,
    today: date,
) -> list[DecisionError]:
    """What is wrong with a proposed decision, field by field (empty when it may be recorded).

    - every decision needs an outcome, an answer on recurrence, reasons and a date not in the
      future;
    - "excluded" and "excludable but not excluded" need a ground and circumstances likely to
      recur: under s.57 a supplier is excluded or excludable only while they are;
    - a mandatory (Schedule 6) ground likely to recur makes the supplier an excluded supplier,
      which the authority must exclude (s.41): it cannot be "excludable but not excluded".
    """
    errors: list[DecisionError] = []
    if outcome not in OUTCOMES:
        errors.append(DecisionError("outcome", "Select the decision"))
    if likely_to_recur is None:
        errors.append(DecisionError(
            "likely_to_recur", "Select whether the circumstances are likely to occur again"))
    if not (reasons or "").strip():
        errors.append(DecisionError("reasons", "Enter the reasons for the decision"))
    if decided_on is None:
        errors.append(DecisionError("decided_on", "Enter the date of the decision"))
    elif decided_on > today:
        errors.append(DecisionError("decided_on",
                                    "The date of the decision must be today or in the past"))
    if outcome not in OUTCOMES or likely_to_recur is None:
        return errors

    if outcome in (EXCLUDED, EXCLUDABLE_NOT_EXCLUDED):
        label = OUTCOMES[outcome].lower()
        if not screening.any_ground:
            errors.append(DecisionError(
                "outcome",
                f"A supplier can only be {label} when an exclusion ground applies: "
                "the declaration reports none"))
        elif not likely_to_recur:
            if screening.mandatory and outcome == EXCLUDED:
                message = ("A mandatory ground that is not likely to occur again does not make "
                           "the supplier an excluded supplier (Procurement Act 2023, s.57): "
                           "record \"Not excluded\"")
            else:
                message = (f"A supplier is {label} only if the circumstances are continuing "
                           "or likely to occur again (Procurement Act 2023, s.57): record "
                           "\"Not excluded\"")
            errors.append(DecisionError("outcome", message))
    if (outcome == EXCLUDABLE_NOT_EXCLUDED and screening.mandatory and likely_to_recur):
        errors.append(DecisionError(
            "outcome",
            "A mandatory (Schedule 6) ground likely to occur again makes the supplier an "
            "excluded supplier, which must be excluded (Procurement Act 2023, ss.41 and 57)"))
    return errors
