"""`supplier-dd users ...`: creating, listing, unlocking accounts and changing roles."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from supplier_dd.cli.council_option import act_for_named_council, council_option
from supplier_dd.domain.roles import Role

ROLE_CHOICE = click.Choice([r.value for r in Role], case_sensitive=False)


def _db():
    from supplier_dd.extensions import db

    return db


def _now():
    from supplier_dd.models.base import utcnow

    return utcnow()


@click.group("users", help="Create and list accounts.")
def users_group():
    pass


def _audit_user_change(action: str, user, **changes) -> None:
    """Record a change made at the command line; the operator is 'cli'."""
    from supplier_dd.services import audit

    audit.record(_db().session, action, audit.CLI, _now(), object_type="user", object_id=user.id,
                 **changes)


def read_password() -> str:
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    line = sys.stdin.readline()
    return line.rstrip("\r\n")


def create_account(email: str, role: str, password: str, name: str = "",
                         supplier=None):
    """Create an account and audit it, as `users create` and `councils create` do; a staff
    account belongs to the council the session acts for. Raises ServiceError or
    IntegrityError; the caller commits or rolls back."""
    from supplier_dd.services.users import create_user

    user = create_user(_db().session, email, role, password, name=name, supplier=supplier)
    _audit_user_change(
        "user.created",
        user,
        after={"email": user.email, "role": user.role, "supplier_id": user.supplier_id,
               "council_id": user.council_id},
    )
    return user


@users_group.command(
    "create", help="Create an account; the password is read from a prompt or stdin. A staff "
    "account belongs to the council given with --council."
)
@click.argument("email")
@click.option(
    "--role", type=ROLE_CHOICE, required=True, help=", ".join(r.value for r in Role) + "."
)
@click.option(
    "--supplier", "supplier_ref", help="Supplier id, Companies House number or exact name."
)
@click.option("--name", default="", help="The person's full name.")
@council_option
@with_appcontext
def users_create(email: str, role: str, supplier_ref: str | None, name: str,
                 council_ref: str | None):
    from supplier_dd.models import Supplier
    from supplier_dd.models.tenancy import COUNCIL_ROLES
    from supplier_dd.services import ServiceError

    db = _db()
    council = None
    if role in COUNCIL_ROLES:
        council = act_for_named_council(council_ref)
    elif council_ref:
        raise click.UsageError(f"A {role} account belongs to no council; drop --council.")
    supplier = None
    if supplier_ref:
        clauses = [
            Supplier.companies_house_number == supplier_ref.upper(),
            Supplier.name == supplier_ref,
        ]
        if supplier_ref.isdigit():
            clauses.append(Supplier.id == int(supplier_ref))
        matches = db.session.scalars(select(Supplier).where(db.or_(*clauses))).all()
        if not matches:
            raise click.UsageError(f"No supplier matches {supplier_ref!r}.")
        if len(matches) > 1:
            raise click.UsageError(f"{supplier_ref!r} matches more than one supplier; use its id.")
        supplier = matches[0]
    if role == Role.SUPPLIER and supplier is None:
        raise click.UsageError("A supplier account needs --supplier.")
    if role != Role.SUPPLIER and supplier is not None:
        raise click.UsageError("Only supplier accounts belong to a supplier; drop --supplier.")
    password = read_password()
    try:
        user = create_account(email, role, password, name, supplier)
        db.session.commit()
    except (ServiceError, IntegrityError) as error:
        db.session.rollback()
        message = str(error) if isinstance(error, ServiceError) else "That account already exists."
        raise click.ClickException(message) from None
    of_council = f" for {council.name}" if council is not None else ""
    click.echo(f"Created {user.role} account {user.email}{of_council}.")


@users_group.command("unlock", help="Unlock an account locked after failed sign-ins.")
@click.argument("email")
@with_appcontext
def users_unlock(email: str):
    from supplier_dd.services.users import find_by_email, unlock

    db = _db()
    user = find_by_email(db.session, email)
    if user is None:
        raise click.ClickException(f"No account for {email}.")
    unlock(user)
    _audit_user_change("user.unlocked", user)
    db.session.commit()
    click.echo(f"Unlocked {user.email}.")


@users_group.command(
    "set-role",
    help="Change a council staff account's role (audited). "
    "ROLE is officer, legal, safeguarding or admin.",
)
@click.argument("email")
@click.argument("role")
@with_appcontext
def users_set_role(email: str, role: str):
    from supplier_dd.services import ServiceError, audit
    from supplier_dd.services.users import find_by_email, set_role

    db = _db()
    user = find_by_email(db.session, email)
    if user is None:
        raise click.ClickException(f"No account for {email}.")
    try:
        changed = set_role(db.session, user, role, by=None, actor=audit.CLI, now=_now())
        db.session.commit()
    except ServiceError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    click.echo(
        f"{user.email} is now {user.role}."
        if changed
        else f"{user.email} already has the {user.role} role; nothing changed."
    )


@users_group.command("list", help="List accounts with their roles.")
@with_appcontext
def users_list():
    from supplier_dd.models import Council, User

    councils = {council.id: council.short_name
                for council in _db().session.scalars(select(Council))}
    for user in _db().session.scalars(select(User).order_by(User.role, User.email)):
        organisation = f" ({user.supplier.name})" if user.supplier else ""
        # Staff belong to a council: say which, as `--council` names it.
        of_council = f" [{councils[user.council_id]}]" if user.council_id in councils else ""
        click.echo(f"{user.role:9} {user.email}{organisation}{of_council}")


COMMANDS = [users_group]
