"""Commands for the council's programme records (issue 7).

- `supplier-dd import action-plan FILE`, added to the shared `import` group;
- `supplier-dd referrals purge [--now ISO]`, the retention deletion the scheduler also runs.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click
from flask.cli import with_appcontext

from supplier_dd.cli.council_option import acts_for_council
from supplier_dd.cli.imports import import_group


def _db():
    from supplier_dd.extensions import db

    return db


@click.command("action-plan", help="Import a council action plan: a tab-separated text "
                                   "extraction of the plan's table.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--title", help="Title for the plan (default: the Name in the file, else the "
                              "file name).")
@click.option("--dry-run", is_flag=True, help="Read the file and report; store nothing.")
@with_appcontext
@acts_for_council
def import_action_plan_command(file: Path, title: str | None, dry_run: bool):
    from supplier_dd.models.base import utcnow
    from supplier_dd.services import ServiceError, audit
    from supplier_dd.services.action_plans import parse_file, store_action_plan

    db = _db()
    try:
        parsed = parse_file(file.read_bytes(), file.name)
        plan = None
        if not dry_run:
            now = utcnow()
            plan = store_action_plan(db.session, parsed, source_filename=file.name,
                                     imported_by=None, now=now, title=title)
            audit.record(db.session, "action_plan.imported", audit.Actor(None, "cli", "system"),
                         now, object_type="action_plan", object_id=plan.id,
                         details={"title": plan.title, "actions": len(parsed.actions)})
            db.session.commit()
    except ServiceError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None

    click.echo(f"{title or parsed.title}: {len(parsed.actions)} actions in "
               f"{len(parsed.priorities)} priorities.")
    for priority in parsed.priorities:
        count = len(priority.actions)
        click.echo(f"  {priority.label}: {count} action{'' if count == 1 else 's'}")
    for note in parsed.report.notes:
        click.echo(f"  line {note.line}, {note.kind}: {note.subject}: {note.message}")
    if dry_run:
        click.echo("Dry run: nothing was stored.")
    else:
        click.echo(f"Imported as action plan {plan.id}.")


import_group.add_command(import_action_plan_command)


@click.group("referrals", help="The referrals log.")
def referrals_group():
    pass


def _parse_now(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an ISO date or date-time, like "
                                 "2026-04-01 or 2026-04-01T03:00", param_hint="--now") from None
    if parsed.tzinfo is not None:
        from datetime import UTC

        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


@referrals_group.command("purge", help="Delete referrals older than "
                                       "SUPPLIER_DD_REFERRAL_RETENTION_DAYS, and audit it.")
@click.option("--now", "now_text", metavar="ISO",
              help="Act as if it were this time (to check what a future run will delete).")
@with_appcontext
@acts_for_council
def purge_command(now_text: str | None):
    from supplier_dd.models.base import utcnow
    from supplier_dd.services import audit
    from supplier_dd.services.programme import purge_expired_referrals

    db = _db()
    now = _parse_now(now_text) or utcnow()
    result = purge_expired_referrals(db.session, now, actor=audit.Actor(None, "cli", "system"))
    db.session.commit()
    plural = "" if result.deleted == 1 else "s"
    click.echo(f"Deleted {result.deleted} referral{plural} dated before {result.cutoff.day} "
               f"{result.cutoff:%B %Y} (kept for {result.retention_days} days).")


COMMANDS = [referrals_group]
