"""The NRQL alert conditions of NewRelicPagerDutyChannel: one per configured check whose signal
exists (a monitor to ping, an APM application to watch), all of one shape (`condition`).

The queries filter on ids, never on names (components.newrelic.nrql): the ping condition on the
monitor's id, the APM conditions on the GUID of the APM application, looked up by name so that a
wrong name fails the preview instead of leaving two conditions silent forever.
"""

from collections.abc import Mapping
from typing import Any, Final

import pulumi
import pulumi_newrelic as newrelic

from components._args import whole
from components.newrelic import nrql
from components.newrelic.args import (
    DEFAULT_PERIOD,
    NewRelicPagerDutyChannelArgs,
    PingFailureConditionArgs,
)
from components.vocabulary import PERIOD_SECONDS, MonitorPeriod


def create_conditions(
    parent: pulumi.Resource,
    name: str,
    args: NewRelicPagerDutyChannelArgs,
    policy: newrelic.AlertPolicy,
    monitor: newrelic.synthetics.Monitor | None,
) -> None:
    """The ping-failure condition when there is a monitor, then the APM error-rate and
    response-time conditions, each when configured."""
    conditions: Mapping[str, Any] = args.get("conditions") or {}
    ping_failure = conditions.get("pingFailure")
    if ping_failure is not None and monitor is not None:
        _ping_failure(parent, name, args, policy, monitor, ping_failure)
    error_rate = conditions.get("errorRate")
    response_time = conditions.get("responseTime")
    if not (error_rate or response_time):
        return
    app_guid = _app_guid(parent, args["appName"])
    fill = {"policy": args["policyName"], "app": args["appName"]}
    for role, condition, field, query, title, description in _APM_CONDITIONS:
        check: Mapping[str, Any] | None = conditions.get(condition)
        if check is None:
            continue
        minutes = whole(check["forMinutes"])
        value = {**fill, "value": nrql.number_text(check[field]), "minutes": minutes}
        condition_of(
            parent,
            name,
            role,
            policy,
            name_text=title.format(**value),
            description=description.format(**value),
            query=app_guid.apply(query),
            operator="above",
            threshold=check[field],
            window=nrql.APM_AGGREGATION_WINDOW,
            duration=minutes * 60,
            occurrences="ALL",
        )


_APM_CONDITIONS: Final = (
    (
        "error-rate",
        "errorRate",
        "percent",
        nrql.error_rate_nrql,
        "{policy}: error rate above {value}%",
        "More than {value}% of the web transactions of {app} failed for {minutes} minutes.",
    ),
    (
        "response-time",
        "responseTime",
        "seconds",
        nrql.response_time_nrql,
        "{policy}: response time above {value} s",
        "The average web transaction of {app} took more than {value} s for {minutes} minutes.",
    ),
)
"""The APM conditions: role, `conditions` key, threshold field, query, name and description. Each
pages when the signal stays above its threshold for `forMinutes`, in every aggregation window."""


def _app_guid(parent: pulumi.Resource, app: str) -> pulumi.Output[str]:
    """The GUID of the APM application named `app`; the preview fails when there is none.

    The lookup matches the name exactly within the provider's account
    (terraform-provider-newrelic, newrelic/data_source_newrelic_entity.go). `ignore_not_found`
    turns the provider's generic "no entities found" error into a warning, so that the error
    the user sees is this one, naming the app.
    """
    entity = newrelic.get_entity_output(
        name=app,
        domain=nrql.APM_DOMAIN,
        type=nrql.APM_TYPE,
        ignore_not_found=True,
        opts=pulumi.InvokeOutputOptions(parent=parent),
    )
    return entity.guid.apply(lambda guid: nrql.found_app(app, guid))


def _ping_failure(
    parent: pulumi.Resource,
    name: str,
    args: NewRelicPagerDutyChannelArgs,
    policy: newrelic.AlertPolicy,
    monitor: newrelic.synthetics.Monitor,
    condition: PingFailureConditionArgs,
) -> None:
    """Pages when the ping fails from `failingLocations` or more within one monitor period."""
    ping = args["pingMonitor"]  # the checks made sure it is there
    period = ping.get("period", DEFAULT_PERIOD)
    window = PERIOD_SECONDS[MonitorPeriod(period)]
    failing = whole(condition["failingLocations"])
    condition_of(
        parent,
        name,
        "ping-failure",
        policy,
        name_text=f"{args['policyName']}: ping failing from {failing}+ locations",
        description=(
            f"{args['siteUrl']} failed its ping check from at least {failing} of "
            f"{len(ping['locations'])} locations within one period ({period})."
        ),
        query=monitor.monitor_id.apply(nrql.ping_failure_nrql),
        operator="above_or_equals",
        threshold=failing,
        window=window,
        duration=window,
        occurrences="AT_LEAST_ONCE",
    )


def condition_of(
    parent: pulumi.Resource,
    name: str,
    role: str,
    policy: newrelic.AlertPolicy,
    *,
    name_text: str,
    description: str,
    query: pulumi.Output[str],
    operator: str,
    threshold: float,
    window: int,
    duration: int,
    occurrences: str,
) -> newrelic.NrqlAlertCondition:
    """A static NRQL condition `<name>-<role>` of `policy`, the one shape every condition has."""
    return newrelic.NrqlAlertCondition(
        f"{name}-{role}",
        policy_id=policy.id,
        type="static",
        name=name_text,
        description=description,
        enabled=True,
        nrql={"query": query},
        critical={
            "operator": operator,
            "threshold": threshold,
            "threshold_duration": duration,
            "threshold_occurrences": occurrences,
        },
        aggregation_window=window,
        aggregation_method="event_flow",
        aggregation_delay=nrql.AGGREGATION_DELAY_SECONDS,
        fill_option="none",
        violation_time_limit_seconds=nrql.VIOLATION_TIME_LIMIT_SECONDS,
        opts=pulumi.ResourceOptions(parent=parent),
    )
