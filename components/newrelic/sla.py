"""NewRelicPagerDutyChannel's service-level parts: support hours on the service, and the
certificate-expiry check of the site's custom domain with the condition that pages on it.

Support hours, as terraform-provider-pagerduty takes them (pagerduty/resource_pagerduty_service.go):
- `incident_urgency_rule` of type `use_support_hours` carries `during_support_hours` and
  `outside_support_hours` (each `{type: constant, urgency}`) and no `urgency` of its own:
  customizePagerDutyServiceDiff refuses "general urgency cannot be set for a use_support_hours
  incident urgency rule type", and requires "exactly one (otherwise optional) support_hours block";
- `support_hours`: `type` `fixed_time_per_day`, `time_zone` (checked against the provider's list
  of IANA names, util.ValidateTZValueDiagFunc), `days_of_week` 1 = Monday … 7 = Sunday,
  `start_time`/`end_time` as "HH:MM:SS" (the REST API's SupportHours, PagerDuty/api-schema
  reference/REST/openapiv3.json);
- `scheduled_actions`: buildServiceStruct sends one (empty) action for `use_support_hours` when
  none is given, and the provider's docs (website/docs/r/service.html.markdown) say the block is
  required then: `{type: urgency_change, to_urgency: high, at: {type: named_time, name:
  support_hours_start}}`, "only possible … when urgency is set to high for during_support_hours
  and to low for outside_support_hours". The Python SDK names the lists `days_of_weeks`, `ats`.

The certificate check is newrelic.synthetics.CertCheckMonitor (terraform-provider-newrelic,
newrelic/resource_newrelic_synthetics_cert_check_monitor.go): `domain`, `certificate_expiration`
(days), `period`, `status` required, `locations_public`. A non-SIMPLE monitor without
`runtime_type` and `runtime_type_version` is refused since the legacy runtime's end of life
(validateSyntheticMonitorLegacyRuntimeAttributesOnCreate in
structures_newrelic_synthetics_all_monitors_validation_helpers.go), and the provider's docs ask
for NODE_API 22.20.0, which it enforces for this monitor type (set here to avoid drift). The
condition on its failures is an NRQL condition over `SyntheticCheck`, as the provider's guide to
replacing the deprecated synthetics alert condition writes it
(website/docs/guides/migration_guide_alert_conditions.html.markdown).
"""

from typing import Any, Final

import pulumi
import pulumi_newrelic as newrelic

from components.newrelic.args import (
    DEFAULT_CERTIFICATE_PERIOD,
    NewRelicPagerDutyChannelArgs,
    SupportHoursArgs,
)
from components.newrelic.conditions import condition_of
from components.vocabulary import PERIOD_SECONDS, MonitorPeriod, Urgency

SUPPORT_HOURS_TYPE: Final = "fixed_time_per_day"
URGENCY_RULE_WITH_HOURS: Final = "use_support_hours"
RAISE_AT_START: Final = {
    "type": "urgency_change",
    "to_urgency": Urgency.HIGH.value,
    "ats": [{"type": "named_time", "name": "support_hours_start"}],
}
"""Incidents still open at low urgency turn high when support hours start."""
CERT_RUNTIME_TYPE: Final = "NODE_API"
CERT_RUNTIME_VERSION: Final = "22.20.0"


def service_urgency(args: NewRelicPagerDutyChannelArgs) -> dict[str, Any]:
    """The service's urgency inputs: a constant rule (or PagerDuty's default, high), or support
    hours with their rule and the action that raises urgency when they start."""
    hours: SupportHoursArgs | None = args.get("supportHours")
    if hours is None:
        urgency = args.get("urgency")
        rule = {"type": "constant", "urgency": urgency} if urgency is not None else None
        return {"incident_urgency_rule": rule}
    return {
        "incident_urgency_rule": {
            "type": URGENCY_RULE_WITH_HOURS,
            "during_support_hours": {"type": "constant", "urgency": Urgency.HIGH.value},
            "outside_support_hours": {"type": "constant", "urgency": Urgency.LOW.value},
        },
        "support_hours": {
            "type": SUPPORT_HOURS_TYPE,
            "time_zone": hours["timeZone"],
            "days_of_weeks": list(hours["daysOfWeek"]),
            "start_time": hours["startTime"],
            "end_time": hours["endTime"],
        },
        "scheduled_actions": [RAISE_AT_START],
    }


def certificate_nrql(monitor_id: str) -> str:
    """Failed certificate checks of the monitor in the window: 0 while they pass, so the
    condition closes again once the certificate is renewed."""
    return (
        "SELECT filter(count(*), WHERE result = 'FAILED') "
        f"FROM SyntheticCheck WHERE monitorId = '{monitor_id}'"
    )


def create_certificate_check(
    name: str,
    args: NewRelicPagerDutyChannelArgs,
    parent: pulumi.Resource,
    policy: newrelic.AlertPolicy,
) -> newrelic.synthetics.CertCheckMonitor | None:
    """The certificate check of `certificateMonitor` and the NRQL condition in `policy` that pages
    when a check fails."""
    cert = args.get("certificateMonitor")
    if cert is None:
        return None
    period = cert.get("period", DEFAULT_CERTIFICATE_PERIOD)
    days = int(cert["daysBeforeExpiry"])
    monitor = newrelic.synthetics.CertCheckMonitor(
        f"{name}-certificate",
        name=cert.get("name") or f"{cert['domain']} certificate",
        domain=cert["domain"],
        certificate_expiration=days,
        period=period,
        status="ENABLED",
        locations_publics=list(cert["locations"]),
        runtime_type=CERT_RUNTIME_TYPE,
        runtime_type_version=CERT_RUNTIME_VERSION,
        opts=pulumi.ResourceOptions(parent=parent),
    )
    window = PERIOD_SECONDS[MonitorPeriod(period)]
    condition_of(
        parent,
        name,
        "certificate-expiry",
        policy,
        name_text=f"{args['policyName']}: certificate expires within {days} days",
        description=(
            f"The TLS certificate of {cert['domain']} expires in fewer than {days} days (or "
            "could not be checked): renew it, or find out why Pantheon's renewal failed."
        ),
        query=monitor.monitor_id.apply(certificate_nrql),
        operator="above",
        threshold=0,
        window=window,
        duration=window,
        occurrences="AT_LEAST_ONCE",
    )
    return monitor
