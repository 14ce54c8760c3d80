"""`make bench`: measure the portal against PostgreSQL, Redis and a real Celery worker.

    .venv/bin/python -m scripts.bench.run            # full sizes (see DEFAULTS)
    .venv/bin/python -m scripts.bench.run --quick    # tiny sizes, a minute or so

What it does:
1. A template database `najiz_bench_tpl_<rows>_<fingerprint>` holds the migrated schema plus the
   dashboard data set (scripts/bench/seed.py). The fingerprint covers every migration file, the
   seed's version and sizes, so the slow part is rebuilt only when the schema changes (or with
   --fresh-data). Stale templates of the same size are dropped.
2. The bench database (`najiz_bench`) is dropped and created from that template on every run.
3. A Celery worker (prefork, 2 processes, queue najiz) is started on Redis DB 4 and always
   stopped at the end, also on errors and Ctrl-C.
4. The scenarios run in this process (scripts/bench/scenarios.py); the table is printed and the
   results written to var/bench/<UTC timestamp>.json and var/bench/latest.json.
"""

import argparse
import dataclasses
import hashlib
import json
import os
import platform
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/4")
OUT_DIR = ROOT / "var" / "bench"


@dataclasses.dataclass
class Config:
    pipeline: int = 500           # (a) requests filed at once
    filers: int = 4               # (a) concurrent filers (threads, one connection each)
    rate: float = 20.0            # (b) steady filing rate, requests/s
    latency_seconds: float = 15.0  # (b) how long the steady rate is held
    conveyances: int = 40         # (c) buyer payments
    conveyance_rate: float = 2.0  # (c) payments/s
    lifecycle: int = 500          # (f) requests filed at once and followed to closure
    sweep_requests: int = 20_000  # (g) payment periods lapsing at the same moment
    http_users: int = 50          # (h) people loading pages at once over HTTP
    http_seconds: float = 30.0    # (h) how long, for the pages and again for the floor
    rows: int = 1_000_000         # (d) requests in the database
    scale_rows: int = 10_000_000  # (d) again on this many, for the growth ratio (0: skip)
    creditor_rows: int = 10_000   # (d) of which the dashboard creditor filed
    samples: int = 30             # (d) page loads per page
    pdf_samples: int = 20         # (e) renders, signed and unsigned each
    floor_cases: int = 300        # cases run for each floor
    concurrency: int = 2          # worker processes
    timeout: float = 900.0        # longest wait for any scenario to finish


QUICK = {"pipeline": 30, "rate": 10.0, "latency_seconds": 2.0, "conveyances": 4, "conveyance_rate": 4.0,
         "lifecycle": 20, "sweep_requests": 200, "http_users": 10,
         "http_seconds": 10.0, "rows": 20_000, "scale_rows": 40_000, "creditor_rows": 500, "samples": 5,
         "pdf_samples": 2, "floor_cases": 30, "timeout": 120.0}


def log(message: str) -> None:
    print(message, flush=True)


def pg_admin():
    import psycopg

    return psycopg.connect(f"{PG_URL}/postgres", autocommit=True)


def fingerprint(cfg: Config) -> str:
    from scripts.bench.seed import SEED_VERSION

    digest = hashlib.sha1(f"seed {SEED_VERSION} rows {cfg.rows} creditor {cfg.creditor_rows}".encode())
    for path in sorted(ROOT.glob("**/migrations/*.py")):
        if ".venv" in path.parts or "var" in path.parts:
            continue
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def _run(cmd, env, what):
    result = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{what} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result.stdout


def child_env(database: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "NAJIZ_TESTING"}
    env.update(DATABASE_URL=f"{PG_URL}/{database}", REDIS_URL=REDIS_URL, CELERY_TASK_ALWAYS_EAGER="false",
               DEBUG="false", DJANGO_SETTINGS_MODULE="najiz.settings", LOG_LEVEL="WARNING")
    return env


