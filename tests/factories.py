"""Records for tests, made through the same services the app uses."""

from __future__ import annotations

import functools
import itertools

from supplier_dd.services.suppliers import SupplierDetails, create_supplier
from supplier_dd.services.users import create_user, hash_password

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


@functools.cache
def _hash_of_the_test_password() -> str:
    # Hashed once per process: scrypt takes about 80 ms, and the suite makes thousands of
    # accounts with this password. Signing in still checks it with the real scrypt.
    return hash_password(PASSWORD)


def make_user(session, role: str, email: str | None = None, supplier=None, password=PASSWORD):
    if role == "supplier" and supplier is None:
        supplier = make_supplier(session)
    email = email or f"{role}{next(_numbers)}@example.org"
    if password != PASSWORD:
        return create_user(session, email, role, password, supplier=supplier)
    user = create_user(session, email, role, None, supplier=supplier)
    user.password_hash = _hash_of_the_test_password()
    session.flush()
    return user
