"""The Co-operative Party Charter Against Modern Slavery, and how far the council meets it.

A commitment's status in the Cabinet pack is derived from dated evidence items an officer
records, never typed in: evidence is what the council can show an auditor. Each commitment has a
window after which its evidence is stale, because the Charter asks for continuing practice (the
annual public report, regular spend reviews), not a one-off.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


@dataclass(frozen=True)
class Commitment:
    number: int
    title: str
    text: str  # paraphrased: the Charter's own wording is the Co-operative Party's
    example_evidence: str
    valid_months: int  # evidence older than this no longer shows the commitment is kept
    tender_related: bool = False  # evidence usually names a tender or contract


COMMITMENTS: tuple[Commitment, ...] = (
    Commitment(
        1, "Train procurement staff",
        "Train the corporate procurement team on modern slavery through the CIPS online "
        "Ethical Procurement and Supply course.",
        "Procurement team completed the CIPS Ethical Procurement and Supply course",
        # CIPS asks for the ethical test to be renewed each year; allow a grace period for
        # staff turnover before the commitment shows as lapsed.
        valid_months=24,
    ),
    Commitment(
        2, "Require contractors to comply with the Act",
        "Require contractors to comply fully with the Modern Slavery Act 2015 wherever it "
        "applies, with contract termination available as a sanction.",
        "Modern slavery clause with a termination right included in the contract",
        valid_months=12, tender_related=True,
    ),
    Commitment(
        3, "Challenge abnormally low-cost tenders",
        "Challenge abnormally low-cost tenders to make sure they do not depend on modern "
        "slavery.",
        "Abnormally low tender challenged and the bidder's costing explained",
        valid_months=12, tender_related=True,
    ),
    Commitment(
        4, "Tell suppliers workers may join a union",
        "Tell suppliers that contracted workers may join a trade union and must not be "
        "treated unfairly for doing so.",
        "Trade union statement included in the tender pack",
        valid_months=12, tender_related=True,
    ),
    Commitment(
        5, "Publicise the council's whistle-blowing route",
        "Publicise the council's own whistle-blowing route for staff to report suspected "
        "modern slavery.",
        "Whistle-blowing route publicised on the intranet",
        valid_months=12,
    ),
    Commitment(
        6, "Require contractors to have a whistle-blowing policy",
        "Require tendered contractors to have a whistle-blowing policy that lets their staff "
        "report suspected modern slavery.",
        "Contractor's whistle-blowing policy checked at tender evaluation",
        valid_months=12, tender_related=True,
    ),
    Commitment(
        7, "Review contract spending",
        "Review contractual spending regularly to spot potential modern slavery issues.",
        "Contract spend review held and high-risk categories noted",
        valid_months=12,
    ),
    Commitment(
        8, "Alert suppliers to risks and refer them",
        "Alert suppliers to identified modern slavery risks and refer them to the relevant "
        "agencies.",
        "Supplier alerted to a risk in its supply chain and referred for support",
        valid_months=12, tender_related=True,
    ),
    Commitment(
        9, "Refer contractors of concern",
        "Refer contractors of concern for investigation through the National Referral "
        "Mechanism.",
        "Referral process for contractors of concern agreed with the safeguarding lead",
        valid_months=12,
    ),
    Commitment(
        10, "Report publicly every year",
        "Report publicly on the implementation of the Charter every year.",
        "Annual report on the Charter taken to Cabinet and published",
        # An annual report is due every twelve months; three months' grace covers the
        # committee cycle slipping.
        valid_months=15,
    ),
)

COMMITMENT_NUMBERS = tuple(commitment.number for commitment in COMMITMENTS)


def commitment(number: int) -> Commitment:
    for item in COMMITMENTS:
        if item.number == number:
            return item
    raise ValueError(f"The Charter has commitments 1 to {len(COMMITMENTS)}, not {number}")


class CharterStatus(StrEnum):
    EVIDENCED = "evidenced"
    LAPSED = "lapsed"
    NO_EVIDENCE = "no_evidence"

    @property
    def label(self) -> str:
        return {"evidenced": "Evidenced", "lapsed": "Evidence out of date",
                "no_evidence": "No evidence"}[self.value]

    @property
    def rag(self) -> str:
        return {"evidenced": "green", "lapsed": "amber", "no_evidence": "red"}[self.value]


@dataclass(frozen=True)
class Evidence:
    commitment: int
    evidenced_on: date


@dataclass(frozen=True)
class CommitmentStatus:
    commitment: Commitment
    status: CharterStatus
    latest: date | None  # the newest evidence dated on or before today
    current_items: int  # evidence items still inside the window
    valid_until: date | None  # when the newest evidence goes stale


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def commitment_status(
    item: Commitment, evidence: Iterable[Evidence], today: date
) -> CommitmentStatus:
    """Evidenced while the newest item is inside the window; lapsed after; none without any.

    Items dated after today are ignored: a future date is a plan, not evidence.
    """
    dates = sorted(e.evidenced_on for e in evidence
                   if e.commitment == item.number and e.evidenced_on <= today)
    if not dates:
        return CommitmentStatus(item, CharterStatus.NO_EVIDENCE, None, 0, None)
    latest = dates[-1]
    valid_until = add_months(latest, item.valid_months)
    current = sum(1 for day in dates if add_months(day, item.valid_months) >= today)
    status = CharterStatus.EVIDENCED if valid_until >= today else CharterStatus.LAPSED
    return CommitmentStatus(item, status, latest, current, valid_until)


def charter_statuses(evidence: Iterable[Evidence], today: date) -> list[CommitmentStatus]:
    items = list(evidence)
    return [commitment_status(item, items, today) for item in COMMITMENTS]
