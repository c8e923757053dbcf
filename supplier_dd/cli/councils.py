"""`supplier-dd councils create|list`: the councils of a partnership sharing one deployment."""

from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.group("councils", help="The councils that share this deployment.")
def councils_group():
    pass


@councils_group.command(
    "create", help="Add a council, and with --admin-email its first admin (whose password is "
    "read from a prompt or stdin). Audited.")
@click.option("--name", required=True, help="Its full name, e.g. \"East District Council\".")
@click.option("--short-name", help="For --council and file names, e.g. east-district "
                                   "(default: made from the name).")
@click.option("--header-text", help="The words in the page header (default: the name).")
@click.option("--statement-url", help="Where it publishes its modern slavery statement.")
@click.option("--admin-email", help="Create the council's first admin with this address.")
@click.option("--admin-name", default="", help="The first admin's full name.")
@with_appcontext
def councils_create(name: str, short_name: str | None, header_text: str | None,
                    statement_url: str | None, admin_email: str | None, admin_name: str):
    from sqlalchemy.exc import IntegrityError

    from supplier_dd.cli.users import create_account, read_password
    from supplier_dd.extensions import db
    from supplier_dd.models.base import utcnow
    from supplier_dd.models.tenancy import acting_for
    from supplier_dd.services import ServiceError, audit
    from supplier_dd.services.councils import CouncilError, create_council

    if admin_name and not admin_email:
        raise click.UsageError("--admin-name goes with --admin-email.")
    session = db.session
    password = read_password() if admin_email else None
    try:
        council = create_council(session, name, utcnow(), audit.CLI, short_name=short_name,
                                 header_text=header_text, statement_url=statement_url)
        admin = None
        if admin_email:
            # Acting for the new council: the account is stamped with it, and its audit entry
            # shows in that council's audit view.
            with acting_for(session, council.id):
                admin = create_account(admin_email, "admin", password, admin_name)
        session.commit()
    except CouncilError as error:
        session.rollback()
        raise click.UsageError(f"{error} (--{(error.field or 'name').replace('_', '-')})") \
            from None
    except (ServiceError, IntegrityError) as error:
        session.rollback()
        message = str(error) if isinstance(error, ServiceError) else "That account already exists."
        raise click.ClickException(f"{message}. Nothing was created.") from None
    click.echo(f"Created council {council.name} (id {council.id}, short name "
               f"{council.short_name}).")
    if admin is not None:
        click.echo(f"Created admin account {admin.email} for {council.name}.")


@councils_group.command("list", help="List the councils with the suppliers each knows and its "
                                     "active staff.")
@with_appcontext
def councils_list():
    from supplier_dd.extensions import db
    from supplier_dd.services.councils import consortium_counts

    counts = consortium_counts(db.session)
    if not counts:
        click.echo("No councils yet: add one with `supplier-dd councils create --name ...`.")
        return
    width = max(len("Short name"), *(len(count.council.short_name) for count in counts))
    click.echo(f"{'Id':>4}  {'Short name':{width}}  {'Suppliers':>9}  {'Staff':>5}  Name")
    for count in counts:
        click.echo(f"{count.council.id:>4}  {count.council.short_name:{width}}  "
                   f"{count.suppliers:>9,}  {count.staff:>5,}  {count.council.name}")


COMMANDS = [councils_group]
