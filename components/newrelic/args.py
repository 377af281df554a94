"""NewRelicPagerDutyChannel's inputs: the Args TypedDicts, with a docstring under every field.

The SDK's analyzer (pulumi.provider.experimental) reads these classes, their annotations and the
docstrings under their fields to publish the component's schema for other Pulumi languages; the
component (components.newrelic.channel) and its input checks (components.newrelic.checks)
share them, with the defaults the docstrings state that both need.
"""

from typing import NotRequired, TypedDict

import pulumi

from components.vocabulary import MonitorPeriod

DEFAULT_PERIOD = MonitorPeriod.EVERY_5_MINUTES.value
DEFAULT_CERTIFICATE_PERIOD = MonitorPeriod.EVERY_6_HOURS.value
# PagerDuty service timeouts, seconds as strings; "null" turns one off. The provider's defaults
# (terraform-provider-pagerduty, pagerduty/resource_pagerduty_service.go: auto_resolve_timeout
# Default "14400", acknowledgement_timeout Default "1800") are set when the input is absent; with
# "null" it sends JSON null (the client's Service struct has no omitempty on either field), which
# the PagerDuty API takes as "disabled".
TIMEOUT_OFF = "null"


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


class SupportHoursArgs(TypedDict):
    """The service's support hours: incidents are high urgency during them and low outside,
    and those still open at low urgency turn high when they start."""

    timeZone: pulumi.Input[str]
    """IANA time zone of the start and end times, e.g. America/Chicago."""
    daysOfWeek: list[int]
    """ISO days of the week with support hours, 1 = Monday … 7 = Sunday."""
    startTime: str
    """When support hours start each of those days, "HH:MM:SS"."""
    endTime: str
    """When they end, "HH:MM:SS", later the same day."""


class CertificateMonitorArgs(TypedDict):
    """A New Relic Synthetics certificate check of the site's domain, and a condition in the
    policy that pages when it fails (the certificate expires within `daysBeforeExpiry`)."""

    domain: str
    """The host whose certificate is checked, e.g. www.example.com."""
    name: NotRequired[str]
    """Monitor name. Default: "<domain> certificate"."""
    daysBeforeExpiry: int
    """Fail the check when the certificate expires in fewer days than this (at least 1)."""
    period: NotRequired[str]
    """How often it checks, at most EVERY_6_HOURS (the condition looks at one period). Default
    EVERY_6_HOURS."""
    locations: list[str]
    """Public locations to check from, without the AWS_ prefix (e.g. US_EAST_1)."""


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
    """Description of the PagerDuty service. Default: "New Relic alerts for <siteUrl>"; "" for
    none (an adopted service's as it is)."""
    escalationPolicyId: pulumi.Input[str]
    """Id of the PagerDuty escalation policy the service pages."""
    urgency: NotRequired[str]
    """Constant urgency of the service's incidents: high (pages, escalates) or low. Default:
    PagerDuty's own (high). Not with supportHours."""
    supportHours: NotRequired[SupportHoursArgs]
    """Support hours: high urgency during them, low outside (instead of `urgency`)."""
    autoResolveTimeout: NotRequired[str]
    """Seconds (as a string, e.g. "14400") after which PagerDuty resolves an incident that is
    still open, or "null" (the default): never; New Relic resolves it when its issue closes. An
    adopted service (serviceImportId) that auto-resolves keeps its timeout while it is adopted
    (ignore_changes): drop serviceImportId and this, once adopted, to turn it off."""
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
    changeEvents: NotRequired[bool]
    """true: also an Events API v2 integration on the service, for change events (deploy
    markers); its routing key is the output changeEventsRoutingKey. PagerDuty shows change
    events only with its AIOps add-on. Default false."""
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
    certificateMonitor: NotRequired[CertificateMonitorArgs]
    """A certificate-expiry check of the site's custom domain and its condition; absent: none."""
