"""How the three components report bad args: the same way, as other Pulumi languages expect.

Every problem at once, as a `pulumi.InputPropertiesError` with one property path and reason each
(also a ValueError for Python callers); checked before the component registers itself, so bad
args register nothing; whole numbers accepted as doubles (15.0) everywhere, as gRPC sends them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pulumi
import pytest

from components.newrelic.channel import NewRelicPagerDutyChannel
from components.slack.component import SlackExtension
from components.team.component import TeamOnCall
from oncall.offline.engine import run_program
from tests.components.test_newrelic_channel import live_args
from tests.components.test_slack import slack_args
from tests.components.test_team import guide_team
from tests.support import as_doubles, problem_lines


def _bad_team() -> tuple[type, dict[str, Any]]:
    args = guide_team()
    args["escalationPolicy"]["numLoops"] = 9.5
    args["schedules"]["default"]["layers"][1]["members"].append("nobody")
    return TeamOnCall, args


def _bad_channel() -> tuple[type, dict[str, Any]]:
    args: dict[str, Any] = dict(live_args())
    args["conditions"] = {
        "pingFailure": {"failingLocations": 2.5},
        "errorRate": {"percent": 5, "forMinutes": True},
    }
    return NewRelicPagerDutyChannel, args


def _bad_slack() -> tuple[type, dict[str, Any]]:
    args: dict[str, Any] = dict(slack_args())
    args["workspaceId"] = "workspace"
    args["events"] = ["incident.resolved", "incident.resolved"]
    return SlackExtension, args


BAD: dict[str, tuple[Callable[[], tuple[type, dict[str, Any]]], list[str]]] = {
    "TeamOnCall": (
        _bad_team,
        [
            "schedules.default.layers[1].members[2]: "
            "no member 'nobody' (members: anita, jane, joe)",
            "escalationPolicy.numLoops: expected a whole number (got 9.5)",
        ],
    ),
    "NewRelicPagerDutyChannel": (
        _bad_channel,
        [
            "conditions.pingFailure.failingLocations: expected a whole number (got 2.5)",
            "conditions.errorRate.forMinutes: expected a whole number (got True)",
        ],
    ),
    "SlackExtension": (
        _bad_slack,
        [
            "workspaceId: expected a Slack workspace id like T0123ABCD (got 'workspace')",
            "events[1]: duplicate of events[0] (got 'incident.resolved')",
            "events: must include 'incident.triggered' (PagerDuty requires it)",
        ],
    ),
}


@pytest.mark.parametrize(("make", "expected"), BAD.values(), ids=BAD.keys())
def test_every_problem_comes_back_at_once_and_nothing_is_registered(
    make: Callable[[], tuple[type, dict[str, Any]]], expected: list[str]
) -> None:
    component, args = make()
    raised: list[BaseException] = []

    def program() -> None:
        try:
            component("bad", args)
        except pulumi.InputPropertiesError as error:
            raised.append(error)

    run = run_program(program)

    assert len(raised) == 1
    assert isinstance(raised[0], ValueError)
    assert sorted(problem_lines(raised[0])) == sorted(expected)
    assert run.resources == []


GOOD: dict[str, Callable[[], tuple[type, Any]]] = {
    "TeamOnCall": lambda: (TeamOnCall, guide_team()),
    "NewRelicPagerDutyChannel": lambda: (NewRelicPagerDutyChannel, live_args()),
    "SlackExtension": lambda: (SlackExtension, slack_args()),
}


@pytest.mark.parametrize("make", GOOD.values(), ids=GOOD.keys())
def test_whole_numbers_sent_as_doubles_register_the_same_resources(
    make: Callable[[], tuple[type, Any]],
) -> None:
    component, args = make()

    def program(form: Any) -> Callable[[], None]:
        return lambda: component("same", form) and None

    native = run_program(program(args))
    doubles = run_program(program(as_doubles(args)))

    assert [(r.type, r.name, r.inputs) for r in doubles.resources] == [
        (r.type, r.name, r.inputs) for r in native.resources
    ]


def test_a_misspelt_key_is_refused_not_ignored() -> None:
    """A YAML program's typo (`failingLocation`) names the key instead of silently changing
    nothing; the same holds for every component, as TeamOnCall always did."""
    channel: dict[str, Any] = dict(live_args())
    channel["conditions"] = {"pingFailure": {"failingLocation": 2}}
    channel["pingMonitor"] = {**channel["pingMonitor"], "verifySSL": True}
    slack: dict[str, Any] = dict(slack_args())
    slack["channel"] = {"name": "example-alerts", "topics": "Pages"}
    raised: list[list[str]] = []

    def program() -> None:
        built: list[tuple[Any, dict[str, Any]]] = [
            (NewRelicPagerDutyChannel, channel),
            (SlackExtension, slack),
        ]
        for component, args in built:
            try:
                component("typo", args)
            except pulumi.InputPropertiesError as error:
                raised.append([line.split(" (")[0] for line in problem_lines(error)])

    run_program(program)

    assert raised == [
        [
            "pingMonitor.verifySSL: unknown key",
            "conditions.pingFailure.failingLocations: required",
            "conditions.pingFailure.failingLocation: unknown key",
        ],
        ["channel.topics: unknown key"],
    ]
