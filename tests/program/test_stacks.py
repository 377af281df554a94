"""Whole-program tests: each fixture stack (tests/project/stacks/) planned offline, as make plan.

Each stack is loaded the way `pulumi` loads it, run through `__main__.py`'s program under the mock
engine in preview mode, and every registration checked against the providers' schemas. The guide's
stack (guide-live) is also checked for what the guide says it must contain.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from pathlib import Path

import pulumi
import pulumi_pagerduty as pagerduty
import pytest

from oncall.config import stackfile
from oncall.offline import plan as planning
from oncall.offline import render
from oncall.offline.engine import run_program
from oncall.offline.plan import Plan, plan_stack
from oncall.offline.schemacheck import check_run
from oncall.offline.schemas import SchemaSet
from tests.support import PROJECT, T

ROOT = Path(__file__).resolve().parents[2]
STACKS = stackfile.stack_names(PROJECT)


@pytest.fixture(scope="module")
def plans() -> dict[str, Plan]:
    return {stack: plan_stack(PROJECT, stack) for stack in STACKS}


def test_the_expected_stacks_exist() -> None:
    assert {"guide-live", "guide-test", "guide-dev", "team-agency"} <= set(STACKS)


@pytest.mark.parametrize("stack", STACKS)
def test_every_stack_fits_the_provider_schemas(stack: str, schemas: SchemaSet) -> None:
    plan = plan_stack(PROJECT, stack, schemas=schemas)

    assert plan.violations == ()
    assert plan.run.resources, f"{stack} registers nothing"


@pytest.mark.parametrize("stack", STACKS)
def test_planning_a_stack_twice_gives_byte_identical_json(stack: str) -> None:
    first = planning.to_json(plan_stack(PROJECT, stack))
    second = planning.to_json(plan_stack(PROJECT, stack))

    assert first == second


def counts(plan: Plan) -> Counter[str]:
    return Counter(render.short_type(r.type) for r in plan.run.resources)


def test_example_live_is_the_guide_step_for_step(plans: dict[str, Plan]) -> None:
    plan = plans["guide-live"]

    assert counts(plan) == {
        "pantheon-oncall:TeamOnCall": 1,
        "pagerduty:User": 3,
        "pagerduty:UserContactMethod": 6,
        "pagerduty:UserNotificationRule": 6,
        "pagerduty:UserHandoffNotificationRule": 3,
        "pagerduty:Schedule": 1,
        "pagerduty:EscalationPolicy": 1,
        "pantheon-oncall:NewRelicPagerDutyChannel": 1,
        "pagerduty:Service": 1,
        "pagerduty:ServiceIntegration": 1,
        "newrelic:AlertPolicy": 1,
        "newrelic:synthetics:Monitor": 1,
        "newrelic:synthetics:CertCheckMonitor": 1,  # www.example.com is a custom domain
        "newrelic:NrqlAlertCondition": 4,
        "newrelic:NotificationDestination": 1,
        "newrelic:NotificationChannel": 1,
        "newrelic:Workflow": 1,
        "pantheon-oncall:SlackExtension": 1,
        "slack:Conversation": 1,
        "pagerduty:SlackConnection": 1,
    }
    service = plan.run.get(T.SERVICE, "alerts-service").inputs
    assert service["name"] == "New Relic"
    assert service["incidentUrgencyRule"] == {"type": "constant", "urgency": "high"}
    policy = plan.run.get(T.ALERT_POLICY, "alerts-policy").inputs
    assert policy["incidentPreference"] == "PER_POLICY"
    schedule = plan.run.get(T.SCHEDULE, "team-default").inputs
    assert [layer["name"] for layer in schedule["layers"]] == ["Backstop", "Weekly rotation"]
    # The backstop covers from the first deploy on; the rotation starts at its first handoff.
    assert [layer["start"] for layer in schedule["layers"]] == [
        "2026-11-02T00:00:00-05:00",
        "2026-12-07T09:00:00-05:00",
    ]
    escalation = plan.run.get(T.ESCALATION_POLICY, "team-escalation")
    assert escalation.inputs["name"] == "Default"
    slack = plan.run.get(T.SLACK_CONNECTION, "slack-service")
    assert slack.inputs["configs"] == [
        {
            "events": [
                "incident.triggered",
                "incident.acknowledged",
                "incident.resolved",
                "incident.reassigned",
            ],
            "priorities": ["*"],
        }
    ]


def test_the_phone_rule_waits_15_minutes_for_every_guide_member(plans: dict) -> None:
    run = plans["guide-live"].run
    for member in ("jane", "joe", "anita"):
        rule = run.get(
            T.NOTIFICATION_RULE,
            f"team-{member}-high-phone-15m",
        ).inputs
        assert rule["startDelayInMinutes"] == 15
        assert rule["urgency"] == "high"
        assert rule["contactMethod"]["type"] == "phone_contact_method"


def test_the_test_preset_pages_in_business_hours_and_pings_every_15_minutes_from_one_place(
    plans: dict,
) -> None:
    run = plans["guide-test"].run
    service = run.get(T.SERVICE, "alerts-service").inputs
    monitor = run.get(T.MONITOR, "alerts-monitor").inputs

    assert service["incidentUrgencyRule"]["type"] == "use_support_hours"
    assert service["supportHours"]["daysOfWeeks"] == [1, 2, 3, 4, 5]
    assert (service["supportHours"]["startTime"], service["supportHours"]["endTime"]) == (
        "09:00:00",
        "17:00:00",
    )
    assert monitor["period"] == "EVERY_15_MINUTES"
    assert monitor["locationsPublics"] == ["US_EAST_1"]
    assert monitor["uri"] == "https://test-example.pantheonsite.io/"


def test_the_dev_preset_has_no_ping_monitor_and_pages_the_existing_policy(plans: dict) -> None:
    run = plans["guide-dev"].run

    assert run.of_type(T.MONITOR) == []
    names = {r.name for r in run.of_type(T.NRQL_CONDITION)}
    assert names == {"alerts-error-rate", "alerts-response-time"}
    assert [i.token for i in run.invokes] == [
        T.GET_ENTITY,
        T.GET_ESCALATION_POLICY,
        T.GET_VENDOR,
    ]
    service = run.get(T.SERVICE, "alerts-service").inputs
    assert service["escalationPolicy"] == "(looked up: getEscalationPolicy name=Default)"


def test_site_stacks_of_a_team_stack_create_no_people(plans: dict) -> None:
    for stack in ("guide-test", "store-live"):
        run = plans[stack].run
        assert run.of_type(T.USER) == []
        reference = run.get(T.STACK_REFERENCE, "organization/pantheon-oncall/team-agency")
        assert reference.inputs["name"] == "organization/pantheon-oncall/team-agency"


def test_the_team_stack_exports_what_site_stacks_read(plans: dict) -> None:
    plan = plans["team-agency"]

    assert set(plan.run.outputs) == {
        "escalationPolicyId",
        "scheduleIds",
        "userIds",
        "teamId",
        "timeZone",
    }
    assert plan.run.outputs["timeZone"] == "America/Chicago"
    assert plan.run.of_type(T.SERVICE) == []


def test_the_integration_key_is_secret_everywhere_in_the_plan(plans: dict) -> None:
    data = planning.to_data(plans["guide-live"])
    assert data["outputs"]["integrationKey"] == {"secret": True}
    destination = next(r for r in data["resources"] if r["name"] == "alerts-destination")
    assert destination["inputs"]["authToken"] == {"secret": True}
    integration = next(r for r in data["resources"] if r["name"] == "alerts-integration")
    assert integration["additionalSecretOutputs"] == ["integrationKey"]


def test_plan_json_lists_parents_before_children(plans: dict) -> None:
    resources = json.loads(planning.to_json(plans["guide-live"]))["resources"]
    seen: set[str] = set()
    for r in resources:
        assert r["parent"] is None or r["parent"] in seen, r["name"]
        seen.add(f"{r['type']}::{r['name']}")


def test_a_bad_stack_fails_whole_before_registering_anything() -> None:
    from pulumi.runtime.stack import run_pulumi_func

    from oncall import program
    from oncall.offline import engine

    loaded = stackfile.load(PROJECT, "guide-live")
    config = loaded.engine_config()
    team = json.loads(config["pantheon-oncall:team"])
    team["members"]["joe"]["phone"] = "555-CALL-NOW"
    config["pantheon-oncall:team"] = json.dumps(team)

    with engine.mocked_runtime(config=config, preview=True) as mocks:
        loop = asyncio.get_event_loop()
        with pytest.raises(pulumi.RunError, match=r"pantheon-oncall:team\.members\.joe\.phone"):
            loop.run_until_complete(run_pulumi_func(program.main))
        assert mocks.to_run({}).resources == []


@pytest.mark.parametrize("stack", STACKS)
def test_no_stack_plans_with_warnings(stack: str, plans: dict[str, Plan]) -> None:
    assert plans[stack].run.warnings == []


def test_the_check_flags_a_name_or_description_left_to_the_provider(schemas: SchemaSet) -> None:
    def program() -> None:
        pagerduty.Service("bare", escalation_policy="P1")

    run = run_program(program)

    assert sorted(check_run(run, schemas)) == [
        f'{T.SERVICE} bare: description: not set; the provider would say "Managed by Pulumi"',
        f"{T.SERVICE} bare: name: not set; the provider would invent one with a random suffix",
    ]
