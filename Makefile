# pantheon-oncall: `make plan` (offline plan of example-live) and `make test` set themselves up.
PYTHON ?= python3
VENV   := venv
PY     := $(VENV)/bin/python
STACK  ?= example-live
# plan and plan-all check against the providers' schemas: $PULUMI_SCHEMA_DIR, else the vendored ones.
SCHEMAS := $(if $(PULUMI_SCHEMA_DIR),,--schemas tests/schemas)
# Provider schemas for the conformance tests: tests/schemas/ (vendored, gzip-compressed), or the
# folder in $PULUMI_SCHEMA_DIR when set. `make schemas` refreshes tests/schemas/.
.DEFAULT_GOAL := help

.PHONY: plan plan-all test lint typecheck pytest schemas clean help urns e2e engine

$(VENV)/.runtime: requirements.txt components/requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt policy/requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

plan: $(VENV)/.runtime  ## the offline plan of STACK=<name> (default example-live): no accounts needed
	$(PY) -m oncall plan $(STACK) $(SCHEMAS)

plan-all: $(VENV)/.runtime  ## the offline plan of every stack in stacks/, in one process (output discarded)
	$(PY) -m oncall plan --all $(SCHEMAS) > /dev/null

.PHONY: golden
golden: $(VENV)/.runtime  ## re-record every stack's plan in tests/golden/plan/ (after a change meant to alter plans)
	for s in $$(ls stacks | sed -n 's/^Pulumi\.\(.*\)\.yaml$$/\1/p'); do $(PY) -m oncall plan --json $$s > tests/golden/plan/$$s.json || exit 1; done

test: lint typecheck pytest  ## lint, type-check and the offline test suite

lint: $(VENV)/.dev  ## ruff: lint and format check
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/zizmor --offline --no-progress --quiet .github/workflows

typecheck: $(VENV)/.dev  ## mypy
	$(PY) -m mypy

pytest: $(VENV)/.dev  ## the offline test suite alone
	$(PY) -m pytest

e2e: $(VENV)/.dev  ## the real Pulumi CLI and providers against local doubles (needs `make engine`)
	$(PY) -m e2e.run

schemas:  ## refresh tests/schemas/ with the pinned providers' schemas (needs the Pulumi CLI)
	scripts/fetch-schemas.sh

engine:  ## build the Pulumi CLI and plugins from Go modules into ~/.cache/pantheon-oncall/engine (docs/engine.md)
	engine/build.sh

clean:  ## remove venv/ and the tools' caches
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

help:  ## list the targets (the default)
	@awk -F ':.*## ' '/^[a-zA-Z][a-zA-Z0-9_-]*:.*## / { printf "  make %-10s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

urns: $(VENV)/.dev  ## rewrite tests/urns.json, the pinned URNs of every stack (review its diff)
	UPDATE_URN_SNAPSHOT=1 $(PY) -m pytest -q tests/test_urns.py
