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

Every supplier of the council is re-scored (its current declaration: 100,000 of the 200,000
declarations by default, the rest being superseded ones), timed batch by batch (500 a batch,
as the command commits); the time for 200,000 is projected from the rate.

    .venv/bin/python -m bench.bench_scoring          # the 100,000-supplier council
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
DECLARATIONS = 200_000


def _app_batches(app) -> tuple[list[float], int, int]:
    """Seconds per batch of the real recompute over every supplier, and how many results
    changed / stayed."""
    from supplier_dd.domain.risk.model import load_model
    from supplier_dd.extensions import db
    from supplier_dd.services.risk import recompute_assessments

    model = load_model()
    samples = []
    with app.app_context():
        last = None
        started = time.perf_counter()
        for progress in recompute_assessments(db.session, model, datetime(2026, 11, 21),
                                              batch_size=BATCH):
            samples.append(time.perf_counter() - started)
            last = progress
            started = time.perf_counter()
        db.session.rollback()
        db.session.remove()
    return samples, last.changed, last.unchanged


def _floor_batches(app) -> list[float]:
    """Seconds per batch of the pure scoring function over the same suppliers' inputs, each
    batch's inputs read beforehand (untimed) with the app's own batch queries."""
    from sqlalchemy import select

    from supplier_dd.domain.questionnaire import load_questionnaire
    from supplier_dd.domain.risk.assess import assess_declaration_answers
    from supplier_dd.domain.risk.model import load_model
    from supplier_dd.extensions import db
    from supplier_dd.models import Supplier
    from supplier_dd.services.risk import (
        contract_facts,
        latest_submitted_answers,
        profile_from_contracts,
        scoring_plan_for,
    )

    model = load_model()
    samples = []
    with app.app_context():
        last_id = 0
        while True:
            suppliers = db.session.scalars(select(Supplier).where(Supplier.id > last_id)
                                           .order_by(Supplier.id).limit(BATCH)).all()
            if not suppliers:
                break
            ids = [supplier.id for supplier in suppliers]
            declared, contracts = (latest_submitted_answers(db.session, ids),
                                   contract_facts(db.session, ids))
            inputs = []
            for supplier in suppliers:
                answers = declared[supplier.id]
                inputs.append((
                    profile_from_contracts(supplier, contracts.get(supplier.id, []), model),
                    load_questionnaire(answers.questionnaire_id, answers.questionnaire_version),
                    answers.answers,
                    scoring_plan_for(answers.questionnaire_id, answers.questionnaire_version)))
            started = time.perf_counter()
            for profile, questionnaire, answers, plan in inputs:
                assess_declaration_answers(model, profile, questionnaire, answers, plan)
            samples.append(time.perf_counter() - started)
            last_id = ids[-1]
            db.session.expunge_all()
        db.session.remove()
    return samples


def _measure(kind: str, quick: bool) -> BenchResult:
    scale = scale_for(quick)
    url, remove, generated = council(kind, scale)
    try:
        app = migrated_app(url)
        floor = _floor_batches(app)
        batches, changed, unchanged = _app_batches(app)
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
        scale=f"{scale.suppliers:,} suppliers (each one's current declaration)",
        median_s=median, p95_s=p95,
        peak_mb=peak_rss_mb(), floor_s=floor_median,
        target=f">= {TARGET_PER_S:,} declarations/s", met=per_s >= TARGET_PER_S,
        notes=(f"{per_s:,.0f} declarations/s through the app (floor: pure scoring "
               f"{floor_per_s:,.0f}/s); all {unchanged + changed:,} took {sum(batches):.1f} s, "
               f"{DECLARATIONS:,} would take {DECLARATIONS / per_s / 60:.1f} min; "
               f"{unchanged:,} unchanged, {changed:,} changed"
               + (f"; council generated in {generated:.0f}s" if generated else "")),
        extra={"per_s": per_s, "floor_per_s": floor_per_s, "total_s": sum(batches),
               "changed": changed, "unchanged": unchanged},
    )


def run(quick: bool = False) -> list[dict]:
    return [_measure(kind, quick).as_dict() for kind in databases()]


if __name__ == "__main__":
    for row in run(quick="--quick" in sys.argv):
        print(f"{row['database']:10} {row['scale']}: {row['notes']}")
