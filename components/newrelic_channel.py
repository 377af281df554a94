"""NewRelicPagerDutyChannel: New Relic alerts for one Pantheon site, paging through PagerDuty.

The guide's "Add Services" step as code. On the PagerDuty side a service bound to an escalation
policy, with a New Relic integration whose key is kept secret. On the New Relic side an alert
policy, an optional synthetics ping monitor for the site URL, NRQL alert conditions (ping failing
from N locations, APM error rate, APM response time), and the notification path that replaced the
deprecated alert channels: a PagerDuty destination holding the integration key, a channel (the
message template), and a workflow that sends this policy's issues, and only those, to it.

The NRQL strings are built by the pure module-level functions `_ping_failure_nrql`,
`_error_rate_nrql` and `_response_time_nrql` (tested on their own). They filter on ids, never on
names: the ping condition on the monitor's id, the APM conditions on the GUID of the APM
application, which is looked up by name (`newrelic.get_entity`) so that a wrong name fails the
preview instead of leaving two conditions silent forever. No user text goes into NRQL.
"""

from collections.abc import Mapping
from enum import StrEnum
from typing import Any, Final, NotRequired, TypedDict, cast
from urllib.parse import urlsplit

import pulumi
import pulumi_newrelic as newrelic
import pulumi_pagerduty as pagerduty

from components._args import Problems, whole, without_none
from components.vocabulary import (
    LOCATION,
    MAX_AGGREGATION_WINDOW,
    MAX_ERROR_PERCENT,
    MAX_FOR_MINUTES,
    MIN_FOR_MINUTES,
    PERIOD_SECONDS,
    IncidentPreference,
    MonitorPeriod,
    MutingRulesHandling,
    Urgency,
)

TYPE_TOKEN = "pantheon-oncall:index:NewRelicPagerDutyChannel"

DEFAULT_VENDOR_NAME = "New Relic"
DEFAULT_INCIDENT_PREFERENCE = IncidentPreference.PER_POLICY.value
# Muting rules are how a New Relic user silences a maintenance window; a workflow that notifies
# about fully muted issues would page through it anyway.
DEFAULT_MUTING_RULES_HANDLING = MutingRulesHandling.DONT_NOTIFY_FULLY_MUTED_ISSUES.value
DEFAULT_PERIOD = MonitorPeriod.EVERY_5_MINUTES.value
# PagerDuty service timeouts, seconds as strings; "null" turns one off. The provider's defaults
# (terraform-provider-pagerduty, pagerduty/resource_pagerduty_service.go: auto_resolve_timeout
# Default "14400", acknowledgement_timeout Default "1800") are set when the input is absent; with
# "null" it sends JSON null (the client's Service struct has no omitempty on either field), which
# the PagerDuty API takes as "disabled".
TIMEOUT_OFF = "null"
# New Relic keeps an issue open for up to 3 days (VIOLATION_TIME_LIMIT_SECONDS) without sending a
# new trigger: a PagerDuty auto-resolve after 4 hours would silence a long outage. New Relic's
# CLOSED notification resolves the incident instead (NOTIFICATION_TRIGGERS).
DEFAULT_AUTO_RESOLVE_TIMEOUT = TIMEOUT_OFF
# An acknowledged incident that nobody resolves triggers again after 30 minutes and "starts the
# notification process from the beginning" (PagerDuty, support.pagerduty.com "Acknowledgement
# Timeouts"): an outage someone acknowledged and then forgot pages again. 1800 is the provider's
# default too; set explicitly so that it does not depend on the provider version.
DEFAULT_ACKNOWLEDGEMENT_TIMEOUT = "1800"
# Which issue events the workflow sends to PagerDuty: ACTIVATED triggers the incident, ACKNOWLEDGED
# acknowledges it and CLOSED resolves it. Left unset the API picks them; set explicitly. The
# provider keeps the order of the saved state (terraform-provider-newrelic,
# newrelic/structures_newrelic_workflow.go, normaliseTriggerList), so the list causes no diff.
NOTIFICATION_TRIGGERS = ("ACTIVATED", "ACKNOWLEDGED", "CLOSED")
# The APM application the APM conditions watch (newrelic.get_entity's domain and type).
APM_DOMAIN = "APM"
APM_TYPE = "APPLICATION"
# terraform-provider-newrelic adds this property to every notification destination and channel it
# creates (newrelic/helpers_newrelic_notifications.go, createMonitoringProperty) and reads it back,
# so a program that does not list it sees a change on every preview (pulumi/pulumi-newrelic#551,
# #875). The workaround documented there: list it first, as the provider stores it.
SOURCE_PROPERTY: Final[Any] = {
    "key": "source",
    "label": "terraform-source-internal",
    "value": "terraform",
}

