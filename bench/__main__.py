"""`python -m bench`: run every benchmark and print one table (also saved as JSON).

Each bench/bench_*.py module has `run(quick=False) -> list[dict]` (a BenchResult, or a single
result, is accepted too) and runs in its own process, in name order, so peak memory figures do
not mix. `--only NAME[,NAME]` runs the modules named; `--quick` asks each for a small scale (a
smoke run).

The generated council (bench/generate.py) is cached for the length of one run: the first
benchmark that needs it at a scale builds it, later ones reuse it, and it is removed at the end.
So is the generated partnership of councils (bench_dashboard_councils).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import pkgutil
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import bench
from bench.common import BenchResult, load_average

RESULTS = Path(__file__).parent / "results"
HEADER = ["workload", "database", "scale", "median", "p95", "peak MB", "floor", "ratio",
          "target", "met", "load 1m"]


def module_names() -> list[str]:
    return sorted(module.name for module in pkgutil.iter_modules(bench.__path__)
                  if module.name.startswith("bench_"))


def _as_results(value) -> list[dict]:
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        if isinstance(item, BenchResult):
            out.append(item.as_dict())
        elif isinstance(item, dict):
            out.append(item)
    return out


def run_module_in_subprocess(name: str, quick: bool, env: dict | None = None,
                             function: str = "run") -> list[dict]:
    """Each benchmark runs in its own process so peak memory figures do not mix."""
    code = (
        "import json, importlib; from bench.__main__ import _as_results; "
        f"m = importlib.import_module('bench.{name}'); "
        f"r = m.{function}(quick={quick!r}); print('@@RESULT@@' + json.dumps(_as_results(r)))"
    )
    started = time.perf_counter()
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                               env={**os.environ, **(env or {})})
    elapsed = time.perf_counter() - started
    for line in completed.stdout.splitlines():
        if line.startswith("@@RESULT@@"):
            rows = json.loads(line[len("@@RESULT@@"):])
            for row in rows:
                row.setdefault("module", name)
                row["module_s"] = elapsed
            return rows
    last = (completed.stderr.strip().splitlines() or ["no output"])[-1]
    return [{"workload": name, "database": "-", "scale": "-", "median_s": None, "p95_s": None,
             "peak_mb": None, "met": False, "module": name, "module_s": elapsed,
             "notes": f"failed after {elapsed:.0f}s: {last}"}]


def _fmt(value, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def _seconds(value) -> str:
    """Milliseconds under a second, seconds above: both stay readable in one column."""
    if value is None:
        return "-"
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


def table_lines(rows: list[dict]) -> list[str]:
    """The table as text lines, notes after it."""
    cells = [HEADER]
    for r in rows:
        cells.append([
            str(r.get("workload")), str(r.get("database")), str(r.get("scale")),
            _seconds(r.get("median_s")), _seconds(r.get("p95_s")),
            _fmt(r.get("peak_mb"), ".0f"), _seconds(r.get("floor_s")),
            _fmt(r.get("ratio"), ".1f"), str(r.get("target") or ""),
            {True: "yes", False: "NO", None: "-"}[r.get("met")],
            str(r.get("load") or "-").split(" ")[0],
        ])
    widths = [max(len(row[i]) for row in cells) for i in range(len(HEADER))]
    lines = []
    for index, row in enumerate(cells):
        lines.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    for r in rows:
        if r.get("notes"):
            lines.append(f"note: {r['workload']} ({r.get('database')}): {r['notes']}")
    return lines


def print_table(rows: list[dict]) -> None:
    print("\n".join(table_lines(rows)))


def remove_cached_councils(folder: Path) -> None:
    from bench.common import remove_database

    for manifest in folder.glob("council-*.json"):
        remove_database(json.loads(manifest.read_text())["url"])
    shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--only", help="run one benchmark module, e.g. bench_dashboard, or "
                        "several separated by commas")
    parser.add_argument("--quick", action="store_true", help="small scale, for a smoke run")
    args = parser.parse_args(argv)
    names = args.only.split(",") if args.only else module_names()
    rows: list[dict] = []
    cache = Path(tempfile.mkdtemp(prefix="bench-councils-"))
    env = {"BENCH_CACHE_DIR": str(cache)}
    started = time.perf_counter()
    load_before = load_average()
    try:
        # USES_COUNCIL: True for the single council, "consortium" for the partnership.
        wanted = {getattr(importlib.import_module(f"bench.{name}"), "USES_COUNCIL", False)
                  for name in names} - {False}
        if wanted:
            env["BENCH_PREPARE"] = ",".join(
                sorted("consortium" if use == "consortium" else "council" for use in wanted))
            print(f"generating the council ... (load average {load_average()})", flush=True)
            rows.extend(run_module_in_subprocess("generate", args.quick, env, "prepare"))
        for name in names:
            print(f"running {name} ... (load average {load_average()})", flush=True)
            rows.extend(run_module_in_subprocess(name, args.quick, env))
    finally:
        remove_cached_councils(cache)
    total = time.perf_counter() - started
    print()
    print_table(rows)
    print(f"\ntotal {total / 60:.1f} min; load average {load_before} before, "
          f"{load_average()} after (2-CPU figures are only comparable at similar load)")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"bench-{time.strftime('%Y%m%dT%H%M%S')}.json"
    out.write_text(json.dumps({"total_s": total, "load_before": load_before,
                               "load_after": load_average(), "quick": args.quick,
                               "rows": rows}, indent=2, default=str))
    print(f"results saved to {out}")


if __name__ == "__main__":
    main()
