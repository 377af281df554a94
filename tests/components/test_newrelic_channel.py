"""NewRelicPagerDutyChannel under the recording mocks: its children, their inputs, its outputs."""

import re
from collections.abc import Iterator
from typing import Any

import pulumi
import pytest

from components.newrelic.args import NewRelicPagerDutyChannelArgs
from components.newrelic.channel import NewRelicPagerDutyChannel
from components.newrelic.nrql import error_rate_nrql, ping_failure_nrql, response_time_nrql
from oncall.offline.engine import default_invoke_results, run_program
from oncall.offline.markers import COMPUTED, Secret
from oncall.offline.recorded import Registration, Run
from oncall.offline.schemacheck import check_run
from oncall.offline.schemas import SchemaSet
from tests.support import T, assert_children, children, key, only, problem_lines, run_component

NAME = "site"
COMPONENT = key(T.NEWRELIC_CHANNEL, NAME)
OUTPUTS = ("serviceId", "serviceUrl", "integrationKey", "policyId", "monitorId", "workflowId")


def live_args(**overrides: Any) -> NewRelicPagerDutyChannelArgs:
    """The live environment of the design's example stack."""
    args: dict[str, Any] = {
        "serviceName": "www.example.com",
        "escalationPolicyId": "PESC123",
        "urgency": "high",
        "policyName": "www.example.com",
        "siteUrl": "https://www.example.com/",
        "appName": "example (live)",
        "pingMonitor": {
            "period": "EVERY_5_MINUTES",
            "locations": ["US_EAST_1", "US_WEST_1", "EU_WEST_2"],
            "verifySsl": True,
        },
        "conditions": {
            "pingFailure": {"failingLocations": 2},
            "errorRate": {"percent": 5, "forMinutes": 5},
            "responseTime": {"seconds": 3, "forMinutes": 10},
        },
    }
    args.update(overrides)
    return args  # type: ignore[return-value]


def dev_args(**overrides: Any) -> NewRelicPagerDutyChannelArgs:
    """A dev environment: low urgency, no ping monitor, APM conditions only."""
    args: dict[str, Any] = dict(
        live_args(), urgency="low", siteUrl="https://dev-example.pantheonsite.io/"
    )
    del args["pingMonitor"]
    args["conditions"] = {
        "errorRate": {"percent": 10, "forMinutes": 10},
        "responseTime": {"seconds": 5, "forMinutes": 15},
    }
    args.update(overrides)
    return args  # type: ignore[return-value]


# The GUID the offline lookup of "example (live)" answers
# (oncall.offline.engine.COMPUTED_INVOKE_RESULTS).
APP_GUID = (
    "getentity-domain-apm--ignorenotfound-true--name-example--live---type-application-id-guid"
)
MONITOR_ID = "site-monitor-monitor-id"


def run(args: NewRelicPagerDutyChannelArgs, *, preview: bool = False) -> Run:
    return run_component(lambda: NewRelicPagerDutyChannel(NAME, args), OUTPUTS, preview=preview)


# --- assertion vocabulary ------------------------------------------------------------------------


def secrets_in(value: Any, inside: bool = False) -> list[Any]:
    """The plain values that sit inside a Secret anywhere in `value`."""
    if isinstance(value, Secret):
        return secrets_in(value.value, True)
    if isinstance(value, dict):
        return [s for item in value.values() for s in secrets_in(item, inside)]
    if isinstance(value, list):
        return [s for item in value for s in secrets_in(item, inside)]
    return [value] if inside else []


def condition(result: Run, role: str) -> Registration:
    return result.get(T.NRQL_CONDITION, f"{NAME}-{role}")


BASE_CHILDREN = [
    (T.SERVICE, "site-service"),
    (T.SERVICE_INTEGRATION, "site-integration"),
    (T.ALERT_POLICY, "site-policy"),
    (T.NOTIFICATION_DESTINATION, "site-destination"),
    (T.NOTIFICATION_CHANNEL, "site-channel"),
    (T.WORKFLOW, "site-workflow"),
]


# --- children ------------------------------------------------------------------------------------


def test_live_site_gets_ten_children_monitor_and_three_conditions() -> None:
    assert_children(
        run(live_args()),
        COMPONENT,
        [
            *BASE_CHILDREN,
            (T.MONITOR, "site-monitor"),
            (T.NRQL_CONDITION, "site-ping-failure"),
            (T.NRQL_CONDITION, "site-error-rate"),
            (T.NRQL_CONDITION, "site-response-time"),
        ],
    )


