# Two commands matter: `make demo` and `make test`. Both set themselves up from nothing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck unit golden bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml setup.py | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/auditor demo --out reports/demo

lint: $(STAMP)
	$(BIN)/ruff format --check auditor rules tests bench
	$(BIN)/ruff check auditor rules tests bench
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -q

test: lint typecheck unit

golden: $(STAMP)
	$(BIN)/pytest -q tests/e2e --update-goldens

bench: $(STAMP)
	$(BIN)/python bench/inventory_sweep.py
	$(BIN)/python bench/simulator_speed.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache reports/demo
