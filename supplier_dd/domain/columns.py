"""Finding the columns we need in a spreadsheet whose headers were written by someone else.

Councils name the same column many ways ('Contract Reference Number', 'contract_id', 'Ref',
'ContractReference'), so each field lists the names we accept, in order of preference, and
headers are compared after normalising case, punctuation, camelCase and bracketed units.
Matching is exact after normalising: guessing at near misses could silently read the wrong
column, which is worse than asking the person to rename it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

# Registers put their title or notes above the header row; look this far down for it.
HEADER_SEARCH_ROWS = 10


@dataclass(frozen=True)
class ColumnSpec:
    field: str
    label: str  # how a person would name the column, used in messages
    aliases: tuple[str, ...]  # accepted headers, most specific first
    required: bool = False


def normalise_header(raw) -> str:
    """'Contract Value (£, ex VAT)', 'contract_value' and 'ContractValue': 'contract value'."""
    value = "" if raw is None else str(raw)
    value = value.replace("\ufeff", "")
    value = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", value)  # units and notes in brackets
    value = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", value)  # camelCase
    value = re.sub(r"(?<=[A-Z])(?=[A-Z][a-z])", " ", value)  # CPVCode
    value = value.lower().replace("&", " and ")
    value = re.sub(r"[^a-z0-9]+", " ", value).strip()
    value = re.sub(r"^\d+ (?=[a-z])", "", value)  # numbered headers: '4. Contract reference'
    return " ".join(value.split())


@dataclass
class HeaderMap:
    """Which column holds each field, and what was left over."""

    positions: dict[str, int]
    headers: list[str]
    ignored: list[str] = field(default_factory=list)
    missing_optional: list[ColumnSpec] = field(default_factory=list)
    header_row_number: int = 1

    def notices(self) -> list[str]:
        notes = []
        if self.ignored:
            notes.append("These columns are not used and were ignored: " + ", ".join(self.ignored))
        for spec in self.missing_optional:
            notes.append(f"No {spec.label} column was found, so that detail is left blank")
        return notes

    def cell(self, cells: Sequence, field_name: str):
        position = self.positions.get(field_name)
        if position is None or position >= len(cells):
            return None
        return cells[position]


class MissingColumnsError(ValueError):
    """The header row lacks columns the import cannot do without."""

    def __init__(self, missing: Sequence[ColumnSpec], headers: Sequence[str]):
        self.missing = list(missing)
        self.headers = [h for h in headers if h]
        names = ", ".join(spec.label for spec in self.missing)
        examples = "; ".join(f"{spec.label}: '{spec.aliases[0]}'" for spec in self.missing)
        found = ", ".join(self.headers[:30]) or "none"
        super().__init__(
            f"The file has no column for: {names}. Name the columns in the first row, for "
            f"example {examples}. Columns found: {found}."
        )


def match_headers(headers: Sequence, specs: Sequence[ColumnSpec], row_number: int = 1) -> HeaderMap:
    """Map fields to column positions; raise MissingColumnsError naming every required gap."""
    texts = ["" if h is None else " ".join(str(h).replace("\ufeff", "").split()) for h in headers]
    normalised = [normalise_header(h) for h in texts]
    positions: dict[str, int] = {}
    taken: set[int] = set()
    for spec in specs:
        for alias in spec.aliases:
            wanted = normalise_header(alias)
            found = next(
                (i for i, name in enumerate(normalised) if name == wanted and i not in taken), None
            )
            if found is not None:
                positions[spec.field] = found
                taken.add(found)
                break
    missing = [spec for spec in specs if spec.required and spec.field not in positions]
    if missing:
        raise MissingColumnsError(missing, texts)
    return HeaderMap(
        positions=positions,
        headers=texts,
        ignored=[texts[i] for i in range(len(texts)) if i not in taken and texts[i]],
        missing_optional=[
            spec for spec in specs if not spec.required and spec.field not in positions
        ],
        header_row_number=row_number,
    )


def find_header_row(
    first_rows: Sequence[tuple[int, Sequence]], specs: Sequence[ColumnSpec]
) -> HeaderMap:
    """The first of the opening rows that has every required column.

    `first_rows` are (row number, cells) pairs. When none fits, the error describes the first
    non-empty row, which is where a person expects the headers to be.
    """
    first_error: MissingColumnsError | None = None
    for row_number, cells in first_rows[:HEADER_SEARCH_ROWS]:
        if not any(str(c).strip() for c in cells if c is not None):
            continue
        try:
            return match_headers(cells, specs, row_number)
        except MissingColumnsError as error:
            first_error = first_error or error
    if first_error is None:
        raise MissingColumnsError([s for s in specs if s.required], [])
    raise first_error
