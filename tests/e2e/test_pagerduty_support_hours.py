"""A service with support hours on the PagerDuty double: the bodies terraform-provider-pagerduty
sends (pagerduty/resource_pagerduty_service.go, buildServiceStruct, through heimweh/go-pagerduty's
Service: every field omitempty), the double's answers checked against the REST API's schemas
(tests/data/pagerduty_service_urgency_schema.json, copied from PagerDuty/api-schema), and the
refusals (e2e/doubles/pagerduty_support_hours.py)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from components.newrelic.channel import NewRelicPagerDutyChannel
from e2e.doubles.pagerduty import PagerDutyDouble
from e2e.doubles.pagerduty_support_hours import GENERAL_URGENCY, NEEDS_HOURS
from oncall.offline.recorded import Registration, Run
from tests.e2e.test_pagerduty_double import Client, new_user
from tests.pagerduty_run import account_from_run
from tests.support import TESTS, T, run_component

SCHEMA: dict[str, Any] = json.loads(
    (TESTS / "data" / "pagerduty_service_urgency_schema.json").read_text()
)


def schema_problems(value: Any, schema: dict[str, Any], path: str = "") -> list[str]:
    """What in `value` the OpenAPI schema does not allow: the keywords these schemas use ($ref,
    allOf, type, enum, properties, required, items, format time)."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return schema_problems(value, SCHEMA["components"]["schemas"][name], path)
    problems = [p for part in schema.get("allOf", []) for p in schema_problems(value, part, path)]
    kind = schema.get("type")
    types = {"object": dict, "array": list, "string": str, "integer": int}
    if kind in types and (not isinstance(value, types[kind]) or isinstance(value, bool)):
        return [*problems, f"{path}: {value!r} is not {kind}"]
    if "enum" in schema and value not in schema["enum"]:
        problems.append(f"{path}: {value!r} not in {schema['enum']}")
    if schema.get("format") == "time" and not re.fullmatch(r"\d\d:\d\d:\d\d", value):
        problems.append(f"{path}: {value!r} is not a time")
    if isinstance(value, dict):
        problems += [f"{path}.{k}: required" for k in schema.get("required", []) if k not in value]
        for key, sub in schema.get("properties", {}).items():
            if key in value:
                problems += schema_problems(value[key], sub, f"{path}.{key}")
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            problems += schema_problems(item, schema["items"], f"{path}[{index}]")
    return problems


def assert_fits_the_api_schema(service: dict[str, Any]) -> None:
    """The three urgency fields of an answered service, as Service's properties type them (a
    service without support hours has `support_hours` null, as the API answers it)."""
    for key, schema in SCHEMA["service_properties"].items():
        if service[key] is not None:
            assert schema_problems(service[key], schema, key) == []


# What buildServiceStruct sends for NewRelicPagerDutyChannel's supportHours (components/newrelic/
# sla.py): the rule without a general urgency (expandIncidentUrgencyRule leaves "" out), the
# support hours and the one action, field names and order as heimweh's structs marshal them.
RULE = {
    "during_support_hours": {"type": "constant", "urgency": "high"},
    "outside_support_hours": {"type": "constant", "urgency": "low"},
    "type": "use_support_hours",
}
HOURS = {
    "days_of_week": [1, 2, 3, 4, 5],
    "end_time": "17:00:00",
    "start_time": "09:00:00",
    "time_zone": "America/Lima",
    "type": "fixed_time_per_day",
}
ACTION = {
    "at": {"name": "support_hours_start", "type": "named_time"},
    "to_urgency": "high",
    "type": "urgency_change",
}


@pytest.fixture
def api() -> Iterator[Client]:
    with PagerDutyDouble() as double:
        yield Client(double.url)


def policy_ref(api: Client) -> dict[str, str]:
    uid = new_user(api)["id"]
    rules = [{"escalation_delay_in_minutes": 5, "targets": [{"id": uid, "type": "user_reference"}]}]
    policy = api.ok(
        "POST",
        "/escalation_policies",
        {"escalation_policy": {"name": "P", "escalation_rules": rules}},
    )
    return {"id": policy["escalation_policy"]["id"], "type": "escalation_policy_reference"}


