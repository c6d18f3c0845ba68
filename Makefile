# peacecentre: `make run` starts the app with demo data; `make test` runs the whole suite.
# Both create .venv with Python 3.11 when it is missing and install what they need.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: run test bench install install-test lint format check migrate seed clean-var help

help:
	@echo "make run    set up, migrate, seed demo data (empty database) and start web, worker, beat, relay"
	@echo "make test   run the whole test suite (SQLite and the filesystem broker unless"
	@echo "            DATABASE_URL / CELERY_BROKER_URL say otherwise)"
	@echo "make bench  benchmarks on PostgreSQL (10,000 people), written to docs/benchmarks.md"
	@echo "make lint   ruff check and format check"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamps: reinstall only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

migrate: install
	$(BIN)/python manage.py migrate --no-input

seed: migrate
	$(BIN)/python manage.py seed_demo

# One Ctrl-C stops all four (honcho forwards it). http://127.0.0.1:8000 (PORT=... for another)
PORT ?= 8000
run: migrate
	$(BIN)/python manage.py seed_demo --if-empty
	$(BIN)/honcho start -f Procfile -p $(PORT)

# In parallel (pytest-xdist): PYTEST_WORKERS processes, each with its own test database, broker
# database, media folder and live server; PYTEST_WORKERS=0 runs in this one process.
PYTEST_WORKERS ?= auto
test: install-test
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

# Benchmarks on PostgreSQL (BENCH_DATABASE_URL), on 10,000 people: figures beside targets,
# written to docs/benchmarks.md. Needs a running PostgreSQL (README: Running on PostgreSQL).
BENCH_PG ?= -h 127.0.0.1 -U postgres
BENCH_DB ?= peacecentre_bench
BENCH_PERSONS ?= 10000
BENCH_ENV = DATABASE_URL=postgres://postgres@127.0.0.1:5432/$(BENCH_DB) DEBUG=false
bench: install
	@createdb $(BENCH_PG) $(BENCH_DB) 2>/dev/null || true  # exists already: fine
	$(BENCH_ENV) $(BIN)/python manage.py migrate --no-input -v 0
	$(BENCH_ENV) $(BIN)/python manage.py seed_scale --persons $(BENCH_PERSONS)
	$(BENCH_ENV) $(BIN)/python manage.py bench --write docs/benchmarks.md

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: install-test
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

clean-var:
	rm -rf var/
