"""Who may do what. The web layer asks `can(role, permission)` in one place for every route."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    SUPPLIER = "supplier"
    OFFICER = "officer"
    LEGAL = "legal"
    ADMIN = "admin"


class Permission(StrEnum):
    # A supplier contact working on its own organisation's records.
    SUPPLIER_PORTAL = "supplier_portal"
    # Council staff reading supplier records.
    VIEW_SUPPLIERS = "view_suppliers"
    # Procurement work: suppliers, contracts, tenders, invitations.
    MANAGE_SUPPLIERS = "manage_suppliers"
    MANAGE_USERS = "manage_users"


_STAFF = frozenset({Role.OFFICER, Role.LEGAL, Role.ADMIN})

GRANTS: dict[Permission, frozenset[Role]] = {
    Permission.SUPPLIER_PORTAL: frozenset({Role.SUPPLIER}),
    Permission.VIEW_SUPPLIERS: _STAFF,
    Permission.MANAGE_SUPPLIERS: frozenset({Role.OFFICER, Role.ADMIN}),
    Permission.MANAGE_USERS: frozenset({Role.ADMIN}),
}


def parse_role(value: str) -> Role:
    try:
        return Role(value.strip().lower())
    except ValueError:
        known = ", ".join(r.value for r in Role)
        raise ValueError(f"Unknown role {value!r}. Choose one of: {known}.") from None


def can(role: str | None, permission: Permission) -> bool:
    if role is None:
        return False
    return role in GRANTS[permission]


def home_endpoint(role: str) -> str:
    """Where a signed-in person lands."""
    if role == Role.SUPPLIER:
        return "supplier.home"
    if role == Role.ADMIN:
        return "admin.users"
    return "officer.suppliers"
