# Two commands for a newcomer: `make run` and `make test`. Everything else is set up on the way.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
LIAISON := $(VENV)/bin/liaison
STAMP := $(VENV)/.installed-stamp
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/liaison_test
PYTEST_ARGS ?= -n 2

.PHONY: install run test test-fast test-sqlite test-postgres lint browser bench bench-load clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# Debian's chromium for the browser tests (Playwright drives it; it downloads no browser of its own).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

run: install
	$(LIAISON) db upgrade
	$(LIAISON) demo load --if-empty
	$(LIAISON) run --host 127.0.0.1 --port 5000

test: install browser
	$(PY) -m pytest $(PYTEST_ARGS)

test-postgres: install browser
	LIAISON_TEST_DATABASE_URL=$(PG_TEST_URL) $(PY) -m pytest $(PYTEST_ARGS)

# The unit tests that need no browser, no PostgreSQL and no live server: for the edit-test loop.
FAST_TESTS := tests/similarity tests/core tests/test_config.py tests/test_work_items_service.py tests/web/test_ids.py
test-fast: install
	$(PY) -m pytest -q -p no:xdist $(FAST_TESTS)

# The rules the code keeps by construction (CI runs this before the tests): style and complexity,
# types, and which package may import which (the contracts are in pyproject.toml).
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

# Each prints its figures; bench/README.md says what they mean and holds the last ones recorded.
bench: install
	$(PY) bench/bench_similarity.py
	$(PY) bench/bench_import.py
	$(PY) bench/bench_calibration.py
	$(PY) bench/bench_public.py

# The load test needs locust (the `bench` extra) and the PostgreSQL server on 127.0.0.1.
bench-load: install
	$(PY) -m pip install --quiet -e '.[bench]'
	$(PY) bench/load/run_load.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
