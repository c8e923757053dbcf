"""Who may do what. The web layer asks `can(role, permission)` in one place for every route."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    SUPPLIER = "supplier"
    OFFICER = "officer"
    LEGAL = "legal"
    # Safeguarding lead(s): the only staff besides admins who may read referral entries.
    SAFEGUARDING = "safeguarding"
    ADMIN = "admin"
    # Creates a partnership's councils and their first admin (issue 17). Works for no council
    # and sees counts only: none of any council's suppliers, notes, reviews, referrals or
    # programme records, so it holds none of the council permissions below.
    CONSORTIUM_ADMIN = "consortium_admin"


class Permission(StrEnum):
    # Anyone signed in, whatever their role (e.g. keeping a session alive).
    SIGNED_IN = "signed_in"
    # A supplier contact working on its own organisation's records.
    SUPPLIER_PORTAL = "supplier_portal"
    # Council staff reading supplier records.
    VIEW_SUPPLIERS = "view_suppliers"
    # Procurement work: suppliers, contracts, tenders, invitations.
    MANAGE_SUPPLIERS = "manage_suppliers"
    MANAGE_USERS = "manage_users"
    # Reading and exporting the audit log.
    VIEW_AUDIT_LOG = "view_audit_log"
    # The council's programme records: action plan, training, Charter evidence, referral counts.
    VIEW_PROGRAMME = "view_programme"
    MANAGE_PROGRAMME = "manage_programme"
    # Referral entries are sensitive safeguarding records; everyone else sees counts only.
    MANAGE_REFERRALS = "manage_referrals"
    # Loading the council's contracts register (creates and updates contracts and suppliers).
    IMPORT_CONTRACTS = "import_contracts"
    # Loading the Home Office statement registry, which every supplier's checks rely on.
    IMPORT_REGISTRY = "import_registry"
    # The risk dashboard, assessments and their exports.
    VIEW_RISK = "view_risk"
    # Accepting, querying or rejecting an assessment; corrective actions and their sign-off.
    REVIEW_RISK = "review_risk"
    # The email outbox: every message, its delivery failures, retrying them.
    MANAGE_OUTBOX = "manage_outbox"
    # The annual Cabinet evidence pack: legal (who take it to Cabinet) and admins build it;
    # officers, legal and admins list and download the stored packs.
    GENERATE_REPORTS = "generate_reports"
    VIEW_REPORTS = "view_reports"
    # Marking which action plan is the council's own current one, the plan the pack reports:
    # officers (who keep the plan) and legal (who take the pack to Cabinet).
    CHOOSE_CURRENT_PLAN = "choose_current_plan"
    # Recording a supplier's exclusion decision under the Procurement Act 2023 (issue 16):
    # legal and officers (and admins).
    DECIDE_EXCLUSIONS = "decide_exclusions"
    # Setting the council's own targets for the Cabinet pack's measures (edition 2): admins.
    SET_PACK_TARGETS = "set_pack_targets"
    # The council's own settings (header, statement page, time zone, reminders, pack author):
    # its admins.
    MANAGE_COUNCIL_SETTINGS = "manage_council_settings"
    # The partnership's councils: creating one with its first admin, and their counts.
    MANAGE_COUNCILS = "manage_councils"
    # The council's Modern Slavery Transparency Statement (issue 19): officers, legal and admins
    # draft it and write its narrative; legal (who take it to Cabinet) and admins submit it,
    # record its approval and publish it.
    EDIT_STATEMENT = "edit_statement"
    APPROVE_STATEMENT = "approve_statement"


_STAFF = frozenset({Role.OFFICER, Role.LEGAL, Role.SAFEGUARDING, Role.ADMIN})
# The roles of people who work for one council (users.council_id is set for exactly these).
COUNCIL_STAFF_ROLES = _STAFF

GRANTS: dict[Permission, frozenset[Role]] = {
    Permission.SIGNED_IN: frozenset(Role),
    Permission.SUPPLIER_PORTAL: frozenset({Role.SUPPLIER}),
    Permission.VIEW_SUPPLIERS: _STAFF,
    Permission.MANAGE_SUPPLIERS: frozenset({Role.OFFICER, Role.ADMIN}),
    Permission.MANAGE_USERS: frozenset({Role.ADMIN}),
    Permission.VIEW_AUDIT_LOG: frozenset({Role.ADMIN}),
    Permission.VIEW_PROGRAMME: _STAFF,
    Permission.MANAGE_PROGRAMME: frozenset({Role.OFFICER, Role.SAFEGUARDING, Role.ADMIN}),
    Permission.MANAGE_REFERRALS: frozenset({Role.SAFEGUARDING, Role.ADMIN}),
    Permission.IMPORT_CONTRACTS: frozenset({Role.OFFICER, Role.ADMIN}),
    Permission.IMPORT_REGISTRY: frozenset({Role.ADMIN}),
    Permission.VIEW_RISK: _STAFF,
    Permission.REVIEW_RISK: frozenset({Role.OFFICER, Role.ADMIN}),
    Permission.MANAGE_OUTBOX: frozenset({Role.ADMIN}),
    Permission.GENERATE_REPORTS: frozenset({Role.LEGAL, Role.ADMIN}),
    Permission.VIEW_REPORTS: frozenset({Role.OFFICER, Role.LEGAL, Role.ADMIN}),
    Permission.CHOOSE_CURRENT_PLAN: frozenset({Role.OFFICER, Role.LEGAL, Role.ADMIN}),
    Permission.DECIDE_EXCLUSIONS: frozenset({Role.OFFICER, Role.LEGAL, Role.ADMIN}),
    Permission.SET_PACK_TARGETS: frozenset({Role.ADMIN}),
    Permission.MANAGE_COUNCIL_SETTINGS: frozenset({Role.ADMIN}),
    Permission.MANAGE_COUNCILS: frozenset({Role.CONSORTIUM_ADMIN}),
    Permission.EDIT_STATEMENT: frozenset({Role.OFFICER, Role.LEGAL, Role.ADMIN}),
    Permission.APPROVE_STATEMENT: frozenset({Role.LEGAL, Role.ADMIN}),
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
    if role == Role.CONSORTIUM_ADMIN:
        return "consortium.index"
    if role == Role.SAFEGUARDING:
        return "programme.referrals"
    # Officers and legal start from the risk dashboard: who needs attention first, not an
    # alphabetical list of every supplier.
    return "risk.dashboard"
