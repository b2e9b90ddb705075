# Interlock — the two commands a new user needs are `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test check lint typecheck format bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is required"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

## demo: set up and run the main job on the embedded default (SQLite under ./data)
demo: $(STAMP)
	$(BIN)/interlock demo

## test: set up and run the whole test suite
test: $(STAMP)
	$(BIN)/pytest -q

## lint: ruff lint and format check
lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

## typecheck: mypy --strict on the package
typecheck: $(STAMP)
	$(BIN)/mypy

## check: lint, type check and tests
check: lint typecheck test

format: $(STAMP)
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

## bench: PAXLST parsing and ingest benchmark (see bench/README.md)
bench: $(STAMP)
	$(BIN)/python -m bench.ingest

clean:
	rm -rf $(VENV) data demo-out .mypy_cache .ruff_cache .pytest_cache .hypothesis
