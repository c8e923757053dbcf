"""`python -m bench`: run every benchmark and print one table (also saved as JSON).

Each bench/bench_*.py module has `run(scale: str | None) -> list[BenchResult]` (a single result
or plain dicts are accepted too). `--only NAME` runs one module; `--quick` asks for a small scale.
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import subprocess
import sys
import time
from pathlib import Path

import bench
from bench.common import BenchResult

RESULTS = Path(__file__).parent / "results"


def module_names() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_"))


def _as_results(value) -> list[dict]:
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        if isinstance(item, BenchResult):
            out.append(item.as_dict())
        elif isinstance(item, dict):
            out.append(item)
    return out


def run_module_in_subprocess(name: str, quick: bool) -> list[dict]:
    """Each benchmark runs in its own process so peak memory figures do not mix."""
    code = (
        "import json, sys, importlib; from bench.__main__ import _as_results; "
        f"m = importlib.import_module('bench.{name}'); "
        f"r = m.run(quick={quick!r}); print('@@RESULT@@' + json.dumps(_as_results(r)))"
    )
    started = time.perf_counter()
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    for line in completed.stdout.splitlines():
        if line.startswith("@@RESULT@@"):
            return json.loads(line[len("@@RESULT@@"):])
    return [{"workload": name, "database": "-", "scale": "-", "median_s": None, "p95_s": None,
             "peak_mb": None, "notes": f"failed after {time.perf_counter() - started:.0f}s: "
             + (completed.stderr.strip().splitlines() or ["no output"])[-1]}]


def _fmt(value, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def print_table(rows: list[dict]) -> None:
    header = ["workload", "database", "scale", "median", "p95", "peak MB", "floor", "ratio",
              "target", "met"]
    lines = [header]
    for r in rows:
        lines.append([
            str(r.get("workload")), str(r.get("database")), str(r.get("scale")),
            _fmt(r.get("median_s"), ".4f"), _fmt(r.get("p95_s"), ".4f"),
            _fmt(r.get("peak_mb"), ".0f"), _fmt(r.get("floor_s"), ".4f"),
            _fmt(r.get("ratio"), ".2f"), str(r.get("target") or ""),
            {True: "yes", False: "NO", None: "-"}[r.get("met")],
        ])
    widths = [max(len(row[i]) for row in lines) for i in range(len(header))]
    for index, row in enumerate(lines):
        print("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)))
        if index == 0:
            print("  ".join("-" * w for w in widths))
    for r in rows:
        if r.get("notes"):
            print(f"note: {r['workload']} ({r.get('database')}): {r['notes']}")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--only", help="run one benchmark module, e.g. bench_dashboard")
    parser.add_argument("--quick", action="store_true", help="small scale, for a smoke run")
    args = parser.parse_args()
    names = [args.only] if args.only else module_names()
    rows: list[dict] = []
    for name in names:
        print(f"running {name} ...", flush=True)
        rows.extend(run_module_in_subprocess(name, args.quick))
    print()
    print_table(rows)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"bench-{time.strftime('%Y%m%dT%H%M%S')}.json"
    out.write_text(json.dumps(rows, indent=2, default=str))
    print(f"\nresults saved to {out}")


if __name__ == "__main__":
    main()