def service_body(ref: dict[str, str], **urgency: Any) -> dict[str, Any]:
    return {
        "service": {
            "name": "example-live",
            "escalation_policy": ref,
            "alert_creation": "create_alerts_and_incidents",
            **urgency,
        }
    }


def test_support_hours_are_kept_and_read_back_as_the_api_answers_them(api: Client) -> None:
    ref = policy_ref(api)
    body = service_body(
        ref, incident_urgency_rule=RULE, support_hours=HOURS, scheduled_actions=[ACTION]
    )
    created = api.ok("POST", "/services", body)["service"]
    read = api.ok(
        "GET", f"/services/{created['id']}?include[]=auto_pause_notifications_parameters"
    )["service"]
    for service in (created, read):
        assert_fits_the_api_schema(service)
        # flattenIncidentUrgencyRule, flattenSupportHours and flattenScheduledActions read these.
        assert service["incident_urgency_rule"] == RULE
        assert service["support_hours"] == HOURS
        assert service["scheduled_actions"] == [ACTION]


def test_back_to_a_constant_rule_leaves_no_support_hours(api: Client) -> None:
    ref = policy_ref(api)
    body = service_body(
        ref, incident_urgency_rule=RULE, support_hours=HOURS, scheduled_actions=[ACTION]
    )
    sid = api.ok("POST", "/services", body)["service"]["id"]
    # The configuration without support hours: support_hours and scheduled_actions are left out.
    constant = {"type": "constant", "urgency": "high"}
    updated = api.ok("PUT", f"/services/{sid}", service_body(ref, incident_urgency_rule=constant))[
        "service"
    ]
    assert_fits_the_api_schema(updated)
    assert updated["incident_urgency_rule"] == constant
    assert (updated["support_hours"], updated["scheduled_actions"]) == (None, [])


@pytest.mark.parametrize(
    ("urgency", "message"),
    [
        # customizePagerDutyServiceDiff's two refusals, should a request get past them.
        (
            {
                "incident_urgency_rule": {**RULE, "urgency": "high"},
                "support_hours": HOURS,
                "scheduled_actions": [ACTION],
            },
            GENERAL_URGENCY,
        ),
        ({"incident_urgency_rule": RULE, "scheduled_actions": [ACTION]}, NEEDS_HOURS),
        # buildServiceStruct's one nil action when scheduled_actions is not configured.
        (
            {"incident_urgency_rule": RULE, "support_hours": HOURS, "scheduled_actions": [None]},
            "Scheduled action 0 None must be an object",
        ),
        (
            {"incident_urgency_rule": RULE, "support_hours": HOURS},
            "Scheduled actions are required with a use_support_hours incident urgency rule",
        ),
        (
            {
                "incident_urgency_rule": {"type": "constant", "urgency": "high"},
                "scheduled_actions": [ACTION],
            },
            "Scheduled actions require a use_support_hours incident urgency rule",
        ),
        (
            {"incident_urgency_rule": {"type": "sometimes"}},
            "Incident urgency rule type 'sometimes' must be one of constant, use_support_hours",
        ),
        (
            {"incident_urgency_rule": {"type": "constant", "urgency": "urgent"}},
            "Incident urgency rule urgency 'urgent' must be one of low, high, severity_based",
        ),
        (
            {
                "incident_urgency_rule": {
                    **RULE,
                    "during_support_hours": {"type": "constant", "urgency": "low"},
                    "outside_support_hours": {"type": "constant", "urgency": "high"},
                },
                "support_hours": HOURS,
                "scheduled_actions": [ACTION],
            },
            "Scheduled actions are only possible with high urgency during support hours and "
            "low urgency outside them",
        ),
        (
            {
                "incident_urgency_rule": RULE,
                "support_hours": {**HOURS, "time_zone": "Mars/Olympus"},
                "scheduled_actions": [ACTION],
            },
            "Support hours time zone 'Mars/Olympus' is not a valid time zone",
        ),
        (
            {
                "incident_urgency_rule": RULE,
                "support_hours": {**HOURS, "days_of_week": [0, 1]},
                "scheduled_actions": [ACTION],
            },
            "Support hours days_of_week [0, 1] must be distinct days 1 to 7",
        ),
        (
            {
                "incident_urgency_rule": RULE,
                "support_hours": {**HOURS, "start_time": "9:00"},
                "scheduled_actions": [ACTION],
            },
            "Support hours start_time '9:00' must be a time HH:MM:SS",
        ),
        (
            {
                "incident_urgency_rule": RULE,
                "support_hours": {**HOURS, "start_time": "18:00:00"},
                "scheduled_actions": [ACTION],
            },
            "Support hours start_time 18:00:00 must be before end_time 17:00:00",
        ),
        (
            {
                "incident_urgency_rule": RULE,
                "support_hours": HOURS,
                "scheduled_actions": [{**ACTION, "to_urgency": "low"}],
            },
            "Scheduled action 0 to_urgency 'low' must be high",
        ),
        (
            {
                "incident_urgency_rule": RULE,
                "support_hours": HOURS,
                "scheduled_actions": [{**ACTION, "at": {"type": "named_time", "name": "noon"}}],
            },
            "Scheduled action 0 at {'type': 'named_time', 'name': 'noon'} must be a named_time of "
            "support_hours_start or support_hours_end",
        ),
    ],
)
def test_what_the_api_and_the_provider_refuse_is_400_and_nothing_is_kept(
    api: Client, urgency: dict[str, Any], message: str
) -> None:
    status, answer = api.call("POST", "/services", service_body(policy_ref(api), **urgency))
    assert status == 400
    assert answer["error"]["code"] == 2001
    assert message in answer["error"]["errors"]
    assert api.ok("GET", "/services")["services"] == []


