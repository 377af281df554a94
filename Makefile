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

.PHONY: plan plan-all test lint typecheck pytest schemas clean help urns e2e e2e-full engine

# Every install is from a hash-locked file (requirements.lock, requirements-dev.lock,
# policy/requirements.lock): exact versions of every distribution, direct or not, each with its
# sha256, wheels only. The pins in requirements*.txt are the lock's inputs; `make lock` refreshes it.
# uv installs them (from an empty cache about ten times faster than pip: `bench/speed.py
# --install`), with the same checks. uv itself comes from requirements-uv.lock, its wheels' hashes,
# installed by the pip of $(PYTHON) into a venv made without pip (0.3 s; ensurepip takes 8 s).
UV := $(VENV)/bin/uv
INSTALL = $(UV) pip install --quiet --require-hashes --only-binary=:all:
LOCK := $(UV) pip compile --quiet --generate-hashes --python-version 3.11 --python-platform linux \
	--custom-compile-command "make lock"

$(VENV)/.uv: requirements-uv.lock
	test -x $(PY) || $(PYTHON) -m venv --without-pip $(VENV)
	$(PYTHON) -m pip --python $(PY) install --quiet --disable-pip-version-check --require-hashes --only-binary=:all: -r requirements-uv.lock
	touch $@

# The locked runtime, then the project itself for venv/bin/oncall: editable, as a path entry
# (editable_mode=compat: no import hook at every start), built by the venv's own setuptools with
# nothing downloaded (--no-deps --no-build-isolation --no-index), so nothing unhashed comes in.
$(VENV)/.runtime: $(VENV)/.uv requirements.lock pyproject.toml
	$(INSTALL) --python $(PY) -r requirements.lock
	$(UV) pip install --quiet --python $(PY) --no-index --no-deps --no-build-isolation --config-settings editable_mode=compat -e .
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.lock
	$(INSTALL) --python $(PY) -r requirements-dev.lock
	touch $@

.PHONY: policy-venv lock
policy-venv: policy/venv/.installed  ## the policy pack's own virtualenv (policy/venv), as Pulumi runs it

policy/venv/.installed: $(VENV)/.uv policy/requirements.lock
	test -x policy/venv/bin/python || $(PYTHON) -m venv --without-pip policy/venv
	$(INSTALL) --python policy/venv/bin/python -r policy/requirements.lock
	touch $@

# The development lock is resolved first (it holds everything: the runtime and the policy pack's
# pins too); the other two take its versions, so one package has one version in all three.
lock: $(VENV)/.dev  ## re-resolve the hash-locked *.lock files from the pins in requirements*.txt
	$(LOCK) $(LOCK_ARGS) requirements-dev.txt -o requirements-dev.lock
	$(LOCK) $(LOCK_ARGS) requirements-uv.txt --constraint requirements-dev.lock -o requirements-uv.lock
	$(LOCK) $(LOCK_ARGS) requirements.txt --constraint requirements-dev.lock -o requirements.lock
	$(LOCK) $(LOCK_ARGS) policy/requirements.txt --constraint requirements-dev.lock -o policy/requirements.lock

plan: $(VENV)/.runtime  ## the offline plan of STACK=<name> (default example-live): no accounts needed
	$(VENV)/bin/oncall plan $(STACK) $(SCHEMAS)

plan-all: $(VENV)/.runtime  ## the offline plan of every stack in stacks/, in one process (output discarded)
	$(VENV)/bin/oncall plan --all $(SCHEMAS) > /dev/null

.PHONY: golden stacks stacks-accept docs reference pictures
golden: $(VENV)/.runtime  ## re-record the fixture stacks' plans in tests/golden/plan/ (after a change meant to alter plans)
	for s in $$(ls tests/project/stacks | sed -n 's/^Pulumi\.\(.*\)\.yaml$$/\1/p'); do $(VENV)/bin/oncall --project-dir tests/project plan --json $$s > tests/golden/plan/$$s.json || exit 1; done

stacks: $(VENV)/.dev  ## check your stacks/: each plans, passes the policy pack, keeps its URNs (stacks/.urns.json)
	$(VENV)/bin/oncall verify $(SCHEMAS)

stacks-accept: $(VENV)/.dev  ## like stacks, and accept lost URNs on purpose (those resources are replaced)
	$(VENV)/bin/oncall verify --accept $(SCHEMAS)

test: lint typecheck pytest docs  ## lint, type-check, the offline test suite and the documentation site

lint: $(VENV)/.dev  ## ruff (lint, format check), import-linter (the layers in pyproject.toml), zizmor
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/zizmor --offline --no-progress --quiet .github/workflows

typecheck: $(VENV)/.dev  ## mypy
	$(PY) -m mypy

docs: $(VENV)/.dev  ## build the documentation site (mkdocs.yml, docs/) into site/; a broken link fails
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict

reference: $(VENV)/.runtime  ## regenerate docs/reference.md from the config models
	$(PY) -m oncall.config.reference > docs/reference.md

pictures: $(VENV)/.dev  ## redraw the docs' calendar picture, plan output and PR comment (docs/examples/; PNGs by headless Chromium)
	$(PY) scripts/docs_examples.py
	$(VENV)/bin/oncall calendar example-live --from 2026-11-30 --weeks 4 --svg docs/oncall-calendar.svg > /dev/null
	chromium --headless=new --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1 \
	  --window-size=$$(sed -n 's/.*<svg[^>]* width="\([0-9]*\)" height="\([0-9]*\)".*/\1,\2/p' docs/oncall-calendar.svg) \
	  --screenshot=docs/oncall-calendar.png file://$(CURDIR)/docs/oncall-calendar.svg 2> /dev/null

# A worker per core (pytest-xdist): on 2 cores the suite takes about 60 % of its one-process time.
pytest: $(VENV)/.dev  ## the offline test suite alone
	$(PY) -m pytest -n auto

e2e: $(VENV)/.dev  ## the real Pulumi CLI against local doubles (needs `make engine`): every step the engine can run must pass; parts it cannot run are listed as blocked (docs/e2e.md)
	$(PY) -m e2e.run --allow-blocked

e2e-full: $(VENV)/.dev  ## the whole lane: also fails while any part is blocked by a binary the engine could not build
	$(PY) -m e2e.run

schemas:  ## refresh tests/schemas/ with the pinned providers' schemas (needs the Pulumi CLI)
	scripts/fetch-schemas.sh

engine:  ## build the Pulumi CLI and plugins from Go modules into ~/.cache/pantheon-oncall/engine (docs/engine.md)
	engine/build.sh

clean:  ## remove venv/ and the tools' caches
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

help:  ## list the targets (the default)
	@awk -F ':.*## ' '/^[a-zA-Z][a-zA-Z0-9_-]*:.*## / { printf "  make %-10s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

urns: $(VENV)/.dev  ## rewrite tests/urns.json, the pinned URNs of the fixture stacks (review its diff)
	UPDATE_URN_SNAPSHOT=1 $(PY) -m pytest -q tests/program/test_urns.py
