# pantheon-oncall: `make plan` (offline plan of example-live) and `make test` set themselves up.
PYTHON ?= python3
VENV   := venv
PY     := $(VENV)/bin/python
STACK  ?= example-live
# Provider schemas for the conformance tests: $PULUMI_SCHEMA_DIR, else .schemas/ after `make schemas`.
export PULUMI_SCHEMA_DIR ?= $(if $(wildcard .schemas/pagerduty.json),$(CURDIR)/.schemas,)

.PHONY: plan plan-all test lint typecheck pytest schemas clean

$(VENV)/.runtime: requirements.txt components/requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

plan: $(VENV)/.runtime  ## the offline plan of $(STACK) (default example-live): no accounts needed
	$(PY) -m oncall plan $(STACK)

plan-all: $(VENV)/.runtime  ## the offline plan of every stack in stacks/, in one process (output discarded)
	$(PY) -m oncall plan --all > /dev/null

test: lint typecheck pytest  ## lint, type-check and the offline test suite

lint: $(VENV)/.dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

typecheck: $(VENV)/.dev
	$(PY) -m mypy

pytest: $(VENV)/.dev
	$(PY) -m pytest

schemas:  ## fetch the pinned providers' schemas with the Pulumi CLI into .schemas/
	scripts/fetch-schemas.sh

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
