"""The `supplier-dd` command: Flask's CLI (run, db, shell) plus the service's own commands."""

from __future__ import annotations

import sys

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError

from supplier_dd.config import ConfigError, load_settings
from supplier_dd.domain.roles import Role

ROLE_CHOICE = click.Choice([r.value for r in Role], case_sensitive=False)


def _create_app(*_args, **_kwargs) -> Flask:
    from supplier_dd import create_app

    return create_app()


cli = FlaskGroup(
    create_app=_create_app,
    add_version_option=False,
    help="Modern-slavery due diligence on a council's suppliers.",
)


def _db():
    from supplier_dd.extensions import db

    return db


def _now():
    from supplier_dd.models.base import utcnow

    return utcnow()


# --- users ---------------------------------------------------------------------------------


@click.group("users", help="Create and list accounts.")
def users_group():
    pass


def _audit_user_change(action: str, user, **changes) -> None:
    """Record a change made at the command line; the operator is 'cli'."""
    from supplier_dd.services import audit

    audit.record(_db().session, action, audit.CLI, _now(), object_type="user", object_id=user.id,
                 **changes)


def _read_password() -> str:
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    line = sys.stdin.readline()
    return line.rstrip("\r\n")


@users_group.command(
    "create", help="Create an account; the password is read from a prompt or stdin."
)
@click.argument("email")
@click.option(
    "--role", type=ROLE_CHOICE, required=True, help=", ".join(r.value for r in Role) + "."
)
@click.option(
    "--supplier", "supplier_ref", help="Supplier id, Companies House number or exact name."
)
@click.option("--name", default="", help="The person's full name.")
@with_appcontext
def users_create(email: str, role: str, supplier_ref: str | None, name: str):
    from supplier_dd.models import Supplier
    from supplier_dd.services import ServiceError
    from supplier_dd.services.users import create_user

    db = _db()
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
    password = _read_password()
    try:
        user = create_user(db.session, email, role, password, name=name, supplier=supplier)
        _audit_user_change(
            "user.created",
            user,
            after={"email": user.email, "role": user.role, "supplier_id": user.supplier_id},
        )
        db.session.commit()
    except (ServiceError, IntegrityError) as error:
        db.session.rollback()
        message = str(error) if isinstance(error, ServiceError) else "That account already exists."
        raise click.ClickException(message) from None
    click.echo(f"Created {user.role} account {user.email}.")


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
    from supplier_dd.models import User

    for user in _db().session.scalars(select(User).order_by(User.role, User.email)):
        organisation = f" ({user.supplier.name})" if user.supplier else ""
        click.echo(f"{user.role:9} {user.email}{organisation}")


# --- demo ----------------------------------------------------------------------------------


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
    click.echo(f"Demo council loaded ({created or 'nothing new: already loaded'}).")


@demo_group.command("accounts", help="Print the demo sign-in details.")
@with_appcontext
def demo_accounts():
    from supplier_dd.demo import supplier_contact_email
    from supplier_dd.demo.data import STAFF, SUPPLIERS

    settings = current_app.config["SUPPLIER_DD_SETTINGS"]
    click.echo(f"Sign in at {settings.base_url}/sign-in with password: {settings.demo_password}")
    for email, role, _name in STAFF:
        click.echo(f"  {role:9} {email}")
    for item in SUPPLIERS[:3]:
        click.echo(f"  supplier  {supplier_contact_email(item.slug)}  ({item.name})")
    click.echo(
        f"  ... and one supplier contact per demo supplier ({len(SUPPLIERS)} in all);"
        " see README.md."
    )


