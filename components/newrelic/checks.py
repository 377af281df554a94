"""NewRelicPagerDutyChannel's input checks: every problem in the args at once, with its path.

The component raises them as one pulumi.InputPropertiesError before it registers anything. The
vocabularies and bounds come from components.vocabulary and the shared checker from
components._args; what is here is how this component's args fit together: a condition needs the
monitor or the APM app it watches, and a ping-failure condition cannot ask for more failing
locations than the monitor checks from, or a longer window than New Relic allows.
"""

from collections.abc import Mapping
from urllib.parse import urlsplit

from components._args import Problems, check_locations
from components.newrelic.args import (
    DEFAULT_PERIOD,
    TIMEOUT_OFF,
    ErrorRateConditionArgs,
    NewRelicConditionsArgs,
    NewRelicPagerDutyChannelArgs,
    PingFailureConditionArgs,
    PingMonitorArgs,
    ResponseTimeConditionArgs,
)
from components.newrelic.sla_checks import check_sla
from components.vocabulary import (
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

_CONDITION_SHAPES: dict[str, type] = {
    "pingFailure": PingFailureConditionArgs,
    "errorRate": ErrorRateConditionArgs,
    "responseTime": ResponseTimeConditionArgs,
}


def validate(args: NewRelicPagerDutyChannelArgs) -> None:
    """Reject bad input before anything is registered: every problem, each with its path."""
    p = Problems("NewRelicPagerDutyChannel")
    raw: Mapping[str, object] = args
    _check_service(p, raw)
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
    if "pingFailure" in usable:
        _check_ping_failure(p, conditions["pingFailure"], ping, locations)
    if "errorRate" in usable:
        _check_error_rate(p, conditions["errorRate"], raw)
    if "responseTime" in usable:
        _check_response_time(p, conditions["responseTime"], raw)
    check_sla(p, raw)
    p.raise_if_any()


def _check_service(p: Problems, raw: Mapping[str, object]) -> None:
    """The top-level inputs: names, the escalation policy, the service's settings, the URL."""
    p.unknown_keys("", raw, NewRelicPagerDutyChannelArgs)
    for key in ("serviceName", "policyName", "siteUrl"):
        p.text(key, raw.get(key))
    if raw.get("escalationPolicyId") in (None, ""):
        p.add("escalationPolicyId", "required, the id of a PagerDuty escalation policy")
    for key in ("serviceImportId", "vendorName", "vendorId", "appName"):
        if key in raw:
            p.text(key, raw[key])
    if "changeEvents" in raw and not isinstance(raw["changeEvents"], bool):
        p.add("changeEvents", f"expected true or false (got {raw['changeEvents']!r})")
    # "" is a description too: an adopted service without one must be sent none.
    if "serviceDescription" in raw:
        p.exact_text("serviceDescription", raw["serviceDescription"])
    for key in ("autoResolveTimeout", "acknowledgementTimeout"):
        if key in raw:
            _timeout(p, key, raw[key])
    p.one_of("urgency", raw.get("urgency"), Urgency, optional=True)
    p.one_of("incidentPreference", raw.get("incidentPreference"), IncidentPreference, optional=True)
    p.one_of(
        "mutingRulesHandling", raw.get("mutingRulesHandling"), MutingRulesHandling, optional=True
    )
    site_url = raw.get("siteUrl")
    url = urlsplit(site_url) if isinstance(site_url, str) else None
    if isinstance(site_url, str) and (
        url is None or url.scheme not in ("https", "http") or not url.hostname
    ):
        p.add("siteUrl", f"expected an absolute http(s) URL (got {site_url!r})")


def _check_ping_failure(
    p: Problems,
    condition: PingFailureConditionArgs,
    ping: PingMonitorArgs | None,
    locations: int | None,
) -> None:
    """At most as many failing locations as the monitor checks from, and a monitor period that
    fits in an alert condition's window."""
    if ping is None:
        p.add("conditions.pingFailure", "needs pingMonitor (there is nothing to ping)")
    elif locations is not None:
        p.integer(
            "conditions.pingFailure.failingLocations",
            condition.get("failingLocations"),
            1,
            locations,
            f"(the monitor checks from {locations} location{'' if locations == 1 else 's'})",
        )
    period = ping.get("period", DEFAULT_PERIOD) if ping is not None else DEFAULT_PERIOD
    if period in PERIOD_SECONDS and PERIOD_SECONDS[MonitorPeriod(period)] > MAX_AGGREGATION_WINDOW:
        p.add(
            "pingMonitor.period",
            f"{period} is longer than the 6-hour window limit of an alert condition; the "
            "ping-failure condition needs EVERY_6_HOURS or shorter",
        )


def _check_error_rate(
    p: Problems, condition: ErrorRateConditionArgs, raw: Mapping[str, object]
) -> None:
    """An APM app to watch, a percentage, and a duration New Relic accepts."""
    _needs_app(p, "errorRate", raw)
    percent = condition.get("percent")
    if p.number("conditions.errorRate.percent", percent) and not (
        0 < float(percent) <= MAX_ERROR_PERCENT
    ):
        p.add("conditions.errorRate.percent", f"must be 0 < percent <= 100 (got {percent!r})")
    p.integer(
        "conditions.errorRate.forMinutes",
        condition.get("forMinutes"),
        MIN_FOR_MINUTES,
        MAX_FOR_MINUTES,
    )


def _check_response_time(
    p: Problems, condition: ResponseTimeConditionArgs, raw: Mapping[str, object]
) -> None:
    """An APM app to watch, a positive threshold, and a duration New Relic accepts."""
    _needs_app(p, "responseTime", raw)
    seconds = condition.get("seconds")
    if p.number("conditions.responseTime.seconds", seconds) and not float(seconds) > 0:
        p.add("conditions.responseTime.seconds", f"must be above 0 (got {seconds!r})")
    p.integer(
        "conditions.responseTime.forMinutes",
        condition.get("forMinutes"),
        MIN_FOR_MINUTES,
        MAX_FOR_MINUTES,
    )


def _validate_ping_monitor(p: Problems, ping: PingMonitorArgs) -> int | None:
    """Check the ping monitor; the number of its locations when they are usable."""
    raw: Mapping[str, object] = ping
    if not p.keys("pingMonitor", raw, PingMonitorArgs):
        return None
    if "name" in raw:
        p.text("pingMonitor.name", raw["name"])
    p.one_of("pingMonitor.period", raw.get("period"), MonitorPeriod, optional=True)
    if "verifySsl" in raw:
        p.boolean("pingMonitor.verifySsl", raw["verifySsl"])
    return check_locations(p, "pingMonitor.locations", raw.get("locations"))


def _needs_app(p: Problems, condition: str, raw: Mapping[str, object]) -> None:
    if "appName" not in raw:
        p.add(f"conditions.{condition}", "needs appName (the site's New Relic APM app)")


def _timeout(p: Problems, path: str, value: object) -> None:
    """A PagerDuty service timeout: whole seconds as a string, or "null" (off)."""
    if value != TIMEOUT_OFF and not (
        isinstance(value, str) and value.isascii() and value.isdigit() and int(value) > 0
    ):
        p.add(
            path,
            f'expected seconds as a string, e.g. "1800", or "null" to turn it off (got {value!r})',
        )
