# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
# A first run needs nothing but Python: SQLite, eager Celery, e-mail on the console.
RUN_ENV := DJANGO_DEBUG=true

.PHONY: run test install install-dev lint format worker beat messages clean bench bench-match

$(BIN)/activate:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (set PYTHON=python3.11).")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/activate pyproject.toml
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

run: install
	$(RUN_ENV) $(PY) manage.py migrate --noinput
	$(RUN_ENV) $(PY) manage.py seed_demo
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl+C stops)."
	$(RUN_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: lint
	$(BIN)/pytest

# Local production-like processes (needs REDIS_URL and usually DATABASE_URL set).
worker: install
	$(BIN)/celery -A marketplace worker --loglevel=info

beat: install
	$(BIN)/celery -A marketplace beat --loglevel=info

# Translations: extract strings after changing UI text, then translate and compile.
messages: install-dev
	$(RUN_ENV) $(PY) manage.py makemessages -l fr -l de --no-location --ignore=.venv --ignore=staticfiles --ignore=tests
	$(RUN_ENV) $(PY) manage.py compilemessages --ignore=.venv

# Explore's speed goals at 100,000 solutions on PostgreSQL (README, "Benchmarks"). Needs
# PostgreSQL on 127.0.0.1; installs wrk from Debian when it is missing.
bench: install
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(PY) -m bench.run_explore

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles

# Matchmaking's speed and memory goals: on generated arrays, then end to end on PostgreSQL
# (database marketplace_bench_match, created and filled if missing; BENCH_MATCH_DATABASE=false
# skips that part, BENCH_MATCH_DATABASE_URL points elsewhere).
bench-match: install
	OMP_NUM_THREADS=1 $(PY) -m bench.run_matching
