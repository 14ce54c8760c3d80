"""The series table: lowest, median and highest of each figure, and a target met only if every run met it."""

from scripts.bench.series import summarise


def _run(value, passed, floor=2.0):
    return {"rows": [{"id": "a", "scenario": "(a) pipeline", "figure": "throughput", "unit": "requests/s",
                      "value": value, "floor": floor, "target": ">= 111", "pass": passed}]}


def test_each_figure_reads_as_min_median_max_and_the_runs_that_met_its_target():
    table = summarise([_run(120.0, True), _run(100.0, False), _run(140.0, True)])
    row = table.splitlines()[2]
    assert "100.0 / 120.0 / 140.0 requests/s" in row and "2.0 / 2.0 / 2.0" in row
    assert row.endswith("| 2/3 |")


def test_a_figure_missing_from_a_run_is_said():
    runs = [_run(1.0, True), {"rows": []}]
    assert "(1 runs without it)" in summarise(runs)
