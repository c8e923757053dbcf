"""`supplier-dd audit verify|checkpoint`: checking the audit log and signing its head."""

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
    from supplier_dd.jobs.audit import run_checkpoint
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


COMMANDS = [audit_group]