@click.command("serve", help="Serve the web app and, beside it, the scheduler process.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@with_appcontext
def serve(host: str, port: int):
    import subprocess

    scheduler = None
    if "scheduler" in current_app.cli.commands:
        scheduler = subprocess.Popen([sys.executable, "-m", "supplier_dd", "scheduler", "run"])
        click.echo("Scheduler started beside the web server.")
    try:
        from werkzeug.serving import run_simple

        click.echo(f"Serving on http://{host}:{port} (Ctrl+C to stop)")
        # Flask's app.run() refuses to start inside a `flask` CLI command; run_simple is what
        # it would call.
        run_simple(host, port, current_app._get_current_object(), threaded=True, use_reloader=False)
    finally:
        if scheduler is not None:
            scheduler.terminate()
            scheduler.wait(timeout=10)


@click.group("audit", help="Check the audit log.")
def audit_group():
    pass


def _expected_anchor(value: str):
    from supplier_dd.domain.audit_checkpoints import Anchor

    sequence, _, digest = value.partition(":")
    digest = digest.strip().lower()
    if not sequence.strip().isdigit() or len(digest) != 64 or any(
            c not in "0123456789abcdef" for c in digest):
        raise click.BadParameter(f"{value!r} is not SEQUENCE:HASH, e.g. 1234:<64 hex digits> "
                                 "as the checkpoint email gives it.", param_hint="--expect")
    return Anchor(int(sequence), digest, "the checkpoint given with --expect")


MAX_DECLARATIONS_LISTED = 20


@audit_group.command(
    "verify",
    help="Walk the audit hash chain (every entry intact, linked and signed with the audit key), "
    "compare it with the checkpoints written outside the database, then check every sealed or "
    "submitted declaration (still there, status, supplier, submitter, answers, signatory, "
    "evidence records and files). Reports every problem found; exits 1 if there is any.",
)
@click.option("--expect", "expected", multiple=True, metavar="SEQUENCE:HASH",
              help="Also check that entry SEQUENCE still has HASH (from a checkpoint email).")
@with_appcontext
def audit_verify(expected: tuple[str, ...]):
    from pathlib import Path

    from supplier_dd.services.audit_checkpoints import verify_log
    from supplier_dd.services.audit_key import current_key
    from supplier_dd.services.declaration_integrity import DeclarationBreak, verify_all

    anchors = [_expected_anchor(value) for value in expected]
    session = _db().session
    settings = current_app.config["SUPPLIER_DD_SETTINGS"]
    report = verify_log(session, current_key(), Path(settings.audit_checkpoint_dir), anchors)
    problems = list(report.problems)
    if not problems:
        count = len(report.checkpoints)
        latest = max(report.checkpoints, key=lambda c: c.sequence, default=None)
        click.echo(
            "Audit log verified: every entry is intact, in order and signed"
            + (f", and it agrees with {count} checkpoint{'' if count == 1 else 's'} (the latest "
               f"at entry {latest.sequence}, {latest.written_at:%Y-%m-%d %H:%M} UTC)."
               if latest else
               " (no checkpoint to compare with yet: run `supplier-dd audit checkpoint`).")
        )
    upload_root = Path(settings.upload_dir)
    broken: list = []
    checked = 0
    for item in verify_all(session, upload_root):
        if isinstance(item, DeclarationBreak):
            broken.append(item)
        else:
            checked = item
    for item in broken[:MAX_DECLARATIONS_LISTED]:
        reasons = "; ".join(f"{check.name.lower()}: {check.detail}" for check in item.failed)
        problems.append(f"Declaration DEC-{item.declaration_id:06d} (id {item.declaration_id}) "
                        f"no longer matches what was signed: {reasons}")
    if len(broken) > MAX_DECLARATIONS_LISTED:
        problems.append(f"... and {len(broken) - MAX_DECLARATIONS_LISTED} more declarations "
                        "also fail")
    if problems:
        for problem in problems:
            click.echo(f"Error: {problem}.", err=True)
        raise click.exceptions.Exit(1)
    click.echo(
        f"Declarations verified: {checked:,} submitted declaration"
        f"{'' if checked == 1 else 's'} match their answers, signatory and evidence."
    )


@audit_group.command(
    "checkpoint",
    help="Check the entries since the last checkpoint, sign the chain's head (sequence, hash, "
    "time) into the checkpoint file outside the database and email it to the admins (once a "
    "day). The scheduler does this on SUPPLIER_DD_AUDIT_CHECKPOINT_CRON.",
)
@with_appcontext
def audit_checkpoint():
    from supplier_dd.audit_jobs import run_checkpoint
    from supplier_dd.services import ServiceError

    try:
        outcome = run_checkpoint(current_app, _db().session, _now)
    except ServiceError as error:
        _db().session.rollback()
        raise click.ClickException(str(error)) from None
    if outcome is None:
        click.echo("The audit log is empty; nothing to checkpoint.")
        return
    checkpoint = outcome.result.checkpoint
    click.echo(
        ("Checkpoint written: " if outcome.result.written else
         "No entries since the last checkpoint: ")
        + f"entry {checkpoint.sequence}, hash {checkpoint.entry_hash}, in {outcome.result.path}."
    )
    if outcome.mailed:
        click.echo(f"Emailed to {outcome.mailed} admin{'' if outcome.mailed == 1 else 's'}.")


COMMAND_GROUPS = [users_group, demo_group, serve, audit_group]

# Backups: `supplier-dd backup OUT`, `supplier-dd restore IN`.
from supplier_dd.cli_backup import COMMANDS as _BACKUP_COMMANDS  # noqa: E402

COMMAND_GROUPS += _BACKUP_COMMANDS

# Re-attestation reminders (issue 5): `supplier-dd scheduler run`, `supplier-dd reminders ...`.
from supplier_dd.reminder_cli import COMMANDS as _REMINDER_COMMANDS  # noqa: E402

COMMAND_GROUPS += _REMINDER_COMMANDS

# Imports (issue 6 and others): `supplier-dd import contracts|registry|...`.
from supplier_dd.cli_import import import_group as _import_group  # noqa: E402

COMMAND_GROUPS.append(_import_group)

# Programme records (issue 7): `supplier-dd import action-plan`, `supplier-dd referrals purge`.
# Importing the module also adds `action-plan` to the shared `import` group.
from supplier_dd.cli_programme import COMMANDS as _PROGRAMME_COMMANDS  # noqa: E402

COMMAND_GROUPS += _PROGRAMME_COMMANDS

# Risk scoring (issue 4): `supplier-dd scores recompute [--model VERSION]`.
from supplier_dd.cli_scores import COMMANDS as _SCORES_COMMANDS  # noqa: E402

COMMAND_GROUPS += _SCORES_COMMANDS

# Supplier declarations (issue 3): `supplier-dd questionnaires check|list`.
from supplier_dd.cli_questionnaires import COMMANDS as _QUESTIONNAIRE_COMMANDS  # noqa: E402

COMMAND_GROUPS += _QUESTIONNAIRE_COMMANDS

# The annual Cabinet evidence pack (issue 8): `supplier-dd report cabinet`.
from supplier_dd.cli_reports import COMMANDS as _REPORT_COMMANDS  # noqa: E402

COMMAND_GROUPS += _REPORT_COMMANDS


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
