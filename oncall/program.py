"""The Pulumi program: read this stack's config, validate all of it, wire the components, export.

`__main__.py` calls `main()`; so does the offline plan, under the mock engine. The whole config is
parsed and validated before the first resource is registered, so a bad stack file never leaves a
half-registered stack: it fails with one message per problem and no traceback.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pulumi
from pulumi.runtime import config as runtime_config

from oncall import wiring
from oncall.config import StackConfig, TeamStackConfig, parse_stack_config
from oncall.errors import ConfigError

NAMESPACE = "pantheon-oncall"


def main() -> None:
    try:
        config = parse(project_config())
    except ConfigError as e:
        # RunError: the Pulumi CLI prints the message alone, without a Python traceback.
        raise pulumi.RunError(
            f"{len(e.problems)} problem(s) in the stack configuration:\n{e}"
        ) from None
    for name, value in wiring.build(config, secret_sections()).items():
        pulumi.export(name, value)


def parse(values: Mapping[str, Any]) -> StackConfig | TeamStackConfig:
    """Validate the project namespace's config (keys without the `pantheon-oncall:` prefix)."""
    return parse_stack_config(values, namespace=NAMESPACE)


def project_config() -> dict[str, Any]:
    """Every `pantheon-oncall:*` key the engine passed this program, JSON values decoded.

    `pulumi.Config` can only read keys it is asked for; reading them all lets a typo in a key
    (`pantheon-oncall:tema`) be reported instead of silently ignored.
    """
    raw: dict[str, Any] = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    prefix = f"{NAMESPACE}:"
    return {k[len(prefix) :]: _decode(v) for k, v in sorted(raw.items()) if k.startswith(prefix)}


def secret_sections() -> frozenset[str]:
    """The `pantheon-oncall:*` keys (without the prefix) that Pulumi marks secret.

    A `secure:` value anywhere inside a key (`pulumi config set --secret --path ...`) makes the
    whole key secret; the program then reads it decrypted like any other (`project_config`), so
    the wiring must mark everything built from it secret again.
    """
    keys = set(runtime_config.get_config_secret_keys_env())
    keys |= {key for key in runtime_config.CONFIG.get() if runtime_config.is_config_secret(key)}
    prefix = f"{NAMESPACE}:"
    return frozenset(key[len(prefix) :] for key in keys if key.startswith(prefix))


def _decode(value: Any) -> Any:
    if isinstance(value, str) and value.lstrip()[:1] in ("{", "["):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value
