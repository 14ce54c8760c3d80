"""The bench harness itself keeps working: every scenario of `make bench` runs at tiny sizes
against the test database, a real Celery worker subprocess (prefork, 2 processes) and Redis."""

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

TINY = {
    "pipeline": 6,
    "rate": 10.0,
    "latency_seconds": 0.5,
    "conveyances": 2,
    "conveyance_rate": 10.0,
    "rows": 2000,
    "creditor_rows": 100,
    "samples": 2,
    "pdf_samples": 1,
    "floor_cases": 5,
    "timeout": 90.0,
}


def _database_url(connection) -> str:
    s = connection.settings_dict
    auth = s.get("USER") or "postgres"
    if s.get("PASSWORD"):
        auth += f":{s['PASSWORD']}"
    return f"postgres://{auth}@{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{s['NAME']}"


def test_every_bench_scenario_runs_at_tiny_sizes(settings):
    from django.db import connection

    from najiz.celery import app
    from scripts.bench import scenarios, seed
    from scripts.bench.run import Config, table
    from scripts.bench.worker import Worker, purge

    cfg = Config(**TINY)
    redis_url = settings.REDIS_URL
    with connection.cursor() as cursor:
        seed.generate(
            cursor,
            seed.Sizes(total=cfg.rows, creditor=cfg.creditor_rows, against=10, persons=300, filers=10),
            log=lambda message: None,
        )
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    purge(redis_url)
    worker = Worker(_database_url(connection), redis_url, concurrency=2)
    try:
        worker.start()
        outcome = scenarios.run_all(cfg, redis_url, log=lambda message: None)
    finally:
        worker.stop()
        purge(redis_url)
        app.conf.task_always_eager = True

    rows = {r["id"]: r for r in outcome["rows"]}
    assert {"a", "b50", "b95", "c50", "c95", "e"} <= set(rows)
    assert sum(1 for key in rows if key.startswith("d-")) == 4
    assert rows["a"]["details"]["not_issued"] == {} and rows["a"]["value"] > 0 and rows["a"]["floor"] > 0
    assert rows["b95"]["n"] == 5 and rows["b95"]["value"] is not None
    assert rows["c95"]["n"] == 2 and rows["c50"]["details"]["completed"] == 2
    assert all(r["details"]["queries"] > 0 and r["details"]["creditor_rows"] == cfg.creditor_rows
               for key, r in rows.items() if key.startswith("d-"))
    assert rows["e"]["details"]["bytes"] > 1000
    printed = table(outcome["rows"])
    assert "(a) pipeline throughput" in printed and "floor (same run)" in printed
