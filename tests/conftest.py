"""Shared fixtures: the providers' published schemas, which every registration is checked against.

The schemas come from $PULUMI_SCHEMA_DIR (`.ci/run` points it at ../shared/provider-schemas;
`make schemas` fetches them with the Pulumi CLI). Without them the conformance tests skip and say
why — except in CI (`CI` set), where a missing schema folder fails the run instead.
"""

from __future__ import annotations

import os
import ssl

import pytest
import trustme

from oncall.schemacheck import SchemaSet, schema_dir_from_env

# Show pytest's detailed comparison for the shared assertion helpers too.
pytest.register_assert_rewrite("support")


@pytest.fixture(scope="session")
def schemas() -> SchemaSet:
    directory = schema_dir_from_env()
    if directory is None:
        reason = (
            "PULUMI_SCHEMA_DIR is not set: no provider schemas to check against "
            "(`make schemas`, or point it at a folder with pagerduty.json, newrelic.json, "
            "slack.json)"
        )
        if os.environ.get("CI"):
            pytest.fail(f"CI must check against the provider schemas: {reason}")
        pytest.skip(reason)
    return SchemaSet.load(directory)


@pytest.fixture(scope="session")
def test_ca() -> trustme.CA:
    """A throwaway certificate authority for the tests' HTTPS servers."""
    return trustme.CA()


@pytest.fixture(scope="session")
def httpserver_ssl_context(test_ca: trustme.CA) -> ssl.SSLContext:
    """pytest-httpserver serves HTTPS: PagerDuty's client refuses a base URL without https://."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    test_ca.issue_cert("localhost", "127.0.0.1").configure_cert(context)
    return context