APM_AGGREGATION_WINDOW = 60
# New Relic force-closes an incident that stays open this long (its default, 3 days); closing it
# would resolve the PagerDuty incident while the site may still be down, so keep it long.
VIOLATION_TIME_LIMIT_SECONDS = 259200
AGGREGATION_DELAY_SECONDS = "120"
# The PagerDuty summary line: the New Relic issue title.
PAGERDUTY_SUMMARY_TEMPLATE = "{{ annotations.title.[0] }}"


class PingMonitorArgs(TypedDict):
    """A New Relic synthetics ping (SIMPLE) monitor for the site URL."""

    name: NotRequired[str]
    """Monitor name. Default: the site URL's host name."""
    period: NotRequired[str]
    """How often each location checks: EVERY_MINUTE, EVERY_5_MINUTES (default), EVERY_10_MINUTES,
    EVERY_15_MINUTES, EVERY_30_MINUTES, EVERY_HOUR, EVERY_6_HOURS, EVERY_12_HOURS or EVERY_DAY."""
    locations: list[str]
    """Public locations to check from, without the AWS_ prefix (e.g. US_EAST_1, EU_WEST_2)."""
    verifySsl: NotRequired[bool]
    """Fail the check when the TLS certificate chain does not validate. Default true."""


class PingFailureConditionArgs(TypedDict):
    """Open an incident when the ping monitor fails from several locations at once."""

    failingLocations: int
    """How many locations must fail within one monitor period (1..number of locations)."""


class ErrorRateConditionArgs(TypedDict):
    """Open an incident when the APM error rate of the site's web transactions stays high."""

    percent: float
    """Error rate threshold in percent of web transactions (above, 0 < percent <= 100)."""
    forMinutes: int
    """Minutes the error rate must stay above the threshold (1..1440)."""


class ResponseTimeConditionArgs(TypedDict):
    """Open an incident when the average APM response time of web transactions stays high."""

    seconds: float
    """Average web transaction duration threshold in seconds (above, > 0)."""
    forMinutes: int
    """Minutes the average must stay above the threshold (1..1440)."""


class NewRelicConditionsArgs(TypedDict):
    """The alert conditions of the policy; each one absent is not created."""

    pingFailure: NotRequired[PingFailureConditionArgs]
    """Ping failing from N locations (needs `pingMonitor`)."""
    errorRate: NotRequired[ErrorRateConditionArgs]
    """APM error rate of the site's app (needs `appName`)."""
    responseTime: NotRequired[ResponseTimeConditionArgs]
    """APM average response time of the site's app (needs `appName`)."""


