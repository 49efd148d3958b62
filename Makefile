# Two commands for a newcomer: `make run` and `make test`. Everything else is set up on the way.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
LIAISON := $(VENV)/bin/liaison
STAMP := $(VENV)/.installed-stamp
# `make run` needs the app only; the test extras (playwright, schemathesis...) come with `make test`.
RUN_STAMP := $(VENV)/.runtime-stamp
PORT ?= 5000
HOST ?= 127.0.0.1
# Links in e-mails and feeds follow the port served, unless the environment names another address.
BASE_URL := $(or $(LIAISON_BASE_URL),http://$(HOST):$(PORT))
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/liaison_test
PYTEST_ARGS ?= -n 2

.PHONY: install install-fonts translations run test test-fast test-sqlite test-postgres lint browser bench bench-load clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# The gettext catalogs are compiled here (and by the app at start if one is missing): .mo files are
# build products, not committed.
install: $(STAMP)
	$(VENV)/bin/pybabel -q compile --directory liaison/translations --domain messages

# After changing user-visible text: extract every string marked for translation, merge the new ones
# into the five catalogs (then translate them: tests/test_translations.py fails while one is missing),
# and compile. The catalogs are wrapped at 120 columns, as the code is, so an update changes only the
# entries that changed.
translations: install
	mkdir -p build
	$(VENV)/bin/pybabel -q extract --mapping-file babel.cfg --keywords _l --keywords lazy_gettext \
	  --keywords lazy_ngettext:1,2 --keywords _n:1,2 --no-location --sort-output \
	  --project liaison --msgid-bugs-address liaison@localhost --width 120 --output-file build/messages.pot liaison
	$(VENV)/bin/pybabel -q update --input-file build/messages.pot --output-dir liaison/translations \
	  --domain messages --no-fuzzy-matching --ignore-obsolete --width 120
	$(VENV)/bin/pybabel -q compile --directory liaison/translations --domain messages

$(RUN_STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $(RUN_STAMP)

# Fonts for the charts of the annual report's .docx: DejaVu (Latin with accents, Cyrillic, Greek, Arabic)
# and Noto CJK (Chinese), so that bodies and groups named in any UN language are drawn, not boxes.
install-fonts:
	@fc-list :lang=zh family 2>/dev/null | grep -q . && fc-list :lang=ar family 2>/dev/null | grep -q . || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's fonts for the report's charts..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-dejavu-core fonts-noto-cjk >/dev/null; \
	  else \
	    echo "Charts in the report's .docx need fonts-dejavu-core and fonts-noto-cjk: sudo apt-get install them."; \
	  fi; }

# Debian's chromium for the browser tests (Playwright drives it; it downloads no browser of its own).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

run: $(RUN_STAMP) install-fonts
	$(LIAISON) db upgrade
	LIAISON_BASE_URL=$(BASE_URL) $(LIAISON) demo load --if-empty
	@echo
	@echo "E-mail (statements, digests, password resets) stays queued until a sender delivers it:"
	@echo "run '$(LIAISON) outbox worker' in another terminal, with MAIL_SERVER set to your SMTP server."
	@echo
	LIAISON_BASE_URL=$(BASE_URL) $(LIAISON) run --host $(HOST) --port $(PORT)

test: install install-fonts browser
	$(PY) -m pytest $(PYTEST_ARGS)

test-postgres: install install-fonts browser
	LIAISON_TEST_DATABASE_URL=$(PG_TEST_URL) $(PY) -m pytest $(PYTEST_ARGS)

# The unit tests that need no browser, no PostgreSQL and no live server: for the edit-test loop.
FAST_TESTS := tests/similarity tests/core tests/test_config.py tests/items/test_work_items_service.py tests/web/test_ids.py
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
