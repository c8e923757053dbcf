"""The `supplier-dd` command: Flask's CLI (run, db, shell) plus the service's own commands."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import FlaskGroup
from sqlalchemy.exc import OperationalError

from supplier_dd.config import ConfigError, load_settings


def _create_app(*_args, **_kwargs) -> Flask:
    from supplier_dd import create_app

    return create_app()


cli = FlaskGroup(
    create_app=_create_app,
    add_version_option=False,
    help="Modern-slavery due diligence on a council's suppliers.",
)


from supplier_dd.cli.audit import COMMANDS as _AUDIT_COMMANDS  # noqa: E402
from supplier_dd.cli.demo import COMMANDS as _DEMO_COMMANDS  # noqa: E402
from supplier_dd.cli.serve import COMMANDS as _SERVE_COMMANDS  # noqa: E402
from supplier_dd.cli.users import COMMANDS as _USER_COMMANDS  # noqa: E402

COMMAND_GROUPS = [*_USER_COMMANDS, *_DEMO_COMMANDS, *_SERVE_COMMANDS, *_AUDIT_COMMANDS]

# Backups: `supplier-dd backup OUT`, `supplier-dd restore IN`.
from supplier_dd.cli.backup import COMMANDS as _BACKUP_COMMANDS  # noqa: E402

COMMAND_GROUPS += _BACKUP_COMMANDS

# Re-attestation reminders (issue 5): `supplier-dd scheduler run`, `supplier-dd reminders ...`.
from supplier_dd.cli.reminders import COMMANDS as _REMINDER_COMMANDS  # noqa: E402

COMMAND_GROUPS += _REMINDER_COMMANDS

# Imports (issue 6 and others): `supplier-dd import contracts|registry|...`.
from supplier_dd.cli.imports import import_group as _import_group  # noqa: E402

COMMAND_GROUPS.append(_import_group)

# Programme records (issue 7): `supplier-dd import action-plan`, `supplier-dd referrals purge`.
# Importing the module also adds `action-plan` to the shared `import` group.
from supplier_dd.cli.programme import COMMANDS as _PROGRAMME_COMMANDS  # noqa: E402

COMMAND_GROUPS += _PROGRAMME_COMMANDS

# Risk scoring (issue 4): `supplier-dd scores recompute [--model VERSION]`.
from supplier_dd.cli.scores import COMMANDS as _SCORES_COMMANDS  # noqa: E402

COMMAND_GROUPS += _SCORES_COMMANDS

# Supplier declarations (issue 3): `supplier-dd questionnaires check|list`.
from supplier_dd.cli.questionnaires import COMMANDS as _QUESTIONNAIRE_COMMANDS  # noqa: E402

COMMAND_GROUPS += _QUESTIONNAIRE_COMMANDS

# The annual Cabinet evidence pack (issue 8): `supplier-dd report cabinet`.
from supplier_dd.cli.reports import COMMANDS as _REPORT_COMMANDS  # noqa: E402

COMMAND_GROUPS += _REPORT_COMMANDS

# The partnership's councils (issue 17): `supplier-dd councils create|list`. Commands that act for
# one council take --council (cli/council_option.py).
from supplier_dd.cli.councils import COMMANDS as _COUNCIL_COMMANDS  # noqa: E402

COMMAND_GROUPS += _COUNCIL_COMMANDS


def init_app(app: Flask) -> None:
    """Commands are attached to the app so `flask --app supplier_dd` finds them too."""
    for group in COMMAND_GROUPS:
        if group.name not in app.cli.commands:
            app.cli.add_command(group)


def main() -> None:
    try:
        load_settings()
    except ConfigError as error:
        click.echo(f"Configuration error: {error}", err=True)
        sys.exit(2)
    try:
        cli.main(prog_name="supplier-dd")
    except OperationalError as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        click.echo(f"Could not use the database: {reason}", err=True)
        click.echo("Check DATABASE_URL and that the database server is running.", err=True)
        sys.exit(1)
    except ConfigError as error:
        click.echo(f"Configuration error: {error}", err=True)
        sys.exit(2)
