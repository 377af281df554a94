"""Pantheon environment presets: what each kind of environment gets unless its stack says otherwise.

| env      | urgency | ping monitor                 | pingFailure | errorRate     | responseTime   |
| -------- | ------- | ---------------------------- | ----------- | ------------- | -------------- |
| live     | high    | EVERY_5_MINUTES, 3 locations | 2 locations | 5 % for 5 min | 3 s for 10 min |
| test     | low     | EVERY_15_MINUTES, 1 location | 1 location  | 5 % for 5 min | 3 s for 10 min |
| dev      | low     | —                            | —           | 5 % for 5 min | 3 s for 10 min |
| multidev | low     | —                            | —           | 5 % for 5 min | 3 s for 10 min |

Ping monitor locations:
- live: US_EAST_1, US_WEST_1, EU_WEST_2; verifySsl true
- test: US_EAST_1; verifySsl true

pingFailure pages when the check fails from that many of the monitor's locations at once;
errorRate and responseTime page when the site's New Relic APM app stays above the threshold for
that long. `render_table()` prints the table above from `PRESETS` (a test keeps the two in step).

How a stack overrides a preset (`pantheon-oncall:pagerduty.urgency`, `pantheon-oncall:newrelic.…`):

- each key written replaces the preset's value for that key only (`pingMonitor: {period:
  EVERY_MINUTE}` keeps the preset's locations and verifySsl); `false` turns a part off;
- a part the environment's preset leaves out (dev's ping monitor) takes its missing keys from
  `FALLBACK`, the test preset, when a stack turns it on;
- pingFailure follows the ping monitor: on whenever there is a monitor (with the preset's or the
  fallback's threshold), off when there is none. Writing `pingFailure` without a monitor is a
  config problem, since it could never fire.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
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
class Preset:
    """What one kind of environment gets; None means the part is off."""

    urgency: Urgency
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
    ping_monitor=None,
    ping_failure=None,
    error_rate=_ERROR_RATE,
    response_time=_RESPONSE_TIME,
)

PRESETS: Final[Mapping[EnvKind, Preset]] = MappingProxyType(
    {
        EnvKind.LIVE: Preset(
            urgency=Urgency.HIGH,
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
        preset.urgency.value,
        f"{monitor.period.value}, {_locations(len(monitor.locations))}" if monitor else "—",
        _locations(failure.failing_locations) if failure else "—",
        f"{rate.percent:g} % for {rate.for_minutes} min" if rate else "—",
        f"{time.seconds:g} s for {time.for_minutes} min" if time else "—",
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
    return "\n".join([*lines, "", "Ping monitor locations:", *monitors])
