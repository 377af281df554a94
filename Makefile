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

.PHONY: plan plan-all test lint typecheck pytest schemas clean help urns

# Every install is from a hash-locked file (requirements.lock, requirements-dev.lock,
# policy/requirements.lock): exact versions of every distribution, direct or not, each with its
# sha256, wheels only. The pins in requirements*.txt are the lock's inputs; `make lock` refreshes it.
PIP_INSTALL = -m pip install --quiet --disable-pip-version-check --require-hashes --only-binary=:all:
LOCK := $(VENV)/bin/uv pip compile --quiet --generate-hashes --python-version 3.11 --python-platform linux \
	--custom-compile-command "make lock"

$(VENV)/.runtime: requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) $(PIP_INSTALL) -r requirements.lock
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.lock
	$(PY) $(PIP_INSTALL) -r requirements-dev.lock
	touch $@

.PHONY: policy-venv lock
policy-venv: policy/venv/.installed  ## the policy pack's own virtualenv (policy/venv), as Pulumi runs it

policy/venv/.installed: policy/requirements.lock
	test -x policy/venv/bin/python || $(PYTHON) -m venv policy/venv
	policy/venv/bin/python $(PIP_INSTALL) -r policy/requirements.lock
	touch $@

# The development lock is resolved first (it holds everything: the runtime and the policy pack's
# pins too); the other two take its versions, so one package has one version in all three.
lock: $(VENV)/.dev  ## re-resolve the hash-locked *.lock files from the pins in requirements*.txt
	$(LOCK) $(LOCK_ARGS) requirements-dev.txt -o requirements-dev.lock
	$(LOCK) $(LOCK_ARGS) requirements.txt --constraint requirements-dev.lock -o requirements.lock
	$(LOCK) $(LOCK_ARGS) policy/requirements.txt --constraint requirements-dev.lock -o policy/requirements.lock

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

schemas:  ## refresh tests/schemas/ with the pinned providers' schemas (needs the Pulumi CLI)
	scripts/fetch-schemas.sh

clean:  ## remove venv/ and the tools' caches
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

help:  ## list the targets (the default)
	@awk -F ':.*## ' '/^[a-zA-Z][a-zA-Z_-]*:.*## / { printf "  make %-10s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

urns: $(VENV)/.dev  ## rewrite tests/urns.json, the pinned URNs of every stack (review its diff)
	UPDATE_URN_SNAPSHOT=1 $(PY) -m pytest -q tests/test_urns.py
