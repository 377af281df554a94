"""Pantheon environment presets: what each kind of environment gets unless its stack says otherwise.

| env      | urgency | ping monitor                 | pingFailure | errorRate     | responseTime   |
| -------- | ------- | ---------------------------- | ----------- | ------------- | -------------- |
| live     | high    | EVERY_5_MINUTES, 3 locations | 2 locations | 5 % for 5 min | 3 s for 10 min |
| test     | hours   | EVERY_15_MINUTES, 1 location | 1 location  | 5 % for 5 min | 3 s for 10 min |
| dev      | low     | —                            | —           | 5 % for 5 min | 3 s for 10 min |
| multidev | low     | —                            | —           | 5 % for 5 min | 3 s for 10 min |

Urgency `hours`: high during business hours (support hours), else low:
- test: high Mon-Fri 09:00-17:00 in the team's time zone, low outside

Ping monitor locations:
- live: US_EAST_1, US_WEST_1, EU_WEST_2; verifySsl true
- test: US_EAST_1; verifySsl true

pingFailure pages when the check fails from that many of the monitor's locations at once;
errorRate and responseTime page when the site's New Relic APM app stays above the threshold for
that long. `render_table()` prints the table above from `PRESETS` (a test keeps the two in step).

Business hours page at high urgency during them and at low urgency outside (an incident still
open when they start turns high). The time zone is the team's: the stack's own `team.timeZone`,
or its team stack's (read from that stack's `timeZone` output when the site stack deploys).

How a stack overrides a preset (`pantheon-oncall:pagerduty.urgency`, `.supportHours`,
`pantheon-oncall:newrelic.…`):

- each key written replaces the preset's value for that key only (`pingMonitor: {period:
  EVERY_MINUTE}` keeps the preset's locations and verifySsl); `false` turns a part off;
- a part the environment's preset leaves out (dev's ping monitor, live's support hours) takes
  its missing keys from `FALLBACK` and `BUSINESS_HOURS`, the test preset, when a stack turns it
  on;
- a service adopted with `pagerduty.importId` gets no support hours from a preset (its import
  must match what exists): only from its own `supportHours` or `urgency: {during, outside}`;
- pingFailure follows the ping monitor: on whenever there is a monitor (with the preset's or the
  fallback's threshold), off when there is none. Writing `pingFailure` without a monitor is a
  config problem, since it could never fire.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import groupby
from types import MappingProxyType
from typing import Final

from components.vocabulary import MonitorPeriod, Urgency
from oncall.config.site import EnvKind


@dataclass(frozen=True)
class PingMonitor:
    """A New Relic Synthetics ping monitor on the site URL."""

    period: MonitorPeriod
    locations: tuple[str, ...]
    """Public location names without the AWS_ prefix, e.g. US_EAST_1."""
    verify_ssl: bool


@dataclass(frozen=True)
class PingFailure:
    """Alert when the ping check fails from this many locations at once."""

    failing_locations: int


@dataclass(frozen=True)
class ErrorRate:
    """Alert when the APM app's error rate stays above `percent` for `for_minutes`."""

    percent: float
    for_minutes: int


@dataclass(frozen=True)
class ResponseTime:
    """Alert when the APM app's response time stays above `seconds` for `for_minutes`."""

    seconds: float
    for_minutes: int


@dataclass(frozen=True)
class BusinessHours:
    """Days and hours of support, without a time zone (a preset's; the team's zone applies)."""

    days: tuple[int, ...]
    """ISO weekday numbers, 1 = Monday … 7 = Sunday, in order."""
    start: str
    """`HH:MM`."""
    end: str
    """`HH:MM`, after `start` the same day."""


BUSINESS_HOURS: Final = BusinessHours(days=(1, 2, 3, 4, 5), start="09:00", end="17:00")
"""The test preset's support hours, Monday to Friday 09:00-17:00 in the team's time zone, and
what support hours written on another environment take their missing keys from."""


@dataclass(frozen=True)
class Preset:
    """What one kind of environment gets; None means the part is off."""

    urgency: Urgency
    """The urgency at all hours, or outside support hours when the preset has them."""
    support_hours: BusinessHours | None
    """High urgency during these hours (in the team's time zone), `urgency` outside them."""
    ping_monitor: PingMonitor | None
    ping_failure: PingFailure | None
    error_rate: ErrorRate | None
    response_time: ResponseTime | None


@dataclass(frozen=True)
class Fallback:
    """Complete values for a part that an environment's preset leaves out."""

    ping_monitor: PingMonitor
    ping_failure: PingFailure
    error_rate: ErrorRate
    response_time: ResponseTime


_ERROR_RATE: Final = ErrorRate(percent=5, for_minutes=5)
_RESPONSE_TIME: Final = ResponseTime(seconds=3, for_minutes=10)
_TEST_MONITOR: Final = PingMonitor(
    period=MonitorPeriod.EVERY_15_MINUTES, locations=("US_EAST_1",), verify_ssl=True
)
_TEST_PING_FAILURE: Final = PingFailure(failing_locations=1)
_NO_PING: Final = Preset(
    urgency=Urgency.LOW,
    support_hours=None,
    ping_monitor=None,
    ping_failure=None,
    error_rate=_ERROR_RATE,
    response_time=_RESPONSE_TIME,
)

