"""The series table: lowest, median and highest of each figure, and a target met only if every run met it."""

import pytest

from scripts.bench.series import summarise


def _run(value, passed, floor=2.0):
    return {"rows": [{"id": "a", "scenario": "(a) pipeline", "figure": "throughput", "unit": "requests/s",
                      "value": value, "floor": floor, "target": ">= 111", "pass": passed}]}


def test_each_figure_reads_as_min_median_max_and_the_runs_that_met_its_target():
    table = summarise([_run(120.0, True), _run(100.0, False), _run(140.0, True)])
    row = table.splitlines()[2]
    assert "100.0 / 120.0 / 140.0 requests/s" in row and "2.0 / 2.0 / 2.0" in row
    assert row.endswith("| 2/3 |")


def test_a_figure_keeps_the_precision_it_was_written_with():
    row = summarise([_run(1.26, True, floor=None), _run(0.9, True, floor=None), _run(1.3, True, floor=None)])
    row = row.splitlines()[2]
    assert "0.90 / 1.26 / 1.30 requests/s" in row  # not 0.9 / 1.3 / 1.3
    assert "| – |" in row  # no floor in any run


def _text_run(shown, target=">= 85 % of (a): 198.6"):
    return {"rows": [{"id": "d", "scenario": "(d) dashboard", "figure": "p50 / p95; SQL queries", "unit": "ms",
                      "value": shown, "floor": "9.0 / 10.0 SQL", "target": target, "pass": True}]}


def test_a_figure_of_several_parts_reads_as_each_parts_lowest_and_highest():
    runs = [_text_run("25.4 / 26.8; 9 q"), _text_run("38.7 / 40.6; 12 q", target=">= 85 % of (a): 147.1"),
            _text_run("1,025.0 / 1,030.5; 9 q")]
    row = summarise(runs).splitlines()[2]
    assert "| 25.4–1,025.0 / 26.8–1,030.5 ms; 9–12 q |" in row
    assert "| 9.0 / 10.0 SQL |" in row  # the same in every run
    assert "| >= 85 % of (a): 147.1–198.6 |" in row


def test_a_figure_whose_value_is_one_of_the_parts_it_printed_reads_as_those_parts():
    runs = [{"rows": [{"id": "a-wait", "scenario": "(a)", "figure": "p50 / p95 / p99 / max", "unit": "ms",
                       "value": v, "floor": None, "target": "max <= 5000", "pass": True,
                       "details": {"shown": f"{v / 2} / {v}"}}]} for v in (500.0, 700.0)]
    assert "| 250.0–350.0 / 500.0–700.0 ms |" in summarise(runs)


def test_the_table_of_runs_already_made(tmp_path, monkeypatch):
    from scripts.bench import series

    monkeypatch.setattr(series, "OUT", tmp_path)
    files = []
    for n, value in enumerate((120.0, 100.0)):
        run = dict(_run(value, True), at="2026-12-07T15:00:00", commit="abc1234", machine={"cpus": 2})
        files.append(tmp_path / f"{n}.json")
        files[-1].write_text(__import__("json").dumps(run))
    assert series.main(["--from-runs", *map(str, files)]) == 0
    written = (tmp_path / "series.md").read_text()
    assert written.startswith("2 consecutive runs of abc1234, 2026-12-07")
    assert "100.0 / 110.0 / 120.0 requests/s" in written


def test_a_figure_missing_from_a_run_is_said():
    runs = [_run(1.0, True), {"rows": []}]
    assert "(1 runs without it)" in summarise(runs)


def _page(id_, p95, queries, rows):
    return {"id": id_, "scenario": "(d) dashboard", "n": 30,
            "details": {"p95_ms": p95, "queries": queries, "rows_in_db": rows}}


def test_the_growth_ratio_is_each_pages_p95_on_the_larger_set_over_the_usual_one():
    from scripts.bench.scenarios import growth_rows

    base = [_page("d-dashboard", 40.0, 10, 1_000_000), _page("d-against me (list)", 20.0, 8, 1_000_000),
            {"id": "e", "details": {}}]
    scaled = [_page("d-dashboard", 50.0, 10, 10_000_000), _page("d-against me (list)", 30.0, 8, 10_000_000)]
    rows = {r["id"]: r for r in growth_rows(base, scaled, 1_000_000, 10_000_000)}
    assert set(rows) == {"growth-dashboard", "growth-against me (list)"}
    assert rows["growth-dashboard"]["value"] == 1.25 and rows["growth-dashboard"]["pass"] is True
    assert rows["growth-against me (list)"]["value"] == 1.5 and rows["growth-against me (list)"]["pass"] is False
    assert "10,000,000 vs 1,000,000" in rows["growth-dashboard"]["scenario"]
    assert rows["growth-dashboard"]["details"]["shown"] == "1.25 (40.0 -> 50.0 ms); 10 -> 10 q"


def test_a_scenario_named_alone_brings_what_it_needs_and_an_unknown_one_is_refused():
    import pytest

    from scripts.bench.scenarios import SCENARIOS, selected

    assert selected(None) == SCENARIOS
    assert selected("i, e") == ("a", "i", "e")  # the PDF needs (a)'s issued orders
    assert selected("b,d") == ("a", "b", "d")
    with pytest.raises(SystemExit, match="unknown scenario"):
        selected("i,zz")


@pytest.mark.django_db(transaction=True)
def test_statistics_are_caught_up_as_autovacuum_would_when_it_is_off():
    """The read scenarios after the bulk writes are planned on fresh statistics: a table a tenth
    changed since its last ANALYZE is analyzed (when the server runs without autovacuum)."""
    from django.db import connection

    from enforcement.models import Circuit
    from scripts.bench import scenarios
    from scripts.bench.floor import wait_stats_flushed

    with connection.cursor() as cursor:
        cursor.execute("SHOW autovacuum")
        autovacuum = cursor.fetchone()[0]
    table = Circuit._meta.db_table
    Circuit.objects.bulk_create([Circuit(code=f"bench-{n}", name_ar=f"دائرة {n}", name_en=f"Circuit {n}", city="riyadh")
                                 for n in range(80)])
    wait_stats_flushed()
    analyzed = scenarios.catch_up_statistics(log=lambda message: None)
    if autovacuum == "on":
        assert analyzed == []
        return
    assert table in analyzed
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables WHERE relname = %s", [table])
        assert cursor.fetchone()[0]
    assert table not in scenarios.catch_up_statistics(log=lambda message: None)
