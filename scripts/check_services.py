"""Say plainly whether PostgreSQL and Redis (from DATABASE_URL / REDIS_URL) answer; exit 1 if not."""

import os
import sys
from urllib.parse import urlparse

import psycopg
import redis


def check_postgres(url: str) -> str | None:
    parsed = urlparse(url)
    try:
        with psycopg.connect(
            host=parsed.hostname, port=parsed.port or 5432, user=parsed.username or "postgres",
            password=parsed.password, dbname="postgres", connect_timeout=3,
        ):
            return None
    except psycopg.Error as error:
        return f"PostgreSQL at {parsed.hostname}:{parsed.port or 5432} does not answer ({error.__class__.__name__})."


def check_redis(url: str) -> str | None:
    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
        return None
    except redis.RedisError as error:
        return f"Redis at {url} does not answer ({error.__class__.__name__})."


def main() -> int:
    problems = [
        problem
        for problem in (check_postgres(os.environ["DATABASE_URL"]), check_redis(os.environ["REDIS_URL"]))
        if problem
    ]
    for problem in problems:
        print(f"make test: {problem}", file=sys.stderr)
    if problems:
        print(
            "Start the services (bash .ci/run does it) or point DATABASE_URL / REDIS_URL at running ones.",
            file=sys.stderr,
        )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
