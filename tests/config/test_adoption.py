"""Adopting hand-made objects: the stack file can say exactly what exists, and the program sends it.

Pulumi's import compares what the program sends with what the provider reads back, and fails on
any difference. The provider reads back a user's description and job title, a schedule's and a
policy's description and teams (terraform-provider-pagerduty, pagerduty/resource_pagerduty_user
.go, resource_pagerduty_schedule.go, resource_pagerduty_escalation_policy.go); an absent
description is sent as the provider's placeholder "Managed by Pulumi", so "none" is written "".
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from oncall import program
from oncall.config import parse_stack_config, stackfile
from oncall.config.errors import ConfigError
from oncall.offline import engine
from oncall.offline.recorded import Run
from tests.support import PROJECT, T


def team_stack(**changes: Any) -> dict[str, Any]:
    """The team stack's team section with `changes` applied (dotted paths to values)."""
    config = stackfile.load(PROJECT, "team-agency").engine_config()
    team = json.loads(config["pantheon-oncall:team"])
    for path, value in changes.items():
        *parents, last = path.split(".")
        target = team
        for part in parents:
            target = target[part]
        target[last] = value
    return team


def run_team(team: dict[str, Any]) -> Run:
    config = stackfile.load(PROJECT, "team-agency").engine_config()
    config["pantheon-oncall:team"] = json.dumps(team)
    return engine.run_program(program.main, config=config)


def test_an_adopted_users_description_and_job_title_are_sent_exactly_none_as_empty() -> None:
    team = team_stack(createPagerdutyTeam=False)
    team["members"]["priya"] |= {
        "importId": "PPRIYA1",
        "description": "Runs on-call\n  since 2019 ",
        "jobTitle": "Lead",
    }
    team["members"]["marco"] |= {"importId": "PMARCO1", "description": ""}

    run = run_team(team)

    priya, marco = run.get(T.USER, "team-priya").inputs, run.get(T.USER, "team-marco").inputs
    assert (priya["description"], priya["jobTitle"]) == ("Runs on-call\n  since 2019 ", "Lead")
    assert marco["description"] == ""  # sent as none, not the provider's placeholder
    assert "jobTitle" not in marco
    # A user the stack creates keeps the stack's own description.
    lee = run.get(T.USER, "team-lee").inputs
    assert lee["description"] == (
        "On-call member of Example Agency On-Call (managed by pantheon-oncall)"
    )


def test_an_adopted_schedule_and_policy_keep_their_teams_and_no_description() -> None:
    team = team_stack(createPagerdutyTeam=False)
    team["schedules"]["primary"] |= {"importId": "PSCHED1", "description": "", "teams": ["PTEAM01"]}
    team["escalation"] |= {"importId": "PPOLICY", "description": "", "team": "PTEAM01"}

    run = run_team(team)

    schedule = run.get(T.SCHEDULE, "team-primary").inputs
    policy = run.get(T.ESCALATION_POLICY, "team-escalation").inputs
    assert (schedule["description"], schedule["teams"]) == ("", ["PTEAM01"])
    assert (policy["description"], policy["teams"]) == ("", "PTEAM01")


def test_a_created_team_comes_first_on_a_schedule_and_cannot_share_the_policy() -> None:
    team = team_stack()
    team["schedules"]["primary"]["teams"] = ["PTEAM01"]

    run = run_team(team)

    teams = run.get(T.SCHEDULE, "team-primary").inputs["teams"]
    assert len(teams) == 2
    assert teams[1] == "PTEAM01"
    team["escalation"]["team"] = "PTEAM01"
    with pytest.raises(ConfigError) as raised:
        parse_stack_config({"team": copy.deepcopy(team)})
    (problem,) = raised.value.problems
    assert str(problem).startswith("pantheon-oncall:team.escalation.team: createPagerdutyTeam")


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("members.priya.description", "bell\x07", "expected text without control characters"),
        ("schedules.primary.teams", ["nope"], "expected a PagerDuty id like PABC123"),
        ("escalation.team", "x", "expected a PagerDuty id like PABC123"),
    ],
)
def test_a_bad_adopted_value_is_one_problem_with_its_key_path(
    path: str, value: Any, message: str
) -> None:
    team = team_stack(**{path: value}, createPagerdutyTeam=False)

    with pytest.raises(ConfigError) as raised:
        parse_stack_config({"team": team})

    (problem,) = raised.value.problems
    assert str(problem).startswith(f"pantheon-oncall:team.{path}")
    assert message in str(problem)
