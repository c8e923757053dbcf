"""Loading and checking a risk model file. A bad file fails loudly with what to fix."""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources

CURRENT_MODEL_VERSION = "v1"
RESIDUAL_BANDS = ("Low", "Medium", "High", "Critical")
_VERSION = re.compile(r"^v\d+$")


class RiskModelError(ValueError):
    """The model file is unusable; the message names the setting to fix."""


@dataclass(frozen=True)
class Band:
    name: str
    start: float


@dataclass(frozen=True)
class PointsBand:
    start: float
    points: int


@dataclass(frozen=True)
class Industry:
    key: str
    label: str
    points: int


@dataclass(frozen=True)
class WorkforceTrait:
    key: str
    label: str
    points: int


@dataclass(frozen=True)
class RedFlagRule:
    key: str
    label: str
    floor: str
    excludes: bool
    # v2: {question, any_of}: the model raises the flag from this answer itself.
    when: dict | None = None


@dataclass(frozen=True)
class DeclarationInputs:
    """Which questionnaire answers feed inherent risk (question ids are data, not code)."""

    country_questions: tuple[str, ...]
    workforce_rules: dict[str, dict]
    subcontracting_uses_question: str | None
    subcontracting_uses_value: str
    subcontracting_depth_question: str | None
    subcontracting_depth_by_answer: dict[str, int]


@dataclass(frozen=True)
class RcoCheck:
    """How a relevant commercial organisation (MSA s.54) is derived from the answers."""

    turnover_question: str
    turnover_values: frozenset[str]
    uk_business_question: str | None
    countries_question: str | None
    uk_country: str


@dataclass(frozen=True)
class StatementCheck:
    """Which answers say whether the s.54 statement is current, approved and signed."""

    has_statement_question: str
    period_end_question: str
    approval_date_question: str
    signatory_question: str


@dataclass(frozen=True)
class Checks:
    """Facts the service checks rather than takes from the supplier (model v2 onwards)."""

    hours_question: str | None = None
    hours_ceiling: float | None = None
    statement_currency_months: int = 18
    rco: RcoCheck | None = None
    statement: StatementCheck | None = None


@dataclass(frozen=True)
class RiskModel:
    version: str
    title: str
    fingerprint: str
    inherent_bands: tuple[Band, ...]
    sector_max: int
    sector_unknown_points: int
    industries: dict[str, Industry]
    registry_sectors: dict[str, str]
    categories: dict[str, str]
    cpv_divisions: dict[str, str]
    country_max: int
    country_bands: tuple[PointsBand, ...]
    value_max: int
    value_unknown_points: int
    value_bands: tuple[PointsBand, ...]
    workforce_max: int
    workforce_traits: dict[str, WorkforceTrait]
    subcontracting_max: int
    subcontracting_unknown_points: int
    subcontracting_points_by_depth: tuple[int, ...]
    maturity_bands: tuple[Band, ...]
    residual_mitigation: float
    residual_matrix: dict[str, dict[str, str]]
    red_flags: dict[str, RedFlagRule]
    low_skilled_industries: frozenset[str]
    declaration_inputs: DeclarationInputs
    kpi_applies_if: dict[str, dict]
    # Model v2 onwards; a v1 file leaves them at these defaults and scores exactly as before.
    goods_max: int = 0
    goods_question: str | None = None
    goods_items: dict[str, WorkforceTrait] = field(default_factory=dict)
    multiple_choice_cap_share: float | None = None
    multiple_choice_caps: dict[str, int] = field(default_factory=dict)
    # None: no evidence rule (v1). Otherwise the most bands self-attestation alone may take off.
    self_attested_max_steps: int | None = None
    self_attested_share_of_mitigation: float = 1.0
    checks: Checks = field(default_factory=Checks)

    @property
    def inherent_max(self) -> int:
        return (self.sector_max + self.country_max + self.value_max + self.workforce_max
                + self.subcontracting_max + self.goods_max)

    @property
    def evidence_weighted(self) -> bool:
        return self.self_attested_max_steps is not None


