"""`supplier-dd import ...`: loading files from the command line.

Features add their commands to `import_group`. The contracts register and statement registry
commands run the same services as the web upload, so a file behaves the same either way.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from supplier_dd.cli.council_option import acts_for_council


@click.group("import", help="Import files: contracts register, statement registry, action plan.")
def import_group():
    pass


def _db():
    from supplier_dd.extensions import db

    return db


def _progress(label: str):
    def report(rows: int) -> None:
        click.echo(f"  {label}: {rows:,} rows", err=True)

    return report


def _parse_matches(values: tuple[str, ...]) -> dict[str, str]:
    """--match 'KEY=ID' pairs, KEY as the dry run prints it, ID a supplier id or 'new'."""
    resolutions = {}
    for value in values:
        key, separator, choice = value.rpartition("=")
        if not separator or not key or not (choice.isdigit() or choice == "new"):
            raise click.BadParameter(
                f"{value!r}: use KEY=SUPPLIER_ID or KEY=new, with KEY as the dry run shows it",
                param_hint="--match",
            )
        resolutions[key] = choice
    return resolutions


def _echo_contracts_summary(summary, listed: int = 50) -> None:
    done = summary.imported
    click.echo(f"Rows read: {summary.rows:,}")
    click.echo(f"Contracts {'created' if done else 'to create'}: {summary.to_create:,}")
    click.echo(f"Contracts {'updated' if done else 'to update'}: {summary.to_update:,}")
    click.echo(f"Contracts unchanged: {summary.unchanged:,}")
    click.echo(f"Suppliers {'created' if done else 'to create'}: {summary.new_supplier_count:,}")
    click.echo(f"Contracts in PPN 02/23 high-risk industries: {summary.high_risk:,}")
    for notice in summary.notices:
        click.echo(f"Note: {notice}")
    for item in summary.new_suppliers[:listed]:
        number = f" ({item['company_number']})" if item["company_number"] else ""
        click.echo(f"  new supplier: {item['name']}{number}, first on row {item['first_row']}")
    if summary.rejected:
        click.echo(f"Rows with problems: {summary.rejected:,}")
        for item in summary.rejections[:listed]:
            click.echo(f"  {item['message']}")
    for entry in summary.unresolved:
        click.echo(f"Choose the supplier for '{entry['name']}' (rows "
                   f"{', '.join(map(str, entry['rows']))}): {entry['reason']}")
        for candidate in entry["candidates"]:
            number = candidate["company_number"] or "no company number"
            click.echo(f"  --match '{entry['key']}={candidate['id']}'  {candidate['name']} "
                       f"({number})")
        click.echo(f"  --match '{entry['key']}=new'  create a new supplier")


@import_group.command("contracts", help="Import the council's contracts register (CSV or XLSX).")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what would change; change nothing.")
@click.option("--match", "matches", multiple=True, metavar="KEY=ID",
              help="Choose the supplier for an ambiguous name (repeatable; see the dry run).")
@with_appcontext
@acts_for_council
def import_contracts_command(file: Path, dry_run: bool, matches: tuple[str, ...]):
    from supplier_dd.models.base import utcnow
    from supplier_dd.services import ServiceError, audit
    from supplier_dd.services.contract_import import ImportRefused
    from supplier_dd.services.import_batches import CONTRACTS, import_file

    db = _db()
    try:
        summary = import_file(
            db.session, kind=CONTRACTS, path=file, apply=not dry_run, actor=audit.SYSTEM,
            now=utcnow(), resolutions=_parse_matches(matches), progress=_progress("checked"),
        )
    except ImportRefused as refused:
        db.session.rollback()
        _echo_contracts_summary(refused.summary)
        raise click.ClickException(str(refused)) from None
    except ServiceError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    if dry_run:
        db.session.rollback()
        _echo_contracts_summary(summary)
        if not summary.can_import:
            raise click.ClickException("This file cannot be imported as it is (see above).")
        click.echo("Dry run: nothing was changed.")
        return
    db.session.commit()
    _echo_contracts_summary(summary)
    click.echo(f"Imported {file.name}.")


@import_group.command("registry", help="Import a StatementSummaries{YEAR}.csv from the "
                                       "Home Office modern slavery statement registry.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what would change; change nothing.")
@with_appcontext
@acts_for_council
def import_registry_command(file: Path, dry_run: bool):
    from supplier_dd.models.base import utcnow
    from supplier_dd.services import ServiceError, audit
    from supplier_dd.services.import_batches import REGISTRY, import_file

    db = _db()
    try:
        summary = import_file(db.session, kind=REGISTRY, path=file, apply=not dry_run,
                              actor=audit.SYSTEM, now=utcnow(), progress=_progress("read"))
    except ServiceError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    done = summary.imported
    click.echo(f"Rows read: {summary.rows:,}")
    click.echo(f"Statements {'created' if done else 'to create'}: {summary.to_create:,}")
    click.echo(f"Statements {'updated' if done else 'to update'}: {summary.to_update:,}")
    click.echo(f"Statements unchanged: {summary.unchanged:,}")
    click.echo(f"Our suppliers in this file: {summary.suppliers_matched:,}")
    for notice in summary.notices:
        click.echo(f"Note: {notice}")
    for item in summary.skipped_rows[:50]:
        click.echo(f"  skipped {item['message']}")
    click.echo("Dry run: nothing was changed." if dry_run else f"Imported {file.name}.")


def _echo_tenders_summary(summary) -> None:
    done = summary.imported
    click.echo(f"Rows read: {summary.rows:,}")
    click.echo(f"Tenders {'created' if done else 'to create'}: {summary.to_create:,}")
    click.echo(f"Tenders {'updated' if done else 'to update'}: {summary.to_update:,}")
    click.echo(f"Tenders unchanged: {summary.unchanged:,}")
    for notice in summary.notices:
        click.echo(f"Note: {notice}")
    for item in summary.not_open:
        click.echo(f"  left as it is: {item['reference']} (row {item['row']}) is "
                   f"{item['status'].lower()}")
    if summary.rejected:
        click.echo(f"Rows with problems: {summary.rejected:,}")
        for item in summary.rejections[:50]:
            click.echo(f"  {item['message']}")


@import_group.command("tenders", help="Import a register of the council's tenders (CSV or XLSX): "
                                      "creates them, or updates open ones by reference.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what would change; change nothing.")
@with_appcontext
@acts_for_council
def import_tenders_command(file: Path, dry_run: bool):
    from supplier_dd.models.base import utcnow
    from supplier_dd.services import ServiceError, audit
    from supplier_dd.services.import_batches import TENDERS, import_file
    from supplier_dd.services.tender_import import TenderImportRefused

    db = _db()
    try:
        summary = import_file(db.session, kind=TENDERS, path=file, apply=not dry_run,
                              actor=audit.CLI, now=utcnow())
    except TenderImportRefused as refused:
        db.session.rollback()
        _echo_tenders_summary(refused.summary)
        raise click.ClickException(str(refused)) from None
    except ServiceError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    if dry_run:
        db.session.rollback()
        _echo_tenders_summary(summary)
        if not summary.can_import:
            raise click.ClickException(summary.refusal_message())
        click.echo("Dry run: nothing was changed.")
        return
    db.session.commit()
    _echo_tenders_summary(summary)
    click.echo(f"Imported {file.name}.")


@import_group.command("debarment", help="Import the council's debarment list (CSV: name, "
                                        "company_number, schedule 6 or 7, listed_on, "
                                        "expires_on) and check every supplier against it.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
@acts_for_council
def import_debarment_command(file: Path):
    from supplier_dd.models.base import utcnow
    from supplier_dd.services import audit, debarment

    db = _db()
    result = debarment.import_list(db.session, file.read_text(encoding="utf-8-sig"), utcnow(),
                                   audit.CLI)
    if result.errors:
        db.session.rollback()
        for error in result.errors:
            click.echo(error, err=True)
        raise click.ClickException(f"Nothing imported: {len(result.errors)} rows to correct.")
    db.session.commit()
    already = f" ({result.already_listed} already on the list)" if result.already_listed else ""
    click.echo(f"Imported {result.entries} debarment list entries{already}; checked "
               f"{result.checked} suppliers, {result.matched} on the list.")


COMMANDS = [import_group]
