# Two commands for a newcomer: `make run` and `make test`. Everything else is set up on the way.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
LIAISON := $(VENV)/bin/liaison
STAMP := $(VENV)/.installed-stamp
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/liaison_test
PYTEST_ARGS ?= -n 2

.PHONY: install install-fonts run test test-sqlite test-postgres browser bench bench-load clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

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

run: install install-fonts
	$(LIAISON) db upgrade
	$(LIAISON) demo load --if-empty
	$(LIAISON) run --host 127.0.0.1 --port 5000

test: install install-fonts browser
	$(PY) -m pytest $(PYTEST_ARGS)

test-postgres: install install-fonts browser
	LIAISON_TEST_DATABASE_URL=$(PG_TEST_URL) $(PY) -m pytest $(PYTEST_ARGS)

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
