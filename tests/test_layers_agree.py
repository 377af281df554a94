"""The two layers agree: every config that parses is accepted by the components.

`oncall.config` checks the stack file and names `pantheon-oncall:` key paths; the components check
their args again, for programs in every language. Both use the rules in `components.vocabulary`,
and this test holds them to it: for every stack in stacks/, every valid example in the tests and
configs generated with hypothesis, what the config accepts the components accept, both as the
wiring passes it and in the form a program in another language sends it (every number a double,
as over gRPC). A value the components would refuse must be refused by the config, at its key path.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_config import DESIGN_EXAMPLE, example, minimal
from test_phone_rule import TEAM as ITALIAN_TEAM

from components.newrelic_channel import NewRelicPagerDutyChannel
from components.slack import SlackExtension
from components.team import TeamOnCall
from oncall import stackfile
from oncall.config import StackConfig, TeamStackConfig, parse_stack_config
from oncall.config import args as config_args
from oncall.engine import run_program
from oncall.errors import ConfigError

from support import as_doubles

ROOT = Path(__file__).resolve().parent.parent
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
    loaded = stackfile.load(ROOT, stack)
    return loaded.namespace(loaded.project)


# --- Every stack, every valid example -------------------------------------------------------------


@pytest.mark.parametrize("stack", stackfile.stack_names(ROOT))
def test_every_stack_is_accepted_by_the_components(stack: str) -> None:
    assert_components_accept(project_values(stack))


VALID_EXAMPLES: dict[str, Callable[[], dict[str, Any]]] = {
    "DESIGN.md example": example,
    "live preset with an existing policy": lambda: minimal("live"),
    "test preset": lambda: minimal("test"),
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
    assert "pantheon-oncall:team:" in DESIGN_EXAMPLE


# --- The three disagreements of issue 6, settled --------------------------------------------------


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
# Mostly valid values, with the odd one each layer must judge the same way (a double, a bool, a
# trailing hyphen, a dot, a trunk 0); each example varies one part of the DESIGN.md example, so
# that most examples parse and reach the components.

sometimes = st.integers(0, 2).map(lambda n: n == 0)
slugs = st.sampled_from(["joe", "joe2", "jo-e", "j"]) | st.text("abz09-_.", min_size=1, max_size=5)
channel_names = st.sampled_from(["ops-alerts", "ops_alerts", "alerts1"]) | st.text(
    "abz09-_.#A ", min_size=1, max_size=8
)


def whole_numbers(low: int, high: int) -> st.SearchStrategy[Any]:
    """Whole numbers in low..high as ints or doubles, now and then a fraction, a bool or out of
    range."""
    valid = st.integers(low, high)
    odd = st.sampled_from([low - 1, high + 1, 2.5, True, float(high + 1)])
    return st.one_of(valid, valid.map(float), valid, odd)


def real_numbers(low: float, high: float) -> st.SearchStrategy[Any]:
    valid = st.floats(low, high, allow_nan=False, allow_infinity=False)
    return st.one_of(valid, st.integers(int(low), int(high)), st.sampled_from([0, -1, True]))


PHONES = (
    *("+1 415 555 0100", "+44 20 7946 0958", "+44 07700 900123", "+39 06 6988 3712"),
    *("+49 30 123456", "+33 6 12 34 56 78", "+61 412 345 678", "+91 98765 43210"),
    *("+52 55 1234 5678", "+81 3 1234 5678", "+27 21 123 4567", "+45 32 12 34 56"),
)
phones = st.sampled_from(PHONES)
descriptions = st.sampled_from(["", "  ", "Pages the web team", " Ops "])
locations = st.lists(
    st.sampled_from(["US_EAST_1", "US_WEST_1", "EU_WEST_2", "AP_SOUTHEAST_2", "us_east_1"])
    | st.text("AEUSW_12", min_size=1, max_size=10),
    min_size=1,
    max_size=3,
    unique=True,
)
events = st.lists(
    st.sampled_from(["acknowledged", "resolved", "unacknowledged", "escalated", "reopened"]),
    max_size=4,
    unique=True,
).map(lambda chosen: ["triggered", *chosen])


def _vary_team(draw: st.DrawFn, values: dict[str, Any]) -> None:
    team = values["team"]
    if draw(sometimes):
        _renamed_member(values, "joe", draw(slugs))
    _vary_members(draw, team["members"])
    layer = team["schedules"]["default"]["layers"][1]
    if draw(sometimes):
        del layer["rotation"]
        layer["rotationHours"] = draw(whole_numbers(1, 8760))
    if draw(sometimes):
        hours = draw(real_numbers(0, 24))
        layer["restrictions"] = [{"type": "daily", "startTime": "09:00", "durationHours": hours}]
    if draw(sometimes):
        team["schedules"]["default"]["description"] = draw(descriptions)
    escalation = team["escalation"]
    if draw(sometimes):
        escalation["description"] = draw(descriptions)
    if draw(sometimes):
        escalation["loops"] = draw(whole_numbers(0, 9))
    if draw(sometimes):
        escalation["rules"][0]["escalateAfterMinutes"] = draw(whole_numbers(1, 60))


def _vary_members(draw: st.DrawFn, members: dict[str, Any]) -> None:
    for member in members.values():
        if draw(sometimes):
            member["phone"] = member["sms"] = draw(phones)
        if draw(sometimes):
            member["notify"] = {
                "high": [{"via": "sms", "afterMinutes": draw(whole_numbers(0, 60))}]
            }
        if draw(sometimes):
            member["handoff"] = {"via": "email", "beforeMinutes": draw(whole_numbers(0, 2880))}


def _vary_newrelic(draw: st.DrawFn, values: dict[str, Any]) -> None:
    pagerduty = values["pagerduty"]
    if draw(sometimes):
        pagerduty["description"] = draw(descriptions)
    for key in ("autoResolveMinutes", "acknowledgementTimeoutMinutes"):
        if draw(sometimes):
            pagerduty[key] = draw(whole_numbers(1, 1440) | st.just(False))
    newrelic = values["newrelic"]
    if draw(sometimes):
        newrelic["pingMonitor"]["locations"] = draw(locations)
    conditions = newrelic["conditions"]
    if draw(sometimes):
        conditions["pingFailure"]["failingLocations"] = draw(whole_numbers(1, 3))
    if draw(sometimes):
        conditions["errorRate"]["forMinutes"] = draw(whole_numbers(1, 1440))
    if draw(sometimes):
        conditions["errorRate"]["percent"] = draw(real_numbers(0, 100))
    if draw(sometimes):
        conditions["responseTime"]["forMinutes"] = draw(whole_numbers(1, 1440))
    if draw(sometimes):
        conditions["responseTime"]["seconds"] = draw(real_numbers(0, 30))


def _vary_slack(draw: st.DrawFn, values: dict[str, Any]) -> None:
    slack = values["slack"]
    if draw(sometimes):
        slack["channel"] = draw(channel_names)
    if draw(sometimes):
        slack["events"] = draw(events)
    if draw(sometimes):
        slack["priorities"] = draw(st.sampled_from([[], ["*"], ["PPRI1"], ["PPRI1", "PPRI2"]]))
    if draw(sometimes):
        slack["workspaceId"] = draw(st.sampled_from(["T0123ABCD", "E0123ABCD", "T1", "X0123"]))
    if draw(sometimes):
        slack.pop("channel")
        slack["channelId"] = draw(st.sampled_from(["C0123ABCD", "G0123ABCD", "C1"]))


@st.composite
def generated_configs(draw: st.DrawFn) -> dict[str, Any]:
    """The DESIGN.md example with one part's checked values drawn at random."""
    values = example()
    vary = draw(st.sampled_from([_vary_team, _vary_newrelic, _vary_slack]))
    vary(draw, values)
    return values


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(generated_configs())
def test_every_generated_config_that_parses_is_accepted_by_the_components(
    values: dict[str, Any],
) -> None:
    try:
        parse_stack_config(copy.deepcopy(values))
    except ConfigError:
        return  # refused at its key path: nothing reaches the components
    assert_components_accept(values)
