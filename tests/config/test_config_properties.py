"""Property tests: a random change anywhere in a valid team (a value replaced by any JSON-like
value, a key deleted or renamed, an item repeated) gives either a valid config or the project's
own ConfigError, with messages fit for a terminal — never another exception."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oncall.config import StackConfig, TeamStackConfig, load
from oncall.config.errors import SHOWN_LENGTH, ConfigError, Problem
from tests.support import PROJECT

ROOT = Path(__file__).resolve().parents[2]
PREFIX = "pantheon-oncall:"


def project_values(stack: str) -> dict[str, Any]:
    config = yaml.safe_load((PROJECT / "stacks" / f"Pulumi.{stack}.yaml").read_text())["config"]
    return {k[len(PREFIX) :]: v for k, v in config.items() if k.startswith(PREFIX)}


VALID = {stack: project_values(stack) for stack in ("guide-live", "team-agency")}

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=300)
    | st.sampled_from(["2026-11-02T00:00:00", "9999-12-31T23:59:59", "America", "EST", "+1 000"]),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=20), children, max_size=4)
    ),
    max_leaves=12,
)


def paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path] if path else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += paths(item, (*path, index))
    return found


def changed(values: dict[str, Any], data: st.DataObject) -> dict[str, Any]:
    values = copy.deepcopy(values)
    path = data.draw(st.sampled_from(paths(values)), label="path")
    *head, last = path
    container: Any = values
    for part in head:
        container = container[part]
    operation = data.draw(st.sampled_from(["replace", "delete", "rename", "repeat"]), label="op")
    if operation == "replace":
        container[last] = data.draw(json_values, label="value")
    elif operation == "delete":
        del container[last]
    elif operation == "rename" and isinstance(container, dict):
        container[data.draw(st.text(max_size=20), label="new key")] = container.pop(last)
    elif isinstance(container, list):
        container.insert(last, container[last])
    else:
        container[last] = [container[last], container[last]]
    return values


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stack=st.sampled_from(sorted(VALID)), data=st.data())
def test_any_change_to_a_valid_team_is_valid_or_a_config_error(
    stack: str, data: st.DataObject
) -> None:
    values = changed(VALID[stack], data)

    outcome = parsed(values)

    if isinstance(outcome, ConfigError):
        assert outcome.problems
        for line in str(outcome).splitlines():
            assert line.isprintable()
            assert len(line) < 1000
    else:
        assert isinstance(outcome, StackConfig | TeamStackConfig)


def parsed(values: dict[str, Any]) -> StackConfig | TeamStackConfig | ConfigError:
    """The config, or the ConfigError; any other exception propagates and fails the test."""
    try:
        return load.parse(values)
    except ConfigError as error:
        return error


TOKENS = st.sampled_from(
    ["NRAK-ABCDEFGHIJKLMNOPQRSTUVWXYZ1", "xoxb-1234567890-abcdefghij", "u+AbCdEfGhIjKlMnOpQr"]
)


@settings(max_examples=300, deadline=None)
@given(value=json_values, token=TOKENS, path=st.text(max_size=300))
def test_a_problem_line_is_short_printable_and_never_shows_a_token(
    value: Any, token: str, path: str
) -> None:
    planted = [value, {"note": f"see {token}"}, token]

    line = str(Problem(path, planted, "bad"))

    assert line.isprintable()
    assert len(line) <= 200 + len(": bad (got )") + SHOWN_LENGTH
    assert token not in line
