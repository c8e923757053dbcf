"""Scoring declarations: the real batch path against the pure scoring function alone.

Workload: `services.risk.recompute_assessments` (what `supplier-dd scores recompute` runs) over
the generated council: for each supplier it reads the latest submitted declaration and the
contracts, scores with the pure domain functions, compares with the stored assessment and keeps
or replaces it. The model is the one the council was scored with, so every result is unchanged
and nothing is written; the transaction is rolled back either way, so the cached council is
left as it was.
Floor: `assess_declaration_answers` in a loop over the same suppliers' answers and profiles,
loaded beforehand, with the questionnaire's scoring plan built once (as the app keeps it): no
database at all.
Target: at least 20,000 declarations a second.

A sample of SAMPLE suppliers (a fifth of the default council) is timed batch by batch (500 a
batch, as the command commits) and the time for 200,000 is projected from it, which keeps the
two databases' runs to about ten seconds each within `make bench`'s budget.

    .venv/bin/python -m bench.bench_scoring          # sample of the 100,000-supplier council
    .venv/bin/python -m bench.bench_scoring --quick  # the 1,000-supplier council
"""

from __future__ import annotations

import sys
import time
from datetime import datetime

from bench.common import BenchResult, databases, median_p95, migrated_app, peak_rss_mb
from bench.generate import council, scale_for

USES_COUNCIL = True  # the harness builds bench/generate.py's council once for these
TARGET_PER_S = 20_000
BATCH = 500
SAMPLE = 20_000
QUICK_SAMPLE = 1_000
DECLARATIONS = 200_000


def _app_batches(app, sample: int) -> tuple[list[float], int, int]:
    """Seconds per batch of the real recompute, and how many results changed / stayed."""
    from supplier_dd.domain.risk.model import load_model
    from supplier_dd.extensions import db
    from supplier_dd.services.risk import recompute_assessments

    model = load_model()
    samples = []
    with app.app_context():
        progress = None
        started = time.perf_counter()
        for progress in recompute_assessments(db.session, model, datetime(2026, 11, 21),
                                              batch_size=BATCH):
            samples.append(time.perf_counter() - started)
            if progress.done >= sample:
                break
            started = time.perf_counter()
        db.session.rollback()
        db.session.remove()
    return samples, progress.changed, progress.unchanged


def _floor_batches(app, sample: int) -> list[float]:
    """Seconds per batch of the pure scoring function over the same suppliers' inputs."""
    from sqlalchemy import select

    from supplier_dd.domain.questionnaire import load_questionnaire
    from supplier_dd.domain.risk.assess import assess_declaration_answers
    from supplier_dd.domain.risk.model import load_model
    from supplier_dd.extensions import db
    from supplier_dd.models import Supplier
    from supplier_dd.services.declarations import submitted_answers
    from supplier_dd.services.risk import (
        latest_submitted_declaration,
        scoring_plan_for,
        supplier_profile,
    )

    model = load_model()
    inputs = []
    with app.app_context():
        suppliers = db.session.scalars(select(Supplier).order_by(Supplier.id).limit(sample))
        for supplier in suppliers:
            declaration = latest_submitted_declaration(db.session, supplier.id)
            questionnaire = load_questionnaire(declaration.questionnaire_id,
                                               declaration.questionnaire_version)
            inputs.append((supplier_profile(db.session, supplier, model), questionnaire,
                           submitted_answers(declaration),
                           scoring_plan_for(questionnaire.id, questionnaire.version)))
        db.session.remove()
    samples = []
    for start in range(0, len(inputs), BATCH):
        started = time.perf_counter()
        for profile, questionnaire, answers, plan in inputs[start:start + BATCH]:
            assess_declaration_answers(model, profile, questionnaire, answers, plan)
        samples.append(time.perf_counter() - started)
    return samples


def _measure(kind: str, quick: bool) -> BenchResult:
    scale = scale_for(quick)
    sample = min(QUICK_SAMPLE if quick else SAMPLE, scale.suppliers)
    url, remove, generated = council(kind, scale)
    try:
        app = migrated_app(url)
        floor = _floor_batches(app, sample)
        batches, changed, unchanged = _app_batches(app, sample)
        with app.app_context():
            from supplier_dd.extensions import db

            db.engine.dispose()
    finally:
        remove()
    median, p95 = median_p95(batches)
    floor_median, _ = median_p95(floor)
    per_s = BATCH / median
    floor_per_s = BATCH / floor_median
    return BenchResult(
        workload="scoring (scores recompute), per 500", database=kind,
        scale=f"{sample:,} of {scale.suppliers:,} suppliers", median_s=median, p95_s=p95,
        peak_mb=peak_rss_mb(), floor_s=floor_median,
        target=f">= {TARGET_PER_S:,} declarations/s", met=per_s >= TARGET_PER_S,
        notes=(f"{per_s:,.0f} declarations/s through the app (floor: pure scoring "
               f"{floor_per_s:,.0f}/s); {DECLARATIONS:,} would take "
               f"{DECLARATIONS / per_s / 60:.1f} min; {unchanged:,} unchanged, {changed:,} "
               f"changed" + (f"; council generated in {generated:.0f}s" if generated else "")),
        extra={"per_s": per_s, "floor_per_s": floor_per_s, "sample": sample,
               "changed": changed, "unchanged": unchanged},
    )


def run(quick: bool = False) -> list[dict]:
    return [_measure(kind, quick).as_dict() for kind in databases()]


if __name__ == "__main__":
    for row in run(quick="--quick" in sys.argv):
        print(f"{row['database']:10} {row['scale']}: {row['notes']}")
