"""Safe change: on live, and on team stacks (which page live sites), the PagerDuty users,
schedules and escalation policies are protected, so an update that would delete or replace a
person, a schedule or a policy fails instead; `pantheon-oncall:protect` decides otherwise.
Adopted objects are also retained on delete."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any, cast

import pytest
import yaml

from components.team.args import TeamOnCallArgs
from components.team.component import TeamOnCall
from oncall.config import StackConfig, TeamStackConfig, parse_stack_config
from oncall.config.errors import ConfigError
from oncall.offline.plan import plan_stack, to_json
from tests.components.test_team import COMPONENT, NAME, OUTPUTS, guide_team
from tests.config.test_config import example
from tests.support import PROJECT, T, all_but, copy_project, run_component

ROOT = Path(__file__).resolve().parents[2]
PROTECTED = {T.USER, T.SCHEDULE, T.ESCALATION_POLICY}


def site(env: str, **extra: Any) -> dict[str, Any]:
    values = example()
    values["site"]["env"] = env
    return values | extra


def team_stack(**extra: Any) -> dict[str, Any]:
    return {"team": example()["team"], **extra}


# --- The config: on for live and team stacks, `protect` decides -----------------------------------


@pytest.mark.parametrize(
    ("env", "protected"), [("live", True), ("test", False), ("dev", False), ("pr-12", False)]
)
def test_protect_is_on_for_live_and_off_for_other_environments(env: str, protected: bool) -> None:
    config = parse_stack_config(site(env))
    assert isinstance(config, StackConfig)
    assert config.protect is protected


def test_protect_is_on_for_a_team_stack_which_pages_live_sites() -> None:
    config = parse_stack_config(team_stack())
    assert isinstance(config, TeamStackConfig)
    assert config.protect is True


@pytest.mark.parametrize("value", [False, "false", "False"])
def test_protect_false_opts_out_on_live_and_on_a_team_stack(value: object) -> None:
    # "false": a top-level value reaches the program as the string the engine passes.
    assert parse_stack_config(site("live", protect=value)).protect is False
    config = parse_stack_config(team_stack(protect=value))
    assert isinstance(config, TeamStackConfig)
    assert config.protect is False


@pytest.mark.parametrize("value", [True, "true"])
def test_protect_true_opts_in_on_dev(value: object) -> None:
    assert parse_stack_config(site("dev", protect=value)).protect is True


@pytest.mark.parametrize("value", ["no", 0, "", None, {"users": True}])
def test_protect_is_true_or_false_and_nothing_else(value: object) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_stack_config(site("live", protect=value))
    assert [(p.path, p.message) for p in raised.value.problems] == [
        ("pantheon-oncall:protect", "expected true or false")
    ]


# --- The component: users, schedules and the policy; not their contact methods and rules ----------


def run(protect: bool | None, **changes: Any) -> Any:
    args = guide_team()
    if protect is not None:
        args["protect"] = protect
    for member, import_id in changes.items():
        args["members"][member]["importId"] = import_id
    team = cast(TeamOnCallArgs, copy.deepcopy(args))
    return run_component(lambda: TeamOnCall(NAME, team), OUTPUTS)


def test_protect_covers_users_schedules_and_the_policy_only() -> None:
    registered = all_but(run(protect=True), COMPONENT)

    assert {r.type for r in registered if r.protect} == PROTECTED
    assert all(r.protect for r in registered if r.type in PROTECTED)
    # A number or a rule changes routinely: never protected (children would inherit it).
    assert {r.type for r in registered if not r.protect} >= {
        T.CONTACT_METHOD,
        T.NOTIFICATION_RULE,
        T.HANDOFF_RULE,
    }


@pytest.mark.parametrize("protect", [False, None], ids=["false", "absent"])
def test_without_protect_nothing_is_protected(protect: bool | None) -> None:
    assert not any(r.protect for r in run(protect=protect).resources)


def test_an_adopted_protected_user_is_still_retained_on_delete() -> None:
    registered = run(protect=True, jane="PJANE01")
    jane = registered.get(T.USER, f"{NAME}-jane")

    assert (jane.import_id, jane.protect, jane.retain_on_delete) == ("PJANE01", True, True)
    assert not registered.get(T.USER, f"{NAME}-joe").retain_on_delete


# --- The stacks -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stack", "protected"),
    [("guide-live", True), ("team-agency", True), ("guide-test", False)],
)
def test_the_plan_json_marks_what_is_protected(stack: str, protected: bool) -> None:
    data = json.loads(to_json(plan_stack(PROJECT, stack)))

    marked = {r["type"] for r in data["resources"] if r["protect"]}
    assert marked == (PROTECTED if protected else set())
    assert not any(r["protect"] for r in data["resources"] if r["type"] == T.SERVICE)


@pytest.mark.parametrize("stack", ["guide-live", "team-agency"])
def test_protect_false_in_a_stack_file_reaches_the_program_and_protects_nothing(
    tmp_path: Path, stack: str
) -> None:
    # The engine passes a top-level value to the program as the string "false".
    copy_project(tmp_path)
    path = tmp_path / "stacks" / f"Pulumi.{stack}.yaml"
    doc = yaml.safe_load(path.read_text())
    doc["config"]["pantheon-oncall:protect"] = False
    path.write_text(yaml.safe_dump(doc))

    resources = plan_stack(tmp_path, stack).run.resources
    assert {r.type for r in resources} >= PROTECTED
    assert not any(r.protect for r in resources)
