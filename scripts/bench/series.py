"""`make bench-series RUNS=5`: run `make bench` several times in a row and print one table of the
lowest, median and highest value of every figure, with how many runs met its target.

    .venv/bin/python -m scripts.bench.series --runs 5            # the first run rebuilds its data
    .venv/bin/python -m scripts.bench.series --runs 5 -- --quick  # arguments after -- go to each run
    .venv/bin/python -m scripts.bench.series --from-runs var/bench/2026*.json  # the table of runs made

A target holds only when every run meets it. Each run's JSON stays in var/bench/; the table is
written to var/bench/series.md as well, ready for the README.
"""

import argparse
import json
import re
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "var" / "bench"


_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")


def _number(value):
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _places(values) -> int:
    """The decimals the most precise of the values was written with (at most 2), so that 1.26
    does not read as 1.3."""
    written = [repr(float(v)) if isinstance(v, float) else str(v) for v in values]
    return min(2, max((len(w.split(".")[1]) if "." in w else 0 for w in written), default=0))


def _written(value: float, places: int) -> str:
    return f"{value:,.{places}f}"


def _spread(values) -> str:
    """min / median / max of numbers; for figures written as text with several parts
    (p50 / p95; queries), each part's lowest–highest over the runs."""
    if all(v is None for v in values):
        return "–"
    numbers = [v for v in map(_number, values) if v is not None]
    if len(numbers) == len(values):
        places = max(_places(numbers), 1 if any(isinstance(v, float) for v in numbers) else 0)
        return " / ".join(_written(v, places) for v in (min(numbers), statistics.median(numbers), max(numbers)))
    texts = ["–" if v is None else str(v) for v in values]
    shapes = {_NUMBER.sub("#", t) for t in texts}
    if len(shapes) != 1:
        return " · ".join(texts)  # not one shape: every run's own
    parts = [[m.group() for m in _NUMBER.finditer(t)] for t in texts]
    ranges = []
    for column in zip(*parts, strict=True):
        numbers = [float(n.replace(",", "")) for n in column]
        low, high = (_written(v, _places(column)) for v in (min(numbers), max(numbers)))
        ranges.append(low if low == high else f"{low}–{high}")
    pieces = _NUMBER.split(texts[0])
    return "".join(piece + (ranges[i] if i < len(ranges) else "") for i, piece in enumerate(pieces))


def _shown(row):
    """What a run printed for the figure: its text where the value alone is one of several parts
    (the waits: p50 / p95 / p99 / max, the value being the max). A growth row's text only adds the
    two p95s its ratio came from, so its ratio is the figure."""
    if row["id"].startswith("growth-"):
        return row["value"]
    return row.get("details", {}).get("shown", row["value"])


def _with_unit(measured: str, unit: str) -> str:
    """The unit after the figure's first part: "25.4 / 26.8 ms; 9 q"."""
    if not unit or measured == "–":
        return measured
    head, sep, tail = measured.partition(";")
    return f"{head} {unit}{sep}{tail}"


def summarise(runs: list[dict]) -> str:
    """One row per figure, in the order of the first run: min / median / max (or each part's
    range), and the runs that passed."""
    order, seen = [], {}
    for run in runs:
        for row in run["rows"]:
            if row["id"] not in seen:
                order.append(row["id"])
            seen.setdefault(row["id"], []).append(row)
    lines = ["| scenario | figure | measured (min / median / max, or lowest–highest) | floor | target | runs met |",
             "| --- | --- | --- | --- | --- | --- |"]
    for key in order:
        rows = seen[key]
        first = rows[0]
        passed = [r["pass"] for r in rows]
        verdict = "-" if all(p is None for p in passed) else f"{sum(bool(p) for p in passed)}/{len(runs)}"
        missing = len(runs) - len(rows)
        if missing:
            verdict += f" ({missing} runs without it)"
        targets = [r["target"] or "-" for r in rows]
        target = targets[0] if len(set(targets)) == 1 else _spread(targets)
        measured = _with_unit(_spread([_shown(r) for r in rows]), first["unit"])
        lines.append(f"| {first['scenario']} | {first['figure']} | {measured} | "
                     f"{_spread([r['floor'] for r in rows])} | {target} | {verdict} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep-data", action="store_true", help="do not rebuild the data set on the first run")
    parser.add_argument("--from-runs", nargs="+", type=Path, metavar="JSON",
                        help="write the table of runs already made (their var/bench/*.json) instead of running")
    parser.add_argument("bench_args", nargs="*", help="arguments for each run (after --)")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if args.from_runs:
        return _write([json.loads(path.read_text()) for path in args.from_runs])
    runs = []
    for i in range(args.runs):
        extra = ["--fresh-data"] if i == 0 and not args.keep_data else []
        print(f"== run {i + 1} of {args.runs} {' '.join(extra)}", flush=True)
        done = subprocess.run([sys.executable, "-m", "scripts.bench.run", *extra, *args.bench_args], cwd=ROOT)
        if done.returncode != 0:
            print(f"run {i + 1} failed (exit {done.returncode}); the series stops", file=sys.stderr)
            return done.returncode
        runs.append(json.loads((OUT / "latest.json").read_text()))
    return _write(runs)


def _write(runs: list[dict]) -> int:
    """var/bench/series.md and the terminal: the table; exit 1 unless every run met every target."""
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
