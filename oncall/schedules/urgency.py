"""Which hours page at high urgency: a service's support hours as `check` and `calendar` show them.

A PagerDuty service with support hours opens incidents at high urgency during them (the
escalation policy pages, level after level) and at low urgency outside them (responders are
notified by their low-urgency rules, nothing escalates); when support hours start, incidents still
open at low urgency turn high. Without support hours every incident has one urgency.

The services come from the project's stack index (`services_of`); the rest is pure: a resolved
`Paging` (oncall.config.urgency), the time zone its support hours are in, and a horizon; nothing
here reads the clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from components.vocabulary import Urgency
from oncall.config import StackConfig, TeamStackConfig
from oncall.config.presets import days_text
from oncall.config.stackindex import StackIndex
from oncall.config.urgency import Paging, SupportHours, ZoneSource
from oncall.schedules.model import TeamResolution, union

Span = tuple[datetime, datetime]


@dataclass(frozen=True)
class ServicePaging:
    """One PagerDuty service a team's people answer, and its urgency by the hour."""

    label: str
    """What the lines call it, e.g. "service www.example.com (stack example-live)"."""
    stack: str
    """The site stack that creates the service."""
    paging: Paging
    zone: str | None
    """The support hours' time zone as far as it is known offline (None: another project's team
    stack, read when the stack deploys); unused without support hours."""


def _zone_text(hours: SupportHours, zone: str | None) -> str:
    if zone is None:
        return str(ZoneSource.TEAM_STACK)
    if hours.zone_source is ZoneSource.STACK:
        return zone
    return f"{zone}, {hours.zone_source}"


def describe(service: ServicePaging) -> list[str]:
    """What pages at high urgency, in a line or two."""
    paging, hours = service.paging, service.paging.support_hours
    if hours is None:
        if paging.outside is Urgency.HIGH:
            return [f"{service.label}: high urgency at all hours (24/7): every incident pages"]
        return [
            f"{service.label}: low urgency at all hours: responders are notified, nothing "
            "escalates and nobody is paged at high urgency"
        ]
    return [
        f"{service.label}: high urgency {days_text(hours.days)} {hours.start}-{hours.end} "
        f"({_zone_text(hours, service.zone)}): incidents page and escalate",
        f"  low urgency outside them: responders are notified, nothing escalates; an incident "
        f"still open when support hours start ({hours.start}) turns high",
    ]


def high_spans(service: ServicePaging, since: datetime, until: datetime) -> list[Span] | None:
    """The spans of [since, until) when a new incident is high urgency; None when that is not
    known offline (support hours in another project's team stack's zone)."""
    paging, hours = service.paging, service.paging.support_hours
    if hours is None:
        return [(since, until)] if paging.outside is Urgency.HIGH else []
    if service.zone is None:
        return None
    zone = ZoneInfo(service.zone)
    start, end = time.fromisoformat(hours.start), time.fromisoformat(hours.end)
    spans = []
    for day in _local_dates(since, until, zone):
        if day.isoweekday() not in hours.days:
            continue
        lo = datetime.combine(day, start, zone).astimezone(since.tzinfo)
        hi = datetime.combine(day, end, zone).astimezone(since.tzinfo)
        lo, hi = max(lo, since), min(hi, until)
        if lo < hi:
            spans.append((lo, hi))
    return spans


def overlap_hours(spans: Iterable[Span], high: Sequence[Span]) -> float:
    """Hours of `spans` that fall in `high` (both sorted lists of disjoint spans)."""
    total = timedelta()
    for start, end in spans:
        for lo, hi in high:
            if hi <= start:
                continue
            if lo >= end:
                break
            total += min(end, hi) - max(start, lo)
    return total / timedelta(hours=1)


def _local_dates(since: datetime, until: datetime, zone: ZoneInfo) -> Iterable[date]:
    day = since.astimezone(zone).date() - timedelta(days=1)
    last = until.astimezone(zone).date()
    while day <= last:
        yield day
        day += timedelta(days=1)


# --- The services a stack's people answer ---------------------------------------------------------


def services_of(index: StackIndex, stack: str) -> list[ServicePaging]:
    """The PagerDuty services whose incidents reach the stack's people: a site stack's own, or
    those of the site stacks in this project that page through a team stack."""
    config = index.config(stack)
    if isinstance(config, StackConfig):
        label = f"service {config.pagerduty.service}"
        return [_service(config, label, stack, _site_zone(index, stack))]
    if not isinstance(config, TeamStackConfig):
        return []
    found = []
    for name in index.names:
        site = index.site_config(name)
        if site is not None and index.team_stack_of(name) == stack:
            label = f"service {site.pagerduty.service} (stack {name})"
            found.append(_service(site, label, name, config.team.time_zone))
    return found


def _site_zone(index: StackIndex, stack: str) -> str | None:
    """The zone a site stack's support hours fall back to offline: its own team's, or its team
    stack's when that stack is in this project."""
    config = index.site_config(stack)
    if config is None:
        return None
    if config.team is not None:
        return config.team.time_zone
    team_stack = index.team_stack_of(stack)
    owner = index.config(team_stack) if team_stack else None
    return owner.team.time_zone if isinstance(owner, TeamStackConfig) else None


def _service(config: StackConfig, label: str, stack: str, fallback: str | None) -> ServicePaging:
    hours = config.pagerduty.paging.support_hours
    zone = hours.time_zone if hours is not None and hours.time_zone else fallback
    return ServicePaging(label, stack, config.pagerduty.paging, zone)


def lines(services: Sequence[ServicePaging]) -> list[str]:
    """`check`'s and `calendar`'s section on urgency: which hours page at high urgency."""
    if not services:
        return []
    return [
        "Paging urgency (which hours page at high urgency):",
        *(f"  {line}" for service in services for line in describe(service)),
    ]


def high_union(
    services: Sequence[ServicePaging], since: datetime, until: datetime
) -> list[Span] | None:
    """When an incident of any of the services is high urgency; None when one is not known."""
    spans: list[Span] = []
    for service in services:
        found = high_spans(service, since, until)
        if found is None:
            return None
        spans += found
    return union(spans)


def person_high_hours(res: TeamResolution, slug: str, high: Sequence[Span]) -> float:
    """The person's on-call hours (final schedules) that fall in `high`."""
    shifts = union(
        (s.start, s.end) for r in res.schedules.values() for s in r.final.shifts if s.who == slug
    )
    return overlap_hours(shifts, high)
