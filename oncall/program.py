"""The Pulumi program: read this stack's config, validate all of it, wire the components, export.

`__main__.py` calls `main()`; so does the offline plan, under the mock engine. The whole config is
parsed and validated before the first resource is registered, so a bad stack file never leaves a
half-registered stack: it fails with one message per problem and no traceback.
"""

from __future__ import annotations

import json
from typing import Any

import pulumi
from pulumi.runtime import config as runtime_config

from oncall import wiring
from oncall.config import NAMESPACE, advice
from oncall.config.errors import MISSING, ConfigError, Problem, safe_text
from oncall.config.load import parse, top_key


def main() -> None:
    """The stack's Pulumi program: parse the config, then wire the components; a config problem
    fails the run with one line per problem, secrets not shown."""
    try:
        config = parse(project_config())
    except ConfigError as e:
        # RunError: the Pulumi CLI prints the message alone, without a Python traceback.
        problems = ConfigError(_without_secret_values(e.problems))
        raise pulumi.RunError(
            f"{len(e.problems)} problem(s) in the stack configuration:\n{problems}"
        ) from None
    for warning in advice.config_warnings(config):
        pulumi.log.warn(warning)
    try:
        outputs = wiring.build(config, secret_sections())
    except (ValueError, pulumi.InputPropertiesError, pulumi.InputPropertyError) as e:
        # A component's own check of its inputs: reported like a config problem, no traceback.
        raise pulumi.RunError(f"a component refused its input: {safe_text(str(e))}") from None
    for name, value in outputs.items():
        pulumi.export(name, value)


def _without_secret_values(problems: list[Problem]) -> list[Problem]:
    """Problems under a key set with `--secret` keep their path but not their (decrypted) value."""
    return [
        Problem(p.path, MISSING, p.message)
        if runtime_config.is_config_secret(top_key(p.path))
        else p
        for p in problems
    ]


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
