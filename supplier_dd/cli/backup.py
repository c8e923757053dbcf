"""`supplier-dd backup OUT` and `supplier-dd restore IN`."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext


def _settings():
    return current_app.config["SUPPLIER_DD_SETTINGS"]


@click.command("backup", help="Back up the database and uploaded files into one archive.")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(out: Path):
    from supplier_dd.extensions import db
    from supplier_dd.infrastructure.backup import BackupError, create_backup
    from supplier_dd.models.base import utcnow

    db.engine.dispose()
    try:
        summary = create_backup(current_app.config["SQLALCHEMY_DATABASE_URI"],
                                _settings().upload_dir, out, utcnow())
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backed up the {summary.database_kind} database and {summary.files} uploaded "
               f"file(s) to {summary.path}.")


@click.command("restore", help="Replace the database and uploaded files from a backup archive.")
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(archive: Path, yes: bool):
    from supplier_dd.extensions import db
    from supplier_dd.infrastructure.backup import BackupError, restore_backup

    if not yes:
        click.confirm("This replaces ALL current data and uploaded files. Continue?", abort=True)
    db.session.remove()
    db.engine.dispose()
    try:
        summary = restore_backup(current_app.config["SQLALCHEMY_DATABASE_URI"],
                                 _settings().upload_dir, archive)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Restored the {summary.database_kind} database and {summary.files} uploaded "
               f"file(s) from {summary.path}.")


COMMANDS = [backup_command, restore_command]
