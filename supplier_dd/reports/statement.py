"""The council's Modern Slavery Transparency Statement for a financial year (issue 19), drafted
from the same figures as the Cabinet pack.

The statement follows the six areas of the Home Office's s.54 guidance, as the statement
registry asks for them. Each area carries the pack's figures that evidence it, each with the
pack's reference (F1, F2, ...) into the evidence index, so every number in the statement can be
traced to the rows behind it; and a narrative paragraph the council's officers write (a draft is
offered). The figures are never typed: they are the pack's, taken when the draft is made or
refreshed, and frozen when the statement is approved.

Plain frozen data and pure functions, like reports/data.py: no Flask, SQLAlchemy or clock.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from supplier_dd.reports.data import Figure, FigureGroup, ReportData, format_value
from supplier_dd.reports.trends import Trend, trends_from_json

# The six areas of the s.54 statutory guidance (Transparency in Supply Chains, 2017, 2023
# update), in the order the registry's form lists them.
STRUCTURE = "structure"
POLICIES = "policies"
RISK = "risk"
DUE_DILIGENCE = "due_diligence"
TRAINING = "training"
KPIS = "kpis"
AREA_TITLES = {
    STRUCTURE: "Organisational structure and supply chains",
    POLICIES: "Policies in relation to slavery and human trafficking",
    RISK: "Risk assessment and management",
    DUE_DILIGENCE: "Due diligence processes",
    TRAINING: "Training about slavery and human trafficking",
    KPIS: "Key performance indicators to measure effectiveness",
}
AREAS = tuple(AREA_TITLES)
NARRATIVE_MAX = 5000
# The statement's own figures are S1, S2, ...; the pack's keep their F-numbers.
OWN_REF_PREFIX = "S"
# Its contracts by PPN 02/23 category (reports/queries.supply_chain_figures): for each category,
# statement.ppn.<category>.contracts labelled "Contracts: <category>" and .value.
PPN_KEY_PREFIX = "statement.ppn."
PPN_CONTRACTS_LABEL = "Contracts: "

# Which of the pack's figure groups evidence each area, by the group's title as the pack prints
# it (reports/queries.py); a group a pack edition does not have is simply absent.
_GROUPS_BY_AREA = {
    STRUCTURE: ("Contracts in PPN 02/23 high-risk categories",),
    RISK: ("Risk band distribution", "High and critical risk and the action taken",
           "Knock-outs, exclusion decisions and debarment checks", "Knock-outs and exclusions"),
    DUE_DILIGENCE: ("Declarations", "s.54 statements of relevant commercial organisations",
                    "Re-attestation"),
    TRAINING: ("Training completion by staff group",),
}
# Figures of the Declarations group that describe the supply chain rather than the checks.
_STRUCTURE_KEYS = ("tenders.in_year", "contracts.live")

DEFAULT_NARRATIVES = {
    STRUCTURE: "{council} buys goods, works and services through its procurement team. This "
               "statement covers the contracts and tenders recorded in its supplier due "
               "diligence service for {year}, and the contracts in categories that PPN 02/23 "
               "names as at high risk of modern slavery.",
    POLICIES: "{council} has signed the Co-operative Party's Charter Against Modern Slavery and "
              "keeps an action plan for its commitments. Progress on each action is reported "
              "to Cabinet with this statement.",
    RISK: "Every supplier is scored for inherent risk from its contracts with the council and "
          "for residual risk from its declaration. Suppliers at high or critical risk are "
          "reviewed by an officer and agreed corrective actions are followed up.",
    DUE_DILIGENCE: "Suppliers declare their compliance with the Modern Slavery Act 2015 when "
                   "they tender and each year after, and sign their declarations. Relevant "
                   "commercial organisations' statements are checked against the Home Office "
                   "statement registry.",
    TRAINING: "Staff who buy or manage contracts are trained to recognise the signs of modern "
              "slavery and what to do about them.",
    KPIS: "The council measures the effectiveness of these steps with the indicators below, "
          "each against its target and last year's figure.",
}


@dataclass(frozen=True)
class StatementFigure:
    """One of the pack's figures as the statement quotes it."""

    key: str
    ref: str  # the pack's F-number, into its evidence index
    label: str
    value: int | float | None
    unit: str
    source: str
    display: str

    @classmethod
    def of(cls, figure: Figure, refs: dict[str, str]) -> StatementFigure:
        return cls(figure.key, refs[figure.key], figure.label, figure.value, figure.unit,
                   figure.source, format_value(figure.value, figure.unit, figure.missing_reason
                                               or "Not recorded"))


@dataclass(frozen=True)
class PpnCategory:
    label: str
    contracts: StatementFigure
    value: StatementFigure


@dataclass(frozen=True)
class PolicyRecord:
    """A Charter evidence record of the year, as the policies area lists it."""

    commitment: int
    evidenced_on: date
    description: str


@dataclass(frozen=True)
class Progress:
    """A key performance indicator against last year's statement."""

    figure: StatementFigure
    previous_display: str
    change_display: str
    target_display: str


