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
    "lifecycle": 3,
    "sweep_requests": 4,
    "http_users": 3,
    "http_seconds": 8.0,
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


def test_every_bench_scenario_runs_at_tiny_sizes(settings, monkeypatch):
    from django.db import connection

    from najiz.celery import app
    from scripts.bench import scenarios, seed
    from scripts.bench.run import Config, table
    from scripts.bench.worker import Worker, purge

    cfg = Config(**TINY)
    # the harness, not its speed: gunicorn's and the worker's processes skip the PDF warm-up here
    monkeypatch.setenv("PDF_WARM_ON_START", "false")
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
    assert {"a", "a-wait", "a-poison", "a-poison-wait", "b50", "b95", "c50", "c95", "f", "f95", "g", "g-rate",
            "h", "e", "e-first", "e-sign"} <= set(rows)
    assert sum(1 for key in rows if key.startswith("d-")) == 4
    assert rows["a"]["details"]["not_issued"] == {} and rows["a"]["value"] > 0 and rows["a"]["floor"] > 0
    poisoned = rows["a-poison"]
    assert poisoned["n"] == cfg.pipeline - 1 and poisoned["details"]["not_issued"] == {} and poisoned["value"] > 0
    assert poisoned["details"]["poisoned"] == poisoned["details"]["set_aside"] == 1
    assert poisoned["details"]["clean_run"] == rows["a"]["value"]
    waits = rows["a-wait"]["details"]
    assert rows["a-wait"]["n"] == cfg.pipeline and 0 < waits["p50"] <= waits["p95"] <= waits["p99"] <= waits["max"]
    assert rows["a-wait"]["value"] == waits["max"] and rows["a-poison-wait"]["n"] == cfg.pipeline - 1
    assert rows["f"]["n"] == rows["f95"]["n"] == cfg.lifecycle and rows["f"]["details"]["not_closed"] == {}
    assert rows["f"]["value"] > 0 and rows["f"]["floor"] > 0 and rows["f95"]["value"] > 0
    sweep = rows["g"]
    assert sweep["n"] == cfg.sweep_requests and sweep["value"] > 0 and sweep["floor"] > 0
    assert sweep["details"]["measures"] >= 4 * cfg.sweep_requests  # disclosure, freeze, seize, bans, the deed
    web = rows["h"]
    assert web["n"] > 0 and web["details"]["failures"] == 0 and web["value"] > 0 and web["floor"] > 0
    assert set(web["details"]["pages"]) == {"dashboard", "my requests", "a request", "deed verification"}
    assert rows["b95"]["n"] == 5 and rows["b95"]["value"] is not None
    assert rows["c95"]["n"] == 2 and rows["c50"]["details"]["completed"] == 2
    assert all(r["details"]["queries"] > 0 and r["details"]["creditor_rows"] == cfg.creditor_rows
               for key, r in rows.items() if key.startswith("d-"))
    for key in ("i-form", "i-api"):  # the pre-check, on the dashboard creditor's instruments among the rows
        precheck = rows[key]
        assert precheck["n"] == cfg.samples and precheck["target"] == "<= 150 ms p95" and precheck["pass"] is not None
        assert precheck["details"]["instruments"] > 0 and precheck["details"]["queries"] > 0
        assert precheck["details"]["rows_in_db"] >= cfg.rows and precheck["details"]["p95_ms"] > 0
    assert rows["e"]["details"]["bytes"] > 1000 and rows["e"]["pass"] is not None
    signing_cost = rows["e-sign"]["details"]
    assert rows["e-sign"]["value"] == round(signing_cost["signed_p95_ms"] - signing_cost["unsigned_p95_ms"], 1)
    assert rows["e-first"]["value"] > 0 and rows["e-first"]["details"]["warm_up_ms"] > 0
    printed = table(outcome["rows"])
    assert "(a) pipeline throughput" in printed and "floor (same run)" in printed
    assert "(a') pipeline throughput, 1 % poisoned" in printed
    assert f"{waits['p50']} / {waits['p95']} / {waits['p99']} / {waits['max']}" in printed
    assert "(i) pre-check while typing (form)" in printed and "(i) pre-check (API)" in printed


def test_the_seeded_data_is_what_a_live_portal_holds(db):
    """Valid ids everywhere, and no request waiting in an automatic state for the batches to take."""
    from django.db import connection

    from enforcement.models import EnforcementRequest, RequestDebtor
    from enforcement.selectors import due_steps
    from enforcement.states import AUTOMATIC
    from najiz.accounts.models import User
    from najiz.common import clock
    from najiz.common.identifiers import is_valid_national_id
    from najiz.registries.models import Person
    from scripts.bench import seed

    with connection.cursor() as cursor:
        seed.generate(
            cursor, seed.Sizes(total=3000, creditor=100, against=10, persons=300, filers=10), log=lambda m: None
        )
    ids = [*Person.objects.values_list("national_id", flat=True), *User.objects.values_list("national_id", flat=True),
           *RequestDebtor.objects.values_list("id_number", flat=True)]
    assert len(ids) > 3000 and all(is_valid_national_id(i) for i in ids)
    assert EnforcementRequest.objects.count() == 3000
    assert not EnforcementRequest.objects.filter(status__in=AUTOMATIC).exists()
    # an order is still in its period only when issued in the last four days (about 3 of these
    # 3,000 rows, sometimes none): the older ones have had their measures
    assert EnforcementRequest.objects.filter(status="measures_applied").count() > 200
    assert not EnforcementRequest.objects.filter(status="order_issued", deadline__lte=clock.now()).exists()
    assert {step: list(ids) for step, ids in due_steps(clock.now()).items()} == {
        "publish_notice": [], "alert_deadline_near": [], "apply_measures": [], "end_grace": []}
