"""`supplier-dd scores ...`: re-scoring suppliers with a risk model version."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from supplier_dd.cli.council_option import acts_for_council


@click.group("scores", help="Risk scores: re-score suppliers with a risk model.")
def scores_group():
    pass


@scores_group.command(
    "recompute",
    help="Re-score every supplier in batches. Unchanged results are left alone; changed ones "
    "become current and the old assessments are kept as history. With --model, that model "
    "becomes the active one: new declarations are scored with it from then on.",
)
@click.option("--model", "version", default=None,
              help="Risk model version, such as v2 (default: the active model, v1 until a "
              "recompute switches it).")
@click.option("--batch-size", default=500, show_default=True, type=click.IntRange(1, 10_000))
@with_appcontext
@acts_for_council
def recompute(version: str | None, batch_size: int):
    from supplier_dd.domain.risk.model import RiskModelError, load_model
    from supplier_dd.extensions import db
    from supplier_dd.models.base import utcnow
    from supplier_dd.services import audit
    from supplier_dd.services.risk import recompute_assessments
    from supplier_dd.services.risk_models import activate, active_version

    try:
        model = load_model(version or active_version(db.session))
    except RiskModelError as error:
        raise click.UsageError(str(error)) from None
    now = utcnow()
    progress = None
    for progress in recompute_assessments(db.session, model, now, batch_size, actor=audit.CLI):
        db.session.commit()  # one transaction per batch: an interruption keeps finished work
        click.echo(f"  {progress.done:,} of {progress.total:,} suppliers scored "
                   f"({progress.changed:,} changed)")
    # One entry for the run: what was scored with which model, and what changed.
    audit.record(db.session, "scores.recomputed", audit.CLI, utcnow(), object_type="risk_model",
                 object_id=model.version,
                 details={"model_version": model.version, "batch_size": batch_size,
                          "scored": progress.done if progress else 0,
                          "changed": progress.changed if progress else 0,
                          "unchanged": progress.unchanged if progress else 0})
    # Every supplier now has its score under this model: new assessments use it too.
    switched = activate(db.session, model, utcnow(), audit.CLI)
    db.session.commit()
    if switched:
        click.echo(f"Risk model {model.version} is now the active model: new declarations are "
                   "scored with it.")
    if progress is None:
        click.echo("No suppliers to score.")
        return
    click.echo(f"Scored {progress.done:,} suppliers with risk model {model.version}: "
               f"{progress.changed:,} changed, {progress.unchanged:,} unchanged.")


COMMANDS = [scores_group]