def test_dev_site_gets_no_monitor_and_no_ping_condition() -> None:
    assert_children(
        run(dev_args()),
        COMPONENT,
        [
            *BASE_CHILDREN,
            (T.NRQL_CONDITION, "site-error-rate"),
            (T.NRQL_CONDITION, "site-response-time"),
        ],
    )


def test_no_conditions_leaves_policy_and_notification_path_only() -> None:
    args = dev_args()
    del args["conditions"]
    del args["appName"]
    assert_children(run(args), COMPONENT, BASE_CHILDREN)


def test_every_child_is_parented_by_the_component() -> None:
    result = run(live_args())
    component = only(result, T.NEWRELIC_CHANNEL)
    assert component.parent == "pulumi:pulumi:Stack::pantheon-oncall-test"
    others = [r for r in result.resources if r is not component]
    assert others, "no children"
    assert [r.key for r in others if r.parent != COMPONENT] == []


def test_no_deprecated_resource_types_and_no_channel_ids() -> None:
    result = run(live_args())
    registered = {r.type for r in result.resources}
    deprecated = {T.ALERT_CHANNEL, T.ALERT_POLICY_CHANNEL, T.SYNTHETICS_ALERT_CONDITION}
    assert registered.isdisjoint(deprecated)
    assert "channelIds" not in only(result, T.ALERT_POLICY).inputs


def test_children_are_named_after_the_component() -> None:
    assert all(r.name.startswith(f"{NAME}-") for r in children(run(live_args()), COMPONENT))


# --- PagerDuty side ------------------------------------------------------------------------------


def test_service_pages_the_escalation_policy_at_constant_urgency() -> None:
    inputs = only(run(live_args()), T.SERVICE).inputs
    assert inputs["name"] == "www.example.com"
    assert inputs["escalationPolicy"] == "PESC123"
    assert inputs["incidentUrgencyRule"] == {"type": "constant", "urgency": "high"}
    assert inputs["description"] == "New Relic alerts for https://www.example.com/"


def test_service_never_auto_resolves_so_a_long_outage_keeps_paging() -> None:
    # The provider defaults auto_resolve_timeout to "14400" (4 hours;
    # terraform-provider-pagerduty, pagerduty/resource_pagerduty_service.go) while New Relic keeps
    # its issue open for days without a new trigger. New Relic's CLOSED resolves the incident.
    inputs = only(run(live_args()), T.SERVICE).inputs
    assert inputs["autoResolveTimeout"] == "null"


def test_service_acknowledgement_timeout_is_set_explicitly_to_30_minutes() -> None:
    assert only(run(live_args()), T.SERVICE).inputs["acknowledgementTimeout"] == "1800"


def test_service_timeouts_can_be_set_or_turned_off() -> None:
    args = live_args(autoResolveTimeout="86400", acknowledgementTimeout="null")
    inputs = only(run(args), T.SERVICE).inputs
    assert (inputs["autoResolveTimeout"], inputs["acknowledgementTimeout"]) == ("86400", "null")


def test_service_urgency_absent_leaves_pagerduty_default() -> None:
    args = live_args()
    del args["urgency"]
    assert "incidentUrgencyRule" not in only(run(args), T.SERVICE).inputs


def test_service_leaves_deprecated_alert_grouping_alone() -> None:
    inputs = only(run(live_args()), T.SERVICE).inputs
    assert not {"alertGrouping", "alertGroupingTimeout", "alertGroupingParameters"} & set(inputs)


def test_service_import_id_adopts_the_existing_service() -> None:
    result = run(live_args(serviceImportId="PSVC42"))
    assert only(result, T.SERVICE).import_id == "PSVC42"
    assert only(run(live_args()), T.SERVICE).import_id is None


def test_an_adopted_service_outlives_a_destroy_and_a_created_one_does_not() -> None:
    assert only(run(live_args(serviceImportId="PSVC42")), T.SERVICE).retain_on_delete
    assert not only(run(live_args()), T.SERVICE).retain_on_delete


