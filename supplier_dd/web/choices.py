"""Options for select, radio and checkbox fields in the form WTForms wants them.

WTForms 3.3 deprecates (value, label) tuples and 3.4 removes them; building every field's
options here keeps the forms readable as pairs and the library happy.
"""

from __future__ import annotations

from collections.abc import Iterable

from wtforms import SelectChoice


def choices(pairs: Iterable[tuple[str, str]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms options, in the order given."""
    return [SelectChoice(value, label) for value, label in pairs]
