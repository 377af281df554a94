"""What a stack file may hold: YAML read strictly, and values that are JSON data the engine carries.

Duplicate keys are errors (YAML's last-wins would silently drop the first), every scalar becomes
what the `pulumi` CLI's YAML library makes of it (oncall.config.goyaml: `18:00` and `yes` stay text,
`017` is 15, `2026-01-05` is Go's date-time text), and values that are not JSON
data (`!!binary`, `!!set`, a recursive alias, nesting deeper than any real config, an alias bomb,
numbers the engine cannot carry) are refused, each problem with its key path.
oncall.config.stackfile applies these rules to the stack file, oncall.program to config that comes
from elsewhere.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Final

import yaml

from oncall.config import goyaml
from oncall.config.errors import MISSING, ConfigError, Problem, printable

MAX_DEPTH: Final = 32
"""Deeper nesting than any real config has: refused rather than recursed into."""
MAX_NODES: Final = 100_000
"""Values (after expanding YAML aliases) one stack file may hold: stops an alias bomb."""
MAX_NUMBER: Final = 2**53
"""The largest number the engine carries exactly: config numbers travel as JSON and doubles."""


def number_problem(value: float) -> str | None:
    """Why the engine cannot carry the number `value` exactly; None when it can."""
    if not math.isfinite(value):
        return "not a finite number"
    if abs(value) > MAX_NUMBER:
        return f"too large: numbers go up to 2^53 ({MAX_NUMBER})"
    return None


class Budget:
    """How many more values a file may hold after expanding aliases (MAX_NODES), and the problems
    found so far."""

    def __init__(self, problems: list[Problem]) -> None:
        self.left = MAX_NODES
        self.problems = problems


def check_data(value: Any, path: str, budget: Budget) -> None:
    """Add a problem for whatever in `value` is not JSON data the engine can carry."""
    _walk(value, path, budget, depth=0, parents=())


def data_problems(values: dict[str, Any], namespace: str) -> list[Problem]:
    """What in a namespace's config values (keys without `namespace:`) is not JSON data the
    engine can carry: the same rules as for a stack file, for values that come from elsewhere
    (the Pulumi CLI, a test, a program)."""
    problems: list[Problem] = []
    budget = Budget(problems)
    for key, value in values.items():
        _walk(value, f"{namespace}:{key}", budget, depth=0, parents=())
    return problems


def _walk(value: Any, path: str, budget: Budget, depth: int, parents: tuple[int, ...]) -> None:
    budget.left -= 1
    if budget.left < 0:
        if budget.left == -1:
            message = (
                f"more than {MAX_NODES} values once YAML aliases are expanded (an alias bomb?)"
            )
            budget.problems.append(Problem(path or "config", MISSING, message))
        return
    if isinstance(value, dict | list):
        _walk_items(value, path, budget, depth, parents)
        return
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return
    if isinstance(value, int | float):
        problem = number_problem(value)
        if problem is not None:
            budget.problems.append(Problem(path, value, problem))
        return
    budget.problems.append(Problem(path, MISSING, f"{kind(value)} is not a config value"))


def _walk_items(
    value: dict[Any, Any] | list[Any],
    path: str,
    budget: Budget,
    depth: int,
    parents: tuple[int, ...],
) -> None:
    """_walk into a mapping's or a list's items, unless it contains itself or is too deep."""
    if id(value) in parents:
        budget.problems.append(Problem(path, MISSING, "contains itself (a recursive YAML alias)"))
        return
    if depth >= MAX_DEPTH:
        budget.problems.append(Problem(path, MISSING, f"nested more than {MAX_DEPTH} levels deep"))
        return
    inner = (*parents, id(value))
    if isinstance(value, list):
        for index, item in enumerate(value):
            _walk(item, f"{path}[{index}]", budget, depth + 1, inner)
        return
    for key, item in value.items():
        if not isinstance(key, str):
            message = f"a key must be text, not {kind(key)}: quote it"
            budget.problems.append(
                Problem(f"{path}.{key!r}" if path else repr(key), MISSING, message)
            )
            continue
        _walk(item, f"{path}.{key}" if path else key, budget, depth + 1, inner)


def kind(value: object) -> str:
    """What a value is, in words for a message (`a list`, `text`, …)."""
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "text"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    return f"a {type(value).__name__}"


def read_yaml(path: Path) -> Any:
    """The YAML document in `path`, read strictly (_StrictLoader); ConfigError with the file,
    line and column of the first problem."""
    try:
        data = path.read_bytes()
    except FileNotFoundError as e:
        raise ConfigError([Problem(str(path), MISSING, "file not found")]) from e
    except OSError as e:
        raise ConfigError([Problem(str(path), MISSING, f"cannot be read: {e.strerror}")]) from e
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        column = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        message = (
            f"not valid UTF-8 (byte 0x{data[e.start]:02x} at column {column}); "
            "save the file as UTF-8"
        )
        raise ConfigError([Problem(f"{path}:{line}", MISSING, message)]) from None
    try:
        return yaml.load(text, Loader=_StrictLoader)  # a safe loader (below)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        reason = getattr(e, "problem", None) or str(e)
        raise ConfigError([Problem(where, MISSING, f"not valid YAML: {reason}")]) from None


_PLAIN = "tag:pantheon-oncall:plain"
"""The tag a plain scalar gets before go-yaml's rules resolve it (oncall.config.goyaml)."""


class _StrictLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """PyYAML's safe loader (libyaml's C parser when installed) with duplicate keys refused,
    scalars resolved as go-yaml does, and non-JSON types (`!!binary`, `!!set`…) refused."""

    def resolve(self, kind: type[yaml.Node], value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode:
            if not implicit[0]:
                return goyaml.STR  # quoted, or the non-specific tag `!`: text
            return goyaml.MERGE if value == "<<" else _PLAIN
        return str(super().resolve(kind, value, implicit))

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, yaml.Node] = {}
        for key_node, _ in node.value:
            if key_node.tag == goyaml.MERGE:
                continue
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.setdefault(key, key_node)
            except TypeError:
                continue  # an unhashable key: the safe constructor reports it
            if first is not key_node:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"duplicate key {printable(str(key), 60)!r} "
                    f"(first on line {first.start_mark.line + 1}); remove one of them",
                    key_node.start_mark,
                )
        return super().construct_mapping(node, deep=deep)

    def construct_go_scalar(self, node: yaml.ScalarNode) -> Any:
        text = str(self.construct_scalar(node))
        try:
            return goyaml.resolve(None if node.tag == _PLAIN else node.tag, text)
        except goyaml.ScalarError as e:
            raise yaml.constructor.ConstructorError(None, None, str(e), node.start_mark) from None

    def refuse(self, node: yaml.Node) -> None:
        raise yaml.constructor.ConstructorError(
            None, None, f"{node.tag.rsplit(':', 1)[-1]} values are not supported", node.start_mark
        )


_StrictLoader.add_constructor(goyaml.MERGE, _StrictLoader.construct_scalar)  # `<<` as a value
for _tag in (_PLAIN, *goyaml.RESOLVABLE):
    _StrictLoader.add_constructor(_tag, _StrictLoader.construct_go_scalar)
for _tag in ("binary", "set", "omap", "pairs"):
    _StrictLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _StrictLoader.refuse)
