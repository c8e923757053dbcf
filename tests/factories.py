"""Records for tests, made through the same services the app uses."""

from __future__ import annotations

import itertools

from supplier_dd.services.suppliers import SupplierDetails, create_supplier
from supplier_dd.services.users import create_user

PASSWORD = "correct-horse-battery"
_numbers = itertools.count(10_000_001)


def make_supplier(session, name: str | None = None, **details):
    number = next(_numbers)
    values = dict(
        name=name or f"Supplier {number} Ltd",
        companies_house_number=str(number).zfill(8),
        country="GB",
        sector="Cleaning and security services",
        turnover_band="under-36m",
    )
    values.update(details)
    return create_supplier(session, SupplierDetails(**values))


def make_user(session, role: str, email: str | None = None, supplier=None, password=PASSWORD):
    if role == "supplier" and supplier is None:
        supplier = make_supplier(session)
    email = email or f"{role}{next(_numbers)}@example.org"
    return create_user(session, email, role, password, supplier=supplier)
