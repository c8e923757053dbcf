"""Councils sharing one deployment (issue 17), and the mark on every row a council owns.

A council-owned row carries `council_id` (the `CouncilOwned` mixin); shared rows (supplier
organisations, their contacts, declarations and evidence) do not. Which rows a session sees is
decided in one place, `models.tenancy`, from the council the session acts for.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from supplier_dd.extensions import db
from supplier_dd.models.base import utcnow

DEFAULT_TIME_ZONE = "Europe/London"


class Council(db.Model):
    __tablename__ = "councils"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # Used by `--council` on the command line and in exports' file names, e.g. "east-district".
    short_name: Mapped[str] = mapped_column(String(40), unique=True)
    # The words in the page header in place of a logo image.
    header_text: Mapped[str] = mapped_column(String(200))
    # Where the council publishes its Modern Slavery Transparency Statement.
    statement_url: Mapped[str | None] = mapped_column(String(500))
    time_zone: Mapped[str] = mapped_column(String(60), default=DEFAULT_TIME_ZONE)
    # Months between declarations whatever the band (None: the band's own interval).
    reattestation_months: Mapped[int | None]
    # Days before a due date that reminders go, e.g. "30,14,7" (None: the deployment's policy).
    reminder_days: Mapped[str | None] = mapped_column(String(60))
    # Who the Cabinet pack names as author, and who approves it (one per line).
    pack_author: Mapped[str | None] = mapped_column(String(200))
    pack_approvers: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CouncilOwned:
    """Mixin for a table whose rows belong to one council. The id is set on insert from the
    council the session acts for (models.tenancy), so no service passes it by hand."""

    @declared_attr
    def council_id(cls) -> Mapped[int]:  # noqa: N805 - declared_attr takes the class
        return mapped_column(ForeignKey("councils.id", ondelete="RESTRICT"), index=True)


class CouncilSupplier(db.Model):
    """A supplier organisation known to a council: it has a contract, a tender invitation or a
    declaration request from it, or the council added it. Officers see only these."""

    __tablename__ = "council_suppliers"

    council_id: Mapped[int] = mapped_column(
        ForeignKey("councils.id", ondelete="CASCADE"), primary_key=True)
    supplier_id: Mapped[int] = mapped_column(
        ForeignKey("suppliers.id", ondelete="CASCADE"), primary_key=True, index=True)
    linked_at: Mapped[datetime] = mapped_column(default=utcnow)


class SharingConsent(db.Model):
    """A supplier's consent that one council may rely on its declarations: given when it shares
    a declaration with that council, withdrawn for future requests (what was shared stays)."""

    __tablename__ = "sharing_consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(
        ForeignKey("suppliers.id", ondelete="CASCADE"), index=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id", ondelete="RESTRICT"))
    # The declaration first shared under this consent ("my declaration of 3 March 2027").
    declaration_id: Mapped[int] = mapped_column(
        ForeignKey("declarations.id", ondelete="RESTRICT"))
    granted_at: Mapped[datetime]
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    withdrawn_at: Mapped[datetime | None]
    withdrawn_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