def test_integration_uses_the_vendor_looked_up_by_name() -> None:
    result = run(live_args())
    lookups = [i for i in result.invokes if i.token == T.GET_VENDOR]
    assert [i.args for i in lookups] == [{"name": "New Relic"}]
    integration = only(result, T.SERVICE_INTEGRATION).inputs
    assert integration["vendor"] == "getvendor-name-new-relic-id"
    assert integration["service"] == "site-service-id"
    assert integration["name"] == "New Relic"


def test_vendor_id_override_skips_the_lookup() -> None:
    result = run(live_args(vendorId="PVEND99"))
    assert [i for i in result.invokes if i.token == T.GET_VENDOR] == []
    assert only(result, T.SERVICE_INTEGRATION).inputs["vendor"] == "PVEND99"


def test_integration_key_is_secret_as_output() -> None:
    assert run(live_args()).outputs["integrationKey"] == Secret("site-integration-key")


def test_integration_key_is_an_additional_secret_output_of_the_integration() -> None:
    assert (
        "integrationKey" in only(run(live_args()), T.SERVICE_INTEGRATION).additional_secret_outputs
    )


def test_integration_key_stays_secret_in_the_destination_auth_token() -> None:
    destination = only(run(live_args()), T.NOTIFICATION_DESTINATION).inputs
    assert "site-integration-key" in secrets_in(destination["authToken"])
    assert "site-integration-key" not in [
        v for k, v in destination.items() if k != "authToken" and not isinstance(v, Secret)
    ]


def test_outputs_name_service_policy_monitor_and_workflow() -> None:
    outputs = run(live_args()).outputs
    assert outputs["serviceId"] == "site-service-id"
    assert (
        outputs["serviceUrl"] == "https://example.pagerduty.com/service-directory/site-service-id"
    )
    assert outputs["policyId"] == "site-policy-id"
    assert outputs["monitorId"] == "site-monitor-id"
    assert outputs["workflowId"] == "site-workflow-id"


def test_monitor_output_is_absent_without_a_monitor() -> None:
    assert run(dev_args()).outputs.get("monitorId") is None


# --- New Relic side ------------------------------------------------------------------------------


def test_policy_defaults_to_per_policy_the_guides_first_critical_event() -> None:
    args = live_args()
    args.pop("incidentPreference", None)
    inputs = only(run(args), T.ALERT_POLICY).inputs
    assert inputs == {"name": "www.example.com", "incidentPreference": "PER_POLICY"}


def test_policy_incident_preference_can_be_overridden() -> None:
    policy = only(run(live_args(incidentPreference="PER_CONDITION")), T.ALERT_POLICY)
    assert policy.inputs["incidentPreference"] == "PER_CONDITION"


def test_monitor_pings_the_site_every_5_minutes_from_3_locations_verifying_ssl() -> None:
    inputs = only(run(live_args()), T.MONITOR).inputs
    assert inputs == {
        "name": "www.example.com",
        "type": "SIMPLE",
        "status": "ENABLED",
        "uri": "https://www.example.com/",
        "period": "EVERY_5_MINUTES",
        "locationsPublics": ["US_EAST_1", "US_WEST_1", "EU_WEST_2"],
        "verifySsl": True,
    }


def test_monitor_name_can_be_set_and_the_ping_condition_keeps_filtering_on_its_id() -> None:
    args = live_args()
    args["pingMonitor"]["name"] = "Joe's site ping"
    result = run(args)
    assert only(result, T.MONITOR).inputs["name"] == "Joe's site ping"
    query = condition(result, "ping-failure").inputs["nrql"]["query"]
    assert query.endswith(f"WHERE monitorId = '{MONITOR_ID}'")
    assert "Joe" not in query


def test_ping_condition_opens_when_2_locations_fail_within_one_period() -> None:
    inputs = condition(run(live_args()), "ping-failure").inputs
    assert inputs["policyId"] == "site-policy-id"
    assert inputs["type"] == "static"
    assert inputs["enabled"] is True
    assert inputs["nrql"] == {"query": ping_failure_nrql(MONITOR_ID)}
    assert inputs["critical"] == {
        "operator": "above_or_equals",
        "threshold": 2,
        "thresholdDuration": 300,
        "thresholdOccurrences": "AT_LEAST_ONCE",
    }
    assert inputs["aggregationWindow"] == 300


