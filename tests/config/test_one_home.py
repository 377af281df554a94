"""A stack file the components would refuse is refused by the config, at the key path written.

The config layer hands the component args it builds to the components' own checks (one home per
rule), so `plan` and `up` never end in "a component refused its input". Each case here is a pair
of rules that used to disagree: the config passed the stack file and the component refused it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from components.team.component import TeamOnCall
from oncall import cli
from oncall.config import args as component_args
from oncall.config import parse_stack_config, stackfile
from oncall.config.errors import MISSING, ConfigError
from oncall.offline.engine import run_program
from tests.support import PROJECT, T, copy_project


def live() -> dict[str, Any]:
    """guide-live's pantheon-oncall:* values (without the namespace)."""
    return stackfile.load(PROJECT, "guide-live").namespace("pantheon-oncall")


def members(values: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = values["team"]["members"]
    return found


def twelve_hour_ping(v: dict[str, Any]) -> None:
    v["newrelic"]["pingMonitor"]["period"] = "EVERY_12_HOURS"


def formerly_a_present_member(v: dict[str, Any]) -> None:
    members(v)["jane"]["formerly"] = ["joe"]


def adopted_email_at_zero(v: dict[str, Any]) -> None:
    members(v)["jane"]["importId"] = "PJANE01"
    members(v)["jane"]["notify"] = {"low": [{"via": "email", "importId": "PRULE01"}]}


def existing_and_import_id(v: dict[str, Any]) -> None:
    members(v)["jane"] |= {"existing": True, "importId": "PJANE01"}


def duplicate_emails(v: dict[str, Any]) -> None:
    members(v)["joe"]["email"] = "jane@example.com"


def observer_on_a_layer(v: dict[str, Any]) -> None:
    members(v)["jane"]["role"] = "observer"


def limited_stakeholder_as_a_target(v: dict[str, Any]) -> None:
    members(v)["anita"]["role"] = "limited stakeholder"
    v["team"]["escalation"]["rules"][1]["targets"] = ["user:anita"]


def own_sms_step_without_a_number(v: dict[str, Any]) -> None:
    del members(v)["joe"]["sms"]
    members(v)["joe"]["notify"] = {"high": [{"via": "email"}, {"via": "sms"}]}


def default_phone_step_without_a_number(v: dict[str, Any]) -> None:
    del members(v)["joe"]["phone"]


CASES: list[tuple[Callable[[dict[str, Any]], None], str]] = [
    (twelve_hour_ping, "pantheon-oncall:newrelic.pingMonitor.period"),
    (formerly_a_present_member, "pantheon-oncall:team.members.jane.formerly[0]"),
    (adopted_email_at_zero, "pantheon-oncall:team.members.jane.notify.low[0].importId"),
    (existing_and_import_id, "pantheon-oncall:team.members.jane.importId"),
    (duplicate_emails, "pantheon-oncall:team.members.joe.email"),
    (observer_on_a_layer, "pantheon-oncall:team.schedules.default.layers[0].members[0]"),
    (limited_stakeholder_as_a_target, "pantheon-oncall:team.escalation.rules[1].targets[0]"),
    (own_sms_step_without_a_number, "pantheon-oncall:team.members.joe.notify.high[1].via"),
    (default_phone_step_without_a_number, "pantheon-oncall:team.members.joe"),
]


@pytest.mark.parametrize(("change", "path"), CASES, ids=[c.__name__ for c, _ in CASES])
def test_the_config_refuses_what_the_components_refuse(
    change: Callable[[dict[str, Any]], None], path: str
) -> None:
    values = copy.deepcopy(live())
    change(values)

    with pytest.raises(ConfigError) as refused:
        parse_stack_config(values)

    paths = [p.path for p in refused.value.problems]
    assert path in paths, str(refused.value)


@pytest.mark.parametrize(
    ("stack", "observer", "layer"),
    [("guide-live", "jane", "default"), ("team-agency", "priya", "primary")],
)
def test_a_component_rule_is_reported_in_the_same_run_as_a_problem_of_the_stack_file(
    stack: str, observer: str, layer: str
) -> None:
    # An unknown section is the config's; an observer on a layer the component's. One run lists
    # both, so a user fixes everything at once instead of meeting the second after the first.
    values = copy.deepcopy(stackfile.load(PROJECT, stack).namespace("pantheon-oncall"))
    values["bogus"] = 1
    members(values)[observer]["role"] = "observer"

    with pytest.raises(ConfigError) as refused:
        parse_stack_config(values)

    paths = [p.path for p in refused.value.problems]
    assert "pantheon-oncall:bogus" in paths
    assert f"pantheon-oncall:team.schedules.{layer}.layers[0].members[0]" in paths, paths


def test_a_member_who_cannot_be_on_call_is_told_their_role_in_the_stack_files_words() -> None:
    values = copy.deepcopy(live())
    limited_stakeholder_as_a_target(values)

    with pytest.raises(ConfigError) as refused:
        parse_stack_config(values)

    assert [(p.path, p.value, p.message) for p in refused.value.problems] == [
        (
            "pantheon-oncall:team.schedules.default.layers[1].members[1]",
            "anita",
            "'anita' is read_only_limited_user (limited stakeholder), a role PagerDuty never puts "
            "on call: change members.anita.role",
        ),
        (
            "pantheon-oncall:team.escalation.rules[1].targets[0]",
            "user:anita",
            "'anita' is read_only_limited_user (limited stakeholder), a role PagerDuty never puts "
            "on call: change members.anita.role",
        ),
    ]


def test_a_default_a_member_cannot_take_is_named_with_the_way_out() -> None:
    values = copy.deepcopy(live())
    default_phone_step_without_a_number(values)

    with pytest.raises(ConfigError) as refused:
        parse_stack_config(values)

    assert str(refused.value).splitlines() == [
        "pantheon-oncall:team.members.joe: phone needs members.joe.phone, which is not set (from "
        "team.defaults.notify.high[2].via, which joe inherits; joe's own notify.high would "
        "replace it)"
    ]


def test_a_default_handoff_a_member_cannot_take_is_named() -> None:
    values = copy.deepcopy(live())
    values["team"]["defaults"]["handoff"]["via"] = "sms"
    del members(values)["joe"]["sms"]
    members(values)["joe"]["notify"] = {"high": [{"via": "email"}]}

    with pytest.raises(ConfigError) as refused:
        parse_stack_config(values)

    assert [(p.path, p.message) for p in refused.value.problems] == [
        (
            "pantheon-oncall:team.members.joe",
            "sms needs members.joe.sms, which is not set (from team.defaults.handoff.via, "
            "which joe inherits; joe's own handoff would replace it)",
        )
    ]


RESTRICTION = "pantheon-oncall:team.schedules.default.layers[1].restrictions[0]"


@pytest.mark.parametrize(
    ("restriction", "key", "value", "message"),
    [
        (
            {"type": "weekly", "durationHours": 8},
            "startDay",
            MISSING,
            "required for a weekly restriction: the day it opens",
        ),
        (
            {"type": "daily", "durationHours": 8, "startDay": "Monday"},
            "startDay",
            "Monday",
            "only a weekly restriction has a start day; a daily one repeats every day",
        ),
        (
            {"type": "daily", "durationHours": 24},
            "durationHours",
            24,
            "a daily restriction lasts less than 24 hours (1 to 86399 seconds)",
        ),
        (
            {"type": "weekly", "durationHours": 168, "startDay": "friday"},
            "durationHours",
            168,
            "a weekly restriction lasts less than 168 hours (1 to 604799 seconds)",
        ),
        (
            {"type": "daily", "durationHours": 0.0001},
            "durationHours",
            0.0001,
            "a daily restriction lasts at least a second (1 to 86399 seconds)",
        ),
    ],
)
def test_a_restriction_is_told_its_rules_at_the_key_written_in_hours_too(
    restriction: dict[str, Any], key: str, value: object, message: str
) -> None:
    # TeamOnCall's rule (components/team/schedules.py), checked on the seconds the config
    # converts the hours to, and reported at the stack file's key.
    values = copy.deepcopy(live())
    layer = values["team"]["schedules"]["default"]["layers"][1]
    layer["restrictions"] = [{"startTime": "09:00", **restriction}]

    with pytest.raises(ConfigError) as refused:
        parse_stack_config(values)

    assert [(p.path, p.value, p.message) for p in refused.value.problems] == [
        (f"{RESTRICTION}.{key}", value, message)
    ]


@pytest.mark.parametrize(
    ("start", "end", "fixed_start"),
    [
        ("2026-12-07T09:00:00", "2026-12-01T09:00:00", "2026-12-07T09:00:00-05:00"),
        # Without a start of its own, the layer starts at the earliest of the others'.
        (None, "2026-11-01T00:00:00-05:00", "2026-11-02T00:00:00-05:00"),
    ],
)
def test_a_layer_ending_before_it_starts_is_told_the_start_it_ends_before(
    start: str | None, end: str, fixed_start: str
) -> None:
    # TeamOnCall's rule (components/team/schedules.py), on the times the config fixed.
    values = copy.deepcopy(live())
    layer = values["team"]["schedules"]["default"]["layers"][1]
    if start is None:
        del layer["start"]
    layer["end"] = end

    with pytest.raises(ConfigError) as refused:
        parse_stack_config(values)

    assert [(p.path, p.value, p.message) for p in refused.value.problems] == [
        (
            "pantheon-oncall:team.schedules.default.layers[1].end",
            end,
            f"must be after the layer's start, {fixed_start}",
        )
    ]


SAME_EMAIL_TWICE = [{"via": "email"}, {"via": "email", "afterMinutes": 0}]
ALIKE = "same via and afterMinutes as {}: PagerDuty refuses a second rule alike"


def a_default_step_twice(v: dict[str, Any]) -> None:
    v["team"]["defaults"]["notify"]["low"] = copy.deepcopy(SAME_EMAIL_TWICE)


def and_joe_writes_his_own(v: dict[str, Any]) -> None:
    a_default_step_twice(v)
    members(v)["joe"]["notify"] = {"low": [{"via": "sms"}]}


def and_joe_is_existing(v: dict[str, Any]) -> None:
    a_default_step_twice(v)
    members(v)["joe"] = {"email": "joe@example.com", "existing": True}
    v["team"]["schedules"]["default"]["layers"][1]["members"] = ["anita"]


def a_step_of_his_own_twice(v: dict[str, Any]) -> None:
    members(v)["joe"]["notify"] = {"low": copy.deepcopy(SAME_EMAIL_TWICE)}


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        (a_default_step_twice, "defaults.notify.low[1]", ALIKE.format("defaults.notify.low[0]")),
        (and_joe_writes_his_own, "defaults.notify.low[1]", ALIKE.format("defaults.notify.low[0]")),
        (and_joe_is_existing, "defaults.notify.low[1]", ALIKE.format("defaults.notify.low[0]")),
        (
            a_step_of_his_own_twice,
            "members.joe.notify.low[1]",
            ALIKE.format("members.joe.notify.low[0]"),
        ),
    ],
    ids=lambda c: c.__name__ if callable(c) else None,
)
def test_two_steps_alike_are_one_problem_where_they_are_written(
    change: Callable[[dict[str, Any]], None], path: str, message: str
) -> None:
    # TeamOnCall's rule (components/team/checks.py), found on every member who inherits the
    # default and reported once, at the default, as a member's own at the member.
    values = copy.deepcopy(live())
    change(values)

    with pytest.raises(ConfigError) as refused:
        parse_stack_config(values)

    assert [(p.path, p.value, p.message) for p in refused.value.problems] == [
        (f"pantheon-oncall:team.{path}", {"via": "email", "afterMinutes": 0}, message)
    ]


