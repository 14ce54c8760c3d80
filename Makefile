# Najiz portal. `make run` serves the demo; `make test` runs the whole suite on PostgreSQL + Redis.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
UV := $(shell command -v uv 2>/dev/null || echo var/tools/bin/uv)
# The environment runs on the distribution's CPython 3.11 where the machine has one: it is built
# with PGO and LTO, as the python:3.11 image is, and runs the portal faster than a plain build from
# source. Elsewhere uv takes the first 3.11 it finds; UV_PYTHON=... chooses another.
ifneq ($(wildcard /usr/bin/python3.11),)
export UV_PYTHON ?= /usr/bin/python3.11
endif
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/najiz
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
# Test processes (pytest-xdist): each has its own test database and Redis database (conftest.py).
TEST_WORKERS ?= 2
# Where `make run` serves: make run PORT=8123 HOST=0.0.0.0. The links and QR codes follow
# (SITE_URL), unless SITE_URL is set, e.g. to the machine's address for a phone on the network.
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup run worker test test-fast bench bench-series messages docs lint clean

setup: $(VENV)/.synced

var/tools/bin/uv:
	python3 -m venv var/tools
	var/tools/bin/pip install --quiet --disable-pip-version-check uv

$(VENV)/.synced: pyproject.toml uv.lock Makefile | $(UV)
	$(UV) sync --frozen --quiet
	touch $@

run: export SITE_URL ?= http://$(HOST):$(PORT)
run: setup
	$(PY) manage.py migrate --noinput
	@[ -f var/signing/signing.p12 ] || $(PY) manage.py dev_signing_key
	$(PY) manage.py seed_demo
	@echo "Portal: $$SITE_URL/  (Nafath simulator: $$SITE_URL/nafath/)"
	@trap 'kill 0' EXIT; $(PY) manage.py run_sweeps & $(PY) manage.py runserver $(HOST):$(PORT)

# A real Celery worker and beat (needs REDIS_URL and DATABASE_URL in the environment).
worker: setup
	$(VENV)/bin/celery -A najiz worker --beat --loglevel=INFO --max-tasks-per-child=200

test: setup
	@scripts/system-deps.sh
	@DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} $(PY) scripts/check_services.py
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} NAJIZ_TESTING=1 \
		$(PY) -m pytest --create-db -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

# The suite without browser journeys, reusing the test database (quick local loop).
test-fast: setup
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} NAJIZ_TESTING=1 \
		$(PY) -m pytest --reuse-db -m "not e2e" $(PYTEST_ARGS)

# Benchmarks against PostgreSQL + Redis (DB 4) + a real Celery worker: prints the table and writes
# var/bench/latest.json. Tiny run: make bench BENCH_ARGS="--quick" (options: python -m scripts.bench.run -h).
bench: setup
	@scripts/system-deps.sh
	$(PY) -m scripts.bench.run $(BENCH_ARGS)

# ruff (style and common bugs) and import-linter (the layer rule), both configured in pyproject.toml.
lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

# The README's benchmark table: RUNS consecutive `make bench` runs (the first rebuilds its data),
# each figure's min / median / max and how many runs met its target (var/bench/series.md).
RUNS ?= 5
bench-series: setup
	@scripts/system-deps.sh
	$(PY) -m scripts.bench.series --runs $(RUNS) -- $(BENCH_ARGS)

# Regenerate the translation catalogues of every app and compile them.
messages: setup
	$(PY) scripts/messages.py

# Draw docs/states.md from the state machines of the code (a test fails when they disagree).
docs: setup
	$(PY) scripts/states_doc.py

clean:
	rm -rf $(VENV) var/tools var/najiz.sqlite3
