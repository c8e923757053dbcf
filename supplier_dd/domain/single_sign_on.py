"""Rules of a council's single sign-on (issue 18): whose email the council's provider may sign in,
and which supplier_dd role a person's groups give.

Plain rules with no framework: the web layer validates the ID token, the service applies these.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from supplier_dd.domain.roles import Role

# Roles a provider's group may give: the council's own staff roles. A supplier contact or a
# consortium admin is never made by a council's provider.
MAPPABLE_ROLES = (Role.OFFICER, Role.LEGAL, Role.SAFEGUARDING, Role.ADMIN)
# When a person's groups map to several roles the most trusted one wins, in this order: a person
# in the council's admin group and its officers' group is an admin.
_PRECEDENCE = {role: rank for rank, role in enumerate((Role.ADMIN, Role.LEGAL,
                                                      Role.SAFEGUARDING, Role.OFFICER))}
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def parse_domains(text: str) -> tuple[list[str], list[str]]:
    """The allowed email domains typed one per line (commas and spaces also separate them), in
    lower case without a leading "@", and any entries that are not domains."""
    domains, bad = [], []
    for entry in re.split(r"[\s,;]+", text or ""):
        entry = entry.strip().lower().removeprefix("@")
        if not entry:
            continue
        (domains if _DOMAIN.match(entry) else bad).append(entry)
    return list(dict.fromkeys(domains)), bad


def email_domain_allowed(email: str, domains: Iterable[str]) -> bool:
    """The address is at one of the council's domains exactly (no subdomains: a council that
    uses one lists it)."""
    _, at, domain = (email or "").strip().lower().rpartition("@")
    return bool(at) and domain in set(domains)


def groups_of(claims: Mapping, claim_name: str) -> list[str]:
    """The person's groups from the ID token claim: a list of strings, or one space-separated
    string (some providers send roles so); anything else is no groups."""
    value = claims.get(claim_name)
    if isinstance(value, str):
        return value.split()
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def role_for_groups(groups: Iterable[str], mapping: Mapping[str, str]) -> str | None:
    """The role the person's groups give under the council's mapping (group -> role), the most
    trusted if several; None when no group is mapped (the person gets no account)."""
    roles = {mapping[group] for group in groups if group in mapping}
    roles &= {role.value for role in MAPPABLE_ROLES}
    if not roles:
        return None
    return min(roles, key=lambda role: _PRECEDENCE[Role(role)])
