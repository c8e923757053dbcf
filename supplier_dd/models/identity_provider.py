"""A council's single sign-on (issue 18): the OpenID provider its staff sign in with (Microsoft
Entra ID, Google Workspace, Okta), and which of the provider's groups or app roles give which
supplier_dd role. One provider per council; an admin of the council sets both."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from supplier_dd.extensions import db
from supplier_dd.models.base import utcnow
from supplier_dd.models.council import CouncilOwned

DEFAULT_GROUPS_CLAIM = "groups"


class IdentityProvider(CouncilOwned, db.Model):
    __tablename__ = "identity_providers"
    __table_args__ = (UniqueConstraint("council_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The provider's issuer URL: discovery is read from <issuer>/.well-known/openid-configuration
    # and every ID token must name exactly this issuer.
    issuer: Mapped[str] = mapped_column(String(500))
    client_id: Mapped[str] = mapped_column(String(200))
    # Stored as entered: the deployment's database is the secret store (docs/operations.md).
    client_secret: Mapped[str] = mapped_column(String(500))
    # Email domains the council's staff sign in from, one per line (e.g. "westshire.gov.uk").
    allowed_domains: Mapped[str] = mapped_column(Text, default="")
    # The ID token claim holding the person's groups or app roles ("groups", or "roles" for
    # Entra ID app roles).
    groups_claim: Mapped[str] = mapped_column(String(60), default=DEFAULT_GROUPS_CLAIM)
    enabled: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class IdentityProviderGroup(CouncilOwned, db.Model):
    """One group (or app role) of the council's provider and the role it gives."""

    __tablename__ = "identity_provider_groups"
    __table_args__ = (UniqueConstraint("council_id", "group_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # As the provider sends it: an Entra ID group's object id, or an app role's value.
    group_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
