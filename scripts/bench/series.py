"""`make bench-series RUNS=5`: run `make bench` several times in a row and print one table of the
lowest, median and highest value of every figure, with how many runs met its target.

    .venv/bin/python -m scripts.bench.series --runs 5            # the first run rebuilds its data
    .venv/bin/python -m scripts.bench.series --runs 5 -- --quick  # arguments after -- go to each run

A target holds only when every run meets it. Each run's JSON stays in var/bench/; the table is
written to var/bench/series.md as well, ready for the README.
"""

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "var" / "bench"


def _number(value):
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _spread(values) -> str:
    numbers = [v for v in map(_number, values) if v is not None]
    if len(numbers) != len(values):
        return " · ".join("-" if v is None else str(v) for v in values)  # figures that are text
    low, mid, high = min(numbers), statistics.median(numbers), max(numbers)
    return f"{low:,.1f} / {mid:,.1f} / {high:,.1f}"


def summarise(runs: list[dict]) -> str:
    """One row per figure, in the order of the first run: min / median / max, and the runs that passed."""
    order, seen = [], {}
    for run in runs:
        for row in run["rows"]:
            if row["id"] not in seen:
                order.append(row["id"])
            seen.setdefault(row["id"], []).append(row)
    lines = ["| scenario | figure | measured (min / median / max) | floor (min / median / max) | target | runs met |",
             "| --- | --- | --- | --- | --- | --- |"]
    for key in order:
        rows = seen[key]
        first = rows[0]
        unit = f" {first['unit']}" if first["unit"] else ""
        passed = [r["pass"] for r in rows]
        verdict = "-" if all(p is None for p in passed) else f"{sum(bool(p) for p in passed)}/{len(runs)}"
        missing = len(runs) - len(rows)
        if missing:
            verdict += f" ({missing} runs without it)"
        lines.append(f"| {first['scenario']} | {first['figure']} | {_spread([r['value'] for r in rows])}{unit} | "
                     f"{_spread([r['floor'] for r in rows])} | {first['target'] or '-'} | {verdict} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep-data", action="store_true", help="do not rebuild the data set on the first run")
    parser.add_argument("bench_args", nargs="*", help="arguments for each run (after --)")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    runs = []
    for i in range(args.runs):
        extra = ["--fresh-data"] if i == 0 and not args.keep_data else []
        print(f"== run {i + 1} of {args.runs} {' '.join(extra)}", flush=True)
        done = subprocess.run([sys.executable, "-m", "scripts.bench.run", *extra, *args.bench_args], cwd=ROOT)
        if done.returncode != 0:
            print(f"run {i + 1} failed (exit {done.returncode}); the series stops", file=sys.stderr)
            return done.returncode
        runs.append(json.loads((OUT / "latest.json").read_text()))
    table = summarise(runs)
    head = (f"{len(runs)} consecutive runs of {runs[0].get('commit', 'unknown')}, {runs[0]['at'][:10]}; "
            f"scenarios {', '.join(runs[0].get('scenarios', []))}; first run built its data: "
            f"{runs[0].get('template_built')} (the larger set: {runs[0].get('scale_template_built', '-')}); "
            f"machine {runs[0]['machine']}")
    (OUT / "series.md").write_text(head + "\n\n" + table + "\n")
    print("\n" + head + "\n\n" + table)
    every = [r["pass"] for run in runs for r in run["rows"] if r["pass"] is not None]
    return 0 if all(every) else 1


if __name__ == "__main__":
    sys.exit(main())
