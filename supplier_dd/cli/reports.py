"""`supplier-dd report cabinet`: the annual Cabinet evidence pack from the command line."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from supplier_dd.cli.council_option import acts_for_council

# Who the cover names when neither --author nor the council's record says.
DEFAULT_AUTHOR = "Legal Services"


@click.group("report", help="Reports for the council: the annual Cabinet evidence pack.")
def report_group():
    pass


def _parse_day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; write it as YYYY-MM-DD.",
                                 param_hint="--date") from None


@report_group.command("cabinet", help="Build the Cabinet evidence pack for a financial year, "
                                      "write it out and store it with its checksum.")
@click.option("--year", "year_text", required=True, help="Financial year, e.g. 2025/26.")
@click.option("--out", "pdf_path", required=True, type=click.Path(dir_okay=False),
              help="Where to write the PDF.")
@click.option("--xlsx", "xlsx_path", type=click.Path(dir_okay=False),
              help="Also write the evidence spreadsheet here.")
@click.option("--date", "cover_date", help="Date on the cover, YYYY-MM-DD (default today).")
@click.option("--author", help="Author named on the cover (default: the council's pack author "
                               "if it has one, else Legal Services).")
@click.option("--version", "version", default="1.0", show_default=True,
              help="Version printed on the cover.")
@click.option("--action-plan", "action_plan_id", type=click.IntRange(min=1),
              help="Id of the action plan to report (see the Programme pages); default: the "
                   "council's current plan, else the latest imported.")
@click.option("--edition", type=click.Choice(["1", "2"]),
              help="Pack edition (docs/cabinet-pack.md); default: 1 for a year that closed "
                   "before edition 2 was published on 2 December 2026, else 2.")
@with_appcontext
@acts_for_council
def report_cabinet(year_text: str, pdf_path: str, xlsx_path: str | None,
                   cover_date: str | None, author: str | None, version: str,
                   action_plan_id: int | None, edition: str | None):
    from supplier_dd.extensions import db
    from supplier_dd.infrastructure.notification_mailer import mailer_for
    from supplier_dd.models import Council
    from supplier_dd.models.base import utcnow
    from supplier_dd.models.tenancy import acting_council
    from supplier_dd.services import ServiceError, audit, notifications
    from supplier_dd.services.cabinet_packs import (
        check_request,
        generate,
        read_pack,
        start_run,
    )
    from supplier_dd.services.councils import council_name_for

    settings = current_app.config["SUPPLIER_DD_SETTINGS"]
    now = utcnow()
    session = db.session
    council = session.get(Council, acting_council(session))
    author = author or (council.pack_author if council else None) or DEFAULT_AUTHOR
    try:
        request = check_request(year_text, _parse_day(cover_date), author, version, now.date(),
                                session=session, action_plan_id=action_plan_id)
    except ServiceError as error:
        raise click.UsageError(str(error)) from None
    if edition is not None:
        request = replace(request, edition=int(edition))
    run = start_run(session, request, None, "command line", now)
    click.echo(f"Edition {run.edition}")
    plan = run.action_plan
    click.echo(f"Action plan reported: {plan.title} (plan {plan.id})" if plan
               else "Action plan reported: none has been imported.")
    kinds = ("pdf", "xlsx") if xlsx_path else ("pdf",)
    packs = generate(session, run, upload_dir=settings.upload_dir,
                     council=council_name_for(session, settings.council_name), now=utcnow,
                     kinds=kinds,
                     progress=lambda step: click.echo(f"  {step}..."))
    audit.record(session, "cabinet_pack.generated", audit.Actor(None, "cli", "system"), utcnow(),
                 object_type="cabinet_pack_run", object_id=run.id,
                 details={"year": run.financial_year, "edition": run.edition,
                          "data_checksum": run.data_checksum,
                          "files": {p.kind: p.sha256 for p in packs}})
    notifications.pack_built(session, run, mailer_for(current_app), utcnow())
    session.commit()
    targets = {"pdf": pdf_path, "xlsx": xlsx_path}
    for pack in packs:
        Path(targets[pack.kind]).write_bytes(read_pack(settings.upload_dir, pack))
        click.echo(f"Wrote {targets[pack.kind]} ({pack.size_bytes:,} bytes, "
                   f"SHA-256 {pack.sha256}).")
    click.echo(f"Stored as run {run.id}; data checksum {run.data_checksum}.")


COMMANDS = [report_group]
