"""Which PPN 02/23 industry a contract falls in, from its category text and CPV code.

The mapping is data (data/ppn_0223_industries.toml, sources noted there). The risk-scoring
feature uses `ppn_category_for` for a contract's inherent risk; the contracts import stores its
answer on each contract.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

# A CPV code we know but that is on no high-risk list, and no information at all, are different
# answers: the first is "low", the second is "cannot tell".
OTHER = "other"
UNCLASSIFIED = "unclassified"
_LABELS = {OTHER: "Other goods and services (not a PPN 02/23 high-risk industry)",
           UNCLASSIFIED: "Not classified (no category or CPV code)"}

_CPV_CODE = re.compile(r"(?<!\d)(\d{8})(?:-\d)?(?!\d)")
_CPV_PREFIX = re.compile(r"^\s*(\d{2,8})(?!\d)")


@dataclass(frozen=True)
class Industry:
    key: str
    label: str
    high_risk: bool
    cpv_prefixes: tuple[str, ...]
    keywords: tuple[str, ...]


@cache
def industries() -> dict[str, Industry]:
    raw = resources.files("supplier_dd.data").joinpath("ppn_0223_industries.toml").read_text(
        encoding="utf-8"
    )
    table = tomllib.loads(raw)["industries"]
    return {
        key: Industry(
            key=key,
            label=item["label"],
            high_risk=bool(item["high_risk"]),
            cpv_prefixes=tuple(item.get("cpv_prefixes", ())),
            keywords=tuple(k.lower() for k in item.get("keywords", ())),
        )
        for key, item in table.items()
    }


@cache
def _prefix_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for industry in industries().values():
        for prefix in industry.cpv_prefixes:
            if prefix in index:
                raise ValueError(f"CPV prefix {prefix} is listed under two industries")
            index[prefix] = industry.key
    return index


@cache
def _keyword_pattern() -> tuple[re.Pattern, dict[str, str]]:
    owners: dict[str, str] = {}
    for industry in industries().values():
        for keyword in industry.keywords:
            owners.setdefault(keyword, industry.key)
    # Longest first, so the regex prefers "cyber security" to "security" at the same position.
    alternatives = sorted(owners, key=len, reverse=True)
    pattern = re.compile(r"\b(" + "|".join(re.escape(k) for k in alternatives) + r")\b")
    return pattern, owners


def industry_label(key: str | None) -> str:
    if key in _LABELS:
        return _LABELS[key]
    industry = industries().get(key or "")
    return industry.label if industry else _LABELS[UNCLASSIFIED]


@lru_cache(maxsize=16_384)
def cpv_digits(cpv: str | None) -> str | None:
    """The CPV code in a cell such as '90910000-9 Cleaning services' or a CPV URI; else None."""
    if not cpv:
        return None
    if match := _CPV_CODE.search(cpv):
        return match.group(1)
    if match := _CPV_PREFIX.match(cpv):
        return match.group(1)
    return None


def _industry_from_cpv(code: str) -> str:
    index = _prefix_index()
    for length in range(len(code), 1, -1):
        if code[:length] in index:
            return index[code[:length]]
    return OTHER


def _industry_from_words(words: str) -> str | None:
    pattern, owners = _keyword_pattern()
    matches = [m.group(1) for m in pattern.finditer(words.lower().replace("&", " and "))]
    if not matches:
        return None
    # The most specific (longest) phrase decides; on a tie, a high-risk reading wins.
    best = max(matches, key=lambda k: (len(k), industries()[owners[k]].high_risk))
    return owners[best]


@lru_cache(maxsize=16_384)  # a register repeats a few category/CPV pairs many times
def ppn_category_for(category: str | None, cpv: str | None) -> tuple[str, bool]:
    """(industry key, whether PPN 02/23 treats that industry as high risk).

    The CPV code is the more precise signal, so it decides unless the category text points to
    a high-risk industry that the code does not: PPN 02/23 asks buyers to act on any risk
    indicator, so a miss costs more than a false alarm. Words in a CPV cell (its label) count
    as category text.
    """
    code = cpv_digits(cpv)
    words = " ".join(part for part in (category, re.sub(r"[\d-]+", " ", cpv or "")) if part)
    from_cpv = _industry_from_cpv(code) if code else None
    from_words = _industry_from_words(words) if words.strip() else None
    catalogue = industries()
    if from_cpv and from_cpv in catalogue and catalogue[from_cpv].high_risk:
        key = from_cpv
    elif from_words and catalogue[from_words].high_risk:
        key = from_words
    else:
        key = from_cpv or from_words or UNCLASSIFIED
    industry = catalogue.get(key)
    return key, bool(industry and industry.high_risk)
