"""Ids in URLs are bounded to what a row id can be.

Both databases store ids as signed 64-bit integers. Werkzeug's `<int:...>` accepts any number
of digits, so `/officer/suppliers/99999999999999999999999` reached the database and failed there
(a 500). Replacing the `int` converter for the whole app bounds every route's ids at once: a
number no row can have is simply not a URL of the service (404).
"""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

LARGEST_ID = 2**63 - 1


class RowIdConverter(IntegerConverter):
    # At most 19 digits (2**63 - 1 has 19), so a longer run of digits never becomes a number.
    regex = r"\d{1,19}"

    def __init__(self, map, fixed_digits=0, min=None, max=LARGEST_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def init_app(app: Flask) -> None:
    """Before any blueprint is registered: rules pick their converter when they are added."""
    app.url_map.converters["int"] = RowIdConverter
