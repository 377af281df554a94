"""NewRelicPagerDutyChannel's support hours and certificate check under the recording mocks: the
inputs PagerDuty and New Relic receive, written out by hand from the providers' rules."""

from typing import Any

import pulumi
import pytest

from components.newrelic.args import NewRelicPagerDutyChannelArgs
from components.newrelic.channel import NewRelicPagerDutyChannel
from oncall.offline.recorded import Run
from oncall.offline.schemacheck import check_run
from oncall.offline.schemas import SchemaSet
from tests.support import T, key, only, problem_lines, run_component

NAME = "site"
CERT_CHECK = "newrelic:synthetics/certCheckMonitor:CertCheckMonitor"


def args(**extra: Any) -> NewRelicPagerDutyChannelArgs:
    """A site with no conditions: what differs is what the test adds."""
    base: dict[str, Any] = {
        "serviceName": "www.example.com",
        "escalationPolicyId": "PESC123",
        "policyName": "www.example.com",
        "siteUrl": "https://www.example.com/",
    }
    base.update(extra)
    return base  # type: ignore[return-value]


BUSINESS_HOURS = {
    "timeZone": "America/Chicago",
    "daysOfWeek": [1, 2, 3, 4, 5],
    "startTime": "09:00:00",
    "endTime": "17:00:00",
}
CERTIFICATE = {
    "domain": "www.example.com",
    "daysBeforeExpiry": 14,
    "period": "EVERY_6_HOURS",
    "locations": ["US_EAST_1"],
}


def run(a: NewRelicPagerDutyChannelArgs, preview: bool = False) -> Run:
    return run_component(lambda: NewRelicPagerDutyChannel(NAME, a), ["serviceId"], preview=preview)


def service_inputs(a: NewRelicPagerDutyChannelArgs) -> dict[str, Any]:
    return only(run(a), T.SERVICE).inputs


def test_support_hours_page_high_during_and_low_outside_and_raise_open_incidents_at_start() -> None:
    inputs = service_inputs(args(supportHours=BUSINESS_HOURS))
    assert inputs["incidentUrgencyRule"] == {
        "type": "use_support_hours",
        "duringSupportHours": {"type": "constant", "urgency": "high"},
        "outsideSupportHours": {"type": "constant", "urgency": "low"},
    }
    assert inputs["supportHours"] == {
        "type": "fixed_time_per_day",
        "timeZone": "America/Chicago",
        "daysOfWeeks": [1, 2, 3, 4, 5],
        "startTime": "09:00:00",
        "endTime": "17:00:00",
    }
    assert inputs["scheduledActions"] == [
        {
            "type": "urgency_change",
            "toUrgency": "high",
            "ats": [{"type": "named_time", "name": "support_hours_start"}],
        }
    ]


def test_one_urgency_sends_a_constant_rule_and_no_support_hours() -> None:
    inputs = service_inputs(args(urgency="low"))
    assert inputs["incidentUrgencyRule"] == {"type": "constant", "urgency": "low"}
    assert "supportHours" not in inputs
    assert "scheduledActions" not in inputs


def test_support_hours_zone_may_be_another_stacks_output() -> None:
    def create() -> NewRelicPagerDutyChannel:
        zone = pulumi.Output.from_input("Europe/Berlin")  # as a StackReference output is
        return NewRelicPagerDutyChannel(
            NAME, args(supportHours={**BUSINESS_HOURS, "timeZone": zone})
        )

    inputs = only(run_component(create, ["serviceId"]), T.SERVICE).inputs
    assert inputs["supportHours"]["timeZone"] == "Europe/Berlin"


def test_certificate_check_watches_the_domain_with_the_current_node_runtime() -> None:
    result = run(args(certificateMonitor=CERTIFICATE))
    monitor = only(result, CERT_CHECK)
    assert monitor.name == "site-certificate"
    assert monitor.parent == key(T.NEWRELIC_CHANNEL, NAME)
    assert monitor.inputs == {
        "name": "www.example.com certificate",
        "domain": "www.example.com",
        "certificateExpiration": 14,
        "period": "EVERY_6_HOURS",
        "status": "ENABLED",
        "locationsPublics": ["US_EAST_1"],
        "runtimeType": "NODE_API",
        "runtimeTypeVersion": "22.20.0",
    }