def test_ping_condition_window_follows_the_monitor_period() -> None:
    args = live_args()
    args["pingMonitor"]["period"] = "EVERY_15_MINUTES"
    inputs = condition(run(args), "ping-failure").inputs
    assert inputs["aggregationWindow"] == 900
    assert inputs["critical"]["thresholdDuration"] == 900


def test_error_rate_condition_opens_above_5_percent_for_5_minutes() -> None:
    inputs = condition(run(live_args()), "error-rate").inputs
    assert inputs["nrql"] == {"query": error_rate_nrql(APP_GUID)}
    assert inputs["critical"] == {
        "operator": "above",
        "threshold": 5,
        "thresholdDuration": 300,
        "thresholdOccurrences": "ALL",
    }
    assert inputs["aggregationWindow"] == 60


def test_response_time_condition_opens_above_3_seconds_for_10_minutes() -> None:
    inputs = condition(run(live_args()), "response-time").inputs
    assert inputs["nrql"] == {"query": response_time_nrql(APP_GUID)}
    assert inputs["critical"] == {
        "operator": "above",
        "threshold": 3,
        "thresholdDuration": 600,
        "thresholdOccurrences": "ALL",
    }


def test_conditions_avoid_deprecated_fields_and_carry_a_description() -> None:
    deprecated = {"terms", "violationTimeLimit"}
    for registration in run(live_args()).of_type(T.NRQL_CONDITION):
        inputs = registration.inputs
        assert not deprecated & set(inputs), registration.name
        assert "duration" not in inputs["critical"]
        assert "timeFunction" not in inputs["critical"]
        assert set(inputs["nrql"]) == {"query"}
        assert inputs["description"]
        assert inputs["violationTimeLimitSeconds"] == 259200


def test_destination_is_a_pagerduty_service_integration_with_the_token_prefix() -> None:
    inputs = only(run(live_args()), T.NOTIFICATION_DESTINATION).inputs
    assert inputs["type"] == "PAGERDUTY_SERVICE_INTEGRATION"
    assert inputs["properties"] == [{"key": "", "value": ""}]
    assert inputs["authToken"] == Secret(
        {"prefix": "Token token=", "token": "site-integration-key"}
    )


def test_channel_is_a_workflow_channel_of_the_destination_with_a_summary() -> None:
    inputs = only(run(live_args()), T.NOTIFICATION_CHANNEL).inputs
    assert inputs["product"] == "IINT"
    assert inputs["type"] == "PAGERDUTY_SERVICE_INTEGRATION"
    assert inputs["destinationId"] == "site-destination-id"
    assert inputs["properties"] == [{"key": "summary", "value": "{{ annotations.title.[0] }}"}]


# terraform-provider-newrelic appends its own "source" property when it creates a destination
# (helpers_newrelic_notifications.go, createMonitoringProperty) and hides a diff on it; since
# PlanResourceChange (pulumi-newrelic commit 5a63c823, fixing #875) nothing else has to list it.
# Listed by the program as well, the provider would send it twice.


def test_destination_and_channel_leave_the_providers_source_property_to_the_provider() -> None:
    result = run(live_args())
    for type_ in (T.NOTIFICATION_DESTINATION, T.NOTIFICATION_CHANNEL):
        keys = [p["key"] for p in only(result, type_).inputs["properties"]]
        assert "source" not in keys, type_


def test_workflow_sends_only_this_policys_issues_to_the_channel() -> None:
    inputs = only(run(live_args()), T.WORKFLOW).inputs
    assert inputs["issuesFilter"]["type"] == "FILTER"
    assert inputs["issuesFilter"]["predicates"] == [
        {
            "attribute": "labels.policyIds",
            "operator": "EXACTLY_MATCHES",
            "values": ["site-policy-id"],
        }
    ]
    assert [d["channelId"] for d in inputs["destinations"]] == ["site-channel-id"]
    assert inputs["mutingRulesHandling"] == "DONT_NOTIFY_FULLY_MUTED_ISSUES"
    assert inputs["enabled"] is True


def test_workflow_pages_on_activated_acknowledges_and_resolves_on_closed() -> None:
    # Left unset, the API chooses the triggers; set explicitly. The provider keeps the saved
    # order (terraform-provider-newrelic, structures_newrelic_workflow.go, normaliseTriggerList).
    (destination,) = only(run(live_args()), T.WORKFLOW).inputs["destinations"]
    assert destination["notificationTriggers"] == ["ACTIVATED", "ACKNOWLEDGED", "CLOSED"]


