# Developer commands. Every target installs what it needs into .venv first.
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTHON_BOOT := $(shell scripts/find-python)

.PHONY: install run seed test check lint typecheck schema fuzz clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -n "$(PYTHON_BOOT)" || { echo "No Python >= 3.13 found" >&2; exit 1; }
	test -x $(BIN)/python || $(PYTHON_BOOT) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## Serve the API on CRM_HOST:CRM_PORT (default 127.0.0.1:8000), seeding demo data into an empty store.
run: $(STAMP)
	$(BIN)/python -m app serve --seed-if-empty

seed: $(STAMP)
	$(BIN)/python -m app seed

## The suite on every core (pytest-xdist; each worker has its own embedded store).
test: $(STAMP)
	$(BIN)/python -m pytest -n auto

check: lint typecheck

lint: $(STAMP)
	$(BIN)/ruff check app tests scripts
	$(BIN)/ruff format --check app tests scripts

typecheck: $(STAMP)
	$(BIN)/mypy

## A bounded Schemathesis run against the app over HTTP (CI runs it): no server errors allowed.
fuzz: $(STAMP)
	$(BIN)/python scripts/fuzz_graphql.py --max-examples 40 --max-time 180

## Rewrite schema/schema.graphql from the code.
schema: $(STAMP)
	$(BIN)/python -m app export-schema > schema/schema.graphql

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