def test_certificate_condition_pages_on_any_failed_check_within_one_period() -> None:
    result = run(args(certificateMonitor={**CERTIFICATE, "period": "EVERY_HOUR"}))
    condition = next(
        r for r in result.of_type(T.NRQL_CONDITION) if r.name == "site-certificate-expiry"
    )
    inputs = condition.inputs
    assert inputs["policyId"] == "site-policy-id"
    assert inputs["name"] == "www.example.com: certificate expires within 14 days"
    assert inputs["nrql"] == {
        "query": "SELECT filter(count(*), WHERE result = 'FAILED') FROM SyntheticCheck "
        "WHERE monitorId = 'site-certificate-monitor-id'"
    }
    assert inputs["critical"] == {
        "operator": "above",
        "threshold": 0,
        "thresholdDuration": 3600,
        "thresholdOccurrences": "AT_LEAST_ONCE",
    }
    assert inputs["aggregationWindow"] == 3600
    assert inputs["enabled"] is True


def test_no_certificate_monitor_no_certificate_resources() -> None:
    result = run(args())
    assert result.of_type(CERT_CHECK) == []
    assert [r.name for r in result.of_type(T.NRQL_CONDITION)] == []


@pytest.mark.parametrize(
    ("extra", "line"),
    [
        (
            {"urgency": "high", "supportHours": BUSINESS_HOURS},
            "urgency: not with supportHours (high during them, low outside)",
        ),
        (
            {"supportHours": {**BUSINESS_HOURS, "endTime": "08:00:00"}},
            "supportHours.endTime: support hours end after they start, the same day (from 09:00 "
            "to 08:00); PagerDuty has one window per day, so overnight support cannot be written "
            "(got '08:00:00')",
        ),
        (
            {"supportHours": {**BUSINESS_HOURS, "daysOfWeek": [1, 8]}},
            "supportHours.daysOfWeek[1]: must be 1..7 (1 = Monday) (got 8)",
        ),
        (
            {"supportHours": {**BUSINESS_HOURS, "timeZone": "Mars/Olympus"}},
            "supportHours.timeZone: expected an IANA time zone like America/New_York "
            "(got 'Mars/Olympus')",
        ),
        (
            {"supportHours": {**BUSINESS_HOURS, "startTime": "9:00"}},
            "supportHours.startTime: expected a time like \"09:00:00\" (got '9:00')",
        ),
        (
            {"certificateMonitor": {**CERTIFICATE, "period": "EVERY_DAY"}},
            "certificateMonitor.period: EVERY_DAY is longer than the 6-hour window of the "
            "condition on its failures: EVERY_6_HOURS or shorter",
        ),
        (
            {"certificateMonitor": {**CERTIFICATE, "daysBeforeExpiry": 0}},
            "certificateMonitor.daysBeforeExpiry: must be at least 1 (got 0)",
        ),
        (
            {"certificateMonitor": {**CERTIFICATE, "locations": ["AWS_US_EAST_1"]}},
            "certificateMonitor.locations[0]: public locations take no AWS_ prefix: write "
            "'US_EAST_1' (got 'AWS_US_EAST_1')",
        ),
    ],
)
def test_bad_service_level_input_is_refused_with_its_path(extra: dict[str, Any], line: str) -> None:
    with pytest.raises(pulumi.InputPropertiesError) as raised:
        run(args(**extra))
    assert line in problem_lines(raised.value)


def test_doubles_from_other_languages_are_whole_days() -> None:
    cert = {**CERTIFICATE, "daysBeforeExpiry": 30.0}
    hours = {**BUSINESS_HOURS, "daysOfWeek": [6.0, 7.0]}
    result = run(args(certificateMonitor=cert, supportHours=hours))
    assert only(result, CERT_CHECK).inputs["certificateExpiration"] == 30
    assert only(result, T.SERVICE).inputs["supportHours"]["daysOfWeeks"] == [6, 7]


def test_support_hours_and_certificate_check_conform_to_the_provider_schemas(
    schemas: SchemaSet,
) -> None:
    a = args(supportHours=BUSINESS_HOURS, certificateMonitor=CERTIFICATE)
    violations = [v for preview in (False, True) for v in check_run(run(a, preview), schemas)]
    assert violations == []
