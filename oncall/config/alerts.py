"""`pantheon-oncall:pagerduty` and `pantheon-oncall:newrelic`: the alerts, over the presets.

The PagerDuty service New Relic opens incidents on, and the New Relic policy, ping monitor and
conditions that page it. Each key a stack writes replaces its environment's preset value
(`oncall.config.presets`) for that key only; `resolve_pagerduty` and `resolve_newrelic` merge
them once, when the stack is parsed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Annotated, Final, Literal, TypeVar

from pydantic import PlainValidator
from pydantic.alias_generators import to_camel

from components.vocabulary import (
    IncidentPreference,
    MonitorPeriod,
    whole_number,
)
from oncall.config.certificate import CertificateMonitorOrOff, resolve_certificate_monitor
from oncall.config.issues import Issue, Loc
from oncall.config.presets import (
    FALLBACK,
    PRESETS,
    CertificateMonitor,
    ErrorRate,
    PingFailure,
    PingMonitor,
    Preset,
    ResponseTime,
)
from oncall.config.scalars import (
    Description,
    Location,
    Model,
    Name,
    PagerDutyId,
    RealNumber,
    WholeNumber,
    or_false,
)
from oncall.config.site import Site
from oncall.config.urgency import (
    Paging,
    SupportHoursOrOff,
    TeamZone,
    UrgencySetting,
    resolve_paging,
)

APP_NAME_TEMPLATE: Final = "{name} ({env})"
"""Default New Relic APM app name of a site environment, e.g. "example (live)"."""

SERVICE_DESCRIPTION_TEMPLATE: Final = "New Relic alerts for {url}"
"""Default description of the PagerDuty service."""


def _minutes_or_off(value: object) -> int | Literal[False]:
    if value is False:
        return False
    minutes = whole_number(value)
    if minutes is None or minutes < 1:
        raise ValueError("expected a whole number of minutes (at least 1), or false for never")
    return minutes


MinutesOrOff = Annotated[int | Literal[False], PlainValidator(_minutes_or_off)]


class PagerDutySection(Model):
    """`pantheon-oncall:pagerduty` — the PagerDuty service New Relic opens incidents on."""

    service: Name | None = None
    """The PagerDuty service's name; default the site's domain."""
    description: Description | None = None
    """Absent: "New Relic alerts for <url>"; "" for none (an adopted service's as it is)."""
    import_id: PagerDutyId | None = None
    """Adopt the service PagerDuty already has under this id (retained on destroy)."""
    vendor_id: PagerDutyId | None = None
    """The New Relic vendor's id, when looking it up by name finds the wrong one."""
    urgency: UrgencySetting | None = None
    """The urgency of the incidents New Relic opens: `high` or `low` at all hours, or `{during:
    high, outside: low}` with support hours; default the environment's preset."""
    support_hours: SupportHoursOrOff = None
    """The hours that page at high urgency, `{timeZone, days, start, end}` (low outside them);
    keys not written are the preset's business hours; `false` for none."""
    auto_resolve_minutes: MinutesOrOff | None = None
    """Resolve an incident still open after this long; absent or false: never (New Relic resolves
    it when its issue closes)."""
    acknowledgement_timeout_minutes: MinutesOrOff | None = None
    """Trigger (page) an acknowledged incident again after this long; absent: 30; false: never."""
    change_events: bool = False
    """true: an Events API v2 integration on the service for change events (`oncall
    quicksilver`); its routing key is the secret output `changeEventsRoutingKey`. PagerDuty shows
    change events only with its AIOps add-on."""


class PingMonitorSection(Model):
    """`newrelic.pingMonitor`: keys written here replace the preset's (`false`: no monitor)."""

    period: MonitorPeriod | None = None
    """How often it pings, e.g. `EVERY_5_MINUTES`."""
    locations: tuple[Location, ...] | None = None
    """The New Relic public locations it pings from, e.g. `US_EAST_1`."""
    verify_ssl: bool | None = None
    """Whether a bad TLS certificate fails the ping."""


class PingFailureSection(Model):
    """`newrelic.conditions.pingFailure`: page when the check fails from this many locations."""

    failing_locations: WholeNumber | None = None
    """How many locations must fail at the same time."""


class ErrorRateSection(Model):
    """`newrelic.conditions.errorRate`: page when errors stay above `percent` for a while."""

    percent: RealNumber | None = None
    """The error rate, in percent of requests, above which it alerts."""
    for_minutes: WholeNumber | None = None
    """For how many minutes the rate must stay above it."""


class ResponseTimeSection(Model):
    """`newrelic.conditions.responseTime`: page when responses stay slower than `seconds`."""

    seconds: RealNumber | None = None
    """The response time, in seconds, above which it alerts."""
    for_minutes: WholeNumber | None = None
    """For how many minutes it must stay above it."""


# Each part is a mapping merged over the preset, `false` to turn it off, or absent (the preset).
PingMonitorOrOff = Annotated[
    PingMonitorSection | Literal[False] | None, or_false(PingMonitorSection)
]
PingFailureOrOff = Annotated[
    PingFailureSection | Literal[False] | None, or_false(PingFailureSection)
]
ErrorRateOrOff = Annotated[ErrorRateSection | Literal[False] | None, or_false(ErrorRateSection)]
ResponseTimeOrOff = Annotated[
    ResponseTimeSection | Literal[False] | None, or_false(ResponseTimeSection)
]


class ConditionsSection(Model):
    """`newrelic.conditions`: the alert conditions of the site's policy."""

    ping_failure: PingFailureOrOff = None
    """Alert when the ping fails from several locations at once, or `false`."""
    error_rate: ErrorRateOrOff = None
    """Alert on the APM app's error rate, or `false`."""
    response_time: ResponseTimeOrOff = None
    """Alert on the APM app's response time, or `false`."""


class NewRelicSection(Model):
    """`pantheon-oncall:newrelic` — overrides of the environment's preset, key by key."""

    policy_name: Name | None = None
    """The New Relic alert policy's name; default the site's domain."""
    apm: bool = True
    """false: the environment has no New Relic APM app; no APM conditions, no app lookup."""
    app_name: Name | None = None
    """The site's New Relic APM app; default "<site> (<env>)" (`APP_NAME_TEMPLATE`)."""
    incident_preference: IncidentPreference = IncidentPreference.PER_POLICY
    """How New Relic groups incidents: `PER_POLICY` (the guide's "first critical event"),
    `PER_CONDITION` or `PER_CONDITION_AND_TARGET`."""
    ping_monitor: PingMonitorOrOff = None
    """The synthetic ping monitor of the site's URL, or `false` for none; default the
    environment's preset."""
    conditions: ConditionsSection = ConditionsSection()
    """The alert conditions; each can be overridden key by key, or turned off with `false`."""
    certificate_monitor: CertificateMonitorOrOff = None
    """The certificate-expiry check of the site's custom domain (`days`, `period`,
    `locations`), or `false` for none; default 14 days, every 6 hours, from US_EAST_1."""


# --- Resolved sections ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PagerDutySettings:
    """The PagerDuty service, with defaults and the preset's urgency filled in."""

    service: str
    description: str
    import_id: str | None
    vendor_id: str | None
    paging: Paging
    """Which urgency incidents get when (support hours or one urgency at all hours)."""
    auto_resolve_minutes: int | Literal[False] | None = None
    """None: the component's default (never)."""
    acknowledgement_timeout_minutes: int | Literal[False] | None = None
    """None: the component's default (30 minutes)."""
    change_events: bool = False
    """An Events API v2 integration for change events (the Quicksilver hook's)."""


@dataclass(frozen=True)
class NewRelicSettings:
    """The New Relic side, preset merged with the stack's overrides; None means off."""

    policy_name: str
    app_name: str
    incident_preference: IncidentPreference
    ping_monitor: PingMonitor | None
    ping_failure: PingFailure | None
    error_rate: ErrorRate | None
    response_time: ResponseTime | None
    certificate_monitor: CertificateMonitor | None = None
    """The certificate check of the custom domain; None without one, or when turned off."""
    apm: bool = True
    """Whether the environment has a New Relic APM app (`newrelic.apm`); without one there are no
    APM conditions, and the Quicksilver hook marks no deployment."""


# --- Presets --------------------------------------------------------------------------------------


_T = TypeVar("_T")


def _first(value: _T | None, default: _T) -> _T:
    return default if value is None else value


def resolve_pagerduty(
    section: PagerDutySection, site: Site, team_zone: TeamZone, issues: list[Issue]
) -> PagerDutySettings:
    """The PagerDuty service: the stack's keys, else the site's defaults and the preset's urgency
    and support hours (in `team_zone`); problems added to `issues`."""
    preset = PRESETS[site.env_kind]
    paging = resolve_paging(
        section.urgency,
        section.support_hours,
        preset_urgency=preset.urgency,
        preset_hours=preset.support_hours,
        adopted=section.import_id is not None,
        team_zone=team_zone,
        issues=issues,
    )
    return PagerDutySettings(
        service=section.service or site.host,
        description=_first(section.description, SERVICE_DESCRIPTION_TEMPLATE.format(url=site.url)),
        import_id=section.import_id,
        vendor_id=section.vendor_id,
        paging=paging,
        auto_resolve_minutes=section.auto_resolve_minutes,
        acknowledgement_timeout_minutes=section.acknowledgement_timeout_minutes,
        change_events=section.change_events,
    )


_D = TypeVar("_D", PingMonitor, PingFailure, ErrorRate, ResponseTime)


def _merged(override: Model | Literal[False] | None, preset: _D | None, fallback: _D) -> _D | None:
    """The preset with the override's keys written over it; `false` turns the part off."""
    if override is False:
        return None
    if override is None:
        return preset
    return replace(preset or fallback, **override.model_dump(exclude_none=True))


def resolve_newrelic(section: NewRelicSection, site: Site, issues: list[Issue]) -> NewRelicSettings:
    """The New Relic side: the preset with the stack's keys merged over it; problems (a condition
    that could never fire) added to `issues`."""
    preset, conditions = PRESETS[site.env_kind], section.conditions
    monitor = _merged(section.ping_monitor, preset.ping_monitor, FALLBACK.ping_monitor)
    if not section.apm:
        issues.extend(_apm_conditions_without_apm(conditions))
        conditions = conditions.model_copy(update={"error_rate": False, "response_time": False})
    return NewRelicSettings(
        policy_name=section.policy_name or site.host,
        app_name=section.app_name or APP_NAME_TEMPLATE.format(name=site.name, env=site.env),
        incident_preference=section.incident_preference,
        ping_monitor=monitor,
        ping_failure=_ping_failure(conditions.ping_failure, preset, monitor, issues),
        error_rate=_merged(conditions.error_rate, preset.error_rate, FALLBACK.error_rate),
        response_time=_merged(
            conditions.response_time, preset.response_time, FALLBACK.response_time
        ),
        certificate_monitor=resolve_certificate_monitor(section.certificate_monitor, site, issues),
        apm=section.apm,
    )


def _apm_conditions_without_apm(conditions: ConditionsSection) -> list[Issue]:
    """With `apm: false`, an APM condition written in the stack could never fire."""
    return [
        Issue(
            ("newrelic", "conditions", to_camel(field)),
            getattr(conditions, field),
            "needs the site's APM app, and newrelic.apm is false: remove this, or the apm key",
        )
        for field in ("error_rate", "response_time")
        if getattr(conditions, field)
    ]


def _ping_failure(
    override: PingFailureSection | Literal[False] | None,
    preset: Preset,
    monitor: PingMonitor | None,
    issues: list[Issue],
) -> PingFailure | None:
    """pingFailure follows the monitor; a preset threshold is capped at its location count."""
    loc: Loc = ("newrelic", "conditions", "pingFailure")
    if override is False or (monitor is None and override is None):
        return None
    if monitor is None:
        issues.append(Issue(loc, override, "needs a ping monitor (newrelic.pingMonitor)"))
        return None
    base = preset.ping_failure or FALLBACK.ping_failure
    if override is None or override.failing_locations is None:
        return replace(base, failing_locations=min(base.failing_locations, len(monitor.locations)))
    return PingFailure(failing_locations=override.failing_locations)
