"""The councils of a deployment (issue 17): creating them, finding them, and saying which one a
command or a page acts for."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from supplier_dd.models import Council, CouncilSupplier, User
from supplier_dd.models.tenancy import across_councils, acting_council
from supplier_dd.services import audit

SHORT_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
NAME_MAX = 200
SHORT_NAME_MAX = 40


class CouncilError(ValueError):
    """Bad council details, or a council that cannot be found: the message says which."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class CouncilCount:
    council: Council
    suppliers: int
    staff: int




def all_councils(session: Session) -> list[Council]:
    return list(session.scalars(across_councils(select(Council).order_by(Council.name))))


def council_by_id(session: Session, council_id: int) -> Council | None:
    return session.get(Council, council_id)


def council_by_short_name(session: Session, short_name: str | None) -> Council | None:
    """The council a public address names (its sign-in page, its published statement),
    whichever council the session acts for."""
    if not short_name:
        return None
    return session.scalar(across_councils(select(Council).where(
        Council.short_name == short_name)))


def council_name_for(session: Session, fallback: str, council_id: int | None = None) -> str:
    """The name an email or a pack gives the council it speaks for: the council asked for, else
    the one the session acts for, else `fallback` (the deployment's SUPPLIER_DD_COUNCIL_NAME:
    a message sent for no council in particular, such as a password reset)."""
    council_id = council_id or acting_council(session)
    council = session.get(Council, council_id) if council_id is not None else None
    return council.name if council is not None else fallback


def find_council(session: Session, name_or_short_name: str) -> Council:
    """The council a `--council` option names (its short name, name or id)."""
    wanted = (name_or_short_name or "").strip()
    for council in all_councils(session):
        if wanted.lower() in (council.short_name, council.name.lower(), str(council.id)):
            return council
    known = ", ".join(council.short_name for council in all_councils(session)) or "none yet"
    raise CouncilError(f"No council called ‘{wanted}’: the councils are {known}")


def council_for_command(session: Session, wanted: str | None) -> Council:
    """The council a command acts for: the one named, or the only one there is."""
    if wanted:
        return find_council(session, wanted)
    councils = all_councils(session)
    if len(councils) == 1:
        return councils[0]
    if not councils:
        raise CouncilError("There is no council yet: run ‘supplier-dd councils create’")
    names = ", ".join(council.short_name for council in councils)
    raise CouncilError(f"Say which council with --council (one of {names})")


def short_name_for(name: str) -> str:
    words = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return (words or "council")[:SHORT_NAME_MAX].strip("-")


def create_council(session: Session, name: str, now: datetime, actor: audit.Actor, *,
                   short_name: str | None = None, header_text: str | None = None,
                   statement_url: str | None = None) -> Council:
    name = " ".join((name or "").split())
    if not name:
        raise CouncilError("Enter the council's name", "name")
    if len(name) > NAME_MAX:
        raise CouncilError(f"The council's name must be {NAME_MAX} characters or fewer", "name")
    short_name = (short_name or short_name_for(name)).strip().lower()
    if not SHORT_NAME.match(short_name) or len(short_name) > SHORT_NAME_MAX:
        raise CouncilError("The short name must be lower-case letters, numbers and hyphens, "
                           f"{SHORT_NAME_MAX} characters or fewer, like ‘east-district’",
                           "short_name")
    for council in all_councils(session):
        if council.name.lower() == name.lower():
            raise CouncilError(f"There is already a council called ‘{council.name}’", "name")
        if council.short_name == short_name:
            raise CouncilError(f"The short name ‘{short_name}’ is taken by {council.name}",
                               "short_name")
    council = Council(name=name, short_name=short_name, header_text=header_text or name,
                      statement_url=statement_url or None, pack_approvers="", created_at=now)
    session.add(council)
    session.flush()
    audit.record(session, "council.created", actor, now, object_type="council",
                 object_id=council.id, after={"name": name, "short_name": short_name})
    return council


def consortium_counts(session: Session) -> list[CouncilCount]:
    """Each council with how many suppliers it knows and how many staff it has: the counts a
    consortium admin sees, and nothing of any council's own records."""
    suppliers = dict(session.execute(across_councils(
        select(CouncilSupplier.council_id, func.count()).group_by(CouncilSupplier.council_id))
    ).all())
    staff = dict(session.execute(across_councils(
        select(User.council_id, func.count()).where(User.council_id.is_not(None),
                                                    User.active.is_(True))
        .group_by(User.council_id))).all())
    return [CouncilCount(council, suppliers.get(council.id, 0), staff.get(council.id, 0))
            for council in all_councils(session)]


def shared_supplier_count(session: Session) -> int:
    """Supplier organisations known to more than one council of the partnership."""
    known_to = (select(CouncilSupplier.supplier_id).group_by(CouncilSupplier.supplier_id)
                .having(func.count() > 1).subquery())
    return session.scalar(across_councils(select(func.count()).select_from(known_to))) or 0
