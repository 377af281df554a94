"""The two layers agree: every config that parses is accepted by the components.

`oncall.config` checks the stack file and names `pantheon-oncall:` key paths; the components check
their args, for programs in every language, and the config hands them the args it builds
(oncall.config.component_check). This test holds the two to one answer: for every fixture
stack, every valid example in the tests and configs generated from the config models over every
field, the config accepts exactly what the components accept, both as the wiring passes it and in
the form a program in another language sends it (every number a double, as over gRPC). A value the
components would refuse is refused by the config, at its key path.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Mapping
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from components.newrelic.channel import NewRelicPagerDutyChannel
from components.slack.component import SlackExtension
from components.team.component import TeamOnCall
from components.vocabulary import Role
from oncall.config import ROLE_WORDS, StackConfig, TeamStackConfig, parse_stack_config, stackfile
from oncall.config import args as config_args
from oncall.config.errors import ConfigError
from oncall.config.issues import leaf_types
from oncall.config.stack import SECTIONS
from oncall.offline.engine import run_program
from tests.components.test_phone_rule import TEAM as ITALIAN_TEAM
from tests.config.test_config import FULL_EXAMPLE, example, minimal
from tests.support import PROJECT, as_doubles

ROOT = Path(__file__).resolve().parents[2]
NS = "pantheon-oncall"
POLICY_ID = "PPOLICY1"
SERVICE_ID = "PSERVICE1"


def component_args(config: StackConfig | TeamStackConfig) -> list[tuple[type, dict[str, Any]]]:
    """The components this config creates, with the args the wiring gives them."""
    built: list[tuple[type, dict[str, Any]]] = []
    if config.team is not None:
        built.append((TeamOnCall, dict(config_args.team_args(config.team))))
    if isinstance(config, StackConfig):
        alerts = config_args.alerts_args(config.site, config.pagerduty, config.newrelic, POLICY_ID)
        built.append((NewRelicPagerDutyChannel, dict(alerts)))
        if config.slack is not None:
            slack = config_args.slack_args(config.slack, {"service": SERVICE_ID})
            built.append((SlackExtension, dict(slack)))
    return built


def assert_components_accept(values: dict[str, Any]) -> None:
    """The config parses, and each component accepts its args natively and as doubles."""
    built = component_args(parse_stack_config(values))

    def program() -> None:
        for component, args in built:
            component("native", copy.deepcopy(args))
            component("doubles", as_doubles(args))

    run_program(program)


def project_values(stack: str) -> dict[str, Any]:
    loaded = stackfile.load(PROJECT, stack)
    return loaded.namespace(loaded.project)


# --- Every stack, every valid example -------------------------------------------------------------


@pytest.mark.parametrize("stack", stackfile.stack_names(PROJECT))
def test_every_stack_is_accepted_by_the_components(stack: str) -> None:
    assert_components_accept(project_values(stack))


VALID_EXAMPLES: dict[str, Callable[[], dict[str, Any]]] = {
    "full example": example,
    "live preset with an existing policy": lambda: minimal("live"),
    "test preset": lambda: minimal("test", pagerduty={"supportHours": {"timeZone": "UTC"}}),
    "support hours on live": lambda: minimal(
        "live",
        pagerduty={
            "urgency": {"during": "high", "outside": "low"},
            "supportHours": {
                "timeZone": "Europe/Paris",
                "days": ["saturday", "sunday"],
                "start": "10:00",
            },
        },
    ),
    "certificate monitor": lambda: {
        **minimal("live", newrelic={"certificateMonitor": {"days": 30, "period": "EVERY_HOUR"}}),
        "site": {"name": "example", "env": "live", "domain": "www.example.com"},
    },
    "dev preset": lambda: minimal("dev"),
    "multidev preset": lambda: minimal("feature-x"),
    "team stack with an Italian number": lambda: {"team": copy.deepcopy(ITALIAN_TEAM)},
}


@pytest.mark.parametrize("make", VALID_EXAMPLES.values(), ids=VALID_EXAMPLES.keys())
def test_every_valid_example_is_accepted_by_the_components(
    make: Callable[[], dict[str, Any]],
) -> None:
    assert_components_accept(make())


def test_the_design_example_is_the_one_in_the_tests() -> None:
    assert "pantheon-oncall:team:" in FULL_EXAMPLE


# --- Three disagreements the layers once had, settled -------------------------------------------


def _renamed_member(values: dict[str, Any], old: str, new: str) -> None:
    team = values["team"]
    team["members"][new] = team["members"].pop(old)
    for schedule in team["schedules"].values():
        for layer in schedule["layers"]:
            layer["members"] = [new if slug == old else slug for slug in layer["members"]]
    for rule in team["escalation"]["rules"]:
        rule["targets"] = [t.replace(f"user:{old}", f"user:{new}") for t in rule["targets"]]


def test_a_member_slug_ending_in_a_hyphen_is_refused_at_its_key_path() -> None:
    values = example()
    _renamed_member(values, "joe", "joe-")

    with pytest.raises(ConfigError) as raised:
        assert_components_accept(values)

    paths = [problem.path for problem in raised.value.problems]
    assert f"{NS}:team.members.joe-" in paths
    assert f"{NS}:team.schedules.default.layers[1].members[0]" in paths


def test_a_slack_channel_with_a_dot_is_refused_at_its_key_path() -> None:
    values = example()
    values["slack"]["channel"] = "ops.alerts"

    with pytest.raises(ConfigError) as raised:
        assert_components_accept(values)

    assert [problem.path for problem in raised.value.problems] == [f"{NS}:slack.channel"]


def test_for_minutes_written_as_a_double_is_accepted_everywhere() -> None:
    values = example()
    values["newrelic"]["conditions"]["errorRate"]["forMinutes"] = 5.0
    values["newrelic"]["conditions"]["pingFailure"]["failingLocations"] = 2.0

    assert_components_accept(values)


# --- Generated configs ----------------------------------------------------------------------------
# Strategies generated from the config models, over every field: each example takes the full
# example and sets one field, anywhere in the model tree (also one the example leaves out), to a
# value drawn for the field's type: valid values, and the odd ones (a double, a bool, a word in
# another case, an empty string, a value out of range) that each layer must judge the same way.
# A config that parses must be accepted by the components, natively and as doubles; one that does
# not is refused at key paths of the stack file only.

TEXTS = st.sampled_from(
    [
        *("", " ", "x", "joe", "jo-e", "joe-", "Joe Smith", "PABC123", "P1", "America/New_York"),
        *("EST", "Mars/Olympus", "jane@example.com", "Jane@Example.com", "T0123ABCD", "C0123ABCD"),
        *("09:00", "18:00", "24:00", "2026-12-07T09:00:00", "2026-12-07T09:00:00-05:00", "daily"),
        *("weekly", "monday", "EVERY_12_HOURS", "US_EAST_1", "+1 415 555 0100", "+44 07700 900123"),
        *("schedule:default", "user:joe", "user:nobody", "ops-alerts", "ops.alerts", "#ops"),
    ]
)


def _unwrapped(annotation: Any) -> list[Any]:
    """The types an annotation allows: Annotated unwrapped, a union split, None left out."""
    return [kind for kind in leaf_types(annotation) if kind is not type(None)]


def _numbers(kind: type) -> st.SearchStrategy[Any]:
    whole = st.integers(-1, 10_000)
    odd = st.sampled_from([0, 1, 2.5, 1e9, 15.0, True, "5"])
    if kind is int:
        return st.one_of(whole, whole.map(float), odd)
    return st.one_of(st.floats(-1, 10_000, allow_nan=False), whole, odd)


def value_strategy(annotation: Any, depth: int = 0) -> st.SearchStrategy[Any]:
    """Values, valid and odd, for a config field of this type (as the stack file writes them);
    a model as a mapping of some of its fields, two levels deep at most."""
    options = [_value_strategy(kind, depth) for kind in _unwrapped(annotation)]
    return st.one_of(*options) if options else TEXTS


def _value_strategy(kind: Any, depth: int) -> st.SearchStrategy[Any]:
    """value_strategy of one type (not a union)."""
    origin = get_origin(kind)
    if origin is Literal:
        return st.sampled_from(get_args(kind))
    if kind is bool:
        return st.sampled_from([True, False, "yes", 1])
    if kind in (int, float):
        return _numbers(kind)
    if isinstance(kind, type) and issubclass(kind, StrEnum):
        words = [str(word) for word in kind] + (list(ROLE_WORDS) if kind is Role else [])
        return st.sampled_from([*words, *(w.upper() for w in words), "nope"])
    if origin in (tuple, list):
        return st.lists(value_strategy(get_args(kind)[0], depth), max_size=3)
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        if depth >= 2:
            return st.just({})
        fields = {
            field.alias or name: value_strategy(field.annotation, depth + 1)
            for name, field in kind.model_fields.items()
        }
        return st.fixed_dictionaries({}, optional=fields)
    return TEXTS  # text of every kind (names, slugs, ids, zones, times, date-times)


def field_paths(model: Any, value: Any, path: tuple[str | int, ...]) -> Iterator[tuple[Any, Any]]:
    """Every (path, annotation) of a model's fields under `path`, into the parts `value` (the
    example) has: each member, schedule, layer, rule of the example, and every field of each."""
    types = [t for t in _unwrapped(model) if isinstance(t, type) and issubclass(t, BaseModel)]
    for kind in types:
        for name, field in kind.model_fields.items():
            key = field.alias or name
            yield (*path, key), field.annotation
            inner = value.get(key) if isinstance(value, dict) else None
            yield from _inside(field.annotation, inner, (*path, key))


def _inside(annotation: Any, value: Any, path: tuple[str | int, ...]) -> Iterator[tuple[Any, Any]]:
    for kind in _unwrapped(annotation):
        origin, args = get_origin(kind), get_args(kind)
        if isinstance(kind, type) and issubclass(kind, BaseModel) and isinstance(value, dict):
            yield from field_paths(kind, value, path)
        elif origin in (dict, Mapping) and isinstance(value, dict):
            for key, item in value.items():
                yield from _inside(args[1], item, (*path, key))
        elif origin in (tuple, list) and isinstance(value, list):
            for index, item in enumerate(value):
                yield from _inside(args[0], item, (*path, index))


def every_field(values: dict[str, Any]) -> list[tuple[tuple[str | int, ...], Any]]:
    """Every field of every section of the example, with its type."""
    found: list[tuple[tuple[str | int, ...], Any]] = []
    for section, model in SECTIONS.items():
        found.append(((section,), model))
        found += list(_inside(model, values.get(section), (section,)))
    return found


BASE = example()
FIELDS = every_field(BASE)


def _set(values: dict[str, Any], path: tuple[str | int, ...], value: Any) -> None:
    *parents, last = path
    target: Any = values
    for part in parents:
        if isinstance(target, dict):
            target = target.setdefault(part, {})
        elif isinstance(target, list) and isinstance(part, int):
            target = target[part]
    if isinstance(target, list):
        target[int(last)] = value  # a list's items are reached by index
    elif isinstance(target, dict):
        target[last] = value


@st.composite
def generated_configs(draw: st.DrawFn) -> dict[str, Any]:
    """The full example with one field, anywhere, set to a value drawn for its type."""
    values = example()
    path, annotation = draw(st.sampled_from(FIELDS))
    _set(values, path, draw(value_strategy(annotation)))
    return values


def test_the_generated_configs_reach_every_field_of_every_section() -> None:
    paths = {".".join(str(p) for p in path) for path, _ in FIELDS}
    for expected in (
        "team.members.jane.formerly",
        "team.defaults.notify.high.0.afterMinutes",
        "team.schedules.default.layers.1.restrictions",
        "team.escalation.rules.0.escalateAfterMinutes",
        "newrelic.pingMonitor.period",
        "newrelic.conditions.errorRate.percent",
        "pagerduty.acknowledgementTimeoutMinutes",
        "slack.notificationType",
        "site.env",
        "teamStack",
    ):
        assert expected in paths, expected


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(generated_configs())
def test_the_config_accepts_a_generated_config_exactly_when_the_components_do(
    values: dict[str, Any],
) -> None:
    try:
        parse_stack_config(copy.deepcopy(values))
    except ConfigError as e:
        refused = e
    else:
        assert_components_accept(values)
        return
    # Refused by the config (its own rules or the components' checks), at stack-file keys.
    assert all(p.path.startswith(f"{NS}:") for p in refused.problems), str(refused)
    assert "refused its input" not in str(refused)
