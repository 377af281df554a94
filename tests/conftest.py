"""Shared fixtures: the providers' published schemas, which every registration is checked against.

The schemas are vendored, gzip-compressed, in tests/schemas/ (their versions: its README), so the
conformance tests run in a fresh clone without the Pulumi CLI. `PULUMI_SCHEMA_DIR` overrides them
for one run; `make schemas` refreshes them with the Pulumi CLI.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

from oncall.offline.schemas import SchemaSet
from tests.support import schema_folder

# Property tests run the same examples on every run and machine, so CI cannot fail by luck;
# `HYPOTHESIS_PROFILE=explore make pytest` searches new examples (and keeps what it finds).
settings.register_profile("repeatable", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


@pytest.fixture(scope="session")
def schemas() -> SchemaSet:
    return SchemaSet.load(schema_folder())
