"""NewRelicPagerDutyChannel's checks of its service-level inputs: support hours and the
certificate check (components.newrelic.sla builds them)."""

import re
from collections.abc import Mapping

from components._args import Problems, check_locations
from components.newrelic.args import (
    DEFAULT_CERTIFICATE_PERIOD,
    CertificateMonitorArgs,
    SupportHoursArgs,
)
from components.vocabulary import MAX_AGGREGATION_WINDOW, PERIOD_SECONDS, MonitorPeriod

_TIME = r"([01][0-9]|2[0-3]):[0-5][0-9]:00"
"""PagerDuty's support hours' times, "HH:MM:SS" (whole minutes)."""


def check_sla(p: Problems, raw: Mapping[str, object]) -> None:
    """`supportHours` and `certificateMonitor`, when given."""
    if "urgency" in raw and "supportHours" in raw:
        # terraform-provider-pagerduty, customizePagerDutyServiceDiff: "general urgency cannot be
        # set for a use_support_hours incident urgency rule type".
        p.add("urgency", "not with supportHours (high during them, low outside)")
    hours = raw.get("supportHours")
    if hours is not None and p.keys("supportHours", hours, SupportHoursArgs):
        assert isinstance(hours, Mapping)
        _check_support_hours(p, hours)
    cert = raw.get("certificateMonitor")
    if cert is not None and p.keys("certificateMonitor", cert, CertificateMonitorArgs):
        assert isinstance(cert, Mapping)
        _check_certificate(p, cert)


def _check_support_hours(p: Problems, hours: Mapping[str, object]) -> None:
    zone = hours["timeZone"]
    if isinstance(zone, str):  # else an Output: the team stack's zone, checked there
        p.time_zone("supportHours.timeZone", zone)
    days = hours["daysOfWeek"]
    if not isinstance(days, list) or not days:
        p.add("supportHours.daysOfWeek", f"expected a list of days 1..7 (got {days!r})")
    else:
        for index, day in enumerate(days):
            p.integer(f"supportHours.daysOfWeek[{index}]", day, 1, 7, "(1 = Monday)")
        p.distinct("supportHours.daysOfWeek", days)
    start, end = hours["startTime"], hours["endTime"]
    ok = p.matches("supportHours.startTime", start, _TIME, 'a time like "09:00:00"')
    ok = p.matches("supportHours.endTime", end, _TIME, 'a time like "17:00:00"') and ok
    if ok and str(start) >= str(end):
        # Both are "HH:MM:00": said as HH:MM, as people (and the stack file) write them.
        p.add(
            "supportHours.endTime",
            f"support hours end after they start, the same day (from {str(start)[:5]} to "
            f"{str(end)[:5]}); PagerDuty has one window per day, so overnight support cannot be "
            f"written (got {end!r})",
        )


def _check_certificate(p: Problems, cert: Mapping[str, object]) -> None:
    domain = cert["domain"]
    if p.text("certificateMonitor.domain", domain) and not re.fullmatch(
        r"[a-z0-9.-]+\.[a-z0-9-]+", str(domain)
    ):
        p.add("certificateMonitor.domain", f"expected a host name (got {domain!r})")
    if "name" in cert:
        p.text("certificateMonitor.name", cert["name"])
    p.integer("certificateMonitor.daysBeforeExpiry", cert["daysBeforeExpiry"], 1, None)
    period = cert.get("period", DEFAULT_CERTIFICATE_PERIOD)
    if p.one_of("certificateMonitor.period", period, MonitorPeriod) and (
        PERIOD_SECONDS[MonitorPeriod(str(period))] > MAX_AGGREGATION_WINDOW
    ):
        p.add(
            "certificateMonitor.period",
            f"{period} is longer than the 6-hour window of the condition on its failures: "
            "EVERY_6_HOURS or shorter",
        )
    check_locations(p, "certificateMonitor.locations", cert["locations"])
