"""`supplier-dd demo load|accounts`: the demo partnership of councils for trying the service."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext


def _db():
    from supplier_dd.extensions import db

    return db


def _now():
    from supplier_dd.models.base import utcnow

    return utcnow()


@click.group("demo", help="The demo council for trying the service.")
def demo_group():
    pass


@demo_group.command(
    "load", help="Load the demo council (safe to run again: nothing is duplicated)."
)
@click.option("--if-empty", is_flag=True, help="Only load when the database has no accounts yet.")
@with_appcontext
def demo_load(if_empty: bool):
    from supplier_dd.demo import database_is_empty, load_demo

    db = _db()
    if if_empty and not database_is_empty(db.session):
        click.echo("The database already has accounts; demo data not loaded.")
        return
    settings = current_app.config["SUPPLIER_DD_SETTINGS"]
    result = load_demo(db.session, settings.demo_password, _now())
    db.session.commit()
    created = ", ".join(f"{n} {kind}" for kind, n in sorted(result.created.items()))
    click.echo(f"Demo partnership loaded ({created or 'nothing new: already loaded'}).")


@demo_group.command("accounts", help="Print the demo sign-in details.")
@with_appcontext
def demo_accounts():
    from supplier_dd.demo import supplier_contact_email
    from supplier_dd.demo.data import (
        CONSORTIUM_STAFF,
        COUNCIL_STAFF,
        PARTNER_COUNCILS,
        SUPPLIERS,
    )

    settings = current_app.config["SUPPLIER_DD_SETTINGS"]
    click.echo(f"Sign in at {settings.base_url}/sign-in with password: {settings.demo_password}")
    councils = [(f"{settings.council_name} (the first district)", COUNCIL_STAFF),
                *((partner.name, partner.staff) for partner in PARTNER_COUNCILS),
                ("The partnership (no council's records)", CONSORTIUM_STAFF)]
    for heading, staff in councils:
        click.echo(f"  {heading}:")
        for email, role, _name in staff:
            click.echo(f"    {role:16} {email}")
    click.echo("  Suppliers:")
    for item in SUPPLIERS[:3]:
        click.echo(f"    supplier         {supplier_contact_email(item.slug)}  ({item.name})")
    in_all = len(SUPPLIERS) + sum(len(partner.own_suppliers) for partner in PARTNER_COUNCILS)
    click.echo(f"    ... and one supplier contact per demo supplier ({in_all} in all);"
               " see README.md.")


COMMANDS = [demo_group]