OVERNIGHT = (
    "support hours end after they start, the same day (from {} to {}); PagerDuty has one window "
    "per day, so overnight support cannot be written"
)


@pytest.mark.parametrize(
    ("hours", "key", "message"),
    [
        ({"start": "09:00", "end": "08:00"}, "end", OVERNIGHT.format("09:00", "08:00")),
        ({"end": "09:00"}, "end", OVERNIGHT.format("09:00", "09:00")),
        # The end is the business hours' (17:00): the time to change is the one written.
        ({"start": "18:00"}, "start", OVERNIGHT.format("18:00", "17:00")),
    ],
)
def test_support_hours_ending_before_they_start_are_told_at_the_time_written(
    hours: dict[str, str], key: str, message: str
) -> None:
    # NewRelicPagerDutyChannel's rule (components/newrelic/sla_checks.py), on the hours the
    # config merged with the business hours.
    values = copy.deepcopy(live())
    values["pagerduty"]["supportHours"] = hours

    with pytest.raises(ConfigError) as refused:
        parse_stack_config(values)

    assert [(p.path, p.value, p.message) for p in refused.value.problems] == [
        (f"pantheon-oncall:pagerduty.supportHours.{key}", hours[key], message)
    ]


def test_an_alerts_rule_is_reported_in_the_same_run_as_a_problem_of_another_section() -> None:
    values = copy.deepcopy(live())
    values["bogus"] = 1
    values["pagerduty"]["supportHours"] = {"start": "18:00"}
    twelve_hour_ping(values)

    with pytest.raises(ConfigError) as refused:
        parse_stack_config(values)

    assert [p.path for p in refused.value.problems] == [
        "pantheon-oncall:bogus",
        "pantheon-oncall:newrelic.pingMonitor.period",
        "pantheon-oncall:pagerduty.supportHours.start",
    ]


