"""A real Celery worker (prefork, 2 processes) as a subprocess, started and always stopped."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CELERY = ROOT / ".venv" / "bin" / "celery"


def queues() -> list[str]:
    """The queues of settings.CELERY_TASK_QUEUES, in the order workers take them."""
    from django.conf import settings

    return [queue.name for queue in settings.CELERY_TASK_QUEUES]


def worker_env(database_url: str, redis_url: str) -> dict:
    env = {
        k: v for k, v in os.environ.items() if k not in ("NAJIZ_TESTING", "PYTEST_CURRENT_TEST", "PYTEST_XDIST_WORKER")
    }
    env.update(DATABASE_URL=database_url, REDIS_URL=redis_url, CELERY_TASK_ALWAYS_EAGER="false", DEBUG="false",
               DJANGO_SETTINGS_MODULE="najiz.settings", LOG_LEVEL="WARNING", PYTHONUNBUFFERED="1")
    return env


class Worker:
    def __init__(self, database_url: str, redis_url: str, *, concurrency: int = 2, log_path: Path | None = None):
        self.database_url, self.redis_url, self.concurrency = database_url, redis_url, concurrency
        self.name = f"bench-{os.getpid()}@%h"
        self.log_path = log_path
        self.process = None

    def start(self, timeout: float = 60.0) -> float:
        """Start the worker and wait until it answers a ping; returns the seconds it took."""
        started = time.perf_counter()
        out = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL
        celery = str(CELERY) if CELERY.exists() else os.path.join(os.path.dirname(sys.executable), "celery")
        self.process = subprocess.Popen(
            [
                celery,
                "-A",
                "najiz",
                "worker",
                "-c",
                str(self.concurrency),
                "--pool",
                "prefork",
                "-Q",
                ",".join(queues()),
                "--loglevel=WARNING",
                "-n",
                self.name,
                "--without-mingle",
                "--without-gossip",
            ],
            cwd=ROOT,
            env=worker_env(self.database_url, self.redis_url),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        from najiz.celery import app

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the Celery worker exited with {self.process.returncode} (log: {self.log_path})")
            replies = app.control.ping(timeout=0.5)
            if any(name.startswith(f"bench-{os.getpid()}@") for reply in replies for name in reply):
                return time.perf_counter() - started
        raise RuntimeError(f"the Celery worker did not answer a ping within {timeout:.0f}s (log: {self.log_path})")

    def stop(self, timeout: float = 20.0) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, signal.SIGTERM)  # the worker's own process group (start_new_session)
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
        except ProcessLookupError:
            pass

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()


def _redis(redis_url: str):
    import redis

    return redis.Redis.from_url(redis_url)


def purge(redis_url: str) -> None:
    client = _redis(redis_url)
    client.delete(*queues(), "unacked", "unacked_index")


def backlog(redis_url: str) -> int:
    """Messages waiting in the queue plus those delivered but not yet acknowledged."""
    client = _redis(redis_url)
    return sum(int(client.llen(queue)) for queue in queues()) + int(client.hlen("unacked"))


def wait_drained(redis_url: str, timeout: float = 600.0, settle: float = 0.3) -> bool:
    """Wait until the worker has nothing queued or running (twice in a row, `settle` apart)."""
    deadline = time.monotonic() + timeout
    quiet = 0
    while time.monotonic() < deadline:
        quiet = quiet + 1 if backlog(redis_url) == 0 else 0
        if quiet >= 2:
            return True
        time.sleep(settle)
    return False