class NewRelicPagerDutyChannelArgs(TypedDict):
    """Inputs of NewRelicPagerDutyChannel."""

    serviceName: str
    """Name of the PagerDuty service (Pantheon's rewrite of the guide: the site's domain)."""
    serviceDescription: NotRequired[str]
    """Description of the PagerDuty service. Default: "New Relic alerts for <siteUrl>"."""
    escalationPolicyId: pulumi.Input[str]
    """Id of the PagerDuty escalation policy the service pages."""
    urgency: NotRequired[str]
    """Constant urgency of the service's incidents: high (pages, escalates) or low. Default:
    PagerDuty's own (high)."""
    autoResolveTimeout: NotRequired[str]
    """Seconds (as a string, e.g. "14400") after which PagerDuty resolves an incident that is
    still open, or "null" (the default): never; New Relic resolves it when its issue closes."""
    acknowledgementTimeout: NotRequired[str]
    """Seconds (as a string) after which an acknowledged incident that is still open triggers and
    pages again, or "null": never. Default "1800" (30 minutes)."""
    serviceImportId: NotRequired[str]
    """Id of an existing PagerDuty service to adopt (Pulumi import) instead of creating one. Its
    settings must match these inputs or the import fails."""
    vendorName: NotRequired[str]
    """PagerDuty vendor to look up for the integration. Default "New Relic"."""
    vendorId: NotRequired[str]
    """PagerDuty vendor id to use instead of the lookup by name (whose fallback to partial
    matching can return the wrong vendor)."""
    policyName: str
    """Name of the New Relic alert policy."""
    incidentPreference: NotRequired[str]
    """How the policy groups incidents into issues: PER_POLICY (default; the guide's "first
    critical event": one page per outage), PER_CONDITION or PER_CONDITION_AND_TARGET."""
    mutingRulesHandling: NotRequired[str]
    """Whether muted issues still page: DONT_NOTIFY_FULLY_MUTED_ISSUES (default),
    DONT_NOTIFY_FULLY_OR_PARTIALLY_MUTED_ISSUES or NOTIFY_ALL_ISSUES."""
    siteUrl: str
    """The site's URL, e.g. https://www.example.com/ (what the ping monitor checks)."""
    appName: NotRequired[str]
    """The site's New Relic APM application name, exactly as New Relic lists it (required by the
    APM conditions). It is looked up (domain APM, type APPLICATION); a name New Relic does not know
    fails the preview, and the conditions filter on the application's GUID."""
    pingMonitor: NotRequired[PingMonitorArgs]
    """The synthetics ping monitor; absent: no monitor (dev and multidev environments)."""
    conditions: NotRequired[NewRelicConditionsArgs]
    """The alert conditions; absent: none."""


