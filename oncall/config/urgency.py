"""`pagerduty.urgency` and `pagerduty.supportHours`: which hours page at high urgency.

Agencies sell 24/7 and business-hours support. PagerDuty expresses business hours on the service:
`support_hours` (one window per day, on some days of the week, in a time zone), an
`incident_urgency_rule` of type `use_support_hours` (high during, low outside), and a
`scheduled_actions` entry that raises the incidents still open at low urgency to high when
support hours start. This module reads the two keys, merges them over the environment's preset
and says where the time zone comes from; `oncall.config.args` hands the result to the component.

- `urgency: high` or `urgency: low` (one word): that urgency at all hours, as before.
- `urgency: {during: high, outside: low}`: support hours, from `supportHours` or the preset's
  business hours. PagerDuty can raise urgency when support hours start only in that direction
  (terraform-provider-pagerduty, website/docs/r/service.html.markdown, scheduled_actions: "only
  possible … when urgency is set to high for during_support_hours and to low for
  outside_support_hours"), so it is the only pair; the same word twice is a single word.
- `supportHours: {timeZone, days, start, end}`: each key written replaces the preset's business
  hours key (the test preset's, `BUSINESS_HOURS`, where the environment has none); `false`
  turns support hours off (the outside urgency then holds at all hours).

The time zone, when `supportHours.timeZone` is not written: the stack's own team's, else the team
stack's (the site stack reads it from the team stack's `timeZone` output when it deploys), else
there is none: then the key is required when the stack file writes support hours, and the test
preset's business hours do not apply (the preset's one urgency holds at all hours).

A service adopted with `importId` gets support hours only when its stack file writes
`supportHours` or a `{during, outside}` urgency: Pulumi's import fails when an input differs from
what exists, so a preset must not add them to a service that exists without them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Annotated, Literal, Self

from pydantic import AfterValidator, Field, PlainValidator, model_validator

from components.vocabulary import Urgency
from oncall.config.errors import MISSING
from oncall.config.issues import Issue, fail
from oncall.config.presets import BUSINESS_HOURS, BusinessHours
from oncall.config.scalars import Model, TimeZoneName, distinct, or_false
from oncall.config.schedules import WEEKDAY_NUMBERS, TimeOfDay, Weekday


class UrgencyPair(Model):
    """`pagerduty.urgency: {during: high, outside: low}`: high in support hours, low outside."""

    during: Urgency
    """The urgency of incidents opened during support hours: `high`."""
    outside: Urgency
    """The urgency of incidents opened outside support hours: `low`."""

    @model_validator(mode="after")
    def _high_during_low_outside(self) -> Self:
        if self.during is self.outside:
            message = f"the same urgency at all hours is one word: urgency: {self.during}"
            fail(Issue(("outside",), str(self.outside), message))
        if self.during is not Urgency.HIGH:
            message = (
                "PagerDuty raises urgency when support hours start, never lowers it: the pair "
                "is during: high, outside: low"
            )
            fail(Issue(("during",), str(self.during), message))
        return self


def _urgency(value: object) -> Urgency | UrgencyPair:
    if isinstance(value, Urgency | UrgencyPair):
        return value
    if isinstance(value, Mapping):
        return UrgencyPair.model_validate(value)
    if isinstance(value, str):
        try:
            return Urgency(value)
        except ValueError:
            pass
    raise ValueError("expected high or low, or {during: high, outside: low} with support hours")


UrgencySetting = Annotated[Urgency | UrgencyPair, PlainValidator(_urgency)]
"""`pagerduty.urgency`: one word for all hours, or the pair for support hours."""


class SupportHoursSection(Model):
    """`pagerduty.supportHours`: the hours that page at high urgency; keys not written are the
    preset's business hours."""

    time_zone: TimeZoneName | None = None
    """The IANA time zone of `start` and `end`; default the team's."""
    days: Annotated[tuple[Weekday, ...], Field(min_length=1), AfterValidator(distinct)] | None = (
        None
    )
    """The days with support hours, e.g. `[monday, tuesday, wednesday, thursday, friday]`."""
    start: TimeOfDay | None = None
    """When support hours start each of those days, `HH:MM`."""
    end: TimeOfDay | None = None
    """When they end, `HH:MM`, later the same day (PagerDuty has one window per day)."""