def ensure_template(cfg: Config, fresh: bool) -> tuple[str, bool]:
    """The template database for these sizes and this schema; built when missing."""
    prefix = f"najiz_bench_tpl_{cfg.rows}_"
    name = prefix + fingerprint(cfg)
    with pg_admin() as conn:
        # filtered here, not by LIKE: "_" is LIKE's wildcard, so 1000000_ would match 10000000…
        existing = [r[0] for r in conn.execute("SELECT datname FROM pg_database") if r[0].startswith(prefix)]
        for stale in existing:
            if stale != name or fresh:
                conn.execute(f'DROP DATABASE IF EXISTS "{stale}" WITH (FORCE)')
        if name in existing and not fresh:
            return name, False
        building = name + "_building"
        conn.execute(f'DROP DATABASE IF EXISTS "{building}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{building}"')
    started = time.perf_counter()
    log(f"building template {name}: migrate")
    _run([sys.executable, "manage.py", "migrate", "--noinput"], child_env(building), "migrate")
    log(f"  migrated in {time.perf_counter() - started:.1f}s; seeding {cfg.rows:,} requests")
    out = _run(
        [sys.executable, "-m", "scripts.bench.seed", "--total", str(cfg.rows), "--creditor", str(cfg.creditor_rows)],
        child_env(building),
        "seed",
    )
    log(out.rstrip())
    with pg_admin() as conn:
        conn.execute(f'ALTER DATABASE "{building}" RENAME TO "{name}"')
    log(f"  template ready in {time.perf_counter() - started:.1f}s")
    return name, True


def recreate(database: str, template: str) -> float:
    started = time.perf_counter()
    with pg_admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{database}" TEMPLATE "{template}" STRATEGY FILE_COPY')
    return time.perf_counter() - started


def _commit() -> str:
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True,
                           text=True).stdout.strip()
    return (done.stdout.strip() or "unknown") + (" (modified)" if dirty else "")


def check_services() -> None:
    try:
        pg_admin().close()
    except Exception as error:
        raise SystemExit(f"PostgreSQL is not reachable at {PG_URL}: {error}") from None
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as error:
        raise SystemExit(f"Redis is not reachable at {REDIS_URL}: {error}") from None


def growth(cfg: Config, args) -> tuple[list[dict], bool]:
    """(d) once more on a database of `scale_rows` requests (its own cached template, the same
    creditor's share), and each page's p95 ratio to the usual data set's. The worker is stopped
    by then, so nothing else runs; the larger copy is dropped afterwards."""
    from django.core.cache import cache
    from django.db import connections

    from scripts.bench import scenarios

    scaled_cfg = dataclasses.replace(cfg, rows=cfg.scale_rows)
    template, built = ensure_template(scaled_cfg, args.fresh_data)
    database = f"{args.database}_scale"
    connections.close_all()
    log(f"(d) at {cfg.scale_rows:,} requests: database {database} created in {recreate(database, template):.1f}s")
    log(f"(d) at {cfg.rows:,} requests again, with the worker stopped as it is for the larger set")
    base = scenarios.dashboard(cfg, log)
    connections.close_all()
    connections["default"].settings_dict["NAME"] = database
    cache.clear()
    try:
        scaled = scenarios.dashboard(scaled_cfg, log)
    finally:
        connections.close_all()
        connections["default"].settings_dict["NAME"] = args.database
        with pg_admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    return scenarios.growth_rows(base, scaled, cfg.rows, cfg.scale_rows), built


# --- output ---------------------------------------------------------------------------------


def _fmt(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.1f}"
    return str(value)


