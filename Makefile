# The two commands a newcomer needs: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The same list as SEED_FIXTURES in config/settings.py (tests/config/test_settings.py checks it).
FIXTURES := sources states state_codes organisations locations tsentr-2011
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format install superuser check-fixtures clean serve-prod loadtest bench
BENCH_DATABASE_URL ?= sqlite:///$(CURDIR)/build/bench.sqlite3
BENCH_ARGS ?= --count 100000 --seed 1 --repeat 30
WORKERS ?= 2
TEST_WORKERS ?= 2

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

## Serve the admin and the API with the fixtures loaded, on SQLite unless DATABASE_URL says otherwise.
run: $(STAMP)
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py migrate --no-input
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py loaddata $(FIXTURES)
	@if [ -n "$$DJANGO_SUPERUSER_USERNAME" ]; then \
		DEBUG=$${DEBUG:-1} $(BIN)/python manage.py createsuperuser --no-input 2>/dev/null \
		|| echo "Superuser $$DJANGO_SUPERUSER_USERNAME exists already; left as it was."; fi
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py runserver $(HOST):$(PORT)

## The whole suite: lint, format check, tests, in TEST_WORKERS processes (pytest-xdist; 1 runs them in
## this process, in order). On PostgreSQL, the replica tests run once more with a
## replica alias that mirrors the test database (DATABASE_REPLICA_URLS pointed at the same server).
test: lint
	$(BIN)/python -m pytest $(if $(filter-out 1,$(TEST_WORKERS)),-n $(TEST_WORKERS)) $(PYTEST_ARGS)
	@case "$$DATABASE_URL" in postgres*) \
		echo "== Replica tests: reads through a replica alias mirroring the primary =="; \
		DATABASE_REPLICA_URLS="$$DATABASE_URL" $(BIN)/python -m pytest -q tests/config/test_replicas.py;; esac

## Production-style serving: gunicorn with WhiteNoise, against DATABASE_URL; needs SECRET_KEY and
## ALLOWED_HOSTS in the environment (DEBUG stays off). Runs from a virtualenv of its own (.venv-prod)
## holding the product's dependencies only: no development extras, no devtools.
PROD_VENV := .venv-prod
PROD_BIN := $(PROD_VENV)/bin
PROD_STAMP := $(PROD_VENV)/.installed

$(PROD_STAMP): pyproject.toml
	$(PYTHON) -m venv $(PROD_VENV)
	$(PROD_BIN)/pip install --quiet --upgrade pip
	$(PROD_BIN)/pip install --quiet .
	touch $(PROD_STAMP)

serve-prod: export DEBUG = 0
serve-prod: $(PROD_STAMP)
	$(PROD_BIN)/python manage.py collectstatic --no-input -v0
	$(PROD_BIN)/python manage.py migrate --no-input
	$(PROD_BIN)/gunicorn config.wsgi --workers $(WORKERS) --bind $(HOST):$(PORT) --access-logfile -

## Time the API on 100,000 synthetic exercises (build/bench.sqlite3, generated on the first run) against
## one SQL query per request (the floor) and, over HTTP, against Datasette. BENCH_ARGS="... --verbose" for plans;
## BENCH_DATABASE_URL=postgres://... for PostgreSQL.
bench: export DATABASE_URL = $(BENCH_DATABASE_URL)
bench: export DEBUG = 1
bench: $(STAMP)
	@mkdir -p build
	$(BIN)/python manage.py migrate --no-input -v 0
	$(BIN)/python manage.py loaddata $(FIXTURES) -v 0
	$(BIN)/python manage.py bench $(BENCH_ARGS)

## 30 s of mixed reads (wrk, 16 connections) against gunicorn with 2 workers while an analyst writes,
## in a throwaway database beside DATABASE_URL's (migrated, fixtures loaded, removed afterwards).
loadtest: $(STAMP)
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py loadtest --seconds $${SECONDS:-30}

## Create an admin account interactively (never a default password).
superuser: $(STAMP)
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py createsuperuser

check-fixtures: $(STAMP)
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py check_fixtures

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .venv-prod build .pytest_cache .ruff_cache
