"""The Home Office modern slavery statement registry, and what it tells us about a supplier.

The registry publishes `StatementSummaries{YEAR}.csv` (Open Government Licence v3.0): one row
per organisation per registry year. This module reads those rows, decides what the registry
says about one supplier on a given day (RegistryFacts), compares that with what the supplier
declared (`registry_mismatches`), and lists the facts that count as verified evidence
(`verified_facts`), as opposed to what the supplier merely attested.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlsplit

from supplier_dd.domain import cells
from supplier_dd.domain.columns import ColumnSpec, HeaderMap
from supplier_dd.domain.contracts_register import RowProblem
from supplier_dd.domain.organisations import (
    RELEVANT_TURNOVER_BANDS,
    TURNOVER_BANDS,
    normalise_company_number,
)

REGISTRY_SOURCE = "Home Office modern slavery statement registry"
REGISTRY_URL = "https://modern-slavery-statement-registry.service.gov.uk"

# A statement covers one financial year and is due within 6 months of its end. So once the
# period it covers ended more than 12 + 6 months ago, the next statement is overdue and the
# registered one no longer describes the supplier.
STALE_AFTER_MONTHS = 18

# (key, what the statutory guidance calls the area, registry CSV column)
STATEMENT_AREAS: tuple[tuple[str, str, str], ...] = (
    ("organisation_structure", "Organisational structure and supply chains",
     "StatementIncludesOrgStructure"),
    ("policies", "Policies", "StatementIncludesPolicies"),
    ("risk_assessment", "Assessing and managing risk", "StatementIncludesRisksAssessment"),
    ("due_diligence", "Due diligence", "StatementIncludesDueDiligence"),
    ("training", "Training", "StatementIncludesTraining"),
    ("monitoring", "Monitoring and evaluation (goals and KPIs)", "StatementIncludesGoals"),
)
AREA_LABELS = {key: label for key, label, _column in STATEMENT_AREAS}

_REQUIRED = ("StatementYear", "OrganisationName", "CompanyNumber", "StatementURL",
             "StatementStartDate", "StatementEndDate", "DateApproved")
_OPTIONAL = ("StatementSummaryURL", "Turnover", "OrganisationSectors", "GroupSubmission",
             "ParentName", "LastUpdated", "SectorType")
REGISTRY_COLUMNS: tuple[ColumnSpec, ...] = (
    *(ColumnSpec(name, name, (name,), required=True) for name in _REQUIRED),
    *(ColumnSpec(column, column, (column,)) for _key, _label, column in STATEMENT_AREAS),
    *(ColumnSpec(name, name, (name,)) for name in _OPTIONAL),
)

_FIRST_YEAR, _LAST_YEAR = 2019, 2100  # the registry opened for 2019-20 statements
_URL_COLUMNS = ("StatementURL", "StatementSummaryURL")


def _band_words(label) -> str:
    """A band's words without punctuation or 'to', so '£36 million - £60 million' reads as
    '£36 million to £60 million'."""
    words = re.sub(r"[^a-z0-9]+", " ", str(label or "").lower()).split()
    return " ".join(word for word in words if word != "to")


_BAND_WORDS = {_band_words(label): code for code, label in TURNOVER_BANDS}
_BAND_LABELS = ", ".join(label for _code, label in TURNOVER_BANDS)


def turnover_band_code(label) -> str | None:
    """'£36 million to £60 million' -> '36m-60m'; None for an empty or unknown band."""
    return _BAND_WORDS.get(_band_words(label))


def web_address(text: str) -> str | None:
    """The statement's address as a link can use: http(s) and a host with a dot and no spaces
    (a space later on is common in PDF names and browsers send it encoded); an address without
    a scheme ('www.example.co.uk/statement') is taken as https. None when the text is not a
    web address, so 'javascript:' or 'see our website' never becomes a link."""
    candidate = text if "://" in text else f"https://{text}"
    parts = urlsplit(candidate)
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or "." not in host \
            or any(character.isspace() for character in parts.netloc):
        return None
    return candidate


def organisation_key(company_number: str | None, normalised_name: str) -> str:
    """How the registry identifies an organisation: its company number, else its name."""
    return company_number if company_number else f"name:{normalised_name}"


@dataclass(frozen=True)
class RegisteredStatement:
    row_number: int
    statement_year: int
    organisation_name: str
    company_number: str | None
    statement_url: str | None
    summary_url: str | None
    start_date: date | None
    end_date: date | None
    approved_on: date | None
    areas: frozenset[str]
    turnover_band: str | None
    sectors: tuple[str, ...]
    group_submission: bool
    parent_name: str | None
    last_updated: datetime | None = None

    @property
    def reference_date(self) -> date | None:
        """The date the statement's currency is judged by: its period end, else its approval."""
        return self.end_date or self.approved_on