def _require(table: dict, key: str, where: str):
    if key not in table:
        raise RiskModelError(f"Risk model: {where}.{key} is missing")
    return table[key]


def _bands(items, where: str) -> tuple[Band, ...]:
    bands = tuple(Band(str(_require(i, "name", where)), float(_require(i, "from", where)))
                  for i in items)
    if not bands or bands[0].start != 0 or any(
        a.start >= b.start for a, b in zip(bands, bands[1:], strict=False)
    ):
        raise RiskModelError(f"Risk model: {where} must start at 0 and rise")
    return bands


def _points_bands(items, where: str, maximum: int) -> tuple[PointsBand, ...]:
    bands = tuple(PointsBand(float(_require(i, "from", where)), int(_require(i, "points", where)))
                  for i in items)
    if not bands or bands[0].start != 0 or any(
        a.start >= b.start or a.points > b.points for a, b in zip(bands, bands[1:], strict=False)
    ):
        raise RiskModelError(f"Risk model: {where} must start at 0 and rise")
    if bands[-1].points > maximum:
        raise RiskModelError(f"Risk model: {where} gives more than max_points ({maximum})")
    return bands


def parse_model(text: str) -> RiskModel:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise RiskModelError(f"Risk model is not valid TOML: {error}") from None
    version = str(_require(data, "version", "model"))
    if not _VERSION.match(version):
        raise RiskModelError(f"Risk model version {version!r} must look like v1, v2, ...")
    inherent = _require(data, "inherent", "model")
    sector = _require(inherent, "sector", "inherent")
    industries = {
        key: Industry(key, str(_require(v, "label", f"industries.{key}")),
                      int(_require(v, "points", f"industries.{key}")))
        for key, v in _require(sector, "industries", "inherent.sector").items()
    }
    mappings = {}
    for name in ("registry_sectors", "categories", "cpv_divisions"):
        mapping = {k.strip(): v for k, v in sector.get(name, {}).items()}
        unknown = sorted(set(mapping.values()) - set(industries))
        if unknown:
            raise RiskModelError(f"Risk model: inherent.sector.{name} names unknown industries "
                                 f"{', '.join(unknown)}")
        mappings[name] = mapping
    country = _require(inherent, "country", "inherent")
    value = _require(inherent, "contract_value", "inherent")
    workforce = _require(inherent, "workforce", "inherent")
    subcontracting = _require(inherent, "subcontracting", "inherent")
    residual = _require(data, "residual", "model")
    if tuple(_require(residual, "bands", "residual")) != RESIDUAL_BANDS:
        raise RiskModelError(f"Risk model: residual.bands must be {', '.join(RESIDUAL_BANDS)}")
    inherent_bands = _bands(_require(inherent, "bands", "inherent"), "inherent.bands")
    maturity_bands = _bands(_require(_require(data, "maturity", "model"), "bands", "maturity"),
                            "maturity.bands")
    matrix = _require(residual, "matrix", "residual")
    for band in inherent_bands:
        row = _require(matrix, band.name, "residual.matrix")
        for maturity_band in maturity_bands:
            cell = _require(row, maturity_band.name, f"residual.matrix.{band.name}")
            if cell not in RESIDUAL_BANDS:
                raise RiskModelError(f"Risk model: residual.matrix.{band.name}."
                                     f"{maturity_band.name} = {cell!r} is not a residual band")
    red_flags = {}
    for key, rule in data.get("red_flags", {}).items():
        floor = str(_require(rule, "floor", f"red_flags.{key}"))
        if floor not in RESIDUAL_BANDS:
            raise RiskModelError(f"Risk model: red_flags.{key}.floor {floor!r} is not a band")
        when = rule.get("when")
        if when is not None and not ({"question", "any_of"} <= set(when)):
            raise RiskModelError(f"Risk model: red_flags.{key}.when needs question and any_of")
        red_flags[key] = RedFlagRule(key, str(_require(rule, "label", f"red_flags.{key}")), floor,
                                     bool(rule.get("excludes", False)),
                                     dict(when) if when is not None else None)
    workforce_max = int(_require(workforce, "max_points", "inherent.workforce"))
    traits = {
        key: WorkforceTrait(key, str(v["label"]), int(v["points"]))
        for key, v in _require(workforce, "traits", "inherent.workforce").items()
    }
    low_skilled = frozenset(workforce.get("low_skilled_industries", {}).get("industries", []))
    if low_skilled - set(industries):
        unknown = ", ".join(sorted(low_skilled - set(industries)))
        raise RiskModelError("Risk model: inherent.workforce.low_skilled_industries names "
                             f"unknown industries {unknown}")
    inputs = data.get("declaration_inputs", {})
    workforce_rules = {k: dict(v) for k, v in inputs.get("workforce", {}).items()}
    if set(workforce_rules) - set(traits):
        raise RiskModelError("Risk model: declaration_inputs.workforce names unknown traits "
                             f"{', '.join(sorted(set(workforce_rules) - set(traits)))}")
    subcontracting_inputs = inputs.get("subcontracting", {})
    country_max = int(_require(country, "max_points", "inherent.country"))
    value_max = int(_require(value, "max_points", "inherent.contract_value"))
    model = RiskModel(
        version=version,
        title=str(data.get("title", version)),
        fingerprint=hashlib.sha256(text.encode("utf-8")).hexdigest()[:16],
        inherent_bands=inherent_bands,
        sector_max=int(_require(sector, "max_points", "inherent.sector")),
        sector_unknown_points=int(_require(sector, "unknown_points", "inherent.sector")),
        industries=industries,
        registry_sectors=mappings["registry_sectors"],
        categories={k.lower(): v for k, v in mappings["categories"].items()},
        cpv_divisions=mappings["cpv_divisions"],
        country_max=country_max,
        country_bands=_points_bands(_require(country, "bands", "inherent.country"),
                                    "inherent.country.bands", country_max),
        value_max=value_max,
        value_unknown_points=int(value.get("unknown_points", 0)),
        value_bands=_points_bands(_require(value, "bands", "inherent.contract_value"),
                                  "inherent.contract_value.bands", value_max),
        workforce_max=workforce_max,
        workforce_traits=traits,
        subcontracting_max=int(_require(subcontracting, "max_points", "inherent.subcontracting")),
        subcontracting_unknown_points=int(subcontracting.get("unknown_points", 0)),
        subcontracting_points_by_depth=tuple(
            int(p) for p in _require(subcontracting, "points_by_depth", "inherent.subcontracting")
        ),
        maturity_bands=maturity_bands,
        residual_mitigation=float(residual.get("mitigation", 0.5)),
        residual_matrix={k: dict(v) for k, v in matrix.items()},
        red_flags=red_flags,
        low_skilled_industries=low_skilled,
        declaration_inputs=DeclarationInputs(
            country_questions=tuple(inputs.get("countries", ())),
            workforce_rules=workforce_rules,
            subcontracting_uses_question=subcontracting_inputs.get("uses_question"),
            subcontracting_uses_value=str(subcontracting_inputs.get("uses_value", "yes")),
            subcontracting_depth_question=subcontracting_inputs.get("depth_question"),
            subcontracting_depth_by_answer={
                k: int(v) for k, v in subcontracting_inputs.get("depth_by_answer", {}).items()
            },
        ),
        kpi_applies_if={
            key: dict(rule["applies_if"]) for key, rule in data.get("kpis", {}).items()
            if "applies_if" in rule
        },
    )
    model = _with_v2_settings(model, data)
    if model.inherent_max != 100:
        raise RiskModelError(f"Risk model: the inherent factors' max_points add up to "
                             f"{model.inherent_max}, not 100")
    if not 0 <= model.residual_mitigation <= 1:
        raise RiskModelError("Risk model: residual.mitigation must be between 0 and 1")
    return model