def test_workflow_muting_rules_handling_can_be_overridden() -> None:
    workflow = only(run(live_args(mutingRulesHandling="NOTIFY_ALL_ISSUES")), T.WORKFLOW)
    assert workflow.inputs["mutingRulesHandling"] == "NOTIFY_ALL_ISSUES"


def test_preview_leaves_ids_and_the_key_unknown_but_secret() -> None:
    result = run(live_args(), preview=True)
    assert result.outputs["integrationKey"] == Secret(COMPUTED)
    predicates = only(result, T.WORKFLOW).inputs["issuesFilter"]["predicates"]
    assert predicates[0]["values"] == [COMPUTED]


def test_none_is_taken_as_absent() -> None:
    args = live_args(serviceDescription=None, vendorId=None, serviceImportId=None)
    result = run(args)
    assert only(result, T.SERVICE).inputs["description"].startswith("New Relic alerts for")
    assert [i.token for i in result.invokes] == [T.GET_ENTITY, T.GET_VENDOR]


# --- NRQL ----------------------------------------------------------------------------------------


def testping_failure_nrql_counts_failing_locations_of_the_monitor_by_its_id() -> None:
    assert ping_failure_nrql("6f1c2d3e-0000-4000-8000-000000000001") == (
        "SELECT filter(uniqueCount(location), WHERE result = 'FAILED') "
        "FROM SyntheticCheck WHERE monitorId = '6f1c2d3e-0000-4000-8000-000000000001'"
    )


def testerror_rate_nrql_is_the_percentage_of_failed_web_transactions_of_the_app_guid() -> None:
    assert error_rate_nrql("MTIzNHxBUE18QVBQTElDQVRJT058NTY3") == (
        "SELECT percentage(count(*), WHERE error IS true) FROM Transaction "
        "WHERE entityGuid = 'MTIzNHxBUE18QVBQTElDQVRJT058NTY3' AND transactionType = 'Web'"
    )


def testresponse_time_nrql_is_the_average_web_transaction_duration_of_the_app_guid() -> None:
    assert response_time_nrql("MTIzNHxBUE18QVBQTElDQVRJT058NTY3") == (
        "SELECT average(duration) FROM Transaction "
        "WHERE entityGuid = 'MTIzNHxBUE18QVBQTElDQVRJT058NTY3' AND transactionType = 'Web'"
    )


def test_no_condition_quotes_a_name_from_the_args() -> None:
    args = live_args(appName="Joe's \\ site (live)", policyName="Joe's site")
    for registration in run(args).of_type(T.NRQL_CONDITION):
        query = registration.inputs["nrql"]["query"]
        assert "Joe" not in query
        assert "appName" not in query
        assert "monitorName" not in query


# --- APM application lookup ----------------------------------------------------------------------


def test_apm_app_is_looked_up_by_name_in_the_apm_domain() -> None:
    lookups = [i for i in run(live_args()).invokes if i.token == T.GET_ENTITY]
    assert [i.args for i in lookups] == [
        {
            "name": "example (live)",
            "domain": "APM",
            "type": "APPLICATION",
            "ignoreNotFound": True,
        }
    ]


def test_no_apm_condition_no_app_lookup() -> None:
    args = live_args()
    del args["conditions"]["errorRate"]
    del args["conditions"]["responseTime"]
    result = run(args)
    assert [i for i in result.invokes if i.token == T.GET_ENTITY] == []
    assert [r.name for r in result.of_type(T.NRQL_CONDITION)] == ["site-ping-failure"]


def test_an_apm_app_new_relic_does_not_know_fails_naming_it() -> None:
    def not_found(token: str, args: Any) -> dict[str, Any]:
        result = default_invoke_results(token, args, preview=True)
        if token == T.GET_ENTITY:
            result["guid"] = None  # what ignore_not_found leaves when nothing matched
        return result

    def program() -> None:
        NewRelicPagerDutyChannel(NAME, live_args())

    with pytest.raises(pulumi.RunError, match=r"^appName: New Relic has no APM application named "):
        run_program(
            program,
            invoke_handler=not_found,
            preview=True,
        )


# --- validation ----------------------------------------------------------------------------------


