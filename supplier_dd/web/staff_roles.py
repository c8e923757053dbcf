"""What each council staff role is called and what it lets a person do, as admins read it when
they create an account or change a role, and as the invitation email tells the new person."""

from __future__ import annotations

from supplier_dd.domain.roles import Role
from supplier_dd.services.users import STAFF_ROLES

ROLE_LABELS = {
    Role.OFFICER.value: ("Officer", "Procurement: suppliers, declarations, risk review."),
    Role.LEGAL.value: ("Legal", "Reads supplier records and builds the Cabinet pack."),
    Role.SAFEGUARDING.value: ("Safeguarding", "Reads and records referrals."),
    Role.ADMIN.value: ("Admin", "Accounts, roles, the audit log and everything else."),
    # Not a council's role (no admin gives it), but named wherever an account is listed.
    Role.CONSORTIUM_ADMIN.value: ("Consortium admin",
                                  "Creates the partnership's councils and their first admin; "
                                  "sees counts only."),
}


def role_label(role: str) -> str:
    # A role added to domain/roles.py before it has a description here still gets a name.
    return ROLE_LABELS.get(role, (role.replace("_", " ").capitalize(), ""))[0]


def staff_role_choices() -> list[tuple[str, str, str]]:
    """(value, label, hint) for every staff role in domain/roles.py."""
    return [(role, role_label(role), ROLE_LABELS.get(role, ("", ""))[1]) for role in STAFF_ROLES]
