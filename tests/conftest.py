"""Shared fixtures: the providers' published schemas, which every registration is checked against.

The schemas are vendored, gzip-compressed, in tests/schemas/ (their versions: its README), so the
conformance tests run in a fresh clone without the Pulumi CLI. `PULUMI_SCHEMA_DIR` overrides them
for one run; `make schemas` refreshes them with the Pulumi CLI.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from oncall.schemacheck import SchemaSet, schema_dir_from_env

# Show pytest's detailed comparison for the shared assertion helpers too.
pytest.register_assert_rewrite("support")

VENDORED_SCHEMAS = Path(__file__).resolve().parent / "schemas"
"""The providers' schemas committed with the tests (`make schemas` refreshes them)."""


def schema_folder() -> Path:
    """$PULUMI_SCHEMA_DIR when set (checked: it must hold the three schemas), else the vendored."""
    return schema_dir_from_env() or VENDORED_SCHEMAS


@pytest.fixture(scope="session")
def schemas() -> SchemaSet:
    return SchemaSet.load(schema_folder())