def _with_v2_settings(model: RiskModel, data: dict) -> RiskModel:
    """Goods factor, multiple-choice caps, the evidence rule and checks: absent from v1."""
    goods = data["inherent"].get("goods", {})
    goods_max = int(goods.get("max_points", 0))
    items = {key: WorkforceTrait(key, str(_require(v, "label", f"inherent.goods.items.{key}")),
                                 int(_require(v, "points", f"inherent.goods.items.{key}")))
             for key, v in goods.get("items", {}).items()}
    multiple = data["maturity"].get("multiple_choice", {})
    share = multiple.get("cap_share")
    if share is not None and not 0 < float(share) <= 1:
        raise RiskModelError("Risk model: maturity.multiple_choice.cap_share must be in (0, 1]")
    evidence = data.get("evidence", {})
    steps = evidence.get("self_attested_max_steps")
    if steps is not None and int(steps) < 0:
        raise RiskModelError("Risk model: evidence.self_attested_max_steps must be 0 or more")
    self_share = float(evidence.get("self_attested_share_of_mitigation", 1.0))
    if not 0 <= self_share <= 1:
        raise RiskModelError("Risk model: evidence.self_attested_share_of_mitigation must be "
                             "between 0 and 1")
    raw = data.get("checks", {})
    rco = raw.get("rco")
    statement = raw.get("statement")
    checks = Checks(
        hours_question=raw.get("hours_question"),
        hours_ceiling=float(raw["hours_ceiling"]) if "hours_ceiling" in raw else None,
        statement_currency_months=int(raw.get("statement_currency_months", 18)),
        rco=None if rco is None else RcoCheck(
            turnover_question=str(_require(rco, "turnover_question", "checks.rco")),
            turnover_values=frozenset(_require(rco, "turnover_values", "checks.rco")),
            uk_business_question=rco.get("uk_business_question"),
            countries_question=rco.get("countries_question"),
            uk_country=str(rco.get("uk_country", "GB")),
        ),
        statement=None if statement is None else StatementCheck(**{
            name: str(_require(statement, name, "checks.statement"))
            for name in ("has_statement_question", "period_end_question",
                         "approval_date_question", "signatory_question")
        }),
    )
    for key in ("hours_above_ceiling",) if checks.hours_ceiling is not None else ():
        _require(model.red_flags, key, "red_flags")
    if checks.rco is not None and checks.statement is not None:
        _require(model.red_flags, "rco_without_current_statement", "red_flags")
    return replace(
        model, goods_max=goods_max, goods_question=goods.get("question"), goods_items=items,
        multiple_choice_cap_share=float(share) if share is not None else None,
        multiple_choice_caps={k: int(v) for k, v in multiple.get("caps", {}).items()},
        self_attested_max_steps=int(steps) if steps is not None else None,
        self_attested_share_of_mitigation=self_share, checks=checks,
    )


def available_versions() -> tuple[str, ...]:
    names = [entry.name for entry in resources.files("supplier_dd.data").iterdir()]
    found = [n[len("risk_model_"):-len(".toml")] for n in names
             if n.startswith("risk_model_") and n.endswith(".toml")]
    return tuple(sorted(found, key=lambda v: int(v[1:]) if _VERSION.match(v) else 0))


@cache
def load_model(version: str = CURRENT_MODEL_VERSION) -> RiskModel:
    if version not in available_versions():
        known = ", ".join(available_versions())
        raise RiskModelError(f"There is no risk model {version!r}. Known versions: {known}.")
    text = resources.files("supplier_dd.data").joinpath(f"risk_model_{version}.toml").read_text(
        encoding="utf-8"
    )
    model = parse_model(text)
    if model.version != version:
        raise RiskModelError(f"risk_model_{version}.toml says version = {model.version!r}")
    return model