def _registry_datetime(value) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if cells.is_blank(value):
        return None
    raw = str(value).strip()
    try:
        return datetime.fromisoformat(raw.replace("Z", "+00:00")).replace(tzinfo=None)
    except ValueError:
        parsed = cells.parse_date(raw[:10] if len(raw) > 10 else raw)
        return datetime(parsed.year, parsed.month, parsed.day) if parsed else None


def parse_registry_row(
    row_number: int, values: Sequence, header: HeaderMap, normalise_name
) -> RegisteredStatement | RowProblem | None:
    """One registry row. `normalise_name` is the service's name normaliser, passed in so that
    registry names and supplier names are normalised the same way."""
    if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
        return None
    reasons: list[str] = []
    name = cells.text(header.cell(values, "OrganisationName"))
    if not name:
        reasons.append("OrganisationName is empty")
    year_text = cells.text(header.cell(values, "StatementYear"))
    year = int(year_text) if year_text.isdigit() else None
    if year is None or not _FIRST_YEAR <= year <= _LAST_YEAR:
        reasons.append(f"StatementYear '{year_text}' is not a registry year")

    def read_date(column: str) -> date | None:
        try:
            raw = header.cell(values, column)
            if isinstance(raw, str) and "T" in raw:
                raw = raw.split("T", 1)[0]
            return cells.parse_date(raw)
        except cells.CellError as error:
            reasons.append(f"{column} {error}")
            return None

    start_date = read_date("StatementStartDate")
    end_date = read_date("StatementEndDate")
    approved_on = read_date("DateApproved")
    if start_date and end_date and end_date < start_date:
        reasons.append(f"StatementEndDate {end_date:%d/%m/%Y} is before StatementStartDate "
                       f"{start_date:%d/%m/%Y}")
    try:
        last_updated = _registry_datetime(header.cell(values, "LastUpdated"))
    except cells.CellError as error:
        reasons.append(f"LastUpdated {error}")
        last_updated = None
    urls = {}
    for column in _URL_COLUMNS:
        text = cells.text(header.cell(values, column))[:2000]
        urls[column] = web_address(text) if text else None
        if text and urls[column] is None:
            reasons.append(f"{column} '{text[:100]}' is not a web address, like "
                           "https://www.example.co.uk/modern-slavery-statement")
    turnover = header.cell(values, "Turnover")
    turnover_band = turnover_band_code(turnover)
    if turnover_band is None and not cells.is_blank(turnover):
        reasons.append(f"Turnover '{cells.text(turnover)[:100]}' is not one of the registry's "
                       f"turnover bands ({_BAND_LABELS})")

    number_text = cells.text(header.cell(values, "CompanyNumber"))
    company_number = None
    if number_text and not cells.is_blank(number_text):
        try:
            company_number = normalise_company_number(number_text)
        except ValueError:
            # The registry holds some numbers in other formats; match such rows by name.
            company_number = None
    if reasons:
        return RowProblem(row_number, name or None, tuple(reasons), what="")
    return RegisteredStatement(
        row_number=row_number,
        statement_year=year,
        organisation_name=name[:300],
        company_number=company_number,
        statement_url=urls["StatementURL"],
        summary_url=urls["StatementSummaryURL"],
        start_date=start_date,
        end_date=end_date,
        approved_on=approved_on,
        areas=frozenset(
            key for key, _label, column in STATEMENT_AREAS
            if cells.flag(header.cell(values, column))
        ),
        turnover_band=turnover_band,
        sectors=cells.lines(header.cell(values, "OrganisationSectors")),
        group_submission=cells.flag(header.cell(values, "GroupSubmission")),
        parent_name=cells.text(header.cell(values, "ParentName"))[:300] or None,
        last_updated=last_updated,
    )


