"""A council's single sign-on (issue 18): its admin sets the OpenID provider and which groups give
which role; a person the provider vouches for gets a staff account in that council at first
sign-in (just in time), and their role follows their groups at every sign-in after.

The web layer (web/single_sign_on.py) runs the protocol and hands here the ID token's claims
once they are verified; nothing here trusts a claim the provider did not sign.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from supplier_dd.domain import single_sign_on as rules
from supplier_dd.domain.roles import Role
from supplier_dd.models import Council, IdentityProvider, IdentityProviderGroup, User
from supplier_dd.models.identity_provider import DEFAULT_GROUPS_CLAIM
from supplier_dd.models.tenancy import across_councils, acting_for
from supplier_dd.services import ServiceError, audit
from supplier_dd.services.user_sessions import end_sessions_of
from supplier_dd.services.users import find_by_email, normalise_email

_LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


# --- The council's settings ------------------------------------------------------------------


def provider_of(session: Session, council_id: int) -> IdentityProvider | None:
    return session.scalar(across_councils(
        select(IdentityProvider).where(IdentityProvider.council_id == council_id)))


def sign_in_choices(session: Session) -> list[Council]:
    """The councils whose staff may sign in through their provider, by name (the sign-in page
    offers each)."""
    return list(session.scalars(across_councils(
        select(Council).join(IdentityProvider, IdentityProvider.council_id == Council.id)
        .where(IdentityProvider.enabled.is_(True)).order_by(Council.name))))


def issuer_problem(issuer: str) -> str | None:
    """Why the issuer URL cannot be a provider's, or None. Providers are reached over https;
    plain http only on this machine (a provider run for testing)."""
    parts = urlsplit(issuer.strip())
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return "Enter the issuer as a web address, like https://login.microsoftonline.com/…/v2.0"
    if parts.scheme == "http" and parts.hostname not in _LOCAL_HOSTS:
        return "The issuer must be an https address"
    if parts.query or parts.fragment:
        return "The issuer cannot have a query (?) or fragment (#)"
    return None


@dataclass(frozen=True)
class ProviderValues:
    issuer: str
    client_id: str
    # None or "": keep the stored secret.
    client_secret: str | None
    allowed_domains: str
    groups_claim: str
    enabled: bool


def save_provider(session: Session, council_id: int, values: ProviderValues, actor: audit.Actor,
                  now: datetime) -> IdentityProvider:
    """Set the council's provider. The secret is never shown again or written to the audit
    entry, which says only whether it changed."""
    problem = issuer_problem(values.issuer)
    if problem:
        raise ServiceError(problem)
    domains, bad = rules.parse_domains(values.allowed_domains)
    if bad:
        raise ServiceError(f"These are not email domains: {', '.join(bad)}")
    if values.enabled and not domains:
        raise ServiceError("Enter at least one email domain before turning single sign-on on")
    provider = provider_of(session, council_id)
    if provider is None and not values.client_secret:
        raise ServiceError("Enter the client secret")
    with acting_for(session, council_id):
        if provider is None:
            provider = IdentityProvider(council_id=council_id, client_secret="")
            session.add(provider)
        before = _audited(provider)
        provider.issuer = values.issuer.strip()
        provider.client_id = values.client_id.strip()
        secret_changed = bool(values.client_secret)
        if secret_changed:
            provider.client_secret = values.client_secret
        provider.allowed_domains = "\n".join(domains)
        provider.groups_claim = values.groups_claim.strip() or DEFAULT_GROUPS_CLAIM
        provider.enabled = values.enabled
        provider.updated_at = now
        session.flush()
        after = _audited(provider)
        if before != after or secret_changed:
            audit.record(session, "single_sign_on.configured", actor, now,
                         object_type="identity_provider", object_id=provider.id,
                         before=before, after={**after, "client_secret_changed": secret_changed},
                         council_id=council_id)
    return provider


def _audited(provider: IdentityProvider) -> dict:
    return {"issuer": provider.issuer, "client_id": provider.client_id,
            "allowed_domains": provider.allowed_domains, "groups_claim": provider.groups_claim,
            "enabled": provider.enabled}


def group_roles(session: Session, council_id: int) -> list[IdentityProviderGroup]:
    return list(session.scalars(across_councils(
        select(IdentityProviderGroup).where(IdentityProviderGroup.council_id == council_id)
        .order_by(IdentityProviderGroup.group_name))))


def map_group(session: Session, council_id: int, group_name: str, role: str,
              actor: audit.Actor, now: datetime) -> IdentityProviderGroup:
    group_name = group_name.strip()
    if not group_name:
        raise ServiceError("Enter the group's name or id as the provider sends it")
    if role not in {mappable.value for mappable in rules.MAPPABLE_ROLES}:
        raise ServiceError("Choose the role this group gives")
    if any(existing.group_name == group_name for existing in group_roles(session, council_id)):
        raise ServiceError(f"{group_name} already gives a role: remove it first to change it")
    with acting_for(session, council_id):
        mapping = IdentityProviderGroup(council_id=council_id, group_name=group_name, role=role,
                                        created_at=now)
        session.add(mapping)
        session.flush()
        audit.record(session, "single_sign_on.group_mapped", actor, now,
                     object_type="identity_provider_group", object_id=mapping.id,
                     after={"group": group_name, "role": role}, council_id=council_id)
    return mapping


def unmap_group(session: Session, council_id: int, mapping_id: int, actor: audit.Actor,
                now: datetime) -> None:
    mapping = next((row for row in group_roles(session, council_id) if row.id == mapping_id),
                   None)
    if mapping is None:
        raise ServiceError("That group no longer gives a role")
    with acting_for(session, council_id):
        audit.record(session, "single_sign_on.group_unmapped", actor, now,
                     object_type="identity_provider_group", object_id=mapping.id,
                     before={"group": mapping.group_name, "role": mapping.role},
                     council_id=council_id)
        session.delete(mapping)
        session.flush()


# --- Signing in ------------------------------------------------------------------------------


class SignInRefused(Exception):
    """The provider vouched for the person but this council gives them no account. `reason` is
    for the log and audit; `kind` picks the page the person sees."""

    NO_GROUP = "no_group"
    WRONG_DOMAIN = "wrong_domain"
    ACCOUNT_CONFLICT = "account_conflict"
    DEACTIVATED = "deactivated"

    def __init__(self, kind: str, reason: str):
        super().__init__(reason)
        self.kind = kind
        self.reason = reason


@dataclass(frozen=True)
class SignedIn:
    user: User
    created: bool
    # The role held before this sign-in, when the person's groups changed it.
    previous_role: str | None = None


def _account(session: Session, issuer: str, subject: str) -> User | None:
    return session.scalar(across_councils(
        select(User).where(User.sso_issuer == issuer, User.sso_subject == subject)))


def sign_in_from_claims(session: Session, provider: IdentityProvider, claims: dict,
                        now: datetime, actor: audit.Actor) -> SignedIn:
    """The council's account for the person the verified claims name: made at the first
    sign-in, its role set from their groups every time. SignInRefused when the council gives
    them none (their email is not at the council's domains, no group of theirs is mapped, the
    account was deactivated, or the address belongs to someone else's account)."""
    council_id = provider.council_id
    subject = str(claims.get("sub") or "")
    email = str(claims.get("email") or "").strip()
    account = _account(session, provider.issuer, subject)
    domains, _ = rules.parse_domains(provider.allowed_domains)
    if not email or not rules.email_domain_allowed(email, domains):
        raise SignInRefused(SignInRefused.WRONG_DOMAIN,
                            f"email {email or '(none)'} is not at the council's domains")
    mapping = {row.group_name: row.role for row in group_roles(session, council_id)}
    groups = rules.groups_of(claims, provider.groups_claim)
    role = rules.role_for_groups(groups, mapping)
    with acting_for(session, council_id):
        if role is None:
            if account is not None and account.active:
                # Removed from the council's groups: the person's sessions end with the access.
                ended = end_sessions_of(session, account.id, now, "single sign-on group removed")
                audit.record(session, "auth.sso_access_removed", actor, now,
                             object_type="user", object_id=account.id,
                             details={"groups": groups[:50], "sessions_ended": ended},
                             council_id=council_id)
            raise SignInRefused(SignInRefused.NO_GROUP,
                                f"none of the groups {groups[:20]} gives a role")
        if account is None:
            account, created = _link_or_create(session, council_id, provider.issuer, subject,
                                               email, str(claims.get("name") or ""), role,
                                               actor, now)
            return SignedIn(account, created=created)
        if not account.active:
            raise SignInRefused(SignInRefused.DEACTIVATED, "the account is deactivated")
        previous = account.role if account.role != role else None
        if previous is not None:
            account.role = role
            session.flush()
            audit.record(session, "auth.sso_role_changed", actor, now, object_type="user",
                         object_id=account.id, before={"role": previous}, after={"role": role},
                         details={"groups": groups[:50]}, council_id=council_id)
        return SignedIn(account, created=False, previous_role=previous)


def _link_or_create(session: Session, council_id: int, issuer: str, subject: str, email: str,
                    name: str, role: str, actor: audit.Actor, now: datetime
                    ) -> tuple[User, bool]:
    """The first sign-in: an existing staff account of this council with the same address is
    linked (a council moving from passwords to single sign-on); otherwise one is made. Returns
    the account and whether it is new."""
    existing = find_by_email(session, email)
    if existing is not None:
        if existing.council_id != council_id or existing.role == Role.SUPPLIER \
                or existing.sso_subject is not None:
            raise SignInRefused(SignInRefused.ACCOUNT_CONFLICT,
                                f"{email} already has an account outside this council's "
                                "single sign-on")
        if not existing.active:
            raise SignInRefused(SignInRefused.DEACTIVATED, "the account is deactivated")
        existing.sso_issuer, existing.sso_subject = issuer, subject
        before_role, existing.role = existing.role, role
        session.flush()
        audit.record(session, "auth.sso_account_linked", actor, now, object_type="user",
                     object_id=existing.id, before={"role": before_role},
                     after={"role": role, "issuer": issuer}, council_id=council_id)
        return existing, False
    user = User(email=normalise_email(email), name=name[:200], role=role, council_id=council_id,
                sso_issuer=issuer, sso_subject=subject, password_hash=None, created_at=now)
    session.add(user)
    session.flush()
    audit.record(session, "auth.sso_account_created", actor, now, object_type="user",
                 object_id=user.id, after={"email": user.email, "role": role, "issuer": issuer},
                 council_id=council_id)
    return user, True