class NewRelicPagerDutyChannel(pulumi.ComponentResource):
    """New Relic alerting for one Pantheon site, delivered to a PagerDuty service.

    Children: a PagerDuty service and its New Relic integration (vendor looked up by name unless
    `vendorId` is given); a New Relic alert policy; optionally a synthetics ping monitor; one NRQL
    condition per configured check; and the notification path: a PAGERDUTY_SERVICE_INTEGRATION
    destination holding the integration key, its channel and a workflow filtered on
    `labels.policyIds` = this policy. The deprecated alert channels (`AlertChannel`,
    `AlertPolicyChannel`, the policy's `channel_ids`) are never used.

    The integration key is a secret everywhere: in state, in the component output and in the
    destination's auth token.
    """

    serviceId: pulumi.Output[str]
    """Id of the PagerDuty service."""
    serviceUrl: pulumi.Output[str]
    """Web address of the PagerDuty service."""
    integrationKey: pulumi.Output[str]
    """Events API key of the New Relic integration (secret)."""
    policyId: pulumi.Output[str]
    """Id of the New Relic alert policy."""
    monitorId: pulumi.Output[str] | None
    """Entity GUID of the synthetics ping monitor; absent without a monitor."""
    workflowId: pulumi.Output[str]
    """Id of the New Relic workflow that notifies PagerDuty."""

    def __init__(
        self,
        name: str,
        args: NewRelicPagerDutyChannelArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        # Checked before anything is registered: bad args leave nothing behind.
        args = cast(NewRelicPagerDutyChannelArgs, without_none(args))
        _validate(args)
        super().__init__(TYPE_TOKEN, name, None, opts)
        self._name = name
        self._args = args

        service, integration_key = self._create_pagerduty_service()
        policy = self._create_policy()
        monitor = self._create_monitor()
        self._create_conditions(policy, monitor)
        workflow = self._create_notification_path(policy, integration_key)

        self.serviceId = service.id
        self.serviceUrl = service.html_url
        self.integrationKey = integration_key
        self.policyId = policy.id
        self.monitorId = monitor.id if monitor is not None else None
        self.workflowId = workflow.id
        self.register_outputs(
            {
                "serviceId": self.serviceId,
                "serviceUrl": self.serviceUrl,
                "integrationKey": self.integrationKey,
                "policyId": self.policyId,
                "monitorId": self.monitorId,
                "workflowId": self.workflowId,
            }
        )

    def _create_pagerduty_service(self) -> tuple[pagerduty.Service, pulumi.Output[str]]:
        args = self._args
        urgency = args.get("urgency")
        service = pagerduty.Service(
            f"{self._name}-service",
            name=args["serviceName"],
            description=args.get("serviceDescription") or f"New Relic alerts for {args['siteUrl']}",
            escalation_policy=args["escalationPolicyId"],
            incident_urgency_rule=(
                {"type": "constant", "urgency": urgency} if urgency is not None else None
            ),
            auto_resolve_timeout=args.get("autoResolveTimeout", DEFAULT_AUTO_RESOLVE_TIMEOUT),
            acknowledgement_timeout=args.get(
                "acknowledgementTimeout", DEFAULT_ACKNOWLEDGEMENT_TIMEOUT
            ),
            # An adopted service (created by hand before this stack) outlives a destroy.
            opts=pulumi.ResourceOptions(
                parent=self,
                import_=args.get("serviceImportId"),
                retain_on_delete="serviceImportId" in args,
            ),
        )
        vendor_id: pulumi.Input[str]
        if "vendorId" in args:
            vendor_id = args["vendorId"]
        else:
            vendor_name = args.get("vendorName", DEFAULT_VENDOR_NAME)
            vendor_id = pagerduty.get_vendor_output(
                name=vendor_name, opts=pulumi.InvokeOptions(parent=self)
            ).id
        integration = pagerduty.ServiceIntegration(
            f"{self._name}-integration",
            name="New Relic",
            service=service.id,
            vendor=vendor_id,
            opts=pulumi.ResourceOptions(parent=self, additional_secret_outputs=["integrationKey"]),
        )
        integration_key: pulumi.Output[str] = pulumi.Output.secret(integration.integration_key)
        return service, integration_key

    def _create_policy(self) -> newrelic.AlertPolicy:
        return newrelic.AlertPolicy(
            f"{self._name}-policy",
            name=self._args["policyName"],
            incident_preference=self._args.get("incidentPreference", DEFAULT_INCIDENT_PREFERENCE),
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _create_monitor(self) -> newrelic.synthetics.Monitor | None:
        ping = self._args.get("pingMonitor")
        if ping is None:
            return None
        return newrelic.synthetics.Monitor(
            f"{self._name}-monitor",
            name=_monitor_name(self._args["siteUrl"], ping),
            type="SIMPLE",
            status="ENABLED",
            uri=self._args["siteUrl"],
            period=ping.get("period", DEFAULT_PERIOD),
            locations_publics=list(ping["locations"]),
            verify_ssl=ping.get("verifySsl", True),
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _app_guid(self) -> pulumi.Output[str]:
        """The GUID of the APM application named `appName`; the preview fails when there is none.

        The lookup matches the name exactly within the provider's account
        (terraform-provider-newrelic, newrelic/data_source_newrelic_entity.go). `ignore_not_found`
        turns the provider's generic "no entities found" error into a warning, so that the error
        the user sees is this one, naming the app.
        """
        app = self._args["appName"]
        entity = newrelic.get_entity_output(
            name=app,
            domain=APM_DOMAIN,
            type=APM_TYPE,
            ignore_not_found=True,
            opts=pulumi.InvokeOutputOptions(parent=self),
        )
        return entity.guid.apply(lambda guid: _found_app(app, guid))

    def _create_conditions(
        self, policy: newrelic.AlertPolicy, monitor: newrelic.synthetics.Monitor | None
    ) -> None:
        conditions = self._args.get("conditions") or {}
        label = self._args["policyName"]
        ping_failure = conditions.get("pingFailure")
        if ping_failure is not None and monitor is not None:
            ping = self._args["pingMonitor"]  # _validate made sure it is there
            period = ping.get("period", DEFAULT_PERIOD)
            window = PERIOD_SECONDS[MonitorPeriod(period)]
            failing = whole(ping_failure["failingLocations"])
            self._condition(
                "ping-failure",
                policy,
                name=f"{label}: ping failing from {failing}+ locations",
                description=(
                    f"{self._args['siteUrl']} failed its ping check from at least {failing} of "
                    f"{len(ping['locations'])} locations within one period ({period})."
                ),
                query=monitor.monitor_id.apply(_ping_failure_nrql),
                operator="above_or_equals",
                threshold=failing,
                window=window,
                duration=window,
                occurrences="AT_LEAST_ONCE",
            )
        error_rate = conditions.get("errorRate")
        response_time = conditions.get("responseTime")
        app_guid = self._app_guid() if error_rate or response_time else None
        if error_rate is not None and app_guid is not None:
            minutes = whole(error_rate["forMinutes"])
            self._condition(
                "error-rate",
                policy,
                name=f"{label}: error rate above {_number(error_rate['percent'])}%",
                description=(
                    f"More than {_number(error_rate['percent'])}% of the web transactions of "
                    f"{self._args['appName']} failed for {minutes} minutes."
                ),
                query=app_guid.apply(_error_rate_nrql),
                operator="above",
                threshold=error_rate["percent"],
                window=APM_AGGREGATION_WINDOW,
                duration=minutes * 60,
                occurrences="ALL",
            )
        if response_time is not None and app_guid is not None:
            minutes = whole(response_time["forMinutes"])
            self._condition(
                "response-time",
                policy,
                name=f"{label}: response time above {_number(response_time['seconds'])} s",
                description=(
                    f"The average web transaction of {self._args['appName']} took more than "
                    f"{_number(response_time['seconds'])} s for {minutes} minutes."
                ),
                query=app_guid.apply(_response_time_nrql),
                operator="above",
                threshold=response_time["seconds"],
                window=APM_AGGREGATION_WINDOW,
                duration=minutes * 60,
                occurrences="ALL",
            )

    def _condition(
        self,
        role: str,
        policy: newrelic.AlertPolicy,
        *,
        name: str,
        description: str,
        query: pulumi.Output[str],
        operator: str,
        threshold: float,
        window: int,
        duration: int,
        occurrences: str,
    ) -> newrelic.NrqlAlertCondition:
        return newrelic.NrqlAlertCondition(
            f"{self._name}-{role}",
            policy_id=policy.id,
            type="static",
            name=name,
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
            aggregation_delay=AGGREGATION_DELAY_SECONDS,
            fill_option="none",
            violation_time_limit_seconds=VIOLATION_TIME_LIMIT_SECONDS,
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _create_notification_path(
        self, policy: newrelic.AlertPolicy, integration_key: pulumi.Output[str]
    ) -> newrelic.Workflow:
        label = f"{self._args['serviceName']} (PagerDuty)"
        destination = newrelic.NotificationDestination(
            f"{self._name}-destination",
            name=label,
            type="PAGERDUTY_SERVICE_INTEGRATION",
            # A service-integration destination has no properties, yet the API needs the block.
            properties=[SOURCE_PROPERTY, {"key": "", "value": ""}],
            auth_token={"prefix": "Token token=", "token": integration_key},
            opts=pulumi.ResourceOptions(parent=self),
        )
        channel = newrelic.NotificationChannel(
            f"{self._name}-channel",
            name=label,
            type="PAGERDUTY_SERVICE_INTEGRATION",
            product="IINT",
            destination_id=destination.id,
            properties=[SOURCE_PROPERTY, {"key": "summary", "value": PAGERDUTY_SUMMARY_TEMPLATE}],
            opts=pulumi.ResourceOptions(parent=self),
        )
        return newrelic.Workflow(
            f"{self._name}-workflow",
            name=f"{self._args['policyName']} to PagerDuty",
            enabled=True,
            muting_rules_handling=self._args.get(
                "mutingRulesHandling", DEFAULT_MUTING_RULES_HANDLING
            ),
            issues_filter={
                "name": f"{self._args['policyName']} policy",
                "type": "FILTER",
                "predicates": [
                    {
                        "attribute": "labels.policyIds",
                        "operator": "EXACTLY_MATCHES",
                        "values": [policy.id],
                    }
                ],
            },
            destinations=[
                {"channel_id": channel.id, "notification_triggers": list(NOTIFICATION_TRIGGERS)}
            ],
            opts=pulumi.ResourceOptions(parent=self),
        )


def _ping_failure_nrql(monitor_id: str) -> str:
    """Number of distinct locations whose check of the monitor failed in the window.

    The monitor id (a UUID, not the entity GUID) stays in the WHERE clause and the failure test
    goes into filter(), so the signal is 0 (not missing) while every check passes: the condition
    can close again.
    """
    return (
        "SELECT filter(uniqueCount(location), WHERE result = 'FAILED') "
        f"FROM SyntheticCheck WHERE monitorId = '{monitor_id}'"
    )


def _error_rate_nrql(app_guid: str) -> str:
    """Percentage of the app's web transactions that ended in an error."""
    return (
        "SELECT percentage(count(*), WHERE error IS true) FROM Transaction "
        f"WHERE entityGuid = '{app_guid}' AND transactionType = 'Web'"
    )


def _response_time_nrql(app_guid: str) -> str:
    """Average duration in seconds of the app's web transactions (cron and drush runs excluded)."""
    return (
        "SELECT average(duration) FROM Transaction "
        f"WHERE entityGuid = '{app_guid}' AND transactionType = 'Web'"
    )


def _found_app(app: str, guid: str | None) -> str:
    """The APM application's GUID, or the error that fails the preview when there is none (a
    RunError: Pulumi prints its message without a Python traceback)."""
    if not guid:
        raise pulumi.RunError(
            f"appName: New Relic has no APM application named {app!r} in this account (looked up "
            "with domain APM, type APPLICATION): give the name exactly as New Relic lists it "
            "under APM, or leave the APM conditions (errorRate, responseTime) out"
        )
    return guid


def _monitor_name(site_url: str, ping: PingMonitorArgs) -> str:
    """The monitor's name: given, or the site's host name."""
    return ping.get("name") or urlsplit(site_url).hostname or site_url


def _number(value: float) -> str:
    """5.0 -> "5", 2.5 -> "2.5" (for names and descriptions)."""
    return f"{value:g}"


_CONDITION_SHAPES: dict[str, type] = {
    "pingFailure": PingFailureConditionArgs,
    "errorRate": ErrorRateConditionArgs,
    "responseTime": ResponseTimeConditionArgs,
}


def _validate(args: NewRelicPagerDutyChannelArgs) -> None:
    """Reject bad input before anything is registered: every problem, each with its path."""
    p = Problems("NewRelicPagerDutyChannel")
    raw: Mapping[str, object] = args
    p.unknown_keys("", raw, NewRelicPagerDutyChannelArgs)
    for key in ("serviceName", "policyName", "siteUrl"):
        p.text(key, raw.get(key))
    if raw.get("escalationPolicyId") in (None, ""):
        p.add("escalationPolicyId", "required, the id of a PagerDuty escalation policy")
    for key in ("serviceDescription", "serviceImportId", "vendorName", "vendorId", "appName"):
        if key in raw:
            p.text(key, raw[key])
    for key in ("autoResolveTimeout", "acknowledgementTimeout"):
        if key in raw:
            _timeout(p, key, raw[key])
    _one_of(p, "urgency", raw.get("urgency"), Urgency)
    _one_of(p, "incidentPreference", raw.get("incidentPreference"), IncidentPreference)
    _one_of(p, "mutingRulesHandling", raw.get("mutingRulesHandling"), MutingRulesHandling)
    site_url = raw.get("siteUrl")
    url = urlsplit(site_url) if isinstance(site_url, str) else None
    if isinstance(site_url, str) and (
        url is None or url.scheme not in ("https", "http") or not url.hostname
    ):
        p.add("siteUrl", f"expected an absolute http(s) URL (got {site_url!r})")

    ping = args.get("pingMonitor")
    locations = _validate_ping_monitor(p, ping) if ping is not None else None
    conditions = args.get("conditions") or {}
    if not isinstance(conditions, Mapping):
        p.add("conditions", f"expected an object (got {conditions!r})")
        conditions = {}
    p.unknown_keys("conditions", conditions, NewRelicConditionsArgs)
    given: Mapping[str, object] = conditions
    usable = {
        key
        for key, shape in _CONDITION_SHAPES.items()
        if key in given and p.keys(f"conditions.{key}", given[key], shape)
    }
    ping_failure = conditions.get("pingFailure") if "pingFailure" in usable else None
    if ping_failure is not None:
        if ping is None:
            p.add("conditions.pingFailure", "needs pingMonitor (there is nothing to ping)")
        elif locations is not None:
            p.integer(
                "conditions.pingFailure.failingLocations",
                ping_failure.get("failingLocations"),
                1,
                locations,
                f"(the monitor checks from {locations} locations)",
            )
        period = ping.get("period", DEFAULT_PERIOD) if ping is not None else DEFAULT_PERIOD
        if (
            period in PERIOD_SECONDS
            and PERIOD_SECONDS[MonitorPeriod(period)] > MAX_AGGREGATION_WINDOW
        ):
            p.add(
                "pingMonitor.period",
                f"{period} is longer than the 6-hour window limit of an alert condition; the "
                "ping-failure condition needs EVERY_6_HOURS or shorter",
            )
    error_rate = conditions.get("errorRate") if "errorRate" in usable else None
    if error_rate is not None:
        _needs_app(p, "errorRate", raw)
        percent = error_rate.get("percent")
        if p.number("conditions.errorRate.percent", percent) and not (
            0 < float(percent) <= MAX_ERROR_PERCENT
        ):
            p.add("conditions.errorRate.percent", f"must be 0 < percent <= 100 (got {percent!r})")
        p.integer(
            "conditions.errorRate.forMinutes",
            error_rate.get("forMinutes"),
            MIN_FOR_MINUTES,
            MAX_FOR_MINUTES,
        )
    response_time = conditions.get("responseTime") if "responseTime" in usable else None
    if response_time is not None:
        _needs_app(p, "responseTime", raw)
        seconds = response_time.get("seconds")
        if p.number("conditions.responseTime.seconds", seconds) and not float(seconds) > 0:
            p.add("conditions.responseTime.seconds", f"must be above 0 (got {seconds!r})")
        p.integer(
            "conditions.responseTime.forMinutes",
            response_time.get("forMinutes"),
            MIN_FOR_MINUTES,
            MAX_FOR_MINUTES,
        )
    p.raise_if_any()


def _validate_ping_monitor(p: Problems, ping: PingMonitorArgs) -> int | None:
    """Check the ping monitor; the number of its locations when they are usable."""
    raw: Mapping[str, object] = ping
    if not p.keys("pingMonitor", raw, PingMonitorArgs):
        return None
    if "name" in raw:
        p.text("pingMonitor.name", raw["name"])
    _one_of(p, "pingMonitor.period", raw.get("period"), MonitorPeriod)
    if "verifySsl" in raw:
        p.boolean("pingMonitor.verifySsl", raw["verifySsl"])
    locations = raw.get("locations")
    if not isinstance(locations, list) or not locations:
        p.add(
            "pingMonitor.locations",
            f"expected a list of public locations like US_EAST_1 (got {locations!r})",
        )
        return None
    ok = True
    for index, location in enumerate(locations):
        path = f"pingMonitor.locations[{index}]"
        if isinstance(location, str) and location.startswith("AWS_"):
            p.add(
                path,
                f"public locations take no AWS_ prefix: write {location.removeprefix('AWS_')!r} "
                f"(got {location!r})",
            )
            ok = False
        else:
            ok = p.matches(path, location, LOCATION, "a public location like US_EAST_1") and ok
    return len(locations) if p.distinct("pingMonitor.locations", locations) and ok else None


def _needs_app(p: Problems, condition: str, raw: Mapping[str, object]) -> None:
    if "appName" not in raw:
        p.add(f"conditions.{condition}", "needs appName (the site's New Relic APM app)")


def _one_of(p: Problems, path: str, value: object, allowed: type[StrEnum]) -> None:
    if value is not None:
        p.one_of(path, value, allowed)


def _timeout(p: Problems, path: str, value: object) -> None:
    """A PagerDuty service timeout: whole seconds as a string, or "null" (off)."""
    if value != TIMEOUT_OFF and not (
        isinstance(value, str) and value.isascii() and value.isdigit() and int(value) > 0
    ):
        p.add(
            path,
            f'expected seconds as a string, e.g. "1800", or "null" to turn it off (got {value!r})',
        )