def _ping(**changes: Any) -> dict[str, Any]:
    return {"locations": ["US_EAST_1", "US_WEST_1", "EU_WEST_2"], **changes}


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"serviceName": ""}, r"^serviceName: "),
        ({"escalationPolicyId": ""}, r"^escalationPolicyId: "),
        ({"urgency": "urgent"}, r"^urgency: expected one of high, low"),
        ({"incidentPreference": "FIRST_CRITICAL"}, r"^incidentPreference: "),
        ({"mutingRulesHandling": "MUTE"}, r"^mutingRulesHandling: "),
        (
            {"autoResolveTimeout": 14400},
            r'^autoResolveTimeout: expected seconds as a string, e\.g\. "1800"',
        ),
        (
            {"acknowledgementTimeout": "30m"},
            r"^acknowledgementTimeout: expected seconds as a string",
        ),
        ({"acknowledgementTimeout": "0"}, r"^acknowledgementTimeout: expected seconds as a string"),
        ({"siteUrl": "www.example.com"}, r"^siteUrl: expected an absolute http\(s\) URL"),
        ({"pingMonitor": _ping(locations=[])}, r"^pingMonitor\.locations: "),
        (
            {"pingMonitor": _ping(locations=["US_EAST_1", "AWS_US_WEST_1"])},
            r"^pingMonitor\.locations\[1\]: public locations take no AWS_ prefix",
        ),
        ({"pingMonitor": _ping(locations=["us-east-1"])}, r"^pingMonitor\.locations\[0\]: "),
        (
            {"pingMonitor": _ping(locations=["US_EAST_1", "US_EAST_1"])},
            r"^pingMonitor\.locations\[1\]: duplicate of ",
        ),
        (
            {"pingMonitor": _ping(period="EVERY_2_MINUTES")},
            r"^pingMonitor\.period: expected one of",
        ),
        ({"pingMonitor": _ping(verifySsl="yes")}, r"^pingMonitor\.verifySsl: "),
        (
            {"pingMonitor": _ping(), "conditions": {"pingFailure": {"failingLocations": 4}}},
            r"^conditions\.pingFailure\.failingLocations: must be 1\.\.3",
        ),
        (
            {
                "pingMonitor": _ping(period="EVERY_DAY"),
                "conditions": {"pingFailure": {"failingLocations": 1}},
            },
            r"^pingMonitor\.period: EVERY_DAY is longer than the 6-hour",
        ),
        (
            {"conditions": {"errorRate": {"percent": 0, "forMinutes": 5}}},
            r"^conditions\.errorRate\.percent: ",
        ),
        (
            {"conditions": {"errorRate": {"percent": 101, "forMinutes": 5}}},
            r"^conditions\.errorRate\.percent: ",
        ),
        (
            {"conditions": {"errorRate": {"percent": 5, "forMinutes": 0}}},
            r"^conditions\.errorRate\.forMinutes: ",
        ),
        (
            {"conditions": {"responseTime": {"seconds": -1, "forMinutes": 5}}},
            r"^conditions\.responseTime\.seconds: ",
        ),
        (
            {"conditions": {"responseTime": {"seconds": 2, "forMinutes": 2.5}}},
            r"^conditions\.responseTime\.forMinutes: ",
        ),
    ],
)
def test_bad_input_raises_naming_the_field(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match="problem") as raised:
        run(live_args(**overrides))
    lines = problem_lines(raised.value)
    assert any(re.search(message, line) for line in lines), lines


def test_ping_condition_without_monitor_raises() -> None:
    with pytest.raises(ValueError, match=r"(?m)^  conditions\.pingFailure: needs pingMonitor"):
        run(dev_args(conditions={"pingFailure": {"failingLocations": 1}}))


def test_apm_condition_without_app_name_raises() -> None:
    args = dev_args()
    del args["appName"]
    with pytest.raises(ValueError, match=r"(?m)^  conditions\.errorRate: needs appName"):
        run(args)


# --- schemas -------------------------------------------------------------------------------------


def every_run() -> Iterator[Run]:
    for preview in (False, True):
        yield run(live_args(), preview=preview)
        yield run(dev_args(), preview=preview)
        yield run(live_args(vendorId="PVEND99", serviceImportId="PSVC42"), preview=preview)


def test_every_registration_and_lookup_conforms_to_the_provider_schemas(schemas: SchemaSet) -> None:
    violations = [v for result in every_run() for v in check_run(result, schemas)]
    assert violations == []
