"""Floors: the same rows a scenario writes, written as bare SQL in one transaction per case.

`write_counts()` reads PostgreSQL's per-table counters (pg_stat_user_tables) so the rows written by
the bench process *and* the worker are counted. `Floor` then copies each touched table's shape
(`CREATE TABLE bench_floor_x (LIKE x INCLUDING DEFAULTS, IDENTITY, INDEXES, CONSTRAINTS)`: same
columns and indexes, no triggers or foreign keys) and, per case, inserts as many rows as the real
work inserted (copies of a real row, unique columns varied) and updates each touched table once,
then commits. No ORM, no broker, no Python between statements: what the database alone needs.
"""

import itertools
import math
import statistics
import threading
import time
import uuid

from psycopg.types.json import Jsonb

EXCLUDED = ("django_session", "django_migrations")


def write_counts(cursor) -> dict:
    cursor.execute("SELECT pg_stat_clear_snapshot()")
    cursor.execute("SELECT relname, n_tup_ins, n_tup_upd FROM pg_stat_user_tables WHERE schemaname = 'public'")
    return {name: (ins, upd) for name, ins, upd in cursor.fetchall() if not name.startswith("bench_floor_")}


def wait_stats_flushed(seconds: float = 1.5) -> None:
    """Backends flush their table counters within a second of going idle (PostgreSQL 15+)."""
    time.sleep(seconds)


def per_case(before: dict, after: dict, cases: int) -> dict:
    """{table: (inserts per case, updates per case)} of the tables the work touched."""
    out = {}
    for table, (ins, upd) in after.items():
        ins0, upd0 = before.get(table, (0, 0))
        d_ins, d_upd = ins - ins0, upd - upd0
        if table in EXCLUDED or (d_ins <= 0 and d_upd <= 0):
            continue
        out[table] = (round(d_ins / cases, 2), round(d_upd / cases, 2))
    return out


def percentile(values, q: float):
    if not values:
        return None
    values = sorted(values)
    k = (len(values) - 1) * q
    lo, hi = math.floor(k), math.ceil(k)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


class Floor:
    def __init__(self, conninfo: str, shape: dict):
        """`shape`: {table: (inserts per case, updates per case)} as from per_case()."""
        import psycopg

        self.conninfo = conninfo
        self.shape = {t: (max(0, round(i)), 1 if u > 0 else 0) for t, (i, u) in shape.items()}
        self.shape = {t: v for t, v in self.shape.items() if v != (0, 0)}
        self._counter = itertools.count(1)
        self._lock = threading.Lock()
        self.tables = {}
        with psycopg.connect(conninfo, autocommit=True) as conn:
            for table in self.shape:
                self.tables[table] = self._prepare(conn, table)

    def _prepare(self, conn, table: str) -> dict:
        shadow = f"bench_floor_{table}"[:63]
        conn.execute(f'DROP TABLE IF EXISTS "{shadow}"')
        conn.execute(f'CREATE TABLE "{shadow}" (LIKE "{table}" INCLUDING DEFAULTS INCLUDING IDENTITY '
                     f"INCLUDING INDEXES INCLUDING CONSTRAINTS)")
        cur = conn.execute(f'SELECT * FROM "{table}" ORDER BY 1 DESC LIMIT 1')
        template = cur.fetchone()
        columns = [d.name for d in cur.description]
        types = dict(conn.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s", [table]).fetchall())
        lengths = dict(conn.execute(
            "SELECT column_name, character_maximum_length FROM information_schema.columns WHERE table_name = %s",
            [table]).fetchall())
        unique_sets = conn.execute(
            "SELECT array_agg(a.attname::text) FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
            "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = %s::regclass AND i.indisunique AND NOT i.indisprimary "
            "GROUP BY i.indexrelid", [shadow]).fetchall()
        vary = set()
        for (cols,) in unique_sets:
            texts = [c for c in cols if types.get(c) in ("character varying", "text")]
            nums = [c for c in cols if types.get(c) in ("bigint", "integer")]
            uuids = [c for c in cols if types.get(c) == "uuid"]
            vary.add((texts or nums or uuids or cols)[0])
        insert_cols = [c for c in columns if c != "id"]
        row = dict(zip(columns, template, strict=True)) if template else None
        info = {
            "shadow": shadow,
            "types": types,
            "lengths": lengths,
            "vary": vary,
            "insert_cols": insert_cols,
            "template": row,
            "seed_id": None,
            "touch": next((c for c in insert_cols if c not in vary), insert_cols[0]),
        }
        if row is not None:
            info["seed_id"] = conn.execute(self._insert_sql(info), self._values(info)).fetchone()[0]
        return info

    @staticmethod
    def _insert_sql(info) -> str:
        cols = ", ".join(f'"{c}"' for c in info["insert_cols"])
        marks = ", ".join(["%s"] * len(info["insert_cols"]))
        return f'INSERT INTO "{info["shadow"]}" ({cols}) VALUES ({marks}) RETURNING id'

    def _values(self, info) -> list:
        with self._lock:
            n = next(self._counter)
        values = []
        for col in info["insert_cols"]:
            value, kind = info["template"][col], info["types"].get(col)
            if col in info["vary"]:
                if kind in ("character varying", "text"):
                    value = f"F{n}-{uuid.uuid4().hex[:8]}"[: info["lengths"].get(col) or 64]
                elif kind == "bigint":
                    value = 10**12 + n
                elif kind == "integer":
                    value = 10**6 + n
                elif kind == "uuid":
                    value = uuid.uuid4()
            if kind in ("json", "jsonb") and value is not None:
                value = Jsonb(value)
            values.append(value)
        return values

    def case(self, conn) -> float:
        """One case's writes in one transaction; returns its duration in seconds."""
        started = time.perf_counter()
        with conn.transaction():
            for table, (inserts, updates) in self.shape.items():
                info = self.tables[table]
                if info["template"] is None:
                    continue
                last = info["seed_id"]
                for _ in range(inserts):
                    last = conn.execute(self._insert_sql(info), self._values(info)).fetchone()[0]
                if updates:
                    touch = info["touch"]
                    conn.execute(f'UPDATE "{info["shadow"]}" SET "{touch}" = "{touch}" WHERE id = %s', [last])
        return time.perf_counter() - started

    def run(self, cases: int, threads: int = 1) -> dict:
        """`cases` cases over `threads` connections: throughput and per-case latency."""
        import psycopg

        durations, lock = [], threading.Lock()
        todo = itertools.count()

        def work():
            with psycopg.connect(self.conninfo, autocommit=True) as conn:
                while next(todo) < cases:
                    d = self.case(conn)
                    with lock:
                        durations.append(d)

        started = time.perf_counter()
        pool = [threading.Thread(target=work) for _ in range(threads)]
        for t in pool:
            t.start()
        for t in pool:
            t.join()
        elapsed = time.perf_counter() - started
        return {"cases": len(durations), "threads": threads, "seconds": elapsed,
                "per_second": len(durations) / elapsed if elapsed else None,
                "p50": percentile(durations, 0.5), "p95": percentile(durations, 0.95),
                "mean": statistics.fmean(durations) if durations else None,
                "rows_per_case": {t: {"inserts": i, "updates": u} for t, (i, u) in self.shape.items()}}

    def drop(self) -> None:
        import psycopg

        with psycopg.connect(self.conninfo, autocommit=True) as conn:
            for info in self.tables.values():
                conn.execute(f'DROP TABLE IF EXISTS "{info["shadow"]}"')