def test_a_twelve_hour_ping_monitor_is_one_clear_problem_in_plan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = copy_project(tmp_path)
    stack = project / "stacks" / "Pulumi.guide-live.yaml"
    stack.write_text(stack.read_text().replace("period: EVERY_5_MINUTES", "period: EVERY_12_HOURS"))

    status = cli.run(["--project-dir", str(project), "plan", "guide-live"])
    out, err = capsys.readouterr()

    assert status == 1
    assert "refused its input" not in out + err
    assert "\\n" not in out + err
    line = next(line for line in err.splitlines() if "pingMonitor.period" in line)
    assert line.lstrip().startswith("pantheon-oncall:newrelic.pingMonitor.period: "), err
    assert "EVERY_12_HOURS" in line, line
    assert "6-hour" in line, line


def test_a_member_without_a_role_gets_the_same_role_from_the_config_and_the_component() -> None:
    values = copy.deepcopy(live())
    del members(values)["jane"]["role"]
    config = parse_stack_config(values)
    assert config.team is not None
    args = component_args.team_args(config.team)
    del args["members"]["jane"]["role"]  # as a program in another language may leave it out

    from_config = component_args.team_args(config.team)["members"]["jane"].get("role")

    def program() -> None:
        TeamOnCall("team", args)

    run = run_program(program)
    from_component = run.get(T.USER, "team-jane").inputs["role"]

    assert from_config == from_component == "limited_user"


def test_slacks_rule_speaks_the_stack_files_event_words() -> None:
    # SlackExtension checks PagerDuty's event types (incident.triggered); the stack file writes
    # the UI's words, and the message uses them.
    values = copy.deepcopy(live())
    values["slack"]["events"] = ["acknowledged", "resolved"]

    with pytest.raises(ConfigError) as refused:
        parse_stack_config(values)

    assert [(p.path, p.message) for p in refused.value.problems] == [
        ("pantheon-oncall:slack.events", "must include 'triggered' (PagerDuty requires it)")
    ]
