"""A stack's config, read and validated: from the engine's values, or from its stack file.

`parse` is what the Pulumi program runs on the values the engine passes it; `checked_stack_file`
is what every offline command (plan, check, calendar) runs on a stack file, so that both report a
problem the same way: every problem at once, by key path. Neither needs the Pulumi SDK.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from oncall.config import (
    NAMESPACE,
    StackConfig,
    TeamStackConfig,
    parse_stack_config,
    stackfile,
    yamldata,
)
from oncall.config.errors import ConfigError, Problem


def parse(values: Mapping[str, Any]) -> StackConfig | TeamStackConfig:
    """Validate the project namespace's config (keys without the `pantheon-oncall:` prefix).

    Numbers out of the engine's range, recursive or too deeply nested values are refused here
    too (oncall.config.yamldata's rules), whichever way the values came in.
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
    refused = {top_key(p.path) for p in problems}
    try:
        config = parse(loaded.namespace(loaded.project))
    except ConfigError as e:
        problems += [p for p in e.problems if top_key(p.path) not in refused]
    if problems:
        raise ConfigError(problems)
    return loaded, config


def top_key(path: str) -> str:
    """The stack-file key a problem's key path starts with (`team` of `team.members.joe`)."""
    return path.split(".", 1)[0].split("[", 1)[0]
