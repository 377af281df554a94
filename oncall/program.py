"""The Pulumi program: read this stack's config, validate all of it, wire the components, export.

`__main__.py` calls `main()`; so does the offline plan, under the mock engine. The whole config is
parsed and validated before the first resource is registered, so a bad stack file never leaves a
half-registered stack: it fails with one message per problem and no traceback.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime import config as runtime_config

from oncall import advice, stackfile, wiring, yamldata
from oncall.config import StackConfig, TeamStackConfig, parse_stack_config
from oncall.errors import MISSING, ConfigError, Problem, safe_text

NAMESPACE = "pantheon-oncall"


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


def parse(values: Mapping[str, Any]) -> StackConfig | TeamStackConfig:
    """Validate the project namespace's config (keys without the `pantheon-oncall:` prefix).

    Numbers out of the engine's range, recursive or too deeply nested values are refused here
    too (oncall.yamldata's rules), whichever way the values came in.
    """
    problems = yamldata.data_problems(dict(values), NAMESPACE)
    if problems:
        raise ConfigError(problems)
    return parse_stack_config(values, namespace=NAMESPACE)


def checked_stack_file(
    project_dir: Path, stack: str
) -> tuple[stackfile.StackFile, StackConfig | TeamStackConfig]:
    """Load a stack file and validate its config: every problem of both in one ConfigError.

    A key the stack file refused is left out of the config check, so its problem is reported
    once, where it is, and not again as a missing key.
    """
    problems: list[Problem] = []
    try:
        loaded = stackfile.load(project_dir, stack)
    except stackfile.StackFileError as e:
        problems, loaded = e.problems, e.partial
    refused = {_top_key(p.path) for p in problems}
    try:
        config = parse(loaded.namespace(loaded.project))
    except ConfigError as e:
        problems += [p for p in e.problems if _top_key(p.path) not in refused]
    if problems:
        raise ConfigError(problems)
    return loaded, config


def _top_key(path: str) -> str:
    return path.split(".", 1)[0].split("[", 1)[0]


def _without_secret_values(problems: list[Problem]) -> list[Problem]:
    """Problems under a key set with `--secret` keep their path but not their (decrypted) value."""
    return [
        Problem(p.path, MISSING, p.message)
        if runtime_config.is_config_secret(_top_key(p.path))
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
