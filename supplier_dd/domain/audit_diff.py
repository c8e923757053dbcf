"""An audit entry's before and after, compared field by field for a person to read.

Nested objects are followed (`address.postcode`); lists and other values are compared whole and
shown as JSON (strings as they are). A field only on one side was added or removed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from supplier_dd.domain.audit_chain import canonical_json


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: str | None  # None: the field was not there
    after: str | None

    @property
    def changed(self) -> bool:
        return self.before != self.after


def _flatten(value: dict | None, prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, item in (value or {}).items():
        name = f"{prefix}{key}"
        if isinstance(item, dict) and item:
            flat.update(_flatten(item, f"{name}."))
        else:
            flat[name] = item
    return flat


def _shown(value: Any) -> str:
    return value if isinstance(value, str) else canonical_json(value)


def field_changes(before: dict | None, after: dict | None) -> list[FieldChange]:
    """Every field of either side, in name order, with what it was and what it became."""
    old, new = _flatten(before), _flatten(after)
    return [
        FieldChange(name, _shown(old[name]) if name in old else None,
                    _shown(new[name]) if name in new else None)
        for name in sorted(old.keys() | new.keys())
    ]
