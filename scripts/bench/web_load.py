"""(h) The pages over real HTTP: gunicorn started as docker-compose runs it, loaded with locust
at `http_users` concurrent people; beside it the same load on the health view (one SELECT 1
through the whole middleware stack) in the same server: the web tier's floor."""

import csv
import json
import os
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(os.environ.get("VIRTUAL_ENV", ROOT / ".venv")) / "bin"
TARGET_P95_MS = 100
# People join at this rate, and the figures count from when all of them are in: 50 people
# opening their first page in the same millisecond is a queue of 50 at three workers, a start-up
# artefact of the harness (it gave every run a p99 of 700 ms) rather than the load of 50 people.
SPAWN_PER_SECOND = 10


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_up(url: str, timeout: float = 240.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"gunicorn did not answer {url} within {timeout:.0f}s")
        time.sleep(0.2)


class Gunicorn:
    """`gunicorn najiz.wsgi:application --workers 3` (docker-compose's web command) on a free port."""

    def __init__(self, env: dict, workers: int = 3):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**env, "ALLOWED_HOSTS": "127.0.0.1,localhost", "SITE_URL": self.url}
        self.workers = workers
        self.process = None

    def __enter__(self):
        log_path = ROOT / "var" / "bench" / "gunicorn.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log = log_path.open("ab")
        self.process = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "najiz.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
             "--workers", str(self.workers), "--limit-request-line", "8190", "-c", str(ROOT / "gunicorn.conf.py")],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        _wait_up(self.url + "/healthz")
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def locust(url: str, pages, *, users: int, seconds: float, session: str = "", env: dict) -> dict:
    """Run locust headless for `seconds` once all `users` are in (they join at SPAWN_PER_SECOND); the
    aggregated and per-page p50 / p95 / p99 (ms), requests and failures of that time."""
    ramp = -(-users // SPAWN_PER_SECOND)
    with tempfile.TemporaryDirectory() as out:
        prefix = str(Path(out) / "load")
        run_env = {**env, "BENCH_PAGES": json.dumps(pages), "BENCH_SESSION": session}
        subprocess.run(
            [str(VENV_BIN / "locust"), "-f", str(ROOT / "scripts" / "bench" / "locustfile.py"), "--headless",
             "--host", url, "-u", str(users), "-r", str(SPAWN_PER_SECOND), "--reset-stats",
             "-t", f"{int(seconds) + ramp}s", "--csv", prefix, "--only-summary", "--loglevel", "WARNING"],
            cwd=ROOT, env=run_env, check=False, capture_output=True, timeout=seconds + ramp + 120,
        )
        with open(prefix + "_stats.csv", newline="") as f:
            stats = list(csv.DictReader(f))
    def ms(text):
        try:
            return float(text)
        except (TypeError, ValueError):  # "N/A": no request of that page finished
            return None

    return {s["Name"]: {"requests": int(s["Request Count"]), "failures": int(s["Failure Count"]),
                        "p50": ms(s["50%"]), "p95": ms(s["95%"]), "p99": ms(s["99%"])} for s in stats}


def warm(server: "Gunicorn", pages, session: str) -> None:
    """Open every page a few times before the load (each worker compiles its templates and opens
    its connections on its first requests) and fail clearly if one does not answer 200."""
    for _name, path in pages:
        for _ in range(2 * server.workers):
            request = urllib.request.Request(server.url + path, headers={"Cookie": f"sessionid={session}"})
            with urllib.request.urlopen(request, timeout=120) as response:
                if response.status != 200:
                    raise RuntimeError(f"{path} answered {response.status} before the load")


def http_load(cfg, log, env: dict, pages, session: str):
    from .scenarios import row

    with Gunicorn(env) as server:
        warm(server, pages, session)
        log(f"  (h) {cfg.http_users} people over HTTP for {cfg.http_seconds:g}s at {server.url}")
        portal = locust(server.url, pages, users=cfg.http_users, seconds=cfg.http_seconds, session=session, env=env)
        floor = locust(server.url, [["health", "/healthz"]], users=cfg.http_users, seconds=cfg.http_seconds,
                       env=env)
    total, floor_total = portal.get("Aggregated", {}), floor.get("Aggregated", {})
    p95, floor_p95 = total.get("p95"), floor_total.get("p95")
    failures = total.get("failures", 0)
    log(f"      p95 {p95} ms over {total.get('requests')} requests, {failures} failures; floor p95 {floor_p95} ms")
    return [
        row("h", "(h) pages over HTTP (gunicorn, locust)",
            f"dashboard, my requests, a request, deed verification; {cfg.http_users} people, counted once all are in",
            "ms", p95, floor_p95,
            f"p95 <= {TARGET_P95_MS} ms, 0 errors",
            bool(total.get("requests") and p95 is not None and p95 <= TARGET_P95_MS and failures == 0),
            total.get("requests", 0), failures=failures,
            ratio_to_floor=round(p95 / floor_p95, 2) if p95 and floor_p95 else None,
            pages={k: v for k, v in portal.items() if k != "Aggregated"}, floor_requests=floor_total.get("requests"),
            floor_note="the health view (SELECT 1) in the same server, same load"),
    ]