def months_between(earlier: date, later: date) -> int:
    """Whole calendar months from `earlier` to `later` (negative if `later` is earlier)."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    if later.day < earlier.day:
        months -= 1
    return months


@dataclass(frozen=True)
class RegistryFacts:
    """What the registry says about one supplier on `checked_on`."""

    checked_on: date
    statements: tuple[RegisteredStatement, ...]  # newest first
    matched_by: str | None  # "company number", "name" or None when nothing matched

    @property
    def latest(self) -> RegisteredStatement | None:
        return self.statements[0] if self.statements else None

    @property
    def registered(self) -> bool:
        return self.latest is not None

    @property
    def months_old(self) -> int | None:
        latest = self.latest
        if latest is None or latest.reference_date is None:
            return None
        return months_between(latest.reference_date, self.checked_on)

    @property
    def out_of_date(self) -> bool:
        months = self.months_old
        return self.registered and (months is None or months > STALE_AFTER_MONTHS)

    @property
    def covers_relevant_period(self) -> bool:
        """A statement is registered and is the one that should currently be in force."""
        return self.registered and not self.out_of_date

    @property
    def areas(self) -> frozenset[str]:
        return self.latest.areas if self.latest else frozenset()

    @property
    def area_coverage(self) -> list[tuple[str, bool]]:
        return [(label, key in self.areas) for key, label, _column in STATEMENT_AREAS]

    @property
    def covers_all_areas(self) -> bool:
        return self.registered and len(self.areas) == len(STATEMENT_AREAS)

    @property
    def turnover_band(self) -> str | None:
        return self.latest.turnover_band if self.latest else None

    @property
    def turnover_says_relevant(self) -> bool | None:
        """Whether the registered turnover band is £36m or more; None when not stated."""
        band = self.turnover_band
        if band is None:
            return None
        return band in RELEVANT_TURNOVER_BANDS


def registry_facts(
    statements: Iterable[RegisteredStatement], matched_by: str | None, today: date
) -> RegistryFacts:
    newest_first = sorted(
        statements,
        key=lambda s: (s.statement_year, s.reference_date or date.min, s.approved_on or date.min),
        reverse=True,
    )
    return RegistryFacts(
        checked_on=today,
        statements=tuple(newest_first),
        matched_by=matched_by if newest_first else None,
    )


# --- comparing with the declaration ---------------------------------------------------------

@dataclass(frozen=True)
class DeclaredStatementAnswers:
    """The s.54 answers of a declaration, whatever the questionnaire calls them."""

    relevant_commercial_organisation: bool | None = None
    compliant: bool | None = None
    statement_url: str | None = None
    # The areas the supplier says its statement covers, as registry area keys (None: not said).
    areas: frozenset[str] | None = None


# Question ids that carry each answer: those of questionnaires/modern_slavery/v1.toml. A later
# questionnaire version that renames them adds its ids here (the first one answered is used).
DECLARATION_KEYS: dict[str, tuple[str, ...]] = {
    "relevant_commercial_organisation": ("s54_is_rco",),
    "compliant": ("s54_compliant",),
    "statement_url": ("s54_statement_url",),
    "areas": ("s54_areas",),
}
# The questionnaire's s54_areas answers where they are spelt differently from the registry's.
DECLARED_AREA_KEYS = {"structure": "organisation_structure", "risk": "risk_assessment"}
_YES = frozenset({"yes", "y", "true", "1"})
_NO = frozenset({"no", "n", "false", "0"})


def _yes_no(value) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value or "").strip().lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    return None


def declared_statement_answers(answers: Mapping[str, object]) -> DeclaredStatementAnswers:
    def first(name: str):
        for key in DECLARATION_KEYS[name]:
            if key in answers and answers[key] not in (None, ""):
                return answers[key]
        return None

    url = first("statement_url")
    return DeclaredStatementAnswers(
        relevant_commercial_organisation=_yes_no(first("relevant_commercial_organisation")),
        compliant=_yes_no(first("compliant")),
        statement_url=str(url).strip() if url else None,
        areas=declared_registry_areas(first("areas")),
    )


def declared_registry_areas(value) -> frozenset[str] | None:
    """A declaration's s54_areas answer as registry area keys ('None of these' is no area);
    None when it was not answered."""
    if value in (None, "", [], ()):
        return None
    values = value if isinstance(value, list | tuple) else [value]
    keys = {DECLARED_AREA_KEYS.get(str(v), str(v)) for v in values}
    return frozenset(keys & set(AREA_LABELS))


def areas_mismatch(registry_areas: frozenset[str], declared_areas: frozenset[str] | None
                   ) -> RegistryMismatch | None:
    """The registered statement covers other s.54 areas than the supplier declared."""
    if declared_areas is None or declared_areas == registry_areas:
        return None

    def named(keys) -> str:
        return ", ".join(label for key, label, _column in STATEMENT_AREAS if key in keys)

    parts = []
    if declared_areas - registry_areas:
        parts.append(f"declared but not in the registered statement: "
                     f"{named(declared_areas - registry_areas)}")
    if registry_areas - declared_areas:
        parts.append(f"in the registered statement but not declared: "
                     f"{named(registry_areas - declared_areas)}")
    return RegistryMismatch("declared_areas_differ",
                            "Areas declared differ from the registry statement: "
                            + "; ".join(parts) + ".")


@dataclass(frozen=True)
class RegistryMismatch:
    code: str
    message: str


def registry_mismatches(
    facts: RegistryFacts, declared: Mapping[str, object] | DeclaredStatementAnswers
) -> list[RegistryMismatch]:
    """Where the supplier's declaration and the registry disagree, for an officer to follow up.

    These are prompts, not verdicts: the registry is voluntary, so a missing statement there
    is a question to ask, not proof of non-compliance.
    """
    if not isinstance(declared, DeclaredStatementAnswers):
        declared = declared_statement_answers(declared)
    found: list[RegistryMismatch] = []
    if declared.compliant and not facts.registered:
        found.append(RegistryMismatch(
            "declared_compliant_not_registered",
            "Declares it complies with section 54, but no statement is registered for it on "
            "the statement registry. Ask for the statement and check it.",
        ))
    if declared.relevant_commercial_organisation is False and facts.turnover_says_relevant:
        band = dict(TURNOVER_BANDS)[facts.turnover_band]
        found.append(RegistryMismatch(
            "declared_not_relevant_but_turnover_relevant",
            f"Declares it is not a relevant commercial organisation (turnover under £36 "
            f"million), but its registered statement gives turnover {band}.",
        ))
    if (declared.compliant or declared.relevant_commercial_organisation) and facts.out_of_date:
        latest = facts.latest
        covered = (
            f"the period ending {latest.end_date:%d %B %Y}" if latest.end_date
            else f"registry year {latest.statement_year}"
        )
        found.append(RegistryMismatch(
            "registered_statement_out_of_date",
            f"Its latest registered statement covers {covered}, more than "
            f"{STALE_AFTER_MONTHS} months ago; a newer statement should have been published.",
        ))
    if facts.registered:
        areas = areas_mismatch(facts.areas, declared.areas)
        if areas is not None:
            found.append(areas)
    return found


# --- evidence for scoring and KPIs ----------------------------------------------------------

@dataclass(frozen=True)
class VerifiedFact:
    """A fact checked against a public record, as opposed to one the supplier declared."""

    key: str
    label: str
    value: object
    source: str
    source_url: str | None
    as_of: date | None


def verified_facts(facts: RegistryFacts) -> dict[str, VerifiedFact]:
    """The registry facts that count as verified evidence. Empty when nothing is registered:
    the registry is voluntary, so absence there verifies nothing."""
    latest = facts.latest
    if latest is None:
        return {}
    source_url = latest.summary_url or latest.statement_url or REGISTRY_URL
    as_of = latest.approved_on or latest.end_date

    def fact(key: str, label: str, value) -> tuple[str, VerifiedFact]:
        return key, VerifiedFact(key, label, value, REGISTRY_SOURCE, source_url, as_of)

    items = [
        fact("statement_registered", "Modern slavery statement registered", True),
        fact("statement_current", "Registered statement is current", facts.covers_relevant_period),
        fact("statement_year", "Registry year of the latest statement", latest.statement_year),
        fact("statement_url", "Statement web address", latest.statement_url),
        fact("statement_approved_on", "Statement approved on", latest.approved_on),
        fact("statement_period_end", "Statement period ends", latest.end_date),
        fact("statement_areas", "Areas the statement covers", latest.areas),
        fact("statement_covers_all_areas", "Statement covers all six areas",
             facts.covers_all_areas),
    ]
    if latest.turnover_band:
        items.append(fact("turnover_band", "Turnover band", latest.turnover_band))
        items.append(fact("relevant_commercial_organisation",
                          "Turnover of £36 million or more", facts.turnover_says_relevant))
    return dict(items)