PRESETS: Final[Mapping[EnvKind, Preset]] = MappingProxyType(
    {
        EnvKind.LIVE: Preset(
            urgency=Urgency.HIGH,
            support_hours=None,
            ping_monitor=PingMonitor(
                period=MonitorPeriod.EVERY_5_MINUTES,
                locations=("US_EAST_1", "US_WEST_1", "EU_WEST_2"),
                verify_ssl=True,
            ),
            ping_failure=PingFailure(failing_locations=2),
            error_rate=_ERROR_RATE,
            response_time=_RESPONSE_TIME,
        ),
        EnvKind.TEST: Preset(
            urgency=Urgency.LOW,
            support_hours=BUSINESS_HOURS,
            ping_monitor=_TEST_MONITOR,
            ping_failure=_TEST_PING_FAILURE,
            error_rate=_ERROR_RATE,
            response_time=_RESPONSE_TIME,
        ),
        EnvKind.DEV: _NO_PING,
        EnvKind.MULTIDEV: _NO_PING,
    }
)
"""The presets, one per kind of Pantheon environment."""

FALLBACK: Final = Fallback(
    ping_monitor=_TEST_MONITOR,
    ping_failure=_TEST_PING_FAILURE,
    error_rate=_ERROR_RATE,
    response_time=_RESPONSE_TIME,
)
"""The test preset's parts: where a part an environment's preset leaves out takes its keys from."""


def _cells(preset: Preset) -> tuple[str, ...]:
    monitor, failure = preset.ping_monitor, preset.ping_failure
    rate, time = preset.error_rate, preset.response_time
    return (
        _urgency(preset),
        f"{monitor.period.value}, {_locations(len(monitor.locations))}" if monitor else "—",
        _locations(failure.failing_locations) if failure else "—",
        f"{rate.percent:g} % for {rate.for_minutes} min" if rate else "—",
        f"{time.seconds:g} s for {time.for_minutes} min" if time else "—",
    )


def _urgency(preset: Preset) -> str:
    return preset.urgency.value if preset.support_hours is None else "hours"


DAY_NAMES: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
"""ISO weekdays 1 … 7 as tables and `check` show them."""


def days_text(days: Sequence[int]) -> str:
    """ISO weekdays as people write them: `Mon-Fri`, `Mon, Wed, Fri`, `every day`."""
    if tuple(days) == tuple(range(1, 8)):
        return "every day"
    runs = []
    for _, group in groupby(enumerate(days), key=lambda pair: pair[1] - pair[0]):
        run = [day for _, day in group]
        first, last = DAY_NAMES[run[0] - 1], DAY_NAMES[run[-1] - 1]
        if len(run) > 2:
            runs.append(f"{first}-{last}")
        else:
            runs.extend(DAY_NAMES[day - 1] for day in run)
    return ", ".join(runs)


def _hours_line(kind: EnvKind, preset: Preset, hours: BusinessHours) -> str:
    return (
        f"- {kind.value}: high {days_text(hours.days)} {hours.start}-{hours.end} in the team's "
        f"time zone, {preset.urgency.value} outside"
    )


def _locations(count: int) -> str:
    return f"{count} location{'s' if count > 1 else ''}"


def render_table() -> str:
    """The presets as the Markdown table in this module's docstring, with the ping locations."""
    header = ("env", "urgency", "ping monitor", "pingFailure", "errorRate", "responseTime")
    body = [(kind.value, *_cells(preset)) for kind, preset in PRESETS.items()]
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]
    rule = tuple("-" * width for width in widths)
    lines = [
        "| " + " | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) + " |"
        for row in [header, rule, *body]
    ]
    monitors = [
        f"- {kind.value}: {', '.join(preset.ping_monitor.locations)}; "
        f"verifySsl {str(preset.ping_monitor.verify_ssl).lower()}"
        for kind, preset in PRESETS.items()
        if preset.ping_monitor
    ]
    hours = [
        _hours_line(kind, preset, preset.support_hours)
        for kind, preset in PRESETS.items()
        if preset.support_hours
    ]
    return "\n".join(
        [
            *lines,
            "",
            "Urgency `hours`: high during business hours (support hours), else low:",
            *hours,
            "",
            "Ping monitor locations:",
            *monitors,
        ]
    )


@dataclass(frozen=True)
class CertificateMonitor:
    """A New Relic Synthetics certificate check of the site's custom domain."""

    days: int
    """Fail (and page) when the certificate expires in fewer days than this."""
    period: MonitorPeriod
    locations: tuple[str, ...]


CERTIFICATE_MONITOR: Final = CertificateMonitor(
    days=14, period=MonitorPeriod.EVERY_6_HOURS, locations=("US_EAST_1",)
)
"""Every environment with a custom domain gets it (`*.pantheonsite.io` certificates are
Pantheon's). Pantheon renews its Let's Encrypt certificates well before their last 30 days, so
14 days left means the renewal failed, with two weeks to act; one location and four checks a
day are enough for a certificate."""
