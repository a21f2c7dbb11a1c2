# Northstar — `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help

.PHONY: help install run demo test lint fmt migrate clean screenshots loadtest bench prod-check

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@mkdir -p var/media
	@touch $(STAMP)

# axe-core for the browser accessibility checks, from the npm registry (never a CDN).
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --no-audit --no-fund --silent && touch node_modules/.installed; \
	else \
		echo "npm not found: the browser accessibility checks will be skipped (CI fails without it)."; \
	fi

install: $(STAMP) node_modules/.installed ## Create .venv and install Northstar with its test tools
	@command -v xmlsec1 >/dev/null 2>&1 || echo "xmlsec1 not found: SAML sign-in and its tests need it (apt-get install xmlsec1)."

migrate: install ## Apply database migrations
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py migrate --noinput

demo: migrate ## Load the demo data of demo/data/demo.toml (idempotent; needs DEBUG=1)
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py seed_demo

run: demo ## Set up everything and serve the app with demo data at http://127.0.0.1:8000
	@echo ""
	@echo "Northstar is starting at http://$(HOST):$(PORT)/"
	@echo "Demo logins (password: northstar-demo):"
	@echo "  admin (program administrator)   chair (committee chair)"
	@echo "  reviewer1 reviewer2 reviewer3   (reviewers)"
	@echo "  faculty1 faculty2               (faculty researchers)"
	@echo "  student1 student2 resident1 fellow1 (trainees; resident1 has an overdue report)"
	@echo "  mentor1 (faculty mentor)        coordinator1 (research coordinator)"
	@echo ""
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py runserver $(HOST):$(PORT)

# 50 reviewers at once against gunicorn on loopback, on a fresh PostgreSQL database
# (LOADTEST_DATABASE_URL, default northstar_load on the local server); figures appended to
# docs/reliability.md. Extra options: make loadtest LOADTEST_ARGS="--reviewers 100".
loadtest: install ## Load test: reviewers saving and submitting while the administrator exports
	$(BIN)/python -m bench.loadtest --write-docs $(LOADTEST_ARGS)

# Page latency against the framework's floor and the HRSA report at scale, against gunicorn on
# loopback and a fresh PostgreSQL database (BENCH_DATABASE_URL, default northstar_bench on the
# local server) seeded by seed_scale (demo/scale/); figures appended to docs/performance.md. The default size
# finishes in a few minutes; e.g. make bench PROPOSALS=100000, then BENCH_ARGS=--reuse to measure
# again without seeding.
PROPOSALS ?= 5000
bench: install ## Benchmark pages and the HRSA report at PROPOSALS proposals (docs/performance.md)
	$(BIN)/python -m bench.bench --write-docs --proposals $(PROPOSALS) $(BENCH_ARGS)

# The production stack on loopback: gunicorn (DEBUG off) and a Celery worker against PostgreSQL
# (PRODCHECK_DATABASE_URL, default northstar_prodcheck, created and dropped) and Redis
# (PRODCHECK_REDIS_URL, default redis://127.0.0.1:6379/5); probes /readyz, signs in, submits a
# proposal, prepares the HRSA workbook, and checks a second server serves the same. About 40 s.
prod-check: install ## Start the production stack on loopback and drive it (CI runs this)
	$(BIN)/python -m bench.prod_check $(PRODCHECK_ARGS)

lint: install ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: install ## Format and auto-fix with ruff
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# One pytest-xdist worker per core (each with its own test database: test_<name>_gw0, ...);
# TEST_WORKERS=0 runs serially, e.g. to debug one failure. worksteal: an idle worker takes
# tests queued on a busy one, so the slow tail (seeded demo, lifecycle machine) no longer
# leaves one core idle at the end.
TEST_WORKERS ?= auto
test: install lint ## Lint, check migrations, and run the whole test suite (in parallel)
	NORTHSTAR_TESTING=1 $(BIN)/python manage.py makemigrations --check --dry-run
	@start=$$(date +%s); \
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal; status=$$?; \
	echo "make test: the suite took $$(( $$(date +%s) - start )) s of wall time"; \
	exit $$status

screenshots: install ## Retake docs/screenshots/ by running the browser journeys
	NORTHSTAR_SCREENSHOTS=1 $(BIN)/python -m pytest -q -m e2e

clean: ## Remove the virtualenv, local database and uploads
	rm -rf $(VENV) var
