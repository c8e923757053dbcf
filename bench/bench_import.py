"""Importing a 100,000-row contracts register: time and peak memory.

Writes a register deterministically (LGTC-style headers, a BOM, CRLF line endings, quoted
multi-line titles, 2,000 suppliers, some without company numbers), then, on a freshly migrated
database, times the real import service reading the file from disk: a first import (everything
created), a re-import (everything unchanged) and, under tracemalloc, a preview, whose peak
Python allocation shows that memory stays flat as the file grows.
Target: the first import in under 30 s on SQLite.

    .venv/bin/python -m bench.bench_import               # 100,000 rows on SQLite
    .venv/bin/python -m bench.bench_import --quick       # 10,000 rows, a smoke run
    .venv/bin/python -m bench.bench_import --postgresql  # PostgreSQL instead, if it answers
"""

from __future__ import annotations

import csv
import random
import sys
import tempfile
import time
import tracemalloc
from datetime import date, datetime, timedelta
from pathlib import Path

from bench.common import BenchResult, migrated_app, peak_rss_mb, scratch_database

TARGET_S = 30.0
SUPPLIERS = 2_000
HEADERS = ["Contract Reference Number", "Title of Agreement", "Department", "Supplier Name",
           "Supplier Company Number", "Total Value (£)", "Start Date", "End Date",
           "Procurement Category", "CPV Code"]
CATEGORIES = [("Cleaning", "90910000"), ("Security", "79710000"), ("Construction", "45210000"),
              ("Catering", "55520000"), ("Social care", "85312000"), ("IT services", "72253000"),
              ("IT hardware", "30213100"), ("Waste", "90511000"), ("Legal services", "79100000"),
              ("Agency labour", "79620000"), ("Logistics", "63120000"), ("Textiles", "18100000")]
DEPARTMENTS = ["Housing", "Place", "Resources", "Adult Social Care", "Leisure"]


def write_register(path: Path, rows: int, seed: int = 6) -> Path:
    """A deterministic register with `rows` contracts (same seed, same bytes)."""
    rng = random.Random(seed)
    suppliers = []
    for n in range(SUPPLIERS):
        number = f"{10_000_000 + n:08d}" if n % 5 else ""  # one in five gives no number
        suppliers.append((f"Bench Supplier {n:04d} Ltd", number))
    start = date(2020, 4, 1)
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(HEADERS)
        for n in range(rows):
            name, number = suppliers[rng.randrange(SUPPLIERS)]
            category, cpv = CATEGORIES[rng.randrange(len(CATEGORIES))]
            begins = start + timedelta(days=rng.randrange(2_000))
            title = f"{category} services, lot {n % 7}"
            if n % 50 == 0:
                title += "\r\nincluding out-of-hours cover"  # a quoted multi-line cell
            writer.writerow([
                f"BENCH-{n:06d}", title, DEPARTMENTS[n % len(DEPARTMENTS)], name, number,
                f"£{rng.randrange(5_000, 5_000_000):,}.00", begins.strftime("%d/%m/%Y"),
                (begins + timedelta(days=365 * rng.randrange(1, 6))).strftime("%d/%m/%Y"),
                category, f"{cpv}-{n % 10}",
            ])
    return path


def _import(app, path: Path, *, apply: bool):
    from supplier_dd.extensions import db
    from supplier_dd.infrastructure import tabular
    from supplier_dd.services.contract_import import import_contracts, preview_contracts

    with app.app_context():
        rows = tabular.iter_rows(path)
        if apply:
            summary = import_contracts(db.session, rows, now=datetime(2026, 11, 22))
            db.session.commit()
        else:
            summary = preview_contracts(db.session, rows)
            db.session.rollback()
        db.session.remove()
        return summary


def run(quick: bool = False, rows: int | None = None, database: str = "sqlite") -> dict:
    """One result dict: first-import time against the 30 s target, plus the other figures."""
    rows = rows or (10_000 if quick else 100_000)
    folder = Path(tempfile.mkdtemp(prefix="bench-import-"))
    path = write_register(folder / "register.csv", rows)
    url, remove = scratch_database(database, "import")
    try:
        app = migrated_app(url)
        rss_before = peak_rss_mb()
        started = time.perf_counter()
        first = _import(app, path, apply=True)
        import_s = time.perf_counter() - started
        rss_peak = peak_rss_mb()

        started = time.perf_counter()
        again = _import(app, path, apply=True)
        reimport_s = time.perf_counter() - started

        tracemalloc.start()
        _import(app, path, apply=False)
        _current, traced_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        with app.app_context():
            from supplier_dd.extensions import db

            db.engine.dispose()
    finally:
        remove()
        path.unlink(missing_ok=True)
        folder.rmdir()
    assert first.to_create == rows and again.unchanged == rows, "the import did not do its job"
    result = BenchResult(
        workload="import contracts register",
        database=database,
        scale=f"{rows:,} rows",
        median_s=import_s,
        p95_s=import_s,
        peak_mb=rss_peak,
        target=f"< {TARGET_S:.0f} s on SQLite",
        met=import_s < TARGET_S if database == "sqlite" else None,
        notes=(f"re-import (all unchanged) {reimport_s:.1f} s; preview peak Python allocation "
               f"{traced_peak / 2**20:.1f} MB; RSS grew {rss_peak - rss_before:.0f} MB "
               f"during the first import; {first.new_supplier_count:,} suppliers created"),
        extra={"rows": rows, "import_s": import_s, "reimport_s": reimport_s,
               "preview_traced_peak_mb": traced_peak / 2**20,
               "rss_growth_mb": rss_peak - rss_before,
               "suppliers_created": first.new_supplier_count},
    )
    return result.as_dict()


if __name__ == "__main__":
    kind = "postgresql" if "--postgresql" in sys.argv else "sqlite"
    outcome = run(quick="--quick" in sys.argv, database=kind)
    print(f"{outcome['workload']} ({outcome['database']}, {outcome['scale']}): "
          f"{outcome['median_s']:.1f} s, peak RSS {outcome['peak_mb']:.0f} MB, target "
          f"{outcome['target']}: {'met' if outcome['met'] else 'NOT MET'}; {outcome['notes']}")