SupportHoursOrOff = Annotated[
    SupportHoursSection | Literal[False] | None, or_false(SupportHoursSection)
]


# --- Resolved -------------------------------------------------------------------------------------


class ZoneSource(StrEnum):
    """Where the support hours' time zone comes from."""

    STACK = "supportHours.timeZone"
    TEAM = "the team's time zone"
    TEAM_STACK = "the team stack's time zone"


@dataclass(frozen=True)
class SupportHours(BusinessHours):
    """Support hours with their time zone."""

    time_zone: str | None = None
    """The IANA zone; None: the team stack's, read from its `timeZone` output at deploy time."""
    zone_source: ZoneSource = ZoneSource.STACK


@dataclass(frozen=True)
class Paging:
    """Which urgency the service's incidents get when: `outside` at all hours without support
    hours, else high during them and `outside` (low) otherwise."""

    outside: Urgency
    support_hours: SupportHours | None = None

    @property
    def during(self) -> Urgency:
        """The urgency during support hours (all hours without them)."""
        return Urgency.HIGH if self.support_hours else self.outside


@dataclass(frozen=True)
class TeamZone:
    """The team's time zone as a site stack knows it: its own team's, or its team stack's
    (`zone` None, read at deploy time), or none (an existing escalation policy)."""

    zone: str | None
    source: ZoneSource | None


def resolve_paging(
    urgency: Urgency | UrgencyPair | None,
    support_hours: SupportHoursSection | Literal[False] | None,
    *,
    preset_urgency: Urgency,
    preset_hours: BusinessHours | None,
    adopted: bool,
    team_zone: TeamZone,
    issues: list[Issue],
) -> Paging:
    """The service's paging urgency: the stack's keys over the environment's preset; problems
    added to `issues` at their key paths under `pagerduty`."""
    if isinstance(urgency, Urgency):
        if support_hours:
            message = (
                f"urgency: {urgency} pages the same at all hours: write urgency: {{during: high, "
                "outside: low} for support hours, or remove supportHours"
            )
            issues.append(Issue(("pagerduty", "supportHours"), support_hours, message))
        return Paging(outside=urgency)
    if support_hours is False:
        if isinstance(urgency, UrgencyPair):
            message = "needs support hours, and supportHours is false"
            issues.append(Issue(("pagerduty", "urgency"), urgency, message))
        return Paging(outside=preset_urgency)
    written = isinstance(urgency, UrgencyPair) or support_hours is not None
    no_zone = team_zone.source is None and team_zone.zone is None
    if not written and (preset_hours is None or adopted or no_zone):
        # A preset never adds support hours to an adopted service: its import would differ. Nor
        # to a stack paging an existing escalation policy, which has no team to take the business
        # hours' zone from: it keeps the preset's one urgency at all hours (what it paged before
        # support hours existed) instead of failing a stack file that was valid.
        return Paging(outside=preset_urgency)
    hours = preset_hours or BUSINESS_HOURS
    if support_hours is not None:
        # Merged, they may end before they start: NewRelicPagerDutyChannel's rule, reported at
        # the time the stack file writes (oncall.config.component_check, `_written_time`).
        hours = _merged(hours, support_hours)
    zone = support_hours.time_zone if support_hours is not None else None
    if zone is not None:
        located = SupportHours(**vars(hours), time_zone=zone, zone_source=ZoneSource.STACK)
    elif team_zone.source is not None:
        located = SupportHours(
            **vars(hours), time_zone=team_zone.zone, zone_source=team_zone.source
        )
    else:
        message = (
            "required: support hours need a time zone, and this stack has no team to take it "
            "from (it pages an existing escalation policy); or urgency: low (or high) for one "
            "urgency at all hours"
        )
        issues.append(Issue(("pagerduty", "supportHours", "timeZone"), MISSING, message))
        located = SupportHours(**vars(hours))
    return Paging(outside=Urgency.LOW, support_hours=located)


def _merged(hours: BusinessHours, section: SupportHoursSection) -> BusinessHours:
    days = None if section.days is None else tuple(sorted(WEEKDAY_NUMBERS[d] for d in section.days))
    return replace(
        hours,
        days=days or hours.days,
        start=section.start or hours.start,
        end=section.end or hours.end,
    )