def table(rows) -> str:
    head = ["scenario", "figure", "measured", "floor (same run)", "target", "result", "n"]
    body = []
    for r in rows:
        verdict = "-" if r["pass"] is None else ("pass" if r["pass"] else "MISS")
        unit = f" {r['unit']}" if r["unit"] and not isinstance(r["value"], str) and r["value"] is not None else ""
        floor_unit = f" {r['unit']}" if r["unit"] and not isinstance(r["floor"], str) and r["floor"] is not None else ""
        measured = r["details"].get("shown") or _fmt(r["value"])  # a distribution reads as its parts
        body.append([r["scenario"], r["figure"], measured + unit, _fmt(r["floor"]) + floor_unit,
                     r["target"] or "-", verdict, str(r["n"])])
    widths = [max(len(x) for x in col) for col in zip(head, *body, strict=True)]
    line = "+".join("-" * (w + 2) for w in widths)
    fmt = lambda cells: " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True))  # noqa: E731
    return "\n".join([fmt(head), line, *(fmt(b) for b in body)])


def write_json(payload: dict) -> Path:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = OUT_DIR / f"{stamp}.json"
    text = json.dumps(payload, indent=2, default=str, ensure_ascii=False)
    path.write_text(text)
    (OUT_DIR / "latest.json").write_text(text)
    return path


def parse(argv=None) -> tuple[Config, argparse.Namespace]:
    parser = argparse.ArgumentParser(description="Najiz portal benchmarks")
    parser.add_argument("--quick", action="store_true", help="tiny sizes (harness check)")
    parser.add_argument("--fresh-data", action="store_true", help="rebuild the cached dashboard data set")
    parser.add_argument("--database", default=os.environ.get("BENCH_DATABASE", "najiz_bench"))
    parser.add_argument("--only", default=None,
                        help="comma-separated scenarios (a, a-poison, b, c, f, g, d, h, i, e; growth needs d); "
                             "each brings what it needs")
    for field in dataclasses.fields(Config):
        parser.add_argument(f"--{field.name.replace('_', '-')}", type=type(field.default), default=None)
    args = parser.parse_args(argv)
    values = dataclasses.asdict(Config())
    if args.quick:
        values.update(QUICK)
    for field in dataclasses.fields(Config):
        given = getattr(args, field.name)
        if given is not None:
            values[field.name] = given
    return Config(**values), args


def main(argv=None) -> int:
    cfg, args = parse(argv)
    began = time.perf_counter()
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    check_services()
    log(f"bench sizes: {dataclasses.asdict(cfg)}")
    template, built = ensure_template(cfg, args.fresh_data)
    copy_seconds = recreate(args.database, template)
    log(f"database {args.database} created from {template} in {copy_seconds:.1f}s")

    os.environ.update(child_env(args.database))
    os.environ.pop("NAJIZ_TESTING", None)
    import django

    django.setup()
    from najiz.celery import app

    app.conf.task_always_eager = False
    from scripts.bench import scenarios
    from scripts.bench.worker import Worker, purge

    purge(REDIS_URL)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    worker = Worker(
        f"{PG_URL}/{args.database}", REDIS_URL, concurrency=cfg.concurrency, log_path=OUT_DIR / "worker.log"
    )
    try:
        log(f"worker ready in {worker.start():.1f}s")
        outcome = scenarios.run_all(cfg, REDIS_URL, log, only=args.only)
    finally:
        worker.stop()
        purge(REDIS_URL)
    if cfg.scale_rows > cfg.rows and "d" in outcome["scenarios"]:
        rows, outcome["scale_template_built"] = growth(cfg, args)
        outcome["rows"] += rows
    from django.db import connection

    payload = {
        "at": datetime.now(UTC).isoformat(), "sizes": dataclasses.asdict(cfg), "quick": args.quick,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "postgres": connection.cursor().connection.info.server_version, "database": args.database,
        "template": template, "template_built": built, "commit": _commit(),
        "total_seconds": round(time.perf_counter() - began, 1),
        **outcome,
    }
    connection.close()
    print()
    print(table(outcome["rows"]))
    path = write_json(payload)
    print(f"\n(d) is in-process server time (django.test.Client, no network). Results: {path.relative_to(ROOT)}; "
          f"total {payload['total_seconds']:.0f}s")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("interrupted; the worker was stopped", file=sys.stderr)
        sys.exit(130)