@dataclass(frozen=True)
class StatementFigures:
    """Everything computed in a statement: the figures of each area, the progress since last
    year and the five-year trend charts. Stored as JSON with the statement and frozen at
    approval."""

    by_area: dict[str, tuple[StatementFigure, ...]]
    progress: tuple[Progress, ...]
    trends: tuple[Trend, ...] = ()
    policy_records: tuple[PolicyRecord, ...] = ()

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"by_area": {area: [asdict(f) for f in figures]
                                            for area, figures in self.by_area.items()},
                                "progress": [asdict(p) for p in self.progress]}
        # Statements drafted before the charts and the statement's own figures have neither
        # key: their content (and so their checksum) stays what was approved.
        if self.trends:
            data["trends"] = [trend.as_json() for trend in self.trends]
        if self.policy_records:
            data["policy_records"] = [
                {**asdict(record), "evidenced_on": record.evidenced_on.isoformat()}
                for record in self.policy_records]
        return data

    def area_table(self, area: str) -> tuple[StatementFigure, ...]:
        """The area's figures for its table: the supply chain's contracts by PPN 02/23
        category have a table of their own (ppn_categories)."""
        return tuple(figure for figure in self.by_area.get(area, ())
                     if not figure.key.startswith(PPN_KEY_PREFIX))

    def ppn_categories(self) -> tuple[PpnCategory, ...]:
        """Each PPN 02/23 category's contracts and their value, side by side."""
        figures = {figure.key: figure for figure in self.by_area.get(STRUCTURE, ())}
        return tuple(
            PpnCategory(figure.label.removeprefix(PPN_CONTRACTS_LABEL), figure,
                        figures[figure.key.removesuffix(".contracts") + ".value"])
            for figure in figures.values()
            if figure.key.startswith(PPN_KEY_PREFIX) and figure.key.endswith(".contracts"))

    def own_figures(self) -> tuple[StatementFigure, ...]:
        """The figures the statement counted itself (S1, S2, ...), in order: the pack's
        evidence index does not list them, so the statement lists them with their sources."""
        return tuple(figure for figures in self.by_area.values() for figure in figures
                     if figure.ref.startswith(OWN_REF_PREFIX))

    def trend(self, key: str) -> Trend | None:
        return next((trend for trend in self.trends if trend.key == key), None)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StatementFigures:
        return cls(
            by_area={area: tuple(StatementFigure(**f) for f in data["by_area"].get(area, []))
                     for area in AREAS},
            progress=tuple(Progress(figure=StatementFigure(**p["figure"]),
                                    previous_display=p["previous_display"],
                                    change_display=p["change_display"],
                                    target_display=p["target_display"])
                           for p in data["progress"]),
            trends=trends_from_json(data.get("trends")),
            policy_records=tuple(
                PolicyRecord(item["commitment"], date.fromisoformat(item["evidenced_on"]),
                             item["description"])
                for item in data.get("policy_records", ())))


def statement_figures(report: ReportData, trends: tuple[Trend, ...] = (),
                      supply_chain: tuple[Figure, ...] = (),
                      policy_records: tuple[PolicyRecord, ...] = ()) -> StatementFigures:
    """The statement's figures, drawn from the year's pack data; its trend charts; and what it
    counts that the pack does not (the supply chain: numbered S1, S2, ...) and the policies
    recorded in the year."""
    refs = report.figure_refs()
    groups: dict[str, FigureGroup] = {group.title: group for group in (
        *report.transparency, report.risk_bands, *report.training, report.action_plan.summary)}

    def from_groups(titles) -> list[Figure]:
        return [figure for title in titles if title in groups
                for figure in groups[title].figures]

    by_area: dict[str, list[Figure]] = {area: from_groups(_GROUPS_BY_AREA.get(area, ()))
                                        for area in AREAS}
    due_diligence = [f for f in by_area[DUE_DILIGENCE] if f.key not in _STRUCTURE_KEYS]
    structure = [f for f in from_groups(("Declarations",)) if f.key in _STRUCTURE_KEYS]
    by_area[STRUCTURE] = structure + by_area[STRUCTURE]
    by_area[DUE_DILIGENCE] = due_diligence
    by_area[POLICIES] = list(report.action_plan.summary.figures)
    by_area[KPIS] = [kpi.figure for kpi in report.summary]
    progress = tuple(Progress(StatementFigure.of(kpi.figure, refs), kpi.previous_display(),
                              kpi.change_display(), kpi.target_display())
                     for kpi in report.summary)
    own_refs = {figure.key: f"{OWN_REF_PREFIX}{number}"
                for number, figure in enumerate(supply_chain, start=1)}
    statement_by_area = {area: tuple(StatementFigure.of(f, refs) for f in _once(figures))
                         for area, figures in by_area.items()}
    statement_by_area[STRUCTURE] = (
        tuple(StatementFigure.of(f, own_refs) for f in supply_chain)
        + statement_by_area[STRUCTURE])
    return StatementFigures(by_area=statement_by_area, progress=progress, trends=trends,
                            policy_records=policy_records)


def _once(figures: list[Figure]) -> list[Figure]:
    seen, kept = set(), []
    for figure in figures:
        if figure.key not in seen:
            seen.add(figure.key)
            kept.append(figure)
    return kept


def default_narratives(council: str, year_label: str) -> dict[str, str]:
    return {area: text.format(council=council, year=year_label)
            for area, text in DEFAULT_NARRATIVES.items()}


def progress_sentence(progress: tuple[Progress, ...]) -> str:
    """"Progress since last year", in words: each indicator that moved, with its reference."""
    moved = [p for p in progress if p.change_display not in ("No comparison", "No change",
                                                             "Not recorded")]
    if not moved:
        return ("There is no figure from last year's statement to compare with, or none of "
                "the indicators changed.")
    parts = []
    for p in moved:
        direction = "rose" if p.change_display.startswith("Up") else "fell"
        parts.append(f"{p.figure.label} {direction} from {p.previous_display} to "
                     f"{p.figure.display} ({p.figure.ref})")
    return "Since last year's statement: " + "; ".join(parts) + "."


def checksum(narratives: dict[str, str], figures: dict[str, Any], header: dict[str, Any]
             ) -> str:
    """SHA-256 of what an approver approves: the narratives, the figures and the header (the
    council, the year, the version). The published editions print it."""
    content = {"narratives": {area: narratives.get(area, "") for area in AREAS},
               "figures": figures, "header": header}
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
