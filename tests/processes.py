"""Loaded with `-p tests.processes` (pyproject's addopts), before pytest-django reads the settings.

Under `pytest -n N` (pytest-xdist) pytest-django gives each test process its own test database
(test_najiz_gw0, _gw1, ...); this gives each its own Redis database as well: the given one for
gw0, the ones below it for the others. A real Celery worker started by one test process then
never takes the tasks of another, whose rows it cannot see.
"""

import os
import re


def own_redis_database(url: str, worker: str) -> str:
    index = int(worker.removeprefix("gw"))
    match = re.fullmatch(r"(redis://[^/]*)(?:/(\d+))?", url)
    if not match or index == 0:
        return url
    return f"{match[1]}/{(int(match[2] or 0) - index) % 16}"


if os.environ.get("PYTEST_XDIST_WORKER") and os.environ.get("REDIS_URL"):
    os.environ["REDIS_URL"] = own_redis_database(os.environ["REDIS_URL"], os.environ["PYTEST_XDIST_WORKER"])