def test_the_schema_refuses_what_the_double_refuses_by_the_reference() -> None:
    # The same values the double refuses where the API reference types them.
    assert schema_problems(
        {**ACTION, "to_urgency": "low"}, {"$ref": "#/components/schemas/ScheduledAction"}
    )
    assert schema_problems(
        {"type": "sometimes"}, SCHEMA["service_properties"]["incident_urgency_rule"]
    )
    assert schema_problems(
        {**HOURS, "start_time": "9:00"}, SCHEMA["service_properties"]["support_hours"]
    )
    assert schema_problems(
        [{"type": "urgency_change"}], SCHEMA["service_properties"]["scheduled_actions"]
    )


def test_support_hours_need_the_accounts_ability() -> None:
    with PagerDutyDouble(abilities=["teams", "urgencies"]) as double:
        api = Client(double.url)
        body = service_body(
            policy_ref(api),
            incident_urgency_rule=RULE,
            support_hours=HOURS,
            scheduled_actions=[ACTION],
        )
        status, answer = api.call("POST", "/services", body)
        assert (status, answer["error"]["code"]) == (402, 2012)
        assert api.ok("GET", "/services")["services"] == []


def test_a_mock_engine_run_with_support_hours_seeds_them_under_the_apis_names() -> None:
    # The component's own service inputs (the bridge's names: daysOfWeeks, ats), deployed under
    # the mocks, then the account that deploy leaves, seeded into the double.
    channel = run_component(
        lambda: NewRelicPagerDutyChannel(
            "site",
            {
                "serviceName": "www.example.com",
                "escalationPolicyId": "escalation-id",
                "policyName": "www.example.com",
                "siteUrl": "https://www.example.com/",
                "supportHours": {
                    "timeZone": "America/Lima",
                    "daysOfWeek": [1, 2, 3, 4, 5],
                    "startTime": "09:00:00",
                    "endTime": "17:00:00",
                },
            },
        ),
        ["serviceId"],
    )
    user = {"name": "Jane", "email": "jane@example.com", "role": "user", "timeZone": "UTC"}
    target = [{"type": "user_reference", "id": "jane-id"}]
    policy = {"name": "Escalation", "rules": [{"escalationDelayInMinutes": 5, "targets": target}]}
    run = Run(
        resources=[
            Registration(T.USER, "jane", "urn:jane", "", user, True),
            Registration(T.ESCALATION_POLICY, "escalation", "urn:escalation", "", policy, True),
            *channel.of_type(T.SERVICE),
        ]
    )
    with PagerDutyDouble() as double:
        double.seed(account_from_run(run))
        (service,) = double.state()["services"]
    assert_fits_the_api_schema(service)
    assert (service["incident_urgency_rule"], service["scheduled_actions"]) == (RULE, [ACTION])
    assert service["support_hours"] == {**HOURS, "time_zone": "America/Lima"}
